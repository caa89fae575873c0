"""Benchmark: what the video widgets send to the browser, and how fast the explorer reacts.

Payloads are measured on real content: the kit's procedural shape videos,
samples of a MoCoGAN (the shipped "weizmann-actions" model when installed),
and real Weizmann frames when ``--data`` points at the strip files (or
``../shared/data`` sits beside the checkout). Each technique's bytes are
those a display sends: ipywidgets ``Image`` widgets send one PNG per frame,
our player one sprite sheet per video plus the kernel-less APNG fallback
(base64, in the display message).

Explorer latency is the time from a control change to the new videos being
encoded and handed to the comm, median of ``--repeats``, for each mode at
64x64 and 16 frames: a typed seed nobody could guess (rendered on the spot),
a seed stepped by one and a "new content" press (both rendered ahead while
the previous video played).
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ..widgets import MoCoGANExplorer, VideoGrid, VideoPlayer
from ..widgets.encode import encode_apng, encode_sprite


def _png_per_frame(video: np.ndarray) -> int:
    total = 0
    for frame in video:
        buffer = io.BytesIO()
        Image.fromarray(frame).save(buffer, "PNG")
        total += len(buffer.getvalue())
    return total


def _gif(video: np.ndarray, fps: float = 8) -> int:
    frames = [Image.fromarray(f) for f in video]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:],
                   duration=int(1000 / fps), loop=0)
    return len(buffer.getvalue())


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - start) * 1000


def _model(name: str):
    """(model, description): a shipped model or a training checkpoint (file or run folder),
    else the same architecture untrained."""
    try:
        from ..mocogan.model import load_mocogan
        return load_mocogan(name, device="cpu").eval(), f"{name!r}"
    except Exception as error:  # not shipped yet / not installed
        from ..mocogan import MoCoGAN, MoCoGANConfig
        torch.manual_seed(0)
        config = MoCoGANConfig(image_size=64, action_names=["wave one hand", "wave two hands",
                                                            "jumping jack", "bend"])
        reason = str(error).splitlines()[0][:80]
        return MoCoGAN(config).eval(), (f"untrained MoCoGAN (default 64x64 architecture; "
                                        f"{name!r} unavailable: {reason})")


def _weizmann(data: Path | None, n: int, T: int) -> list[np.ndarray]:
    if data is None or not data.is_dir():
        return []
    from ..data.readers import read_strip
    videos = []
    for path in sorted(p for p in data.rglob("*") if p.is_file())[:: 4][:n]:
        video = read_strip(path)
        if len(video) >= T:
            videos.append(np.ascontiguousarray(video[:T, :, :, :3]))
    return videos


def payload_rows(sources: dict[str, list[np.ndarray]]) -> list[str]:
    lines = ["payload of one 32-frame 64x64 video (KB; first video of each source)",
             f"  {'source':<28}{'PNG/frame':>10}{'GIF':>8}{'sprite':>8}{'sprite':>8}{'sprite':>8}"
             f"{'fallback':>10}{'player':>9}{'jpeg ms':>9}",
             f"  {'':<28}{'(Image)':>10}{'':>8}{'JPEG90':>8}{'WebP90':>8}{'PNG':>8}"
             f"{'APNG b64':>10}{'total':>9}{'':>9}"]
    for name, videos in sources.items():
        video = videos[0]
        encode_sprite(video, "jpeg")   # warm-up: the first call loads the encoder
        _, jpeg_ms = _timed(lambda: encode_sprite(video, "jpeg"))
        sizes = [_png_per_frame(video), _gif(video), len(encode_sprite(video, "jpeg")),
                 len(encode_sprite(video, "webp")), len(encode_sprite(video, "png")),
                 len(base64.b64encode(encode_apng(video, colors=128)))]
        total = VideoPlayer(video).payload_bytes()["total"]
        lines.append(f"  {name:<28}" + "".join(f"{s / 1000:>{w}.1f}" for s, w in
                                                zip(sizes, (10, 8, 8, 8, 8, 10)))
                     + f"{total / 1000:>9.1f}{jpeg_ms:>9.1f}")
    lines.append("4x4 grid of 32-frame 64x64 videos (KB)")
    for name, videos in sources.items():
        if len(videos) < 16:
            continue
        grid = VideoGrid(videos[:16], titles=[f"video {i}" for i in range(16)])
        sizes = grid.payload_bytes()
        animated = "animated" if grid.fallback_png()[1] else "still (over budget)"
        lines.append(f"  {name:<28} widget {sizes['widget state (without front-end code)'] / 1000:7.1f}"
                     f"  fallback {sizes['fallback image/png (base64)'] / 1000:7.1f} ({animated})"
                     f"  total {sizes['total'] / 1000:7.1f}  (target < 2000)")
    lines.append("targets: one video < 200 KB, a 4x4 grid < 2000 KB (fallback and front-end code included)")
    return lines


def _median_change(explorer, changes) -> dict[str, float]:
    """Medians over ``changes`` (callables that each change one control).

    Wall ms per change, CPU ms (all threads: what an idle machine would need),
    and wall ms spent in model.generate. Before each change the explorer's
    rendering ahead is let finish, as it is while a student watches the video.
    """
    totals, cpu, generate = [], [], []
    for change in changes:
        explorer.wait_prefetch(120)
        start_cpu = time.process_time()
        change()
        cpu.append((time.process_time() - start_cpu) * 1000)
        totals.append(explorer.last_update_seconds * 1000)
        generate.append(explorer.last_model_seconds * 1000)
    return {"wall": statistics.median(totals), "cpu": statistics.median(cpu),
            "generate": statistics.median(generate)}


def _set(box, value):
    return lambda: setattr(box, "value", value)


def explorer_latency(model, repeats: int) -> list[str]:
    lines = []
    for mode in ("single", "vary_motion", "vary_content"):
        explorer = MoCoGANExplorer(model, n_frames=16, mode=mode, grid_size=4)
        n = len(explorer.seeds()[0])
        step_box = explorer.motion_seed if mode == "vary_motion" else explorer.content_seed
        cases = [
            ("typed new seed", [_set(explorer.content_seed, 1000 * (i + 1)) for i in range(repeats)]),
            ("seed + 1", [lambda: setattr(step_box, "value", step_box.value + 1)] * repeats),
            ("new content button", [explorer.new_content.click] * repeats),
        ]
        for case, changes in cases:
            t = _median_change(explorer, changes)
            lines.append(f"  {mode:<13} {n} video{'s' if n > 1 else ' '}, {case:<18}: {t['wall']:7.1f} ms "
                         f"(model.generate {t['generate']:6.1f}, encode + send "
                         f"{max(0.0, t['wall'] - t['generate']):5.1f}; CPU time {t['cpu']:7.1f} ms)"
                         f"  {'OK' if t['wall'] < 150 else 'OVER'} (target < 150)")
        explorer.close()
    return lines


def main(argv: list[str]) -> int:
    """`course-kit bench widgets [--repeats N] [--model NAME] [--data DIR]`."""
    parser = argparse.ArgumentParser(prog="course-kit bench widgets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=9, help="control changes timed per mode")
    parser.add_argument("--model", default="weizmann-actions",
                        help="shipped model name or training checkpoint for the explorer "
                             "(default: weizmann-actions)")
    default_data = Path.cwd().parent / "shared" / "data" / "weizmann-actions-64"
    parser.add_argument("--data", type=Path, default=default_data if default_data.is_dir() else None,
                        help="folder of Weizmann strip files for a real-video row (optional)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    from ..data.shapes import shape_motion_videos
    model, described = _model(args.model)
    with torch.no_grad():
        samples = model.generate(list(range(16)), list(range(100, 116)), n_frames=32).numpy()
    sources = {"shapes (procedural)": list(shape_motion_videos(16, seed=0, n_frames=32)[0]),
               "MoCoGAN samples": list(samples)}
    real = _weizmann(args.data, 16, 32)
    if real:
        sources["Weizmann real frames"] = real
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"CPU, {torch.get_num_threads()} torch threads, load average {load} "
          f"(on {os.cpu_count()} cores); model: {described}")
    for line in payload_rows(sources):
        print(line)
    print(f"explorer update latency (64x64, 16 frames, median of {args.repeats}):")
    for line in explorer_latency(model, args.repeats):
        print(line)
    return 0
