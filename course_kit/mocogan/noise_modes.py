"""What the motion noise does: one trained MoCoGAN, its motion network R_M driven three ways.

``compare_noise_modes(model)`` renders the same videos (one content code,
the same actions, the same seeds) with R_M's input made three ways, and
measures how much the motion varies:

- ``same noise``: one noise vector per video, fed at every step (the MP's
  mode, and how the shipped models were trained);
- ``fresh noise``: new noise at every step (the paper's mode; the shipped
  models never saw it, so this shows what an untrained-for input does);
- ``action code only``: the noise set to zero, only the one-hot action z_A
  drives R_M, so every video asked for one action gets the same motion code.

Numbers per mode (``MEASURES``): how much each video moves, how much videos
asked for the same action differ from each other (motion variety), the
spread of the motion codes, the content distance (ACD, lower keeps the
content steadier), and the Motion Control Score of the kit's classifier.
Everything is seeded: the same call gives the same numbers.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import torch

from . import metrics
from .classifier import classify
from .evaluate import PROFILES, action_map, load_classifier
from .model import MoCoGAN, to_uint8_frames

MODES = ("same noise", "fresh noise", "action code only")
MEASURES = [  # key, label, format
    ("frame_change", "movement: mean |frame t - frame t-1| (0-255)", "{:.2f}"),
    ("variety", "motion variety: same action, video vs video (0-255)", "{:.2f}"),
    ("code_spread", "motion-code spread: same action (std of z_M)", "{:.3f}"),
    ("acd", "Average Content Distance (0-255, lower = steadier)", "{:.2f}"),
    ("motion_control_score", "Motion Control Score (classifier)", "{:.3f}"),
    ("direction_correct", "moves the requested way (shapes, no classifier)", "{:.3f}"),
]


def with_noise(model: MoCoGAN, noise: str) -> MoCoGAN:
    """A model sharing ``model``'s weights whose R_M takes ``noise`` ("same" or "fresh")."""
    other = copy.copy(model)
    other._modules = dict(model._modules)
    other.config = dataclasses.replace(model.config, noise=noise)
    return other


@torch.no_grad()
def mode_videos(model: MoCoGAN, mode: str, actions: list[int], content_seed: int = 0,
                seed: int = 0, n_frames: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """(uint8 videos (n, T, H, W, 3), motion codes (T, n, d)) for ``mode``, one per action given."""
    if mode not in MODES:
        raise ValueError(f"mode_videos: `mode` must be one of {MODES}, got {mode!r}")
    n, d = len(actions), model.config.d_motion
    g = torch.Generator().manual_seed(int(seed))
    if mode == "fresh noise":
        driver, eps = with_noise(model, "fresh"), torch.randn(n_frames, n, d, generator=g)
    else:
        driver, eps = with_noise(model, "same"), torch.randn(n, d, generator=g)
        if mode == "action code only":
            eps = torch.zeros_like(eps)
    was_training = model.training
    model.eval()
    try:
        acts = torch.tensor(actions, dtype=torch.long) if model.config.n_actions else None
        codes = driver.motion_from_noise(eps.to(model.device), acts, n_frames)
        content = model.content_codes([content_seed] * n)
        videos = to_uint8_frames(model.render(content, codes)).numpy()
    finally:
        model.train(was_training)
    return videos, codes.cpu().numpy()


def _code_spread(codes: np.ndarray, actions: np.ndarray) -> float:
    """Std of the motion codes (T, n, d) across videos asked for the same action, averaged."""
    return float(np.mean([codes[:, actions == a].std(axis=1).mean() for a in np.unique(actions)]))


def _variety(videos: np.ndarray, actions: np.ndarray) -> float:
    """Mean absolute pixel difference between videos asked for the same action (0-255)."""
    diffs = []
    v = videos.astype(np.float32)
    for a in np.unique(actions):
        group = v[actions == a]
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                diffs.append(np.abs(group[i] - group[j]).mean())
    return float(np.mean(diffs)) if diffs else float("nan")


def compare_noise_modes(model: MoCoGAN, profile: str = "weizmann", per_action: int = 4,
                        content_seed: int = 0, seed: int = 0, n_frames: int = 16,
                        classifier=None) -> dict:
    """{mode: {measure: value}} for the three modes (see the module notes).

    ``per_action`` videos for each of the model's actions, all with content
    ``content_seed``, so what differs between them is motion only. ``profile``
    ("weizmann" or "shapes") picks how content is found and the classifier.
    """
    if profile not in PROFILES:
        raise ValueError(f"compare_noise_modes: `profile` must be one of {sorted(PROFILES)}, "
                         f"got {profile!r}")
    if not model.config.n_actions:
        raise ValueError("compare_noise_modes: the model must be conditional (have actions)")
    if not (isinstance(per_action, int) and per_action >= 2):
        raise ValueError(f"compare_noise_modes: `per_action` must be an int >= 2, got {per_action!r}")
    prof = PROFILES[profile]
    classifier = load_classifier(classifier or prof.classifier, device=model.device)
    actions = np.repeat(np.arange(model.config.n_actions), per_action)
    mapping = action_map(model.actions, classifier.class_names)
    results = {}
    for mode in MODES:
        videos, codes = mode_videos(model, mode, actions.tolist(), content_seed, seed, n_frames)
        probs, _ = classify(classifier, videos)
        requested = np.asarray(mapping)[actions] if mapping is not None else None
        row = dict(
            frame_change=float(np.abs(np.diff(videos.astype(np.float32), axis=1)).mean()),
            variety=_variety(videos, actions),
            code_spread=_code_spread(codes, actions),
            acd=metrics.average_content_distance(videos, prof.content)["acd"],
            motion_control_score=(metrics.motion_control_score(probs, requested)
                                  if requested is not None else float("nan")))
        if prof.directions and requested is not None:
            row["direction_correct"] = metrics.direction_accuracy(videos, requested, prof.content)
        results[mode] = row
    return results


def format_modes(results: dict) -> str:
    """The numbers of ``compare_noise_modes`` as a table, one measure per line."""
    modes = list(results)
    width = max(len(label) for _, label, _ in MEASURES) + 2
    lines = [f"{'':<{width}}" + "".join(f"{m:>18}" for m in modes)]
    for key, label, fmt in MEASURES:
        if key not in results[modes[0]]:
            continue
        lines.append(f"{label:<{width}}" + "".join(f"{fmt.format(results[m][key]):>18}" for m in modes))
    return "\n".join(lines)
