"""Training: outputs a user looks at, exact resume after an interruption (kill -9 included), CLI."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image
from safetensors.torch import load_file

from course_kit.cli import main
from course_kit.svg.data import write_push_dataset
from course_kit.svg.train import CHECKPOINT, TrainConfig, export_checkpoint, train

TINY = dict(nf=4, g_dim=16, z_dim=4, rnn_size=16, latent_rnn_size=8, n_past=2, n_future=3)
TINY_FLAGS = ["--nf", "4", "--g-dim", "16", "--z-dim", "4", "--rnn-size", "16", "--latent-rnn-size", "8",
              "--n-future", "3"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_push_dataset(tmp_path_factory.mktemp("svg") / "push", n_videos=12, n_frames=6, seed=0)


def _config(data, out, **kw):
    base = dict(data=str(data), out=str(out), steps=4, batch_size=4, checkpoint_every=2, val_every=2,
                val_videos=2, sample_every=4, kl_schedule="cyclical", kl_cycles=2, tf_start_epoch=1,
                tf_decay_step=1, tf_decay_rate=0.3, model=TINY)
    return TrainConfig(**{**base, **kw})


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _same_weights(a, b):
    wa, wb = load_file(str(a)), load_file(str(b))
    return wa.keys() == wb.keys() and all(np.array_equal(wa[k].numpy(), wb[k].numpy()) for k in wa)


def test_outputs_and_exact_resume(data, tmp_path):
    train(_config(data, tmp_path / "straight"), progress=False)
    out = tmp_path / "straight"
    for name in ("log.csv", "val.csv", "model.safetensors", "model.json", CHECKPOINT, "samples/step_000004.gif"):
        assert (out / name).exists(), name
    rows = _rows(out / "log.csv")
    assert [r["step"] for r in rows] == ["1", "2", "3", "4"]
    assert float(rows[0]["beta"]) == 0 and float(rows[-1]["tf_ratio"]) < 1
    assert [r["step"] for r in _rows(out / "val.csv")] == ["2", "4"]
    gif = Image.open(out / "samples" / "step_000004.gif")
    assert gif.n_frames == 5 and gif.size[0] > 4 * 64          # truth + 3 samples side by side
    assert json.loads((out / "model.json").read_text())["kind"] == "svg"
    export_checkpoint(out / CHECKPOINT, tmp_path / "exported")
    assert _same_weights(out / "model.safetensors", tmp_path / "exported.safetensors")

    # Interrupted after step 2's checkpoint, then the same command again: identical weights and log.
    resumed = tmp_path / "resumed"
    train(_config(data, resumed), progress=False, stop_after=2)
    assert not (resumed / "model.safetensors").exists()
    with open(resumed / "log.csv", "a") as f:
        f.write("3,1,9,9,9,0,1,0\n")                         # a step that ran after the checkpoint
    train(_config(data, resumed), progress=False)
    assert _same_weights(out / "model.safetensors", resumed / "model.safetensors")
    assert [r["step"] for r in _rows(resumed / "log.csv")] == ["1", "2", "3", "4"]
    seconds = [float(r["seconds"]) for r in _rows(resumed / "log.csv")]
    assert seconds == sorted(seconds), f"the wall clock (the card's wall time) restarted on resume: {seconds}"
    assert not list(resumed.glob("*.tmp"))


def test_resume_refuses_other_settings(data, tmp_path):
    train(_config(data, tmp_path), progress=False, stop_after=1)
    with pytest.raises(ValueError, match="lr"):
        train(_config(data, tmp_path, lr=0.1), progress=False)


def test_kl_warmup_holds_beta_at_zero_then_runs_the_schedule(data, tmp_path):
    """--kl-warmup N: the log's beta is 0 for N steps, then the schedule starts from its own step 0."""
    train(_config(data, tmp_path, steps=6, kl_warmup=3, kl_schedule="monotonic", kl_ratio=0.5, beta_max=1e-3,
                  model={**TINY, "keypoints": 2, "posterior_change": 4.0}), progress=False)
    betas = [float(r["beta"]) for r in _rows(tmp_path / "log.csv")]
    assert betas[:4] == [0, 0, 0, 0] and 0 < betas[4] < betas[5] == 1e-3
    card_config = json.loads((tmp_path / "config.json").read_text())
    assert card_config["kl_warmup"] == 3


@pytest.mark.slow
def test_kill_9_then_resume_matches_uninterrupted(data, tmp_path):
    cmd = [sys.executable, "-m", "course_kit.cli", "train", "svg", "--data", str(data), "--steps", "40",
           "--batch-size", "2", "--checkpoint-every", "5", "--val-every", "100", "--sample-every", "100",
           "--val-videos", "2", "--threads", "1", *TINY_FLAGS]
    subprocess.run(cmd + ["--out", str(tmp_path / "straight")], check=True, capture_output=True)
    killed = tmp_path / "killed"
    proc = subprocess.Popen(cmd + ["--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        log = killed / "log.csv"
        if log.exists() and len(log.read_text().splitlines()) > 12:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "training finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "model.safetensors").exists()
    subprocess.run(cmd + ["--out", str(killed)], check=True, capture_output=True)
    assert _same_weights(tmp_path / "straight" / "model.safetensors", killed / "model.safetensors")
    assert [int(r["step"]) for r in _rows(killed / "log.csv")] == list(range(1, 41))


def test_cli_make_data_train_evaluate(tmp_path, capsys):
    assert main(["make-data", "push", "--out", str(tmp_path / "d"), "--videos", "10", "--frames", "6"]) == 0
    assert len(list((tmp_path / "d").iterdir())) == 10
    common = ["--data", str(tmp_path / "d"), "--steps", "2", "--batch-size", "2", "--val-videos", "1", *TINY_FLAGS]
    assert main(["train", "svg", "--out", str(tmp_path / "svg"), *common]) == 0
    assert main(["train", "svg", "--out", str(tmp_path / "det"), *common, "--z-dim", "0"]) == 0
    capsys.readouterr()
    assert main(["evaluate", "svg", "--data", str(tmp_path / "d"), "--model", str(tmp_path / "svg" / "model.safetensors"),
                 "--deterministic", str(tmp_path / "det" / "model.safetensors"), "--samples", "3",
                 "--out", str(tmp_path / "eval"), "--gif", str(tmp_path / "eval" / "grid.gif")]) == 0
    printed = capsys.readouterr().out
    for column in ("copy-last psnr", "deterministic psnr", "svg mean psnr", "svg best-of-3 psnr", "svg best-of-3 ssim",
                   "svg spread"):
        assert column in printed
    rows = _rows(tmp_path / "eval" / "svg_eval.csv")
    assert [r["step"] for r in rows] == ["1", "2", "3", "mean"]
    # Best of K can never be below the mean of the same K samples.
    assert all(float(r["svg best-of-3 psnr"]) >= float(r["svg mean psnr"]) - 1e-6 for r in rows)
    assert Image.open(tmp_path / "eval" / "grid.gif").n_frames == 5


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["evaluate", "svg", "--data", str(tmp_path), "--model", str(tmp_path / "nope.safetensors")]) == 2
    err = capsys.readouterr().err
    assert "nope.safetensors is missing" in err and "Traceback" not in err
