"""Readers for the three on-disk video formats, each returning (T, H, W, 3) uint8.

- MoCoGAN "strip" images: one image per video, square frames side by side
  (the format of ../shared/data; often PNG whatever the extension says).
- Folders of numbered frames (0.png, 1.png, ... or frame_0001.jpg ...).
- Video files (mp4/avi/gif/webm) through imageio and its bundled ffmpeg.

A corrupt or unreadable file raises ``VideoReadError`` naming the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from ..errors import CourseKitError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp"}
VIDEO_SUFFIXES = {".mp4", ".avi", ".gif", ".webm", ".mov", ".mkv"}


class VideoReadError(CourseKitError, ValueError):
    """A video file or folder could not be read; the message names it."""


def _to_rgb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.uint8)


def _open_image(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as im:
            return _to_rgb(im)
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise VideoReadError(f"cannot read image {path}: {e}") from None


def read_strip(path: str | Path) -> np.ndarray:
    """A MoCoGAN strip image (frames of height x height side by side) -> (T, H, W, 3)."""
    path = Path(path)
    image = _open_image(path)
    h, w, _ = image.shape
    if h == 0 or w % h != 0:
        raise VideoReadError(f"{path}: a strip must be (height, T*height) with square frames, "
                             f"got {h}x{w} (width not a multiple of height)")
    return np.ascontiguousarray(image.reshape(h, w // h, h, 3).transpose(1, 0, 2, 3))


def _frame_number(path: Path) -> int:
    digits = re.findall(r"\d+", path.stem)
    if not digits:
        raise VideoReadError(f"{path}: frame file names must contain a frame number")
    return int(digits[-1])


def read_frame_folder(folder: str | Path) -> np.ndarray:
    """A folder of numbered frame images (sorted by number, not by name) -> (T, H, W, 3)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise VideoReadError(f"{folder}: not a folder of frames")
    files = sorted((p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES),
                   key=_frame_number)
    if not files:
        raise VideoReadError(f"{folder}: no frame images ({', '.join(sorted(IMAGE_SUFFIXES))})")
    frames = [_open_image(p) for p in files]
    shapes = {f.shape for f in frames}
    if len(shapes) != 1:
        raise VideoReadError(f"{folder}: frames differ in size: {sorted(shapes)}")
    return np.stack(frames)


def read_video_file(path: str | Path) -> np.ndarray:
    """An mp4/avi/gif/webm file -> (T, H, W, 3), via imageio (ffmpeg from imageio-ffmpeg)."""
    import imageio.v3 as iio

    path = Path(path)
    if not path.is_file():
        raise VideoReadError(f"{path}: no such video file")
    try:
        frames = iio.imread(path, index=None)
    except Exception as e:  # imageio raises many types for corrupt files
        raise VideoReadError(f"cannot read video {path}: {type(e).__name__}: {e}") from None
    frames = np.asarray(frames)
    if frames.ndim == 3:  # a single frame or greyscale frames
        frames = frames[..., None] if frames.shape[-1] not in (3, 4) else frames[None]
    if frames.ndim != 4 or frames.shape[0] == 0:
        raise VideoReadError(f"{path}: expected frames (T, H, W, C), got shape {frames.shape}")
    if frames.shape[-1] == 1:
        frames = np.repeat(frames, 3, axis=-1)
    return np.ascontiguousarray(frames[..., :3].astype(np.uint8))


def read_video(path: str | Path) -> np.ndarray:
    """Any of the three formats, chosen by what ``path`` is."""
    path = Path(path)
    if path.is_dir():
        return read_frame_folder(path)
    suffix = path.suffix.lower()
    if suffix == ".gif" or suffix in VIDEO_SUFFIXES:
        return read_video_file(path)
    if suffix in IMAGE_SUFFIXES:
        return read_strip(path)
    raise VideoReadError(f"{path}: unknown video format {suffix!r}; expected a frame folder, "
                         f"a strip image ({', '.join(sorted(IMAGE_SUFFIXES))}) or a video file "
                         f"({', '.join(sorted(VIDEO_SUFFIXES))})")
