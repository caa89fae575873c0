"""Known-answer tests of the evaluation metrics (ACD, MCS, Inception-like score, Frechet, directions)."""

import numpy as np
import pytest

from course_kit.data import shape_motion_videos
from course_kit.mocogan import metrics as M


def square_video(colours, size=32, side=6, start=(20, 12), step=(-1, 0), background=None):
    """A square moving ``step`` px per frame; frame t has colour ``colours[t]``."""
    colours = np.asarray(colours)
    video = np.zeros((len(colours), size, size, 3), np.uint8) if background is None \
        else np.repeat(background[None], len(colours), axis=0).copy()
    for t, c in enumerate(colours):
        y, x = start[0] + step[0] * t, start[1] + step[1] * t
        video[t, y:y + side, x:x + side] = c
    return video


def test_acd_of_constant_colour_objects_is_zero():
    videos, _ = shape_motion_videos(12, seed=3, n_frames=16)
    result = M.average_content_distance(videos)
    assert result["acd"] == pytest.approx(0.0, abs=1e-9)
    assert result["videos_with_content"] == 1.0
    assert 0 < result["content_area"] < 0.1  # one small shape per frame


def test_acd_of_a_colour_ramp_matches_the_closed_form():
    # colour c0 + t*d: pairwise distance |t-s|*|d|; the mean of |t-s| over pairs is (T+1)/3
    T, d = 16, np.array([6, -3, 2])
    video = square_video([np.array([80, 150, 90]) + t * d for t in range(T)])
    acd = M.average_content_distance(video[None])["acd"]
    assert acd == pytest.approx((T + 1) / 3 * np.linalg.norm(d), rel=1e-9)


def test_acd_averages_over_videos():
    T = 8
    still = square_video([[200, 60, 60]] * T)
    ramp = square_video([[100 + 10 * t, 100, 100] for t in range(T)])
    both = M.average_content_distance(np.stack([still, ramp]))["acd"]
    assert both == pytest.approx((0 + (T + 1) / 3 * 10) / 2)


def test_moving_content_ignores_a_textured_static_background():
    rng = np.random.default_rng(0)
    background = rng.integers(0, 120, size=(32, 32, 3)).astype(np.uint8)
    video = square_video([[250, 250, 40]] * 16, background=background, step=(-1, 0))
    masks = M.content_masks(video[None], "moving")
    assert masks.any() and not masks[0, :, :, 0:5].any()  # far from the square's columns
    assert M.average_content_distance(video[None], "moving")["acd"] == pytest.approx(0, abs=1e-9)
    # with the "bright" rule the textured background counts as content and pollutes the colours
    assert M.average_content_distance(video[None], "bright")["acd"] > 0.1


def test_videos_without_content_are_left_out_and_counted():
    empty = np.zeros((16, 32, 32, 3), np.uint8)
    ramp = square_video([[100 + 4 * t, 90, 90] for t in range(16)])
    r = M.average_content_distance(np.stack([empty, ramp]))
    assert r["videos_with_content"] == 0.5 and r["acd"] == pytest.approx(17 / 3 * 4)
    r = M.average_content_distance(empty[None])
    assert np.isnan(r["acd"]) and r["videos_with_content"] == 0.0


def test_metrics_name_bad_video_input():
    with pytest.raises(ValueError, match="`videos` must be uint8"):
        M.average_content_distance(np.zeros((2, 4, 8, 8, 3), np.float32))
    with pytest.raises(ValueError, match="`content` must be one of"):
        M.content_masks(np.zeros((1, 4, 8, 8, 3), np.uint8), "edges")


def test_motion_control_score_is_the_accuracy_of_the_requested_action():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    assert M.motion_control_score(probs, [0, 1, 1, 1]) == 0.75
    with pytest.raises(ValueError, match="requested"):
        M.motion_control_score(probs, [0, 1])


def test_inception_score_known_answers():
    K = 4
    assert M.inception_score(np.full((10, K), 1 / K)) == pytest.approx(1.0)
    assert M.inception_score(np.eye(K)[np.arange(12) % K]) == pytest.approx(K, rel=1e-6)
    # confident but always the same class: no diversity, score 1
    assert M.inception_score(np.eye(K)[np.zeros(12, int)]) == pytest.approx(1.0)


def test_frechet_distance_of_a_set_with_itself_is_zero_and_grows_with_a_shift():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(300, 8)) @ rng.normal(size=(8, 8))  # correlated features
    assert M.frechet_distance(a, a) == pytest.approx(0, abs=1e-6)
    shifts = [M.frechet_distance(a, a + s) for s in (0.5, 1.0, 2.0)]
    # same covariance: the distance is exactly |shift|^2 = 8 s^2
    assert shifts == pytest.approx([8 * 0.25, 8 * 1.0, 8 * 4.0], rel=1e-6)


def test_frechet_distance_with_a_scaled_covariance():
    # b = 2a: S_b = 4 S_a, (S_a S_b)^(1/2) = 2 S_a, so FD = |mu_a|^2 + Tr(S_a)
    rng = np.random.default_rng(2)
    a = rng.normal(loc=1.0, size=(500, 6)) @ rng.normal(size=(6, 6))
    expected = (a.mean(0) ** 2).sum() + np.trace(np.cov(a, rowvar=False))
    assert M.frechet_distance(a, 2 * a) == pytest.approx(expected, rel=1e-6)
    assert M.frechet_distance(2 * a, a) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_handles_singular_covariances():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(10, 64)), rng.normal(size=(10, 64))  # rank 9 in 64 dimensions
    value = M.frechet_distance(a, b)
    assert np.isfinite(value) and value > 0
    with pytest.raises(ValueError, match="same D"):
        M.frechet_distance(a, b[:, :5])


def test_motion_directions_follow_the_shape():
    videos, labels = shape_motion_videos(24, seed=5, n_frames=16)
    assert (M.motion_directions(videos) == labels).all()
    assert M.direction_accuracy(videos, labels) == 1.0
    assert M.direction_accuracy(videos, 1 - labels) == 0.0
    # played backwards the shapes move down or right: neither requested direction
    assert (M.motion_directions(videos[:, ::-1]) == -1).all()
    # a still shape or an empty video has no direction
    still = np.repeat(videos[:, :1], 16, axis=1)
    assert (M.motion_directions(still) == -1).all()
    assert M.motion_directions(np.zeros((1, 16, 64, 64, 3), np.uint8))[0] == -1
