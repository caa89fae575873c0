"""Video readers, the procedural shapes, class-folder datasets and clip sampling."""

import numpy as np
import pytest
from PIL import Image

from course_kit.data import (VideoDataset, read_frame_folder, read_strip, read_video,
                             sample_clip, scan_class_folders, shape_motion_videos)
from course_kit.data.readers import VideoReadError
from course_kit.media import tile_videos, write_video


def _video(t=6, size=16, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (t, size, size, 3), dtype=np.uint8)


def test_strip_round_trip_rgba_png_with_jpg_extension(tmp_path):
    """The shared data's quirk: RGBA PNG files named .jpg; alpha is dropped."""
    video = _video()
    strip = np.concatenate(list(video), axis=1)
    rgba = np.concatenate([strip, np.full(strip.shape[:2] + (1,), 255, np.uint8)], axis=2)
    path = tmp_path / "00000001.jpg"
    Image.fromarray(rgba, "RGBA").save(path, format="PNG")
    out = read_strip(path)
    assert out.shape == (6, 16, 16, 3) and out.dtype == np.uint8
    assert np.array_equal(out, video)
    assert np.array_equal(read_video(path), video)


def test_strip_rejects_non_square_frames(tmp_path):
    path = tmp_path / "bad.png"
    Image.fromarray(np.zeros((16, 40, 3), np.uint8)).save(path)
    with pytest.raises(VideoReadError, match="bad.png.*not a multiple of height"):
        read_strip(path)


def test_corrupt_files_are_named(tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG not really")
    with pytest.raises(VideoReadError, match="broken.png"):
        read_video(bad)
    bad_mp4 = tmp_path / "broken.mp4"
    bad_mp4.write_bytes(b"\x00" * 100)
    with pytest.raises(VideoReadError, match="broken.mp4"):
        read_video(bad_mp4)
    with pytest.raises(VideoReadError, match="unknown video format"):
        read_video(tmp_path / "x.txt")


def test_frame_folder_sorts_by_number(tmp_path):
    video = _video(t=12)
    for i, frame in enumerate(video):
        Image.fromarray(frame).save(tmp_path / f"{i}.png")  # 10.png sorts before 2.png by name
    assert np.array_equal(read_frame_folder(tmp_path), video)


def test_gif_and_mp4_files_read_back(tmp_path):
    videos, _ = shape_motion_videos(2, seed=3, n_frames=8, size=32)
    gif = write_video(tmp_path / "a.gif", videos[0], fps=10)
    assert np.array_equal(read_video(gif), videos[0])  # few colours: GIF is lossless here
    mp4 = write_video(tmp_path / "a.mp4", videos[0], fps=10)
    back = read_video(mp4)
    assert back.shape == videos[0].shape
    assert np.abs(back.astype(int) - videos[0]).mean() < 6  # h264 is lossy


def test_shapes_move_in_their_labelled_direction():
    videos, labels = shape_motion_videos(20, seed=1, n_frames=16, size=64)
    assert videos.shape == (20, 16, 64, 64, 3) and sorted(set(labels.tolist())) == [0, 1]
    for video, label in zip(videos, labels):
        mask = video.max(axis=3) > 0
        ys = [np.nonzero(m)[0].mean() for m in mask]
        xs = [np.nonzero(m)[1].mean() for m in mask]
        if label == 0:  # up: y decreases, x constant
            assert ys[-1] < ys[0] - 10 and abs(xs[-1] - xs[0]) < 1
        else:  # left: x decreases, y constant
            assert xs[-1] < xs[0] - 10 and abs(ys[-1] - ys[0]) < 1
    again, _ = shape_motion_videos(20, seed=1, n_frames=16, size=64)
    assert np.array_equal(videos, again)


def test_sample_clip_stride_and_errors():
    video = np.arange(20)[:, None, None, None] * np.ones((1, 2, 2, 3), np.uint8)
    clip = sample_clip(video, 5, stride=3, start=2)
    assert clip[:, 0, 0, 0].tolist() == [2, 5, 8, 11, 14]
    with pytest.raises(ValueError, match="spans 22 frames, but the video has only 20"):
        sample_clip(video, 8, stride=3)


def test_dataset_from_class_folders(tmp_path):
    for cls in ("0", "1", "3"):
        (tmp_path / cls).mkdir()
        for k in range(3):
            Image.fromarray(np.concatenate(list(_video(t=10, seed=k)), axis=1)).save(tmp_path / cls / f"{k}.png")
    items, classes = scan_class_folders(tmp_path)
    assert classes == ["0", "1", "3"] and len(items) == 9
    data = VideoDataset(tmp_path, n_frames=4, stride=2)
    clip, label = data[4]
    assert clip.shape == (4, 16, 16, 3) and label == 1
    clips, labels = data.batch(5, np.random.default_rng(0))
    assert clips.shape == (5, 4, 16, 16, 3) and labels.shape == (5,)
    train, held = data.split(0.34, seed=0)
    assert len(train) + len(held) == 9 and sorted(set(held.labels.tolist())) == [0, 1, 2]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        scan_class_folders(tmp_path / "missing")


def test_tile_videos_layout():
    videos = np.zeros((3, 2, 4, 4, 3), np.uint8)
    videos[2] = 255
    grid = tile_videos(videos, columns=2, pad=1)
    assert grid.shape == (2, 9, 9, 3)
    assert grid[0, 5:, :4].min() == 255 and grid[0, :4, :4].max() == 0
