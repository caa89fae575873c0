"""Diversity, content consistency, motion diversity, precision and recall: known answers, fake models, CLI."""

import re

import numpy as np
import pytest
import torch

from course_kit.mocogan import MoCoGAN, MoCoGANConfig
from course_kit.mocogan import metrics as M
from course_kit.mocogan.evaluate import content_motion_videos, evaluate_mocogan, format_table

torch.set_num_threads(1)


# --- metrics: known answers ---------------------------------------------------------------------


def test_class_diversity_is_zero_for_identical_samples_and_the_mean_difference_otherwise():
    video = np.random.default_rng(0).integers(0, 256, (4, 8, 8, 3), dtype=np.uint8)
    same = np.stack([video] * 6)
    assert M.class_diversity(same, [0, 0, 0, 1, 1, 1])["mean"] == 0.0
    # class 0: constant 0 and 10 (one pair, 10); class 1: 0, 20, 40 (pairs 20, 40, 20: mean 80/3)
    flat = np.stack([np.full((4, 8, 8, 3), v, np.uint8) for v in (0, 10, 0, 20, 40)])
    r = M.class_diversity(flat, [0, 0, 1, 1, 1])
    assert r["per_class"] == pytest.approx({0: 10.0, 1: 80 / 3})
    assert r["mean"] == pytest.approx((10 + 80 / 3) / 2)
    # features, Euclidean: a 3-4-5 triangle's sides
    feats = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0]])
    assert M.class_diversity(feats, [0, 0, 0], "l2")["mean"] == pytest.approx(4.0)
    # a class with one sample has no pair: left out; none with a pair: NaN
    assert M.class_diversity(feats, [0, 0, 1], "l2")["mean"] == pytest.approx(3.0)
    assert np.isnan(M.class_diversity(feats, [0, 1, 2], "l2")["mean"])


def test_diversity_inputs_are_checked_with_the_argument_named():
    with pytest.raises(ValueError, match=r"`labels` must be an int array .*\(3,\), got int64 \(2,\)"):
        M.class_diversity(np.zeros((3, 4)), np.array([0, 1]))
    with pytest.raises(ValueError, match="`metric` must be 'l1' or 'l2', got 'cos'"):
        M.class_diversity(np.zeros((3, 4)), [0, 0, 0], "cos")
    with pytest.raises(ValueError, match="`samples` must be a numeric array"):
        M.class_diversity(np.zeros(3), [0, 0, 0])
    with pytest.raises(ValueError, match="`groups` must be an int array"):
        M.content_consistency(np.zeros((3, 3)), [0.5, 1, 2])
    with pytest.raises(ValueError, match="`videos` must be uint8"):
        M.motion_diversity(np.zeros((2, 4, 8, 8, 3)), [0, 0])


def square(colour, start, step, n_frames=16, size=64, side=8):
    video = np.zeros((n_frames, size, size, 3), np.uint8)
    for t in range(n_frames):
        y, x = start[0] + step[0] * t, start[1] + step[1] * t
        video[t, y:y + side, x:x + side] = colour
    return video


def test_content_consistency_separates_kept_from_changing_appearance():
    colours = [(200, 40, 40), (40, 200, 40), (40, 40, 200)]
    starts = [(30, 30), (40, 36), (34, 44), (44, 40)]
    groups = np.repeat(np.arange(3), 4)
    kept = np.stack([square(colours[g], starts[j], (-1, 0)) for g in range(3) for j in range(4)])
    changing = np.stack([square(colours[j % 3], starts[j], (-1, 0)) for g in range(3) for j in range(4)])
    good = M.content_consistency(M.mean_content_colour(kept), groups)
    bad = M.content_consistency(M.mean_content_colour(changing), groups)
    assert good["same"] == 0.0 and good["ratio"] == 0.0 and good["different"] > 200
    assert bad["same"] > 100 and bad["ratio"] > 0.5
    # colourless videos are skipped; no pair at all gives NaN
    empty = np.zeros((2, 16, 64, 64, 3), np.uint8)
    assert np.isnan(M.mean_content_colour(empty)).all()
    assert np.isnan(M.content_consistency(M.mean_content_colour(empty), [0, 0])["same"])


def test_motion_diversity_is_zero_when_a_content_always_moves_the_same_way():
    same_way = np.stack([square((200, 200, 60), (40, 40), (-1, 0))] * 3)
    assert M.motion_diversity(same_way, [0, 0, 0]) == 0.0
    # a still square does not move at all; translated copies of one motion still move the same way
    yellow = (200, 200, 60)
    moved = np.stack([square(yellow, (40, 40), (-1, 0)), square(yellow, (40, 30), (-1, 0))])
    different = np.stack([square(yellow, (40, 40), (-1, 0)), square(yellow, (40, 40), (0, -1))])
    assert 0 < M.motion_diversity(moved, [0, 0]) and 0 < M.motion_diversity(different, [0, 0])
    assert np.isnan(M.motion_diversity(different, [0, 1]))  # no group with two videos


def test_precision_and_recall_known_answers():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(200, 16))
    assert M.precision_recall(real, real) == {"precision": 1.0, "recall": 1.0}
    far = rng.normal(size=(150, 16)) + 100
    assert M.precision_recall(real, far) == {"precision": 0.0, "recall": 0.0}
    # a collapsed generator: every sample the same typical point, realistic but covering nothing
    collapsed = np.repeat(real.mean(0, keepdims=True), 100, axis=0)
    r = M.precision_recall(real, collapsed)
    assert r["precision"] == 1.0 and r["recall"] <= 0.01
    # half the real modes: full precision, about half the recall
    modes = np.concatenate([rng.normal(size=(100, 16)), rng.normal(size=(100, 16)) + 20])
    r = M.precision_recall(modes, modes[:100] + 0.01)
    assert r["precision"] == 1.0 and r["recall"] == pytest.approx(0.5, abs=0.02)
    assert M.knn_radii(np.array([[0.0], [1.0], [3.0], [7.0]]), k=2).tolist() == [3.0, 2.0, 3.0, 6.0]
    with pytest.raises(ValueError, match=r"`fake_features` must be \(N > k=3, D\), got shape \(3, 16\)"):
        M.precision_recall(real, real[:3])
    with pytest.raises(ValueError, match="same D"):
        M.precision_recall(real, real[:, :4])
    with pytest.raises(ValueError, match="`k` must be an int >= 1"):
        M.precision_recall(real, real, k=0)


# --- fake models through evaluate_mocogan ---------------------------------------------------------


class SquareModel(MoCoGAN):
    """A stand-in generator: one coloured square moving up (action 0) or left (action 1).

    ``colour_from`` says which seed picks the colour ("content": z_C keeps
    the appearance; "motion": the motion seed changes it); with
    ``collapsed`` every video of one action is the same.
    """

    def __init__(self, colour_from="content", collapsed=False):
        super().__init__(MoCoGANConfig(ngf=4, action_names=["up", "left"]))
        self.colour_from, self.collapsed = colour_from, collapsed

    def generate(self, content_seeds, motion_seeds, action=None, n_frames=16):
        videos = []
        for c, m, a in zip(content_seeds, motion_seeds, action):
            a = self._action_index(a, "SquareModel")
            colour_seed = 0 if self.collapsed else (c if self.colour_from == "content" else m)
            colour = np.random.default_rng(colour_seed).integers(80, 256, 3)
            start = (40, 40) if self.collapsed else tuple(np.random.default_rng(m + 1).integers(36, 52, 2))
            step = (-1, 0) if a == 0 else (0, -1)
            videos.append(square(colour, start, step, n_frames))
        return torch.from_numpy(np.stack(videos))


def test_content_motion_videos_fix_the_content_and_the_action_per_group():
    model = SquareModel()
    videos, groups = content_motion_videos(model, contents=3, per_content=4, n_frames=8)
    assert videos.shape == (12, 8, 64, 64, 3) and groups.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    colours = M.mean_content_colour(videos)
    for g in range(3):
        assert (colours[groups == g] == colours[groups == g][0]).all()  # same z_C, same colour
    assert len({tuple(c) for c in colours}) == 3
    assert M.motion_directions(videos).tolist() == [0] * 4 + [1] * 4 + [0] * 4  # action g % 2


@pytest.fixture(scope="module")
def fake_results():
    return {name: evaluate_mocogan(model, "shapes", n_videos=16, progress=False, device="cpu")
            for name, model in [("kept", SquareModel("content")), ("changing", SquareModel("motion")),
                                ("collapsed", SquareModel(collapsed=True))]}


def test_evaluation_tells_a_kept_content_from_one_that_changes_with_motion(fake_results):
    kept = fake_results["kept"]["diversity"]["model"]
    changing = fake_results["changing"]["diversity"]["model"]
    assert kept["content_drift"] == pytest.approx(0, abs=1e-9)
    assert kept["content_ratio"] == pytest.approx(0, abs=1e-9)
    assert changing["content_drift"] > 50 and changing["content_ratio"] > 0.5
    # both draw a new position from every motion seed: the same z_C moves differently
    assert kept["motion_diversity"] > 0 and changing["motion_diversity"] > 0
    # existing numbers still there and the real reference is the same for both
    assert fake_results["kept"]["real"] == fake_results["changing"]["real"]
    assert fake_results["kept"]["diversity"]["real"] == fake_results["changing"]["diversity"]["real"]


def test_a_collapsed_generator_has_no_diversity_and_no_recall(fake_results):
    result = fake_results["collapsed"]
    d, real = result["diversity"]["model"], result["diversity"]["real"]
    assert result["model"]["acd"] == pytest.approx(0, abs=1e-9)  # ACD alone calls it perfect
    assert d["diversity_pixels"] == 0.0 and d["diversity_features"] == 0.0
    assert d["motion_diversity"] == 0.0 and d["recall"] <= 0.1
    assert real["diversity_pixels"] > 0 and real["recall"] > 0.5
    assert result["diversity"]["ratio_to_real"]["diversity_pixels"] == 0.0
    # real shape clips keep their colour: no drift between a clip's halves; no motion counterpart
    assert real["content_drift"] == pytest.approx(0, abs=1e-9) and real["motion_diversity"] is None
    table = format_table(result, "collapsed")
    assert re.search(r"motion diversity, same z_C\s+0\.00\s+n/a\s+higher", table)
    assert "0.00x in pixels" in table
    assert "in features (aim: >= 0.8x)" in table   # the shape-motion set's target


def test_the_printed_diversity_aim_is_the_profiles_and_absent_from_older_results(fake_results):
    import copy
    result = copy.deepcopy(fake_results["collapsed"])
    result["settings"]["diversity_aim"] = 0.7            # what a weizmann evaluation records
    assert "in features (aim: >= 0.7x)" in format_table(result)
    del result["settings"]["diversity_aim"]              # a JSON saved before the aim was recorded
    assert re.search(r"in features\n", format_table(result) + "\n") and "aim" not in format_table(result)


# --- as a user runs it ------------------------------------------------------------------------------


def test_evaluate_command_prints_the_diversity_rows_for_the_shipped_shapes_model(capsys):
    from course_kit.cli import main
    assert main(["evaluate", "mocogan", "--model", "shapes", "--data", "shapes", "--videos", "16",
                 "--device", "cpu"]) == 0
    printed = capsys.readouterr().out
    number = r"[0-9]+\.[0-9]+"
    for label, better in [("class diversity, pixels (0-255)", "higher"),
                          ("class diversity, features", "higher"),
                          ("content drift, same z_C (0-255)", "lower"),
                          ("content spread, other z_C (0-255)", "higher"),
                          ("content drift / spread", "lower"), ("precision (classifier, k-NN)", "higher"),
                          ("recall (classifier, k-NN)", "higher")]:
        assert re.search(rf"{re.escape(label)}\s+{number}\s+{number}\s+{better}", printed), label
    assert re.search(rf"motion diversity, same z_C\s+{number}\s+n/a\s+higher", printed)
    assert re.search(rf"diversity generated / real: {number}x in pixels, {number}x in features", printed)
    # the table keeps its layout: label in 34 columns, two 16-wide cells
    row = next(line for line in printed.splitlines() if line.startswith("recall"))
    assert row.index("higher") == 34 + 16 + 16 + 3
