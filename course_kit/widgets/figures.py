"""Static matplotlib figures in a notebook: a PNG for every renderer, a stable text line for nbval.

``Picture`` wraps a figure made without pyplot (so showing one never changes
the notebook's backend); ``frames_figure`` lays out a few frames of videos,
one row per video, so a still page shows what a clip looks like.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure


class Picture:
    """A finished figure: displays as PNG; ``repr`` names it without machine-dependent details."""

    def __init__(self, figure: Figure, name: str):
        self.figure, self.name = figure, name

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        return buffer.getvalue()

    def save(self, path) -> None:
        self.figure.savefig(path, dpi=90, bbox_inches="tight")

    def __repr__(self) -> str:
        return f"<figure: {self.name}>"


def frames_figure(videos, titles=None, frames=(0, 3, 6, 9, 12, 15), name="frames") -> Picture:
    """Frames ``frames`` of each uint8 video (T, H, W, 3), one row per video, titled on the left."""
    videos = [np.asarray(v) for v in videos]
    if not videos or any(v.ndim != 4 or v.shape[-1] != 3 for v in videos):
        raise ValueError(f"frames_figure: `videos` must be uint8 arrays (T, H, W, 3), got shapes "
                         f"{[v.shape for v in videos]}")
    frames = [t for t in frames if t < min(len(v) for v in videos)]
    fig = Figure(figsize=(1.1 * len(frames) + 1.4, 1.15 * len(videos)))
    axes = fig.subplots(len(videos), len(frames), squeeze=False)
    for r, video in enumerate(videos):
        for k, t in enumerate(frames):
            ax = axes[r][k]
            ax.imshow(video[t])
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(f"frame {t}", fontsize=8)
        if titles:
            axes[r][0].set_ylabel(titles[r], fontsize=8, rotation=0, ha="right", va="center")
    fig.subplots_adjust(wspace=0.05, hspace=0.08)
    return Picture(fig, name)
