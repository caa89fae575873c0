"""Side-by-side sample videos for people: ground truth next to sampled futures, as a GIF.

Context frames get a green border, the true future a grey one and predicted
frames a red one, so a viewer always knows which frames the model made up.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from ..media import frame_period_ms

__all__ = ["comparison_grid", "save_gif"]

_GREEN, _RED, _GREY = (40, 200, 60), (220, 40, 40), (150, 150, 150)


def _border(frames: np.ndarray, colour, width: int = 2) -> np.ndarray:
    out = frames.copy()
    out[:, :width], out[:, -width:], out[:, :, :width], out[:, :, -width:] = colour, colour, colour, colour
    return out


def comparison_grid(truth: np.ndarray, samples: list[np.ndarray], n_past: int, pad: int = 2) -> np.ndarray:
    """One row per video: [ground truth, sample 1, sample 2, ...] -> (T, H', W', 3) uint8.

    truth: (V, T, H, W, 3) uint8, the whole clip; samples: each (V, T - n_past, H, W, 3)
    uint8 predicted futures (shown after the same context as the truth).
    """
    truth = np.asarray(truth)
    V, T, H, W, _ = truth.shape
    columns = []
    for future in [truth[:, n_past:]] + [np.asarray(s) for s in samples]:
        if future.shape != (V, T - n_past, H, W, 3):
            raise ValueError(f"comparison_grid: each sample must be {(V, T - n_past, H, W, 3)}, got {future.shape}")
        clip = np.concatenate([truth[:, :n_past], future], axis=1)
        columns.append(clip)
    grid = np.full((T, V * (H + pad) + pad, len(columns) * (W + pad) + pad, 3), 255, np.uint8)
    for v in range(V):
        for c, clip in enumerate(columns):
            framed = np.concatenate([_border(clip[v, :n_past], _GREEN),
                                     _border(clip[v, n_past:], _GREY if c == 0 else _RED)])
            y, x = pad + v * (H + pad), pad + c * (W + pad)
            grid[:, y:y + H, x:x + W] = framed
    return grid


def save_gif(path: str | Path, frames: np.ndarray, fps: float = 5, scale: int = 2) -> Path:
    """Write (T, H, W, 3) uint8 frames as a looping GIF, enlarged ``scale`` times (nearest)."""
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f"save_gif: `frames` must be (T, H, W, 3) uint8, got {frames.shape} {frames.dtype}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    images = [Image.fromarray(f).resize((f.shape[1] * scale, f.shape[0] * scale), Image.NEAREST) for f in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=frame_period_ms(fps), loop=0)
    return path
