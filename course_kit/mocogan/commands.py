"""Command-line entries for MoCoGAN: `course-kit train mocogan` and `course-kit sample`."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from ..options import Options
from .model import MOTION_NORMS, NOISE_MODES, MoCoGANConfig
from .networks import D_NORMS
from .train import TrainConfig

# How `course-kit train mocogan` spells the configs' fields; names, types and defaults come
# from the dataclasses (course_kit.options). TrainConfig.model holds the MoCoGANConfig fields below.
TRAIN_OPTIONS = Options(TrainConfig, {
    "data": dict(help="class-folder root of real videos, or 'shapes' for the procedural shape-motion set"),
    "out": dict(help="run folder"),
    "stride": dict(help="real-frame stride"),
    "instance_noise": dict(help="sigma of the Gaussian instance noise before D_I's and D_V's layers (training only)"),
    "conditional": dict(flag="--unconditional", help="ignore the class folders (no action code z_A)"),
    "action_names": dict(help="comma-separated action names in class-folder order (default: folder names)"),
    "procedural_videos": dict(help="how many procedural videos to make when --data shapes"),
    "max_videos_per_class": dict(help="use only the first N videos of each class folder (large data sets)"),
    "sample_every": dict(help="0: never"),
    "log_every": dict(help="steps between CSV rows"),
    "device": dict(help="cpu or cuda (default: cuda when present)"),
    "amp": dict(help="bfloat16 autocast on CUDA"),
    "amp_cpu": dict(help="bfloat16 autocast on CPU (faster on AVX-512 BF16 CPUs: course-kit bench precision)"),
    "loss": dict(help="adversarial loss: bce (the paper's, with --real-label smoothing) or hinge",
                 choices=("bce", "hinge")),
    "r1": dict(help="R1 penalty weight gamma on real frames and clips (0: off)"),
    "r1_every": dict(help="lazy R1: apply the penalty every N steps"),
    "ema": dict(help="decay of the generator's weight average, what checkpoints sample from (0: off; e.g. 0.999)"),
    "lr_d": dict(help="the discriminators' learning rate (default: --lr)"),
    "d_norm": dict(help="the discriminators' normalisation: batch (the paper's) or spectral "
                        "(spectral norm on every convolution, no batch norm)", choices=D_NORMS),
    "mbstd": dict(help="a minibatch standard-deviation channel before each discriminator's head "
                       "(against mode collapse)"),
    "augment": dict(help="differentiable augmentation of both discriminators' inputs (Zhao et al. 2020), a "
                         "comma-separated subset of color,translation,cutout; one draw per clip (default: none)"),
    "pair_d": dict(help="weight of a frame-pair discriminator: two frames of one clip side by side, "
                        "so content that drifts within a clip is caught (0: none)"),
    "threads": dict(help="CPU threads for torch"),
}, skip=("betas", "weight_decay", "real_label", "action_weight", "model"))
MODEL_OPTIONS = Options(MoCoGANConfig, {
    "n_frames": dict(flag="--frames", help="clip length T >= 8"),
    "image_size": dict(choices=(64, 96)),
    "noise": dict(choices=NOISE_MODES,
                  help="motion noise: same at every step (the MP) or fresh each step (the paper)"),
    "motion_norm": dict(choices=MOTION_NORMS,
                        help="R_M's batch norm: per-step batch statistics in training (the MP) or "
                             "held fixed so training and sampling compute the same codes"),
    "ngf": dict(help="G_I's base width"),
    "ndf": dict(help="D_I's base width"),
    "ndf_video": dict(help="D_V's base width (default: --ndf)"),
}, only=("n_frames", "image_size", "noise", "motion_norm", "ngf", "ndf", "ndf_video"), prefix="model.")
# A model card's reproduce line always spells these, even at their defaults, so it states the
# recipe; it never spells where and how the run was kept.
RECIPE = ("data", "steps", "stride", "video_batch", "image_batch", "lr", "seed",
          "n_frames", "image_size", "noise", "ngf", "ndf", "ndf_video")
PLACE = ("out", "checkpoint_every", "sample_every", "log_every", "device", "threads")


def train_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="course-kit train mocogan",
                                description="Train (or resume) a MoCoGAN. Re-running the same "
                                            "command after a crash resumes from the last checkpoint.")
    TRAIN_OPTIONS.add_to(p)
    MODEL_OPTIONS.add_to(p)
    return p


def parse_train_config(argv: list[str]) -> TrainConfig:
    """`course-kit train mocogan` arguments -> TrainConfig (model cards print the inverse)."""
    a = train_parser().parse_args(argv)
    return TrainConfig(**TRAIN_OPTIONS.values(a), model=MODEL_OPTIONS.values(a))


def train_argv(cfg: TrainConfig | dict) -> list[str]:
    """The `course-kit train mocogan` arguments that repeat the run ``cfg`` (its recipe, not its place)."""
    cfg = asdict(cfg) if isinstance(cfg, TrainConfig) else cfg
    always = RECIPE + (("procedural_videos",) if cfg.get("data") == "shapes" else ())
    return (TRAIN_OPTIONS.argv(cfg, always=always, never=PLACE)
            + MODEL_OPTIONS.argv(cfg.get("model", {}), always=always))


def train_main(argv: list[str]) -> int:
    cfg = parse_train_config(argv)
    from .train import train
    trainer = train(cfg)
    trainer.close()
    if trainer.rank == 0:
        print(f"trained to step {trainer.step}; checkpoint: {Path(cfg.out) / 'checkpoint.pt'}; "
              f"losses: {Path(cfg.out) / 'losses.csv'}; samples: {Path(cfg.out) / 'samples'}")
    return 0


def sample_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course-kit sample",
                                description="Write videos from a shipped or trained MoCoGAN.")
    p.add_argument("--model", default="weizmann-actions",
                   help="shipped model name or training checkpoint (default: weizmann-actions)")
    p.add_argument("--out", default="samples.gif",
                   help="a .gif/.mp4 file (one grid of all videos) or a folder (one file each)")
    p.add_argument("-n", "--n", type=int, default=8, help="number of videos (default: 8)")
    p.add_argument("--frames", type=int, default=16, help="frames per video (default: 16)")
    p.add_argument("--action", default=None, help="action name or index (conditional models)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--fps", type=float, default=8)
    p.add_argument("--columns", type=int, default=None, help="grid columns")
    p.add_argument("--format", default="gif", choices=("gif", "mp4"), help="for folder output")
    a = p.parse_args(argv)
    from ..media import tile_videos, write_video
    from .model import load_mocogan
    model = load_mocogan(a.model)
    action = int(a.action) if a.action is not None and a.action.isdigit() else a.action
    videos = model.sample(a.n, n_frames=a.frames, action=action, seed=a.seed)
    out = Path(a.out)
    if out.suffix.lower() in (".gif", ".mp4"):
        write_video(out, tile_videos(videos, a.columns), fps=a.fps)
        print(f"wrote a grid of {a.n} videos to {out}")
    else:
        for i, v in enumerate(videos):
            write_video(out / f"video{i:03d}.{a.format}", v, fps=a.fps)
        print(f"wrote {a.n} videos to {out}/")
    return 0
