"""What the SVG notebook's short training run needs: kicked clips, a warm start, and the spread of sampled futures.

Student side: nothing here is graded. The world's hidden kick (a push in an
unobserved direction right after the context) makes the futures of one
context diverge, so a model whose latent carries that uncertainty samples
pucks that leave in different directions.
"""

from __future__ import annotations

import numpy as np
import torch

from .model import SVG
from .world import PushBatch, simulate

__all__ = ["kicked_clips", "as_tensors", "warm_start", "spread", "future_rows"]


def kicked_clips(n_videos: int, n_frames: int = 6, seed: int = 0) -> PushBatch:
    """``n_videos`` one-puck videos whose puck gets a hidden kick after frame 1 (the last context frame)."""
    return simulate(n_videos, n_frames=n_frames, seed=seed, kick_at=1, max_objects=1)


def as_tensors(batch: PushBatch) -> tuple[torch.Tensor, torch.Tensor]:
    """(video (N, 3, T, 64, 64) floats in [0, 1], cond (N, T, 7) actions then positions)."""
    video = torch.from_numpy(batch.frames).permute(0, 4, 1, 2, 3).float().div(255)
    return video, torch.from_numpy(np.concatenate([batch.actions, batch.positions], -1))


def warm_start(pretrained: SVG, gaussian_lstm: type) -> SVG:
    """A copy of ``pretrained`` whose posterior and prior are ``gaussian_lstm`` instances holding its weights.

    Raises if the class's parameters are not named as the kit's (the
    interface of :class:`course_kit.svg.model.GaussianLSTM`).
    """
    model = SVG(pretrained.config, gaussian_lstm=gaussian_lstm)
    missing, unexpected = model.load_state_dict(pretrained.state_dict(), strict=False)
    if missing or unexpected:
        raise ValueError(f"warm_start: `gaussian_lstm` must have the kit's members (embed, cell, mu, logvar); "
                         f"missing {missing[:4]}, unexpected {unexpected[:4]}")
    return model.to(pretrained.cond_mean.device)


def spread(samples: np.ndarray, frames: np.ndarray, threshold: int = 30) -> dict:
    """How much sampled futures differ, per pixel (std over samples, grey levels 0-255).

    samples (N, K, F, H, W, 3) uint8 futures of N videos; frames (N, n_past + F,
    H, W, 3) the true videos. "moving" are the pixels of future frames where the
    truth differs from the last context frame by more than ``threshold`` (where
    the puck or the gripper went), "still" the others.
    """
    n_future = samples.shape[2]
    std = samples.astype(np.float32).std(axis=1).mean(-1)                          # (N, F, H, W)
    truth = frames[:, -n_future:].astype(np.int16)
    moving = np.abs(truth - frames[:, -n_future - 1:-n_future].astype(np.int16)).max(-1) > threshold
    return {"moving": float(std[moving].mean()) if moving.any() else 0.0,
            "still": float(std[~moving].mean()), "all": float(std.mean())}


def future_rows(frames: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """One image: the true video on top, then one row per sampled future (context frames repeated)."""
    n_future = samples.shape[1]
    context = list(frames[:-n_future])
    rows = [np.concatenate(list(frames), 1)] + [np.concatenate(context + list(s), 1) for s in samples]
    return np.concatenate(rows, 0)
