"""Input normalisation for the video widgets: every accepted form, and clear errors for the rest."""

import numpy as np
import pytest
import torch

from course_kit.widgets import as_video, as_videos


def _frames(T=5, H=4, W=6, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (T, H, W, 3), dtype=np.uint8)


@pytest.mark.parametrize("make", [
    lambda f: f,
    lambda f: f.transpose(0, 3, 1, 2),            # (T, 3, H, W)
    lambda f: f.transpose(3, 0, 1, 2),            # (3, T, H, W), the models' layout
    lambda f: torch.from_numpy(f.transpose(0, 3, 1, 2).copy()),
    lambda f: torch.from_numpy(f).requires_grad_(False),
])
def test_layouts_come_back_as_thwc_uint8(make):
    frames = _frames()
    out = as_video(make(frames))
    assert out.dtype == np.uint8 and out.shape == (5, 4, 6, 3) and out.flags.c_contiguous
    np.testing.assert_array_equal(out, frames)


def test_float_ranges_are_detected_and_mapped():
    frames = _frames()
    unit = frames / 255.0
    np.testing.assert_array_equal(as_video(unit), frames)
    signed = torch.from_numpy(unit * 2 - 1).float().requires_grad_()  # a generator's tanh output
    np.testing.assert_allclose(as_video(signed).astype(int), frames.astype(int), atol=1)
    half = torch.from_numpy(unit).half()
    np.testing.assert_allclose(as_video(half).astype(int), frames.astype(int), atol=1)


def test_value_range_forces_the_mapping_and_clips():
    video = np.full((2, 2, 2, 3), 0.5, np.float32)
    assert as_video(video)[0, 0, 0, 0] == 128                          # read as [0, 1]
    assert as_video(video, value_range=(-1, 1))[0, 0, 0, 0] == 191       # forced [-1, 1]
    assert as_video(np.full((2, 2, 2, 3), 7.0), value_range=(0, 5)).max() == 255


def test_layout_argument_resolves_ambiguous_shapes():
    video = np.zeros((3, 3, 8, 3), np.uint8)         # THWC and TCHW and CTHW all fit
    video[:, 1] = 255
    assert as_video(video).shape == (3, 3, 8, 3)     # THWC is tried first
    assert as_video(video, layout="TCHW").shape == (3, 8, 3, 3)
    with pytest.raises(ValueError, match="`layout` must be one of"):
        as_video(video, layout="HWC")


@pytest.mark.parametrize("bad, error, words", [
    (np.zeros((10, 64, 64), np.uint8), ValueError, ["4 dimensions", "(10, 64, 64)", "uint8"]),
    (np.zeros((10, 64, 64, 4), np.uint8), ValueError, ["size 3", "(10, 64, 64, 4)"]),
    (np.zeros((1, 3, 8, 16, 16), np.float32), ValueError, ["5-D", "video[0]"]),
    (np.zeros((2, 3, 8, 16, 16), np.float32), ValueError, ["5-D", "VideoGrid"]),
    (np.zeros((4, 8, 8, 3), np.int64), TypeError, ["uint8", "int64", "astype"]),
    (torch.zeros(4, 8, 8, 3, dtype=torch.int32), TypeError, ["int32"]),
    (np.zeros((4, 8, 8, 3), bool), TypeError, ["bool"]),
    (np.full((4, 8, 8, 3), 2.5), ValueError, ["2.5", "value_range"]),
    (np.full((4, 8, 8, 3), np.nan), ValueError, ["NaN"]),
    (np.zeros((0, 8, 8, 3), np.uint8), ValueError, ["empty"]),
    (np.zeros((100_000, 64, 64, 3), np.uint8)[:, :1].repeat(64, axis=1), ValueError, ["too large"]),
    ([[1, 2, 3]], TypeError, ["numpy array or a torch tensor", "list"]),
])
def test_bad_input_names_what_arrived(bad, error, words):
    with pytest.raises(error) as info:
        as_video(bad)
    for word in words:
        assert word in str(info.value)
    assert "`video`" in str(info.value)


def test_batches_from_lists_and_5d_tensors():
    frames = [_frames(seed=i) for i in range(3)]
    batch = torch.from_numpy(np.stack(frames)).permute(0, 4, 1, 2, 3)    # (N, 3, T, H, W)
    for videos in (frames, batch, np.stack(frames)):
        out = as_videos(videos)
        assert len(out) == 3
        for a, b in zip(out, frames):
            np.testing.assert_array_equal(a, b)


def test_a_float_batch_is_scaled_as_a_whole():
    # Video 1 happens to be all positive; it must still be read as [-1, 1] like video 0.
    batch = np.stack([np.full((2, 2, 2, 3), -1.0), np.full((2, 2, 2, 3), 1.0)])
    out = as_videos(batch)
    assert out[0].max() == 0 and out[1].min() == 255


def test_batch_errors_name_the_video():
    with pytest.raises(ValueError, match=r"videos\[1\] is 4 frames"):
        as_videos([_frames(T=5), _frames(T=4)])
    with pytest.raises(TypeError, match=r"`videos\[1\]`"):
        as_videos([_frames(), _frames().astype(np.int16)])
    with pytest.raises(ValueError, match="empty"):
        as_videos([])
    with pytest.raises(ValueError, match="VideoPlayer"):
        as_videos(_frames())
