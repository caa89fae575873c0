"""Labelled video datasets from class folders, and clip sampling with a frame stride.

A data set root holds one folder per class (``0/``, ``1/``, ``3/`` ...); each
holds videos in any format ``read_video`` understands. Labels are the class
folders' positions in sorted order, and ``class_names`` keeps the folder
names, so the Weizmann set's folders 0, 1, 3, 4 become labels 0-3.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .readers import IMAGE_SUFFIXES, VIDEO_SUFFIXES, read_video


def _class_key(name: str):
    return (0, int(name), name) if name.isdigit() else (1, 0, name)


def scan_class_folders(root: str | Path) -> tuple[list[tuple[Path, int]], list[str]]:
    """Returns ([(video path, label), ...], class folder names)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"scan_class_folders: `root` must be a folder of class folders, "
                                f"{root} does not exist")
    classes = sorted((p.name for p in root.iterdir() if p.is_dir()), key=_class_key)
    items = []
    for label, name in enumerate(classes):
        for p in sorted((root / name).iterdir()):
            if p.is_dir() or p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES:
                items.append((p, label))
    if not items:
        raise FileNotFoundError(f"scan_class_folders: no videos under {root} "
                                f"(expected {root}/<class>/<video>)")
    return items, classes


def sample_clip(video: np.ndarray, n_frames: int, stride: int = 1,
                rng: np.random.Generator | None = None, start: int | None = None) -> np.ndarray:
    """A window of ``n_frames`` frames taking every ``stride``-th frame.

    The start is random (from ``rng``) unless given. A video too short for the
    window raises, naming both lengths.
    """
    if n_frames < 1 or stride < 1:
        raise ValueError(f"sample_clip: `n_frames` and `stride` must be >= 1, got {n_frames}, {stride}")
    span = (n_frames - 1) * stride + 1
    if len(video) < span:
        raise ValueError(f"sample_clip: a clip of {n_frames} frames with stride {stride} spans "
                         f"{span} frames, but the video has only {len(video)}")
    if start is None:
        rng = rng or np.random.default_rng()
        start = int(rng.integers(0, len(video) - span + 1))
    if not 0 <= start <= len(video) - span:
        raise ValueError(f"sample_clip: `start` must be in [0, {len(video) - span}], got {start}")
    return video[start:start + span:stride]


class VideoDataset:
    """Videos of a class-folder root (or an explicit list), yielding (clip, label).

    ``n_frames=None`` yields whole videos. Videos are decoded once and kept in
    memory when ``in_memory`` (the Weizmann set is ~90 MB); otherwise read on
    every access.
    """

    def __init__(self, root: str | Path | None = None, n_frames: int | None = 16, stride: int = 1,
                 items: list[tuple[Path, int]] | None = None, class_names: list[str] | None = None,
                 in_memory: bool = True, seed: int = 0):
        if (root is None) == (items is None):
            raise ValueError("VideoDataset: give exactly one of `root` or `items`")
        if root is not None:
            items, class_names = scan_class_folders(root)
        self.items = list(items)
        self.class_names = list(class_names or sorted({str(lab) for _, lab in self.items}))
        self.n_frames, self.stride = n_frames, stride
        self.rng = np.random.default_rng(seed)
        self._cache = [read_video(p) for p, _ in self.items] if in_memory else None

    def __len__(self) -> int:
        return len(self.items)

    @property
    def labels(self) -> np.ndarray:
        return np.array([lab for _, lab in self.items], dtype=np.int64)

    def video(self, i: int) -> np.ndarray:
        return self._cache[i] if self._cache is not None else read_video(self.items[i][0])

    def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
        video = self.video(i)
        if self.n_frames is not None:
            video = sample_clip(video, self.n_frames, self.stride, self.rng)
        return video, self.items[i][1]

    def split(self, fraction: float, seed: int = 0) -> tuple["VideoDataset", "VideoDataset"]:
        """Stratified split: about ``fraction`` of each class goes to the second part."""
        rng = np.random.default_rng(seed)
        first, second = [], []
        for label in sorted(set(self.labels.tolist())):
            idx = np.flatnonzero(self.labels == label)
            rng.shuffle(idx)
            k = max(1, int(round(fraction * len(idx)))) if len(idx) > 1 else 0
            second += idx[:k].tolist()
            first += idx[k:].tolist()
        return self.subset(sorted(first)), self.subset(sorted(second))

    def subset(self, indices: list[int]) -> "VideoDataset":
        sub = object.__new__(VideoDataset)
        sub.items = [self.items[i] for i in indices]
        sub.class_names = self.class_names
        sub.n_frames, sub.stride, sub.rng = self.n_frames, self.stride, self.rng
        sub._cache = [self._cache[i] for i in indices] if self._cache is not None else None
        return sub

    def batch(self, size: int, rng: np.random.Generator | None = None):
        """A random batch: (clips (B,T,H,W,3) uint8, labels (B,))."""
        rng = rng or self.rng
        idx = rng.integers(0, len(self), size=size)
        clips, labels = zip(*(self[int(i)] for i in idx))
        return np.stack(clips), np.array(labels, dtype=np.int64)
