"""The instructor's main job on embedded defaults: what `course-kit demo` runs.

Needs no network, no GPU and no data beside the package: it writes this
term's test vectors, runs the MP's graded checks on the reference layers,
and samples videos from every shipped MoCoGAN to GIFs (one row per action).
It returns where each output is, so the command can end by listing them.
"""

from __future__ import annotations

from pathlib import Path

from . import checks, layers
from .media import tile_videos, write_video
from .pretrained import PRETRAINED_DIR, load_pretrained, read_manifest
from .vectors import load_vectors, write_vectors


def sample_shipped_models(out: Path, seed: int = 0, per_action: int = 4, n_frames: int = 16,
                          directory: str | Path = PRETRAINED_DIR) -> dict[str, Path]:
    """One GIF grid per shipped MoCoGAN: a row per action (or 8 videos if unconditional)."""
    written = {}
    for name, entry in sorted(read_manifest(directory).items()):
        if entry["kind"] != "mocogan":
            continue
        model = load_pretrained(name, device="cpu", directory=directory)
        if model.actions:
            actions = [a for a in model.actions for _ in range(per_action)]
            n = len(actions)
            videos = model.generate(list(range(seed, seed + n)), list(range(seed + n, seed + 2 * n)),
                                    action=actions, n_frames=n_frames)
            grid = tile_videos(videos, columns=per_action)
        else:
            grid = tile_videos(model.sample(8, n_frames=n_frames, seed=seed), columns=4)
        written[f"videos from {name}"] = write_video(out / f"{name}.gif", grid, fps=8)
    return written


def run_demo(out: str | Path = "demo-output", seed: int = 0, log=print) -> tuple[bool, dict[str, Path]]:
    """Run the pipeline; returns (all checks passed, {what: path})."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    outputs: dict[str, Path] = {}
    log(f"== test vectors (seed {seed}) ==")
    outputs["test vectors"] = write_vectors(seed, out / "solutions.json")
    log(f"wrote {outputs['test vectors']}")
    log("== the MP's graded checks on the reference layers ==")
    results = checks.run_all(layers.MyLinear, layers.MyLSTMCell, layers.LSTM,
                             load_vectors(outputs["test vectors"]))
    for name, ok, message in results:
        log(f"[{'PASS' if ok else 'FAIL'}] {name:<17} {message}")
    failed = sum(not ok for _, ok, _ in results)
    log(f"reference layers: {len(results) - failed} passed, {failed} failed")
    log("== videos from the shipped MoCoGAN models ==")
    videos = sample_shipped_models(out, seed)
    for what, path in videos.items():
        log(f"wrote {path}")
    outputs.update(videos)
    return failed == 0, outputs
