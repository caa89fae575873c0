"""The shipped classifiers: they load, are small, credit their data, and reach their documented accuracy."""

import re
from pathlib import Path

import numpy as np
import pytest
import torch

from course_kit import load_pretrained
from course_kit.data import shape_motion_videos
from course_kit.mocogan.classifier import VideoClassifier, classify, evaluate_classifier, load_real_videos
from course_kit.pretrained import PRETRAINED_DIR, model_card, read_manifest

torch.set_num_threads(1)
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CLASSIFIERS = {"weizmann-classifier": ["0", "1", "3", "4"], "shapes-classifier": ["0", "1"]}
# the least held-out accuracy each shipped card may document (issue 3 asks 0.95 of the Weizmann one)
MIN_DOCUMENTED = {"weizmann-classifier": 0.95, "shapes-classifier": 0.95}


def documented(name: str, what: str) -> float:
    match = re.search(rf"{what}: \*\*([0-9.]+)\*\*", model_card(name))
    assert match, f"the card of {name} must state '{what}: **<number>**'"
    return float(match.group(1))


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_shipped_classifier_loads_small_and_credited(name):
    entry = read_manifest()[name]
    assert entry["kind"] == "classifier"
    assert (PRETRAINED_DIR / entry["file"]).stat().st_size < 2 * 2 ** 20
    model = load_pretrained(name, device="cpu")
    assert isinstance(model, VideoClassifier) and not model.training
    assert model.class_names == CLASSIFIERS[name]
    assert (model.config.n_frames, model.config.stride, model.config.image_size) == (16, 2, 64)
    card = model_card(name)
    assert "CC BY-NC-ND 4.0" in card and "github.com/sergeytulyakov/mocogan" in card
    if name.startswith("weizmann"):
        assert "Gorelick" in card
    assert documented(name, "Held-out accuracy") >= MIN_DOCUMENTED[name]


def test_shapes_classifier_recognises_procedural_shape_directions():
    videos, labels = shape_motion_videos(48, seed=11, n_frames=31)
    clips = videos[:, ::2]  # 16 frames, stride 2
    probs, feats = classify(load_pretrained("shapes-classifier", device="cpu"), clips)
    assert probs.shape == (48, 2) and feats.shape == (48, 128)
    np.testing.assert_allclose(probs.sum(1), 1, rtol=1e-6)
    accuracy = float((probs.argmax(1) == labels).mean())
    assert accuracy >= documented("shapes-classifier", "Accuracy on procedural shapes") - 0.05


def test_weizmann_classifier_is_deterministic_and_sensitive_to_motion():
    model = load_pretrained("weizmann-classifier", device="cpu")
    rng = np.random.default_rng(0)
    clips = rng.integers(0, 256, size=(3, 16, 64, 64, 3), dtype=np.uint8)
    a, fa = classify(model, clips)
    b, fb = classify(model, clips)
    assert np.array_equal(a, b) and np.array_equal(fa, fb)
    still = np.repeat(clips[:, :1], 16, axis=1)
    assert not np.allclose(classify(model, still)[1], fa)


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "weizmann-actions-64").is_dir(), reason="needs ../shared/data")
def test_weizmann_classifier_reaches_its_documented_held_out_accuracy():
    model = load_pretrained("weizmann-classifier", device="cpu")
    c = model.config
    real = load_real_videos(DATA / "weizmann-actions-64", c.holdout, c.split_seed, c.max_per_class)
    report = evaluate_classifier(model, real)
    assert report["clip_accuracy"] == pytest.approx(documented("weizmann-classifier", "Held-out accuracy"),
                                                    abs=0.02)


def test_evaluate_command_scores_a_checkpoint_against_procedural_shapes(tmp_path, capsys):
    from course_kit.cli import main
    from course_kit.mocogan import MoCoGAN, MoCoGANConfig
    torch.manual_seed(0)
    model = MoCoGAN(MoCoGANConfig(ngf=4, action_names=["up", "left"]))
    torch.save(dict(step=3, model=model.state_dict(), model_config=model.config.to_dict()),
               tmp_path / "checkpoint.pt")
    out = tmp_path / "scores.json"
    assert main(["evaluate", "mocogan", "--model", str(tmp_path), "--data", "shapes",
                 "--videos", "8", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Motion Control Score" in printed and "real held-out" in printed
    import json
    scores = json.loads(out.read_text())
    assert scores["settings"]["classifier"] == "shapes-classifier"
    assert scores["real"]["direction_correct"] == 1.0 and scores["real"]["motion_control_score"] >= 0.9
    # a user error is one line naming the argument, not a traceback
    assert main(["evaluate", "mocogan", "--model", str(tmp_path / "nope.pt"), "--data", "shapes"]) == 2
    assert "`model` must be a shipped model name" in capsys.readouterr().err
