"""Benchmark: one training step in float32 against bfloat16 autocast on this CPU, SVG and MoCoGAN.

CPUs with AVX-512 BF16 (or AMX) run bfloat16 matrix products faster; whether
a whole training step gets faster depends on how much of it is convolutions
and matrix products. Each step runs under ``torch.autocast("cpu",
torch.bfloat16)`` or not, round-robin in one process (``median_seconds``),
so a busy neighbour slows both alike and the ratio stays meaningful. The
quality side (does bf16 train as well?) is in the README: it needs whole runs.
"""

from __future__ import annotations

import contextlib
import tempfile

import torch

from .timing import load_average, median_seconds


def _autocast(bf16: bool):
    return torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()


def _svg_step(nf: int, batch: int):
    """A closure running one SVG training step (the shipped recipe's shapes) on a fixed kicked batch."""
    import numpy as np
    from ..svg.model import SVG, SVGConfig
    from ..svg.objective import training_loss
    from ..svg.world import simulate
    torch.manual_seed(0)
    model = SVG(SVGConfig(nf=nf))
    opt = torch.optim.Adam(model.parameters(), 2e-3)
    clips = simulate(batch, n_frames=12, seed=0, kick_at=1)
    video = torch.from_numpy(clips.frames).permute(0, 4, 1, 2, 3).float() / 255
    cond = torch.from_numpy(np.concatenate([clips.actions, clips.positions], -1))

    def step(bf16: bool):
        with _autocast(bf16):
            loss = training_loss(model, video, cond, beta=1e-4, tf_ratio=1.0,
                                 generator=torch.Generator().manual_seed(0))["loss"]
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def _mocogan_step(out: str, ngf: int, ndf: int, ndf_video: int):
    """A closure running one MoCoGAN alternating update (D_I, D_V, then G_I and R_M) on procedural shapes."""
    from .training import shapes_trainer
    trainer = shapes_trainer(out, device="cpu", ngf=ngf, ndf=ndf, ndf_video=ndf_video)

    def step(bf16: bool):
        with _autocast(bf16):
            trainer.train_step()
    return step


def run(repeats: int = 7, svg_nf: int = 16, svg_batch: int = 16, ngf: int = 16, ndf: int = 16,
        ndf_video: int = 8) -> dict[str, dict[str, float]]:
    """Median seconds per step, fp32 and bf16, for each model; returns {model: {"fp32": s, "bf16": s}}."""
    figures = {}
    with tempfile.TemporaryDirectory(prefix="course-kit-bench-precision-") as out:
        steps = {f"svg (nf {svg_nf}, batch {svg_batch})": _svg_step(svg_nf, svg_batch),
                 f"mocogan (ngf {ngf}, ndf {ndf}, D_V {ndf_video})": _mocogan_step(out, ngf, ndf, ndf_video)}
        for name, step in steps.items():
            t = median_seconds({"fp32": lambda: step(False), "bf16": lambda: step(True)}, repeats=repeats)
            figures[name] = t
    return figures


def report(figures: dict) -> str:
    lines = [f"One training step, float32 against bfloat16 autocast ({torch.get_num_threads()} CPU threads, "
             f"load average {load_average():.2f}); median seconds per step"]
    for name, t in figures.items():
        lines.append(f"  {name}: fp32 {t['fp32']:.3f} s, bf16 {t['bf16']:.3f} s, "
                     f"bf16 speed-up {t['fp32'] / t['bf16']:.2f}x")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """`course-kit bench precision [--threads N] [--repeats N]`."""
    import argparse
    p = argparse.ArgumentParser(prog="course-kit bench precision", description=__doc__)
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--repeats", type=int, default=7, help="timed steps per precision (after 2 warm-up rounds)")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    print(report(run(a.repeats)))
    return 0
