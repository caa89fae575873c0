"""Command-line entries: `course-kit evaluate mocogan` and `course-kit train classifier`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def evaluate_main(argv: list[str]) -> int:
    from .evaluate import PROFILES
    p = argparse.ArgumentParser(
        prog="course-kit evaluate mocogan",
        description="Score a MoCoGAN (ACD, Motion Control Score, Inception-like score, Frechet "
                    "distance in the kit classifier's features; diversity, content consistency, "
                    "motion diversity, precision and recall) beside real held-out videos.")
    p.add_argument("--model", required=True,
                   help="a shipped model name (e.g. weizmann-actions) or a training checkpoint "
                        "(runs/<x>/checkpoint.pt or the run folder)")
    p.add_argument("--data", required=True,
                   help="class-folder root of the real videos, or 'shapes' for procedural shapes")
    p.add_argument("--profile", choices=sorted(PROFILES), default=None,
                   help="scoring profile (default: 'shapes' if the data folder is named so, else 'weizmann')")
    p.add_argument("--classifier", default=None, help="shipped classifier name (default: the profile's)")
    p.add_argument("--videos", type=int, default=256, help="videos per side (default: 256, as the paper)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--knn", type=int, default=3,
                   help="nearest neighbours for precision and recall (default: 3, as Kynkaanniemi et al.)")
    p.add_argument("--motions-per-content", type=int, default=4,
                   help="motion codes per content code for content consistency and motion diversity "
                        "(default: 4)")
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    p.add_argument("--json", default=None, help="also write the numbers to this JSON file")
    a = p.parse_args(argv)
    if a.threads:
        import torch
        torch.set_num_threads(a.threads)
    from .evaluate import evaluate_mocogan, format_table
    result = evaluate_mocogan(a.model, a.data, classifier=a.classifier, profile=a.profile,
                              n_videos=a.videos, seed=a.seed, device=a.device, k=a.knn,
                              motions_per_content=a.motions_per_content)
    print(format_table(result, model_label=Path(str(a.model)).stem if Path(str(a.model)).suffix else str(a.model)))
    if a.json:
        Path(a.json).write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {a.json}")
    return 0


def train_classifier_main(argv: list[str]) -> int:
    from .classifier import RECIPES, guess_recipe
    p = argparse.ArgumentParser(
        prog="course-kit train classifier",
        description="Train the 3D-CNN action classifier that `course-kit evaluate` uses, report "
                    "its held-out accuracy, and (with --name) ship it as a pretrained model.")
    p.add_argument("--data", required=True, help="class-folder root of real videos, or 'shapes'")
    p.add_argument("--name", default=None,
                   help="save as this pretrained model (e.g. weizmann-classifier); default: don't save")
    p.add_argument("--recipe", choices=sorted(RECIPES), default=None,
                   help="preset for the data set (default: guessed from the folder name)")
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--width", type=int, default=None)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--directory", default=None, help="where to save (default: the package's pretrained/)")
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    a = p.parse_args(argv)
    from .classifier import ClassifierConfig, save_classifier, train_classifier
    overrides = {k: v for k, v in dict(steps=a.steps, width=a.width, seed=a.seed).items() if v is not None}
    config = ClassifierConfig(**{**RECIPES[a.recipe or guess_recipe(a.data)], **overrides})
    model, report = train_classifier(a.data, config, threads=a.threads, device=a.device)
    print(f"held-out accuracy: {report['clip_accuracy']:.3f} on {report['clips']} clips, "
          f"{report['video_accuracy']:.3f} on {report['videos']} videos "
          f"({report['train_videos']} training videos, {report['train_seconds']:.0f} s)")
    if a.name:
        path = save_classifier(a.name, model, report, directory=a.directory)
        print(f"saved {a.name}: {path}")
    return 0
