"""Turn whatever a student hands us into (T, H, W, 3) uint8 frames, or say why not.

Accepted, as a numpy array or a torch tensor (any device, with or without grad):

- layouts (T, H, W, 3), (T, 3, H, W) and (3, T, H, W); ``layout=`` ("THWC",
  "TCHW", "CTHW") forces one, otherwise the first that fits is taken in that
  order (the channel axis is the one of size 3);
- dtype uint8 (used as is) or a floating type; floats are mapped to 0..255
  from ``value_range`` if given, else detected: values inside [0, 1] are read
  as [0, 1], values inside [-1, 1] with some negative as [-1, 1] (a generator's
  tanh output). A [-1, 1] video that happens to have no negative value would
  be read as [0, 1]: pass ``value_range=(-1, 1)`` when that matters.

Everything else (other dtypes, NaN, values outside both ranges, 5-D batches,
empty or huge videos) raises an error that names the argument, the shape and
dtype that arrived and what to do.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_video", "as_videos", "LAYOUTS", "MAX_PIXELS"]

LAYOUTS = ("THWC", "TCHW", "CTHW")
#: Refuse videos with more pixels than this (T*H*W): a browser output is no place
#: for them, and encoding them would hang a student's kernel.
MAX_PIXELS = 16_000_000


def _describe(array) -> str:
    shape = tuple(array.shape)
    return f"shape {shape} and dtype {str(array.dtype).replace('torch.', '')}"


def _to_numpy(video, name: str):
    """numpy or torch in, numpy out (float tensors become float32)."""
    if isinstance(video, np.ndarray):
        return video
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        torch = None
    if torch is not None and isinstance(video, torch.Tensor):
        t = video.detach().cpu()
        if t.is_floating_point() and t.dtype not in (torch.float32, torch.float64):
            t = t.float()
        return t.numpy()
    raise TypeError(f"`{name}` must be a numpy array or a torch tensor shaped (T, H, W, 3), "
                    f"(T, 3, H, W) or (3, T, H, W); got {type(video).__name__}")


def _to_thwc(a: np.ndarray, layout: str | None, name: str, what: str) -> np.ndarray:
    if a.ndim == 5:
        hint = ("pass one video (e.g. videos[0]) or show the batch with VideoGrid"
                if a.shape[0] != 1 else f"drop the batch axis: {name}[0]")
        raise ValueError(f"`{name}` must be one video with 4 dimensions; got 5-D {what}; {hint}")
    if a.ndim != 4:
        raise ValueError(f"`{name}` must be a video with 4 dimensions, (T, H, W, 3), (T, 3, H, W) "
                         f"or (3, T, H, W); got {what}")
    if layout is None:
        layout = next((lay for lay, axis in (("THWC", 3), ("TCHW", 1), ("CTHW", 0))
                       if a.shape[axis] == 3), None)
        if layout is None:
            raise ValueError(f"`{name}` needs a colour axis of size 3 (RGB) in position 0, 1 or 3; "
                             f"got {what}. Grey videos: repeat the channel, e.g. "
                             f"video.repeat(3, axis=-1) on a (T, H, W, 1) array")
    elif layout not in LAYOUTS:
        raise ValueError(f"`layout` must be one of {LAYOUTS} or None, got {layout!r}")
    axis = {"THWC": 3, "TCHW": 1, "CTHW": 0}[layout]
    if a.shape[axis] != 3:
        raise ValueError(f"`{name}` with layout={layout!r} needs size 3 on axis {axis}; got {what}")
    a = {"THWC": a, "TCHW": a.transpose(0, 2, 3, 1), "CTHW": a.transpose(1, 2, 3, 0)}[layout]
    T, H, W, _ = a.shape
    if min(T, H, W) < 1:
        raise ValueError(f"`{name}` is empty: {T} frames of {H}x{W}; got {what}")
    if T * H * W > MAX_PIXELS:
        raise ValueError(f"`{name}` is too large to show inline: {T} frames of {H}x{W} "
                         f"({T * H * W:,} pixels, limit {MAX_PIXELS:,}); show fewer frames "
                         f"(video[::2]) or a crop")
    return a


def _to_uint8(a: np.ndarray, value_range, name: str, what: str) -> np.ndarray:
    if a.dtype == np.uint8:
        return np.ascontiguousarray(a)
    if not np.issubdtype(a.dtype, np.floating):
        raise TypeError(f"`{name}` must be uint8 (0..255) or float in [0, 1] or [-1, 1]; got {what}. "
                        f"Integers in 0..255: convert with .astype(np.uint8) "
                        f"(torch: .to(torch.uint8))")
    if not np.isfinite(a).all():
        raise ValueError(f"`{name}` contains NaN or infinite values; got {what}")
    lo, hi = float(a.min()), float(a.max())
    if value_range is None:
        if lo >= 0.0 and hi <= 1.0:
            value_range = (0.0, 1.0)
        elif lo >= -1.0 and hi <= 1.0:
            value_range = (-1.0, 1.0)
        else:
            raise ValueError(f"`{name}` holds floats from {lo:.3g} to {hi:.3g}, outside both [0, 1] "
                             f"and [-1, 1]; got {what}. Clamp it, or pass value_range=(low, high) "
                             f"to map that range to black..white")
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"`value_range` must be a pair (low, high), got {value_range!r}") from None
    if not high > low:
        raise ValueError(f"`value_range` must have high > low, got {value_range!r}")
    scaled = (np.clip(a.astype(np.float32), low, high) - low) * (255.0 / (high - low))
    return np.rint(scaled).astype(np.uint8)


def as_video(video, layout: str | None = None, value_range=None, name: str = "video") -> np.ndarray:
    """One video as contiguous (T, H, W, 3) uint8 (see the module docstring for the rules)."""
    a = _to_numpy(video, name)
    what = _describe(a)
    a = _to_thwc(a, layout, name, what)
    return _to_uint8(a, value_range, name, what)


def as_videos(videos, layout: str | None = None, value_range=None,
              name: str = "videos") -> list[np.ndarray]:
    """A batch as a list of (T, H, W, 3) uint8 videos of one shape.

    ``videos`` is a list/tuple of videos, or one 5-D array/tensor: (N, T, H, W, 3),
    (N, T, 3, H, W) or the models' own (N, 3, T, H, W). ``layout`` then names the
    layout of each video (without N).
    """
    if isinstance(videos, (list, tuple)):
        items = list(videos)
    else:
        a = _to_numpy(videos, name)
        if a.ndim != 5:
            raise ValueError(f"`{name}` must be a list of videos or a 5-D batch (N, T, H, W, 3), "
                             f"(N, T, 3, H, W) or (N, 3, T, H, W); got {_describe(a)}"
                             + ("; for one video use VideoPlayer" if a.ndim == 4 else ""))
        items = list(a)
        if value_range is None and np.issubdtype(a.dtype, np.floating) and a.size:
            # Decide the range once for the whole batch so videos are scaled alike.
            lo, hi = float(np.nanmin(a)), float(np.nanmax(a))
            value_range = (0.0, 1.0) if lo >= 0 and hi <= 1 else \
                (-1.0, 1.0) if lo >= -1 and hi <= 1 else None
    if not items:
        raise ValueError(f"`{name}` is empty: give at least one video")
    out = [as_video(v, layout, value_range, name=f"{name}[{i}]") for i, v in enumerate(items)]
    first = out[0].shape
    for i, v in enumerate(out[1:], 1):
        if v.shape != first:
            raise ValueError(f"`{name}` must all have one shape to play in step: {name}[0] is "
                             f"{first[0]} frames of {first[1]}x{first[2]}, {name}[{i}] is "
                             f"{v.shape[0]} frames of {v.shape[1]}x{v.shape[2]}")
    return out
