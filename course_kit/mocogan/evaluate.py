"""Evaluate a MoCoGAN against a real data set, with real held-out videos as the reference.

``evaluate_mocogan(model, data)`` generates videos for every action in
turn, scores them with ``course_kit.mocogan.metrics`` and the kit's
classifier, scores real held-out clips the same way, and returns both as
a dict; ``format_table`` prints them side by side. The real column is the
best a model can hope for with this classifier and sample size:

- ACD: the same computation on real clips;
- Motion Control Score: the classifier's accuracy on held-out real clips;
- Frechet distance: generated clips and real held-out clips are each
  compared with the same pool of real clips from the classifier's training
  videos, so the real number is the floor set by sampling noise and
  unseen actors.

A second section, ``result["diversity"]``, measures what those numbers miss
(ACD scores a generator that always draws the same video as perfect):

- diversity within each class, in pixels and in the classifier's
  features (generated: per requested action; real: per true class);
- content consistency: extra videos, ``motions_per_content`` motion codes
  z_M for each of several content codes z_C (one action per z_C, drawn from
  their own seeds, so the figures above do not move), and the distance
  between their mean content colours for same-z_C pairs ("drift") and
  different-z_C pairs ("spread"). Real clips have no z_C: their drift is a
  clip's first half against its second half, their spread is between
  halves of different clips;
- motion diversity: how differently one z_C moves under different z_M
  (frame-to-frame differences; no real counterpart, shown as n/a);
- precision and recall (Kynkaanniemi et al. 2019, k-NN balls, k=3) in the
  classifier's features against the same real pool as the Frechet
  distance (real column: the held-out clips against that pool).

Models are named pretrained models or training checkpoints
(``runs/<x>/checkpoint.pt`` from ``course_kit.mocogan.train``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import metrics
from .classifier import RealVideos, VideoClassifier, classify, load_real_videos
from .model import MoCoGAN, load_mocogan


@dataclass(frozen=True)
class Profile:
    """How a data set is scored: its classifier and how its moving content is found."""

    classifier: str
    content: str
    directions: bool  # the shape-motion set: check centroid directions too
    diversity_aim: float  # generated / real class diversity the models issue asks of this data


PROFILES = {
    "weizmann": Profile("weizmann-classifier", "moving", directions=False, diversity_aim=0.7),
    "shapes": Profile("shapes-classifier", "bright", directions=True, diversity_aim=0.8),
}


def guess_profile(data: str | Path) -> str:
    """"shapes" for the procedural set or a folder named like the shape-motion set, else "weizmann"."""
    return "shapes" if "shape" in Path(str(data)).name.lower() else "weizmann"


def load_model(spec: str | Path, device: str | torch.device | None = None) -> MoCoGAN:
    """A shipped model name, a training checkpoint file, or a run folder (see ``load_mocogan``)."""
    return load_mocogan(str(spec), device)


def load_classifier(spec: str | VideoClassifier, device=None) -> VideoClassifier:
    """A shipped classifier name (e.g. "weizmann-classifier") or a classifier object."""
    if isinstance(spec, VideoClassifier):
        return spec.eval()
    from ..pretrained import load_pretrained
    model = load_pretrained(str(spec), device=device)
    if not isinstance(model, VideoClassifier):
        raise ValueError(f"load_classifier: {spec!r} is a {type(model).__name__}, not a classifier")
    return model


def action_map(model_actions: list[str], class_names: list[str]) -> list[int] | None:
    """Classifier label for each model action: by name when the names match, else by position."""
    if not model_actions:
        return None
    if set(model_actions) <= set(class_names):
        return [class_names.index(a) for a in model_actions]
    if len(model_actions) == len(class_names):
        return list(range(len(model_actions)))
    return None


def generate_videos(model: MoCoGAN, n: int, n_frames: int, seed: int = 0, batch: int = 32,
                    progress: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """``n`` seeded videos, actions cycling through the model's actions: (uint8 videos, actions)."""
    from tqdm.auto import tqdm

    actions = np.arange(n) % model.config.n_actions if model.config.n_actions else None
    out = []
    for i in tqdm(range(0, n, batch), desc="generating", unit="batch", disable=not progress,
                  dynamic_ncols=True):
        j = min(i + batch, n)
        content = [seed * 1_000_003 + k for k in range(i, j)]
        motion = [seed * 1_000_003 + 500_000 + k for k in range(i, j)]
        act = actions[i:j].tolist() if actions is not None else None
        out.append(model.generate(content, motion, action=act, n_frames=n_frames).numpy())
    return np.concatenate(out), actions


def real_clips(real: RealVideos, indices, n: int, n_frames: int, stride: int,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` clips from the given videos: evenly spaced windows, then a seeded choice of ``n``."""
    per_video = max(1, math.ceil(n / max(len(indices), 1)))
    clips, labels = real.clips(indices, per_video, n_frames, stride)
    pick = np.sort(np.random.default_rng(seed).permutation(len(clips))[:n])
    return clips[pick], labels[pick]


def content_motion_videos(model: MoCoGAN, contents: int, per_content: int, n_frames: int,
                          seed: int = 0, batch: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """``contents`` content codes, each under ``per_content`` motion codes: (uint8 videos, groups).

    Video ``g * per_content + j`` has content seed g and motion seed j of
    that group (its own seed range, apart from ``generate_videos``'), and
    group g's action is g modulo the model's actions, so within a group
    only the motion code differs. ``groups`` (contents * per_content,) is g.
    """
    if not (isinstance(contents, int) and contents >= 1 and isinstance(per_content, int)
            and per_content >= 1):
        raise ValueError(f"content_motion_videos: `contents` and `per_content` must be ints >= 1, "
                         f"got {contents!r} and {per_content!r}")
    groups = np.repeat(np.arange(contents), per_content)
    base = seed * 1_000_003
    content = [base + 700_000 + int(g) for g in groups]
    motion = [base + 800_000 + i for i in range(len(groups))]
    n_actions = model.config.n_actions
    action = [int(g) % n_actions for g in groups] if n_actions else None
    out = [model.generate(content[i:i + batch], motion[i:i + batch],
                          action=action[i:i + batch] if action is not None else None,
                          n_frames=n_frames).numpy()
           for i in range(0, len(groups), batch)]
    return np.concatenate(out), groups


def _precision_recall(reference: np.ndarray, features: np.ndarray, k: int) -> dict:
    if min(len(reference), len(features)) <= k:  # too few samples for k neighbours
        return dict(precision=float("nan"), recall=float("nan"))
    return metrics.precision_recall(reference, features, k)


def score_diversity(videos: np.ndarray, labels: np.ndarray | None, features: np.ndarray,
                    reference_features: np.ndarray, profile: Profile, k: int = 3,
                    group_videos: np.ndarray | None = None, groups: np.ndarray | None = None) -> dict:
    """Diversity, content consistency, motion diversity, precision and recall of one set of videos.

    ``videos`` (N, T, H, W, 3) uint8 with their ``features`` (N, F) and
    class ``labels`` (N,) (None: one class). ``group_videos``/``groups``:
    videos sharing a content code per group (see ``content_motion_videos``);
    without them (real clips) the groups are each video's first and second
    half, and motion diversity is None.
    """
    labels = np.zeros(len(videos), np.int64) if labels is None else np.asarray(labels)
    row = dict(diversity_pixels=metrics.class_diversity(videos, labels, "l1")["mean"],
               diversity_features=metrics.class_diversity(features, labels, "l2")["mean"])
    if group_videos is None:
        half = videos.shape[1] // 2
        group_videos = np.concatenate([videos[:, :half], videos[:, videos.shape[1] - half:]])
        groups = np.tile(np.arange(len(videos)), 2)
        row["motion_diversity"] = None
    else:
        row["motion_diversity"] = metrics.motion_diversity(group_videos, groups)
    cc = metrics.content_consistency(metrics.mean_content_colour(group_videos, profile.content), groups)
    row.update(content_drift=cc["same"], content_spread=cc["different"], content_ratio=cc["ratio"],
               **_precision_recall(reference_features, features, k))
    return row


def score(videos: np.ndarray, requested: np.ndarray | None, classifier: VideoClassifier,
          reference_features: np.ndarray, profile: Profile,
          classified: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """All metrics for one set of videos (generated or real).

    ``classified``: the classifier's (probabilities, features) of ``videos``
    when already computed (``classify``); otherwise they are computed here.
    """
    probs, feats = classified if classified is not None else classify(classifier, videos)
    acd = metrics.average_content_distance(videos, profile.content)
    row = dict(acd=acd["acd"], content_found=acd["videos_with_content"],
               content_area=acd["content_area"],
               motion_control_score=(metrics.motion_control_score(probs, requested)
                                     if requested is not None else None),
               inception_score=metrics.inception_score(probs),
               frechet_distance=metrics.frechet_distance(feats, reference_features))
    if profile.directions:
        row["direction_correct"] = (metrics.direction_accuracy(videos, requested, profile.content)
                                    if requested is not None else None)
    return row


def evaluate_mocogan(model: MoCoGAN | str, data: str | Path, classifier=None, profile: str | None = None,
                     n_videos: int = 256, seed: int = 0, device=None, progress: bool = True,
                     real: RealVideos | None = None, k: int = 3, motions_per_content: int = 4) -> dict:
    """Scores of ``model`` and of real held-out clips; see the module docstring.

    ``data`` is a class-folder root or "shapes" (procedural shape videos).
    Returns {"model": {...}, "real": {...}, "diversity": {"model": {...},
    "real": {...}, "ratio_to_real": {...}}, "settings": {...}}; a metric
    that does not apply (MCS of an unconditional model) is None. ``k``: the
    neighbours of precision and recall; ``motions_per_content``: motion
    codes per content code for content consistency and motion diversity
    (``max(2, n_videos // (2 * motions_per_content))`` content codes, so
    about ``n_videos / 2`` extra videos).
    """
    if n_videos < 2:
        raise ValueError(f"evaluate_mocogan: `n_videos` must be >= 2 (a Frechet distance needs a "
                         f"covariance), got {n_videos}")
    if not (isinstance(k, int) and not isinstance(k, bool) and k >= 1):
        raise ValueError(f"evaluate_mocogan: `k` must be an int >= 1, got {k!r}")
    if not (isinstance(motions_per_content, int) and motions_per_content >= 2):
        raise ValueError(f"evaluate_mocogan: `motions_per_content` must be an int >= 2, "
                         f"got {motions_per_content!r}")
    profile_name = profile or guess_profile(data)
    if profile_name not in PROFILES:
        raise ValueError(f"evaluate_mocogan: `profile` must be one of {sorted(PROFILES)}, got {profile!r}")
    prof = PROFILES[profile_name]
    if not isinstance(model, MoCoGAN):
        model = load_model(model, device)
    classifier_name = classifier if isinstance(classifier, str) else (
        prof.classifier if classifier is None else "(given classifier)")
    classifier = load_classifier(classifier or prof.classifier, device=model.device)
    c = classifier.config
    if model.config.image_size != c.image_size:
        raise ValueError(f"evaluate_mocogan: the model makes {model.config.image_size}px frames but "
                         f"the classifier expects {c.image_size}px")
    if real is None:
        # a real folder: the classifier's own split; procedural shapes: as many as the sample needs
        per_class = max(8, n_videos) if str(data) == "shapes" else c.max_per_class
        real = load_real_videos(data, c.holdout, c.split_seed, per_class, image_size=c.image_size)
    pool, _ = real_clips(real, real.train, n_videos, c.n_frames, c.stride, seed)
    held, held_labels = real_clips(real, real.held_out, n_videos, c.n_frames, c.stride, seed + 1)
    reference = classify(classifier, pool)[1]

    fake, actions = generate_videos(model, n_videos, c.n_frames, seed, progress=progress)
    mapping = action_map(model.actions, classifier.class_names)
    requested = np.asarray(mapping)[actions] if mapping is not None and actions is not None else None
    fake_classified, held_classified = classify(classifier, fake), classify(classifier, held)
    contents = max(2, n_videos // (2 * motions_per_content))
    group_videos, groups = content_motion_videos(model, contents, motions_per_content, c.n_frames, seed)
    diversity = dict(
        model=score_diversity(fake, actions, fake_classified[1], reference, prof, k,
                              group_videos, groups),
        real=score_diversity(held, held_labels, held_classified[1], reference, prof, k))
    diversity["ratio_to_real"] = {
        key: diversity["model"][key] / diversity["real"][key] if diversity["real"][key] else float("nan")
        for key in ("diversity_pixels", "diversity_features")}
    return dict(
        model=score(fake, requested, classifier, reference, prof, fake_classified),
        real=score(held, held_labels, classifier, reference, prof, held_classified),
        diversity=diversity,
        settings=dict(profile=profile_name, diversity_aim=prof.diversity_aim, classifier=classifier_name,
                      data=real.source, videos=n_videos, frames=c.n_frames, stride=c.stride, seed=seed,
                      knn=k, contents=contents, motions_per_content=motions_per_content,
                      held_out_videos=len(real.held_out), pool_videos=len(real.train),
                      model_actions=model.actions, classifier_classes=classifier.class_names,
                      training_step=getattr(model, "training_step", None)))


ROWS = [  # key, label, format, better
    ("acd", "Average Content Distance (0-255)", "{:.2f}", "lower"),
    ("motion_control_score", "Motion Control Score", "{:.3f}", "higher"),
    ("direction_correct", "motion direction correct", "{:.3f}", "higher"),
    ("inception_score", "Inception-like score", "{:.3f}", "higher"),
    ("frechet_distance", "Frechet distance (classifier)", "{:.2f}", "lower"),
    ("content_found", "videos with content found", "{:.3f}", ""),
    ("content_area", "fraction of pixels taken as content", "{:.3f}", ""),
]
DIVERSITY_ROWS = [  # key, label, format, better: rows of result["diversity"]
    ("diversity_pixels", "class diversity, pixels (0-255)", "{:.2f}", "higher"),
    ("diversity_features", "class diversity, features", "{:.3f}", "higher"),
    ("content_drift", "content drift, same z_C (0-255)", "{:.2f}", "lower"),
    ("content_spread", "content spread, other z_C (0-255)", "{:.2f}", "higher"),
    ("content_ratio", "content drift / spread", "{:.3f}", "lower"),
    ("motion_diversity", "motion diversity, same z_C", "{:.2f}", "higher"),
    ("precision", "precision (classifier, k-NN)", "{:.3f}", "higher"),
    ("recall", "recall (classifier, k-NN)", "{:.3f}", "higher"),
]


def format_table(result: dict, model_label: str = "model") -> str:
    """The model's numbers beside the real held-out reference, one metric per line."""
    s = result["settings"]
    lines = [f"{s['videos']} videos x {s['frames']} frames (stride {s['stride']}), classifier "
             f"{s['classifier']}, data {s['data']} ({s['held_out_videos']} held-out videos)",
             f"{'metric':<34}{model_label[:16]:>16}{'real held-out':>16}   better"]
    sections = [(result, ROWS)]
    if "diversity" in result:
        sections.append((result["diversity"], DIVERSITY_ROWS))
    for numbers, rows in sections:
        for key, label, fmt, better in rows:
            if key not in numbers["model"]:
                continue
            cells = [_cell(v, fmt) for v in (numbers["model"][key], numbers["real"][key])]
            lines.append(f"{label:<34}{cells[0]:>16}{cells[1]:>16}   {better}")
    if "diversity" in result:
        r = result["diversity"]["ratio_to_real"]
        lines += [f"diversity generated / real: {_cell(r['diversity_pixels'], '{:.2f}x')} in pixels, "
                  f"{_cell(r['diversity_features'], '{:.2f}x')} in features{_aim(s)}",
                  f"z_C rows: {s.get('contents', '?')} content codes x {s.get('motions_per_content', '?')} "
                  f"motion codes; real: a clip's first vs second half (no z_C, so no motion diversity)",
                  f"precision/recall: k={s.get('knn', '?')} nearest neighbours, against the real pool "
                  f"of the Frechet distance"]
    return "\n".join(lines)


def _aim(settings: dict) -> str:
    """The profile's diversity target; results saved before it was recorded say none."""
    aim = settings.get("diversity_aim")
    return f" (aim: >= {aim:.1f}x)" if aim is not None else ""


def _cell(v, fmt: str) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else fmt.format(v)
