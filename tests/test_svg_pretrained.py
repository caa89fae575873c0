"""The shipped svg-push model, used as a student would: load by name, predict, compare with copy-last."""

import numpy as np
import pytest
import torch

import course_kit
from course_kit.pretrained import available, model_card, read_manifest, sha256_file, PRETRAINED_DIR
from course_kit.svg.metrics import psnr
from course_kit.svg.world import simulate


@pytest.fixture(scope="module")
def model():
    return course_kit.load_pretrained("svg-push", device="cpu")


@pytest.fixture(scope="module")
def fresh():
    return simulate(12, n_frames=12, seed=12345)          # videos the model never saw


def test_shipped_small_hashed_and_documented():
    assert {"svg-push", "svg-push-deterministic"} <= set(available())
    entry = read_manifest()["svg-push"]
    path = PRETRAINED_DIR / entry["file"]
    assert entry["kind"] == "svg" and sha256_file(path) == entry["sha256"]
    assert path.stat().st_size < 4_000_000
    card = model_card("svg-push")
    for needed in ("copy-last psnr", "best-of-10", "make-data push", "train svg", "No external data"):
        assert needed in card


def test_predict_is_seeded_uint8(model, fresh):
    args = (fresh.frames[0, :2], fresh.actions[0], fresh.positions[0])
    out = model.predict(*args, n_future=10, n_samples=3, seed=0)
    assert out.shape == (3, 10, 64, 64, 3) and out.dtype == np.uint8
    assert np.array_equal(out, model.predict(*args, n_future=10, n_samples=3, seed=0))


def test_beats_copy_last_on_fresh_videos(model, fresh):
    truth = torch.from_numpy(fresh.frames[:, 2:12]).permute(0, 1, 4, 2, 3).float() / 255
    pred = np.stack([model.predict(fresh.frames[i, :2], fresh.actions[i], fresh.positions[i], seed=i)[0]
                     for i in range(len(truth))])
    pred = torch.from_numpy(pred).permute(0, 1, 4, 2, 3).float() / 255
    copy = torch.from_numpy(fresh.frames[:, 1:2]).permute(0, 1, 4, 2, 3).float() / 255
    model_db = psnr(pred, truth).mean().item()
    copy_db = psnr(copy.expand_as(truth), truth).mean().item()
    assert model_db > copy_db, (model_db, copy_db)


def test_edited_weights_are_refused(tmp_path):
    import shutil
    from course_kit.pretrained import PretrainedError, load_pretrained
    entry = read_manifest()["svg-push"]
    for name in ("manifest.json", entry["file"], entry["card"]):
        shutil.copy(PRETRAINED_DIR / name, tmp_path / name)
    with open(tmp_path / entry["file"], "r+b") as f:
        f.seek(-8, 2)
        f.write(b"\x00" * 8)
    with pytest.raises(PretrainedError, match="sha256"):
        load_pretrained("svg-push", device="cpu", directory=tmp_path)


def test_readme_table_matches_the_model_card():
    """The README quotes the measured table; it must be the card's (one source of truth: the evaluation)."""
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    card_rows = [ln for ln in model_card("svg-push").splitlines() if ln.startswith("| ")]
    assert card_rows and all(row in readme for row in card_rows)
