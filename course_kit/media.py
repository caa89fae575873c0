"""Writing videos to files: GIF/MP4 for one video or a tiled grid of many.

Frames are (T, H, W, 3) uint8 (numpy or torch). GIF frame periods are rounded
to 10 ms, because browsers clamp anything finer (and below 20 ms) anyway.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def as_numpy_frames(video) -> np.ndarray:
    """torch or numpy (T, H, W, 3) uint8 -> numpy, checked."""
    arr = video.detach().cpu().numpy() if hasattr(video, "detach") else np.asarray(video)
    if arr.ndim != 4 or arr.shape[-1] != 3 or arr.dtype != np.uint8:
        raise ValueError(f"expected frames of shape (T, H, W, 3) and dtype uint8, "
                         f"got shape {arr.shape} and dtype {arr.dtype}")
    return arr


def tile_videos(videos, columns: int | None = None, pad: int = 2, fill: int = 0) -> np.ndarray:
    """(N, T, H, W, 3) -> one (T, rows*H', cols*W', 3) video, gutters of ``pad`` px in grey ``fill``.

    Files use black gutters (the default); the widgets' fallback image uses white
    ones, to match the page around it.
    """
    vids = np.stack([as_numpy_frames(v) for v in videos])
    n, t, h, w, _ = vids.shape
    columns = columns or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    out = np.full((t, rows * (h + pad) - pad, columns * (w + pad) - pad, 3), fill, np.uint8)
    for i in range(n):
        r, c = divmod(i, columns)
        out[:, r * (h + pad):r * (h + pad) + h, c * (w + pad):c * (w + pad) + w] = vids[i]
    return out


def frame_period_ms(fps: float) -> int:
    """The frame period a browser honours: whole 10 ms, at least 20 ms (browsers slow down shorter)."""
    return int(max(20, round(1000.0 / fps / 10.0) * 10))


def write_video(path: str | Path, frames, fps: float = 8) -> Path:
    """Write (T, H, W, 3) uint8 frames as .gif (looping) or .mp4 (h264) by suffix."""
    import imageio.v3 as iio

    path = Path(path)
    frames = as_numpy_frames(frames)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".gif":
        iio.imwrite(path, frames, extension=".gif", duration=frame_period_ms(fps), loop=0)
    elif suffix == ".mp4":
        import importlib.util
        if importlib.util.find_spec("imageio_ffmpeg") is None:  # instructor extra: a 30 MB ffmpeg
            raise ModuleNotFoundError(f"write_video: writing {path.name!r} (MP4) needs imageio-ffmpeg, "
                                      f"which the student install leaves out; `pip install "
                                      f"imageio-ffmpeg` (or course_kit[instructor]), or write a .gif")
        h, w = frames.shape[1:3]
        if h % 2 or w % 2:  # h264 with yuv420p needs even sizes
            frames = np.pad(frames, ((0, 0), (0, h % 2), (0, w % 2), (0, 0)))
        iio.imwrite(path, frames, extension=".mp4", plugin="FFMPEG", fps=fps,
                    codec="libx264", macro_block_size=1)
    else:
        raise ValueError(f"write_video: `path` must end in .gif or .mp4, got {path.name!r}")
    return path

