"""The evaluation pipeline as a user drives it: classifier training, saving, loading, evaluate, CLI."""

import json

import numpy as np
import pytest
import torch

from course_kit.mocogan import MoCoGAN, MoCoGANConfig
from course_kit.mocogan.classifier import (ClassifierConfig, VideoClassifier, classify,
                                           evaluate_classifier, from_pretrained_state,
                                           held_out_split, load_real_videos, mirror_groups,
                                           save_classifier, train_classifier)
from course_kit.mocogan.evaluate import (action_map, evaluate_mocogan, format_table, load_model)
from course_kit.pretrained import load_pretrained, read_manifest

torch.set_num_threads(1)


def tiny_config(**kw):
    """A classifier small enough to train in a test; 3 steps exercise the loop, not the accuracy."""
    return ClassifierConfig(**{**dict(n_frames=8, stride=2, width=4, features=16, dataset="shapes",
                                      flip=False, shift=0, jitter=0, max_per_class=12, steps=3,
                                      batch=8, lr=5e-3, eval_clips=2), **kw})


@pytest.fixture(scope="module")
def shapes_real():
    return load_real_videos("shapes", holdout=0.34, split_seed=0, max_per_class=12)


@pytest.fixture(scope="module")
def tiny_classifier(shapes_real):
    model, report = train_classifier("shapes", tiny_config(), progress=False, real=shapes_real)
    return model, report


@pytest.fixture(scope="module")
def tiny_mocogan():
    torch.manual_seed(0)
    return MoCoGAN(MoCoGANConfig(ngf=4, action_names=["up", "left"])).eval()


def test_mirror_pairs_share_a_group_and_stay_on_one_side_of_the_split():
    from course_kit.data import shape_motion_videos
    videos, _ = shape_motion_videos(8, seed=4, n_frames=8)
    videos = list(videos) + [v[:, :, ::-1].copy() for v in videos[:3]]  # mirrors of videos 0-2
    groups = mirror_groups(videos)
    assert len(np.unique(groups)) == 8
    assert all(groups[i] == groups[8 + i] for i in range(3))
    labels = np.array([0, 1] * 4 + [0, 1, 0])
    train, held = held_out_split(labels, groups, 0.5, seed=1)
    assert sorted(np.concatenate([train, held]).tolist()) == list(range(11))
    for g in np.unique(groups):  # a group never straddles the split
        members = set(np.flatnonzero(groups == g).tolist())
        assert members <= set(train.tolist()) or members <= set(held.tolist())
    assert set(labels[held].tolist()) == {0, 1}  # stratified


def test_classifier_checks_its_input_shape():
    model = VideoClassifier(tiny_config(class_names=["up", "left"]))
    with pytest.raises(ValueError, match=r"`clips` must be \(N, 3, 8, 64, 64\)"):
        model(torch.zeros(2, 3, 16, 64, 64))
    with pytest.raises(ValueError, match="class_names"):
        VideoClassifier(ClassifierConfig())


def test_classifier_input_options_give_the_invariances_they_promise():
    torch.manual_seed(0)
    x = torch.rand(2, 3, 8, 64, 64) * 1.6 - 0.8
    model = VideoClassifier(tiny_config(class_names=["a", "b"], mirror_average=True)).eval()
    assert torch.allclose(model(x), model(x.flip(-1)), atol=1e-5)
    model = VideoClassifier(tiny_config(class_names=["a", "b"], standardize=True)).eval()
    gain, offset = torch.tensor([0.7, 1.1, 0.9]), torch.tensor([0.1, -0.05, 0.0])
    cast = x * gain[:, None, None, None] + offset[:, None, None, None]
    assert torch.allclose(model(x), model(cast), atol=1e-4)
    plain = VideoClassifier(tiny_config(class_names=["a", "b"])).eval()
    assert not torch.allclose(plain(x), plain(x.flip(-1)), atol=1e-4)


def test_classifier_training_is_reproducible(shapes_real, tiny_classifier):
    model, report = tiny_classifier
    assert report["held_out_videos"] == len(shapes_real.held_out) > 0
    assert report["clips"] == 2 * report["held_out_videos"] and 0 <= report["clip_accuracy"] <= 1
    again, _ = train_classifier("shapes", tiny_config(), progress=False, real=shapes_real)
    for (k, a), b in zip(model.state_dict().items(), again.state_dict().values()):
        assert torch.equal(a, b), k


@pytest.mark.slow
def test_a_small_classifier_learns_the_shape_directions():
    real = load_real_videos("shapes", holdout=0.34, split_seed=0, max_per_class=12, image_size=32)
    config = tiny_config(image_size=32, width=8, steps=80)
    model, report = train_classifier("shapes", config, progress=False, real=real)
    assert report["clip_accuracy"] >= 0.75  # chance is 0.5


def test_classifier_round_trips_through_the_pretrained_registry(tmp_path, shapes_real, tiny_classifier):
    model, report = tiny_classifier
    save_classifier("tiny-classifier", model, report, directory=tmp_path)
    entry = read_manifest(tmp_path)["tiny-classifier"]
    assert entry["kind"] == "classifier" and entry["config"]["n_frames"] == 8
    card = (tmp_path / entry["card"]).read_text()
    assert "MoCoGAN repository" in card and f"{report['clip_accuracy']:.3f}" in card
    loaded = load_pretrained("tiny-classifier", device="cpu", directory=tmp_path)
    clips, _ = shapes_real.clips(shapes_real.held_out[:4], 1, 8, 2)
    p_orig, _ = classify(model, clips)
    p_loaded, _ = classify(loaded, clips)
    np.testing.assert_allclose(p_loaded, p_orig, atol=2e-2)  # fp16 weights


def test_action_map_by_name_then_by_position():
    assert action_map(["left", "up"], ["up", "left"]) == [1, 0]
    assert action_map(["up", "left"], ["0", "1"]) == [0, 1]
    assert action_map([], ["0", "1"]) is None
    assert action_map(["a", "b", "c"], ["0", "1"]) is None


def test_evaluate_reports_model_and_real_reference(shapes_real, tiny_classifier, tiny_mocogan):
    model_c, _ = tiny_classifier
    result = evaluate_mocogan(tiny_mocogan, "shapes", classifier=model_c, n_videos=8,
                              progress=False, real=shapes_real)
    real, fake = result["real"], result["model"]
    assert set(real) == set(fake) == {"acd", "content_found", "content_area", "motion_control_score",
                                      "inception_score", "frechet_distance", "direction_correct"}
    # real shape videos: constant colours, correct directions by construction
    assert real["acd"] == pytest.approx(0, abs=1e-9) and real["direction_correct"] == 1.0
    assert 1.0 <= real["inception_score"] <= 2.0 and real["frechet_distance"] >= 0
    # an untrained generator: noise blobs, far from the real videos in feature space
    assert fake["frechet_distance"] > real["frechet_distance"]
    assert 0 <= fake["motion_control_score"] <= 1
    table = format_table(result, "tiny")
    for label in ("Average Content Distance", "Motion Control Score", "Frechet distance",
                  "motion direction correct", "real held-out"):
        assert label in table
    # same seed, same numbers
    again = evaluate_mocogan(tiny_mocogan, "shapes", classifier=model_c, n_videos=8,
                             progress=False, real=shapes_real)
    assert json.dumps(again, sort_keys=True) == json.dumps(result, sort_keys=True)


def test_evaluate_rejects_a_size_mismatch(shapes_real, tiny_classifier):
    model_c, _ = tiny_classifier
    small = MoCoGAN(MoCoGANConfig(ngf=4, image_size=96))
    with pytest.raises(ValueError, match="96px frames"):
        evaluate_mocogan(small, "shapes", classifier=model_c, n_videos=4, real=shapes_real,
                         progress=False)


def test_load_model_from_a_training_checkpoint(tmp_path, tiny_mocogan):
    state = dict(step=7, model=tiny_mocogan.state_dict(), model_config=tiny_mocogan.config.to_dict())
    torch.save(state, tmp_path / "checkpoint.pt")
    for spec in (tmp_path / "checkpoint.pt", tmp_path):
        model = load_model(spec, device="cpu")
        assert model.training_step == 7
        assert torch.equal(model.generate([1], [2], action="up"), tiny_mocogan.generate([1], [2], action="up"))
    torch.save({"weights": 1}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a MoCoGAN training checkpoint"):
        load_model(tmp_path / "other.pt")
    with pytest.raises(FileNotFoundError, match="shipped model name"):
        load_model(tmp_path / "missing.pt")


def test_from_pretrained_state_builds_an_eval_mode_model(tiny_classifier):
    model, _ = tiny_classifier
    built = from_pretrained_state(model.config.to_dict(), model.state_dict(), torch.device("cpu"))
    assert not built.training and built.class_names == model.class_names
