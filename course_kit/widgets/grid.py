"""VideoGrid: many videos of one shape playing in step, under shared controls.

For comparisons such as "same content, different motion": one clock, one
slider, one speed menu drive every cell, so frame t of each video is on screen
at the same moment. Built on the same front end as VideoPlayer.
"""

from __future__ import annotations

import math

import numpy as np

from .. import media
from .player import VideoWidget, default_scale
from .video import as_videos

__all__ = ["VideoGrid", "tile_videos"]


def tile_videos(videos: list[np.ndarray], columns: int, gap: int = 2) -> np.ndarray:
    """Lay same-shaped (T, H, W, 3) videos out on one canvas per frame, white gaps between."""
    return media.tile_videos(videos, columns, pad=gap, fill=255)


def _normalise(videos, titles, columns, layout, value_range):
    frames = as_videos(videos, layout=layout, value_range=value_range, name="videos")
    n = len(frames)
    if titles is not None:
        titles = [str(t) for t in titles]
        if len(titles) != n:
            raise ValueError(f"`titles` must have one entry per video ({n}), got {len(titles)}")
    if columns is None:
        columns = math.ceil(math.sqrt(n))
    elif not (isinstance(columns, int) and not isinstance(columns, bool) and columns >= 1):
        raise ValueError(f"`columns` must be a positive int, got {columns!r}")
    return frames, titles, min(columns, n)


class VideoGrid(VideoWidget):
    """Videos in a grid, all playing in step.

    ``videos``: a list of videos (each as VideoPlayer accepts) or one 5-D batch
    (N, T, H, W, 3), (N, T, 3, H, W) or (N, 3, T, H, W); all of one shape.
    ``titles``: one caption per video (optional); ``columns``: cells per row
    (default: about square). Other arguments as for VideoPlayer; the default
    ``scale`` makes each cell about 128 px wide.
    """

    def __init__(self, videos, titles=None, columns=None, fps=8, loop=True, scale=None, *,
                 layout=None, value_range=None, autoplay=True, codec="jpeg", quality=90,
                 fallback=True):
        frames, titles, columns = _normalise(videos, titles, columns, layout, value_range)
        if scale is None:
            scale = default_scale(*frames[0].shape[1:3], target=128)
        super().__init__(frames, titles=titles, columns=columns, fps=fps, loop=loop, scale=scale,
                         autoplay=autoplay, codec=codec, quality=quality, fallback=fallback)

    def set_videos(self, videos, titles=None, columns=None, scale=None, *, layout=None,
                   value_range=None) -> None:
        """Replace every video (and titles, columns) in one message to the browser."""
        frames, titles, columns = _normalise(videos, titles, columns, layout, value_range)
        self._set_videos(frames, titles=titles, columns=columns, scale=scale)

    @property
    def videos(self) -> list[np.ndarray]:
        """The videos shown, each (T, H, W, 3) uint8 (read-only views)."""
        views = []
        for video in self._videos:
            view = video.view()
            view.flags.writeable = False
            views.append(view)
        return views

    @videos.setter
    def videos(self, videos) -> None:
        self.set_videos(videos)

    def _fallback_frames(self) -> np.ndarray:
        return tile_videos(self._videos, self.columns)

    def __repr__(self) -> str:
        T, H, W, _ = self._videos[0].shape
        return f"VideoGrid({len(self._videos)} videos, {T} frames, {H}x{W}, {self.fps:g} fps)"
