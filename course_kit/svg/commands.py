"""``course-kit train svg``, ``evaluate svg``, ``export svg`` and ``make-data push``: parse, call the library, print.

``course_kit/cli.py`` maps each to a ``*_main(argv)`` here (its GROUPS table).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .flags import _MODEL_FLAGS, MODEL_OPTIONS, TRAIN_OPTIONS  # noqa: F401 (tests read them here)
from .train import TrainConfig

__all__ = ["train_main", "evaluate_main", "export_main", "make_data_push_main"]


def train_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="course-kit train svg",
        description="Train SVG with a learned prior (--z-dim 0: the deterministic baseline) on BAIR-format "
                    "folders. Running the same command again resumes from OUT/checkpoint.pt.")
    TRAIN_OPTIONS.add_to(p)
    MODEL_OPTIONS.add_to(p)
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--stop-after", type=int, default=None,
                   help="stop after this many steps (checkpointed); run again to continue")
    return p


def train_config(args: argparse.Namespace) -> TrainConfig:
    """The TrainConfig that ``train_parser().parse_args(...)`` spelled."""
    return TrainConfig(**TRAIN_OPTIONS.values(args), model=MODEL_OPTIONS.values(args))


def train_main(argv: list[str]) -> int:
    args = train_parser().parse_args(argv)
    import torch
    from .train import train
    if args.threads:
        torch.set_num_threads(args.threads)
    tc = train_config(args)
    train(tc, stop_after=args.stop_after)
    if not (Path(tc.out) / "model.safetensors").exists():
        print(f"stopped after --stop-after {args.stop_after} steps; {tc.out}/checkpoint.pt holds them; "
              f"run the same command again to continue")
        return 0
    print(f"weights: {tc.out}/model.safetensors (+ model.json); logs: {tc.out}/log.csv, {tc.out}/val.csv; "
          f"samples: {tc.out}/samples/")
    return 0


def evaluate_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="course-kit evaluate svg",
        description="PSNR/SSIM per future step: SVG (one sample and best of K), the deterministic "
                    "baseline and copy-last-frame, on a held-out split.")
    p.add_argument("--data", required=True, help="folder of BAIR-format video folders")
    p.add_argument("--model", default="svg-push",
                   help="a pretrained name or a MODEL.safetensors with MODEL.json beside it (default: svg-push)")
    p.add_argument("--deterministic", default=None,
                   help="the deterministic baseline: a name or .safetensors (default: none)")
    p.add_argument("--split", default="test", choices=["train", "val", "test", "all"])
    p.add_argument("--seed", type=int, default=0, help="split seed (the training run's) and sampling seed (default: 0)")
    p.add_argument("--sample-seed", type=int, default=None,
                   help="another seed for the latent noise only, on the same held-out split (default: --seed)")
    p.add_argument("--samples", type=int, default=10, help="K for best of K (default: 10)")
    p.add_argument("--limit", type=int, default=None, help="evaluate only the first N videos of the split")
    p.add_argument("--out", default=None, help="write the table as CSV and Markdown here (a folder)")
    p.add_argument("--gif", default=None, help="write a GIF of truth beside samples to this path")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    return p


def evaluate_main(argv: list[str]) -> int:
    args = evaluate_parser().parse_args(argv)
    import torch
    from .evaluate import evaluate, load_model
    if args.threads:
        torch.set_num_threads(args.threads)
    model = load_model(args.model)
    baseline = load_model(args.deterministic) if args.deterministic else None
    report = evaluate(model, args.data, deterministic=baseline, split=args.split, seed=args.seed,
                      n_samples=args.samples, limit=args.limit, gif=args.gif, sample_seed=args.sample_seed)
    print(report.markdown())
    if args.out:
        paths = report.save(args.out)
        print("wrote " + ", ".join(str(p) for p in paths))
    return 0


def export_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="course-kit export svg",
        description="Ship a finished SVG run as a pretrained model: fp16 safetensors, sha256 manifest, "
                    "model card (from the run's log and config, and the evaluation table with --evaluate).")
    p.add_argument("run", metavar="RUN", help="training run folder (holds model.safetensors, log.csv, config.json)")
    p.add_argument("--name", required=True, help="shipped model name, e.g. svg-push")
    p.add_argument("--evaluate", default=None, metavar="DATA",
                   help="run `course-kit evaluate svg` on DATA's test split and put the table in the card")
    p.add_argument("--deterministic", default=None, metavar="RUN",
                   help="the deterministic baseline's run folder, evaluated beside it (with --evaluate)")
    p.add_argument("--samples", type=int, default=10, help="K for best of K (default: 10)")
    p.add_argument("--limit", type=int, default=None, help="evaluate only the first N test videos")
    p.add_argument("--recipe", default=None,
                   help="the card's commands (default: the run's own `course-kit train svg` line)")
    p.add_argument("--hardware", default="the training machine", help="what it trained on, for the card")
    p.add_argument("--kicked", action="store_true",
                   help="the data was made with `make-data push --kick-at 1` (the card says so)")
    p.add_argument("--note", action="append", default=[], help="one more line for the card's Limits (repeatable)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument("--directory", default=None, help="where the package's models live (default: the package's)")
    return p


def export_main(argv: list[str]) -> int:
    args = export_parser().parse_args(argv)
    import torch
    from ..pretrained import PRETRAINED_DIR
    from .publish import KICKED_WORLD, WORLD, export_run
    if args.threads:
        torch.set_num_threads(args.threads)
    path = export_run(args.run, args.name, evaluate_data=args.evaluate, deterministic_run=args.deterministic,
                      samples=args.samples, limit=args.limit, recipe=args.recipe, hardware=args.hardware,
                      limits=args.note, world=KICKED_WORLD if args.kicked else WORLD,
                      directory=args.directory or PRETRAINED_DIR)
    print(f"wrote {path} and its model card; manifest updated")
    return 0


def make_data_push_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="course-kit make-data push",
        description="Procedural pushing-world videos in the BAIR course folder format.")
    p.add_argument("--out", default="push-data", help="output folder (default: push-data)")
    p.add_argument("--videos", type=int, default=2500, help="number of videos (default: 2500)")
    p.add_argument("--frames", type=int, default=30, help="frames per video (default: 30)")
    p.add_argument("--seed", type=int, default=0, help="seed; the same seed writes the same files (default: 0)")
    p.add_argument("--kick-at", type=int, default=None,
                   help="every puck gets a hidden push in a random direction after this frame, so the futures "
                        "of one context diverge (default: none; svg-push is trained with 1, its last context frame)")
    p.add_argument("--max-objects", type=int, default=3, help="at most this many pucks, 1 to 3 (default: 3)")
    return p


def make_data_push_main(argv: list[str]) -> int:
    args = make_data_push_parser().parse_args(argv)
    from .data import write_push_dataset
    out = write_push_dataset(args.out, n_videos=args.videos, n_frames=args.frames, seed=args.seed,
                             kick_at=args.kick_at, max_objects=args.max_objects)
    print(f"wrote {args.videos} videos of {args.frames} frames to {out}/ (0.png ... {args.frames - 1}.png, "
          f"actions.csv, endeffector_positions.csv per video)")
    return 0
