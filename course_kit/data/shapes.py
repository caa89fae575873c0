"""Procedural shape-motion videos, in the spirit of the MoCoGAN paper's synthetic set.

One filled circle or square of a random size and colour moves across a black
background in one of two directions: label 0 moves bottom to top, label 1
moves right to left (as in ../shared/data/mocogan-shapes). Any length and
size; deterministic for a seed. Used by tests and demos so nothing needs the
real data.
"""

from __future__ import annotations

import numpy as np

DIRECTIONS = ("up", "left")  # label 0, label 1


def make_shape_video(rng: np.random.Generator, label: int, n_frames: int = 32,
                     size: int = 64, shape: str | None = None) -> np.ndarray:
    """One (n_frames, size, size, 3) uint8 video for ``label`` (0 up, 1 left)."""
    if label not in (0, 1):
        raise ValueError(f"make_shape_video: `label` must be 0 (up) or 1 (left), got {label!r}")
    if n_frames < 1 or size < 8:
        raise ValueError(f"make_shape_video: need n_frames >= 1 and size >= 8, "
                         f"got n_frames={n_frames}, size={size}")
    shape = shape or ("circle" if rng.random() < 0.5 else "square")
    if shape not in ("circle", "square"):
        raise ValueError(f"make_shape_video: `shape` must be 'circle' or 'square', got {shape!r}")
    radius = rng.uniform(4, 7) * size / 64
    colour = rng.uniform(60, 255, size=3)
    margin = radius + 2
    travel = min(rng.uniform(0.45, 0.75) * size, size - 2 * margin)
    across = rng.uniform(margin, size - margin)  # position on the static axis
    start = rng.uniform(margin + travel, size - margin)
    along = start - travel * np.linspace(0, 1, n_frames)  # decreasing: up or left
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    video = np.zeros((n_frames, size, size, 3), dtype=np.uint8)
    for t in range(n_frames):
        cy, cx = (along[t], across) if label == 0 else (across, along[t])
        if shape == "circle":
            mask = (ys - cy) ** 2 + (xs - cx) ** 2 <= radius ** 2
        else:
            mask = (np.abs(ys - cy) <= radius) & (np.abs(xs - cx) <= radius)
        video[t][mask] = colour.astype(np.uint8)
    return video


def shape_motion_videos(n: int, seed: int = 0, n_frames: int = 32, size: int = 64):
    """``n`` videos with balanced labels: returns (videos (n,T,H,W,3) uint8, labels (n,))."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    rng.shuffle(labels)
    videos = np.stack([make_shape_video(rng, int(lab), n_frames, size) for lab in labels]) \
        if n else np.zeros((0, n_frames, size, size, 3), np.uint8)
    return videos, labels.astype(np.int64)
