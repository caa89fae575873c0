"""The BAIR course folder format: write the pushing world into it, read it back.

One folder per video::

    <root>/<video>/0.png ... 29.png
    <root>/<video>/actions.csv                 one row per frame, 4 columns
    <root>/<video>/endeffector_positions.csv   one row per frame, 3 columns

The condition of frame t is the concatenation of its two rows (7 numbers).
Real BAIR data converted to this layout loads with the same reader. Splits are
drawn by seed from the sorted folder names, so everyone gets the same split.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from tqdm.auto import tqdm

from .world import N_ACTION, N_POSITION, simulate

__all__ = ["PushVideos", "clips_to_tensor", "write_push_dataset", "read_video", "list_videos", "split_videos",
           "load_split", "ACTIONS_CSV", "POSITIONS_CSV"]

ACTIONS_CSV = "actions.csv"
POSITIONS_CSV = "endeffector_positions.csv"


@dataclass
class PushVideos:
    """Videos with their per-frame conditions, ready for training.

    frames:    (N, T, H, W, 3) uint8
    actions:   (N, T, 4) float32
    positions: (N, T, 3) float32
    names:     folder name of each video
    """
    frames: np.ndarray
    actions: np.ndarray
    positions: np.ndarray
    names: list[str]

    @property
    def conditions(self) -> np.ndarray:
        """(N, T, 7): actions and end-effector positions side by side."""
        return np.concatenate([self.actions, self.positions], axis=-1)

    def __len__(self) -> int:
        return len(self.frames)


def write_push_dataset(out: str | Path, n_videos: int = 2500, n_frames: int = 30, size: int = 64,
                       seed: int = 0, chunk: int = 250, kick_at: int | None = None,
                       max_objects: int = 3) -> Path:
    """Simulate ``n_videos`` pushing videos and write them as BAIR course folders under ``out``.

    ``kick_at`` and ``max_objects`` go to :func:`course_kit.svg.world.simulate`
    (a hidden push of every puck after that frame; at most that many pucks).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    width = max(5, len(str(n_videos - 1)))
    with tqdm(total=n_videos, desc="pushing world", unit="video") as bar:
        for start in range(0, n_videos, chunk):
            n = min(chunk, n_videos - start)
            batch = simulate(n, n_frames=n_frames, size=size, seed=seed * 1_000_003 + start, kick_at=kick_at,
                             max_objects=max_objects)
            for i in range(n):
                folder = out / f"{start + i:0{width}d}"
                folder.mkdir(exist_ok=True)
                for t in range(n_frames):
                    Image.fromarray(batch.frames[i, t]).save(folder / f"{t}.png", compress_level=1)
                np.savetxt(folder / ACTIONS_CSV, batch.actions[i], fmt="%.6f", delimiter=",")
                np.savetxt(folder / POSITIONS_CSV, batch.positions[i], fmt="%.6f", delimiter=",")
                bar.update(1)
    return out


def list_videos(root: str | Path) -> list[Path]:
    """The video folders under ``root`` (any sub-folder holding a 0.png), sorted by name."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"list_videos: `root` must be a folder of video folders, got {str(root)!r} "
                                f"(make one with `course-kit make-data push --out {root}`)")
    videos = sorted(p for p in root.iterdir() if (p / "0.png").is_file())
    if not videos:
        raise FileNotFoundError(f"list_videos: no video folders (with 0.png, 1.png, ...) under {str(root)!r}")
    return videos


def _read_csv(path: Path, columns: int, rows: int) -> np.ndarray:
    if not path.is_file():
        raise FileNotFoundError(f"read_video: missing {path} (expected {rows} rows of {columns} numbers)")
    lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
    values = []
    for number, line in enumerate(lines, start=1):
        cells = [c.strip() for c in line.replace(";", ",").split(",")]
        try:
            row = [float(c) for c in cells]
        except ValueError:
            if number == 1 and not values:   # a header row is allowed
                continue
            raise ValueError(f"read_video: {path} line {number} is not numbers: {line!r}") from None
        if len(row) != columns:
            raise ValueError(f"read_video: {path} line {number} has {len(row)} columns, expected {columns}")
        values.append(row)
    if len(values) != rows:
        raise ValueError(f"read_video: {path} has {len(values)} rows, expected one per frame ({rows})")
    return np.asarray(values, np.float32)


def read_video(folder: str | Path, n_frames: int | None = None):
    """Read one video folder: (frames (T, H, W, 3) uint8, actions (T, 4), positions (T, 3)).

    ``n_frames`` None counts 0.png, 1.png, ... until the first gap and checks
    that no later frame exists (a gap is an error, not a short video).
    """
    folder = Path(folder)
    if n_frames is None:
        pngs = {p.stem for p in folder.glob("*.png")}
        n_frames = 0
        while str(n_frames) in pngs:
            n_frames += 1
        extra = sorted(int(s) for s in pngs if s.isdigit() and int(s) > n_frames)
        if extra:
            raise FileNotFoundError(f"read_video: {folder / f'{n_frames}.png'} is missing "
                                    f"(found frames up to {extra[-1]}.png)")
    frames = []
    for t in range(n_frames):
        path = folder / f"{t}.png"
        if not path.is_file():
            raise FileNotFoundError(f"read_video: {path} is missing (expected frames 0.png ... {n_frames - 1}.png)")
        with Image.open(path) as im:
            frames.append(np.asarray(im.convert("RGB")))
        if frames[-1].shape != frames[0].shape:
            raise ValueError(f"read_video: {path} is {frames[-1].shape[1]}x{frames[-1].shape[0]}, "
                             f"but 0.png is {frames[0].shape[1]}x{frames[0].shape[0]}")
    actions = _read_csv(folder / ACTIONS_CSV, N_ACTION, n_frames)
    positions = _read_csv(folder / POSITIONS_CSV, N_POSITION, n_frames)
    return np.stack(frames), actions, positions


def split_videos(videos: list, seed: int = 0, fractions=(0.8, 0.1, 0.1)) -> dict[str, list]:
    """Shuffle ``videos`` with ``seed`` and cut train/val/test by ``fractions`` (each non-empty)."""
    if len(fractions) != 3 or min(fractions) <= 0 or abs(sum(fractions) - 1) > 1e-6:
        raise ValueError(f"split_videos: `fractions` must be three positive numbers summing to 1, got {fractions!r}")
    if len(videos) < 3:
        raise ValueError(f"split_videos: need at least 3 videos for train/val/test, got {len(videos)}")
    order = np.random.default_rng(seed).permutation(len(videos))
    n_val = max(1, round(fractions[1] * len(videos)))
    n_test = max(1, round(fractions[2] * len(videos)))
    n_train = len(videos) - n_val - n_test
    parts = {"train": order[:n_train], "val": order[n_train:n_train + n_val], "test": order[n_train + n_val:]}
    return {name: [videos[i] for i in sorted(idx)] for name, idx in parts.items()}


def load_split(root: str | Path, split: str = "train", seed: int = 0, n_frames: int | None = None,
               limit: int | None = None, progress: bool = True) -> PushVideos:
    """Read the ``split`` ("train", "val", "test" or "all") of the dataset under ``root`` into memory."""
    videos = list_videos(root)
    if split != "all":
        parts = split_videos(videos, seed)
        if split not in parts:
            raise ValueError(f"load_split: `split` must be 'train', 'val', 'test' or 'all', got {split!r}")
        videos = parts[split]
    if limit is not None:
        videos = videos[:limit]
    frames, actions, positions = [], [], []
    for folder in tqdm(videos, desc=f"reading {split}", unit="video", disable=not progress):
        f, a, p = read_video(folder, n_frames)
        if frames and f.shape != frames[0].shape:
            raise ValueError(f"load_split: {folder} holds {f.shape[0]} frames of {f.shape[1:3]}, but "
                             f"{videos[0]} holds {frames[0].shape[0]} of {frames[0].shape[1:3]}; "
                             f"pass n_frames to read the same number from each")
        frames.append(f), actions.append(a), positions.append(p)
    return PushVideos(np.stack(frames), np.stack(actions), np.stack(positions), [v.name for v in videos])


def clips_to_tensor(frames: np.ndarray) -> torch.Tensor:
    """(B, T, H, W, 3) uint8 -> (B, 3, T, H, W) float in [0, 1] (what SVG takes; notebooks use it too)."""
    return torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 4, 1, 2, 3).float().div_(255)
