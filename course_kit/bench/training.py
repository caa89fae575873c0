"""Benchmark: MoCoGAN training throughput (steps per second) on this machine.

One step is the paper's alternating update (D_I and D_V, then G_I and R_M)
on a batch of videos and frames. The data is the procedural shape-motion set
made in memory, so the figure measures the networks, not a disk. The widths
default to the shipped `weizmann-actions` recipe; pass the full-size widths
(--ngf 64 --ndf 64) to see what a GPU run costs, --image-size 96 for the
original MP's frame size, and the recipe flags (--amp-cpu, --mbstd, --r1,
--ema, --pair-d) to time the recipe a shipped model was trained with.
"""

from __future__ import annotations

import tempfile
import time

import torch

from ..mocogan.commands import TRAIN_OPTIONS
from ..mocogan.train import TrainConfig, Trainer
from .timing import load_average


# TrainConfig fields a benchmark may set besides the widths: the recipe's cost, not where a run lives.
RECIPE_FIELDS = ("amp_cpu", "mbstd", "r1", "r1_every", "ema", "pair_d")


def shapes_trainer(out: str, device: str | None = None, threads: int | None = None, ngf: int = 32, ndf: int = 32,
                   ndf_video: int = 16, video_batch: int = 8, image_batch: int = 16, n_frames: int = 16,
                   image_size: int = 64, **recipe) -> Trainer:
    """A MoCoGAN trainer on 64 in-memory procedural shape videos (seed 0): the networks, not a disk.

    ``recipe``: any of RECIPE_FIELDS (e.g. ``mbstd=True, r1=1.0``), as ``course-kit train mocogan`` takes them.
    """
    unknown = set(recipe) - set(RECIPE_FIELDS)
    if unknown:
        raise ValueError(f"shapes_trainer: recipe options must be among {RECIPE_FIELDS}, got {sorted(unknown)}")
    return Trainer(TrainConfig(data="shapes", out=out, procedural_videos=64, video_batch=video_batch,
                               image_batch=image_batch, device=device, threads=threads, seed=0, **recipe,
                               model=dict(ngf=ngf, ndf=ndf, ndf_video=ndf_video, n_frames=n_frames,
                                          image_size=image_size)))


def run(steps: int = 10, warmup: int = 2, device: str | None = None, threads: int | None = None,
        ngf: int = 32, ndf: int = 32, ndf_video: int = 16, video_batch: int = 8,
        image_batch: int = 16, n_frames: int = 16, image_size: int = 64, **recipe) -> dict[str, float]:
    """Seconds per step after ``warmup`` steps (with lazy R1, use a multiple of ``r1_every``); returns the figures."""
    with tempfile.TemporaryDirectory(prefix="course-kit-bench-training-") as out:
        trainer = shapes_trainer(out, device, threads, ngf, ndf, ndf_video, video_batch, image_batch, n_frames,
                                 image_size, **recipe)
        for _ in range(warmup):
            trainer.train_step()
        sync = torch.cuda.synchronize if trainer.device.type == "cuda" else (lambda: None)
        sync()
        start = time.perf_counter()
        for _ in range(steps):
            trainer.train_step()
        sync()
        seconds = (time.perf_counter() - start) / steps
    return {"device": str(trainer.device), "threads": torch.get_num_threads(),
            "seconds per step": seconds, "steps per second": 1 / seconds,
            "videos per second": video_batch / seconds}


def report(figures: dict, **recipe) -> str:
    head = (f"MoCoGAN training on {figures['device']} ({figures['threads']} CPU threads, load average "
            f"{load_average():.2f}); " + ", ".join(f"{k}={v}" for k, v in recipe.items()))
    return "\n".join([head,
                      f"  {figures['seconds per step']:.3f} s per step = "
                      f"{figures['steps per second']:.2f} steps/s "
                      f"({figures['videos per second']:.1f} generated videos/s)"])


def main(argv: list[str]) -> int:
    """`course-kit bench training [--device cpu|cuda] [--steps N] [--ngf N] ...`."""
    import argparse
    p = argparse.ArgumentParser(prog="course-kit bench training", description=__doc__)
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument("--steps", type=int, default=10, help="timed steps (after 2 warm-up steps)")
    p.add_argument("--ngf", type=int, default=32)
    p.add_argument("--ndf", type=int, default=32)
    p.add_argument("--ndf-video", type=int, default=16)
    p.add_argument("--video-batch", type=int, default=8)
    p.add_argument("--image-batch", type=int, default=16)
    p.add_argument("--frames", type=int, default=16)
    p.add_argument("--image-size", type=int, choices=(64, 96), default=64)
    recipe_options = TRAIN_OPTIONS.subset(RECIPE_FIELDS)   # the flags as `course-kit train mocogan` spells them
    recipe_options.add_to(p)
    a = p.parse_args(argv)
    recipe = dict(ngf=a.ngf, ndf=a.ndf, ndf_video=a.ndf_video, video_batch=a.video_batch,
                  image_batch=a.image_batch, n_frames=a.frames, image_size=a.image_size)
    default = TrainConfig()
    recipe.update({k: v for k, v in recipe_options.values(a).items() if v != getattr(default, k)})
    print(report(run(a.steps, device=a.device, threads=a.threads, **recipe), **recipe))
    return 0
