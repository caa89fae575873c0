"""The shipped svg-push model, used as a student would: load by name, predict, compare with copy-last."""

import numpy as np
import pytest
import torch

import course_kit
from course_kit.pretrained import available, model_card, read_manifest, sha256_file, PRETRAINED_DIR
from course_kit.svg.metrics import psnr, ssim
from course_kit.svg.world import simulate


@pytest.fixture(scope="module")
def model():
    return course_kit.load_pretrained("svg-push", device="cpu")


@pytest.fixture(scope="module")
def fresh():
    return simulate(12, n_frames=12, seed=12345, kick_at=1)   # videos of its world the model never saw


@pytest.fixture(scope="module")
def one_sample_each(model, fresh):
    """(truth, svg-push's first sample, copy-last) of steps 3-12, (N, 10, 3, 64, 64) floats."""
    as_float = lambda v: torch.from_numpy(v).permute(0, 1, 4, 2, 3).float() / 255    # noqa: E731
    truth = as_float(fresh.frames[:, 2:12])
    pred = as_float(np.stack([model.predict(fresh.frames[i, :2], fresh.actions[i], fresh.positions[i], seed=i)[0]
                              for i in range(len(truth))]))
    return truth, pred, as_float(fresh.frames[:, 1:2]).expand_as(truth)


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


def test_beats_copy_last_on_fresh_videos(one_sample_each):
    truth, pred, copy = one_sample_each
    model_db, copy_db = psnr(pred, truth).mean().item(), psnr(copy, truth).mean().item()
    assert model_db > copy_db, (model_db, copy_db)


def test_it_moves_pixels_so_the_table_stays_sharp(model, one_sample_each):
    """svg-push's decoder copies and shifts the last context frame (motion layers): it beats copy-last in SSIM,
    which a decoder redrawing the table's grain from 32x32 skip maps did not."""
    assert model.config.motion_layers == 4 and "motion-layers" in model_card("svg-push")
    truth, pred, copy = one_sample_each
    model_ssim, copy_ssim = ssim(pred, truth).mean().item(), ssim(copy, truth).mean().item()
    assert model_ssim > copy_ssim, (model_ssim, copy_ssim)


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


def test_its_latent_carries_the_hidden_kicks(model):
    """svg-push is trained on kicked videos: its posterior's z is worth something to the predictor, and sampled
    futures differ where pucks move more than where nothing does (the old, collapsed svg-push: 0.00 dB, 1.3 levels)."""
    from course_kit.svg.evaluate import latent_use
    from course_kit.svg.lab import spread
    clips = simulate(16, n_frames=12, seed=2024, kick_at=1)
    video = torch.from_numpy(clips.frames).permute(0, 4, 1, 2, 3).float().div(255)
    cond = torch.from_numpy(np.concatenate([clips.actions, clips.positions], -1))
    with torch.no_grad():
        gain = latent_use(model, video, cond).mean(0)
    assert gain[0] > 0.3, f"z is worth only {gain[0]:.3f} dB at the first predicted step"
    samples = np.stack([model.predict(clips.frames[i, :2], clips.actions[i], clips.positions[i], n_samples=4, seed=i)
                        for i in range(8)])
    s = spread(samples, clips.frames[:8])
    assert s["moving"] > 2.0 and s["moving"] > 3 * s["still"], s
