"""Command-line entries for MoCoGAN: `course-kit train mocogan` and `course-kit sample`."""

from __future__ import annotations

import argparse
from pathlib import Path

from .model import MOTION_NORMS, NOISE_MODES, MoCoGANConfig
from .train import TrainConfig


def parse_train_config(argv: list[str]) -> TrainConfig:
    """`course-kit train mocogan` arguments -> TrainConfig (model cards print the inverse)."""
    d = TrainConfig()
    p = argparse.ArgumentParser(prog="course-kit train mocogan",
                                description="Train (or resume) a MoCoGAN. Re-running the same "
                                            "command after a crash resumes from the last checkpoint.")
    p.add_argument("--data", default=d.data, help="class-folder root of real videos, or 'shapes' "
                   "for the procedural shape-motion set (default: shapes)")
    p.add_argument("--out", default=d.out, help=f"run folder (default: {d.out})")
    p.add_argument("--steps", type=int, default=d.steps)
    p.add_argument("--video-batch", type=int, default=d.video_batch)
    p.add_argument("--image-batch", type=int, default=d.image_batch)
    p.add_argument("--stride", type=int, default=d.stride, help="real-frame stride")
    p.add_argument("--frames", type=int, default=16, help="clip length T >= 8")
    p.add_argument("--image-size", type=int, default=64, choices=(64, 96))
    p.add_argument("--noise", default=MoCoGANConfig.noise, choices=NOISE_MODES,
                   help="motion noise: same at every step (the MP) or fresh each step (the paper)")
    p.add_argument("--procedural-videos", type=int, default=d.procedural_videos,
                   help="how many procedural videos to make when --data shapes")
    p.add_argument("--max-videos-per-class", type=int, default=None,
                   help="use only the first N videos of each class folder (large data sets)")
    p.add_argument("--action-names", default=None,
                   help="comma-separated action names in class-folder order (default: folder names)")
    p.add_argument("--unconditional", action="store_true",
                   help="ignore the class folders (no action code z_A)")
    p.add_argument("--motion-norm", default=MoCoGANConfig.motion_norm, choices=MOTION_NORMS,
                   help="R_M's batch norm: per-step batch statistics in training (the MP) or "
                        "held fixed so training and sampling compute the same codes")
    p.add_argument("--ngf", type=int, default=64)
    p.add_argument("--ndf", type=int, default=64)
    p.add_argument("--ndf-video", type=int, default=None)
    p.add_argument("--instance-noise", type=float, default=d.instance_noise)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--checkpoint-every", type=int, default=d.checkpoint_every)
    p.add_argument("--sample-every", type=int, default=d.sample_every, help="0: never")
    p.add_argument("--log-every", type=int, default=d.log_every, help="steps between CSV rows")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    p.add_argument("--no-amp", action="store_true", help="no bfloat16 autocast on CUDA")
    a = p.parse_args(argv)
    cfg = TrainConfig(
        data=a.data, out=a.out, steps=a.steps, video_batch=a.video_batch, image_batch=a.image_batch,
        stride=a.stride, lr=a.lr, procedural_videos=a.procedural_videos,
        max_videos_per_class=a.max_videos_per_class,
        action_names=a.action_names.split(",") if a.action_names else None, instance_noise=a.instance_noise, conditional=not a.unconditional,
        checkpoint_every=a.checkpoint_every, sample_every=a.sample_every, log_every=a.log_every, seed=a.seed,
        device=a.device, amp=not a.no_amp, threads=a.threads,
        model=dict(image_size=a.image_size, n_frames=a.frames, noise=a.noise, ngf=a.ngf, ndf=a.ndf,
                   ndf_video=a.ndf_video, motion_norm=a.motion_norm))
    return cfg


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
