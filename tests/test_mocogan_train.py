"""MoCoGAN training as a user runs it: the CLI, outputs, resuming after kill -9, DDP."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from browser_support import free_port

from course_kit.mocogan.model import load_mocogan

TINY = ["--data", "shapes", "--procedural-videos", "16", "--ngf", "8", "--ndf", "8",
        "--frames", "8", "--video-batch", "2", "--image-batch", "4", "--stride", "1",
        "--threads", "1", "--seed", "3", "--log-every", "1"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def course_kit(*args, **kw):
    return subprocess.run([sys.executable, "-m", "course_kit.cli", *args], env=ENV,
                          capture_output=True, text=True, **kw)


def rows(run: Path):
    with open(run / "losses.csv") as f:
        return list(csv.DictReader(f))


def weights(run: Path):
    return torch.load(run / "checkpoint.pt", weights_only=True)["model"]


def test_train_cli_writes_checkpoint_log_and_samples(tmp_path):
    run = tmp_path / "run"
    r = course_kit("train", "mocogan", *TINY, "--out", str(run), "--steps", "4",
                   "--checkpoint-every", "2", "--sample-every", "2", "--motion-norm", "fixed")
    assert r.returncode == 0, r.stderr
    assert [int(x["step"]) for x in rows(run)] == [1, 2, 3, 4]
    # --motion-norm fixed: R_M's batch norm never took training statistics
    assert torch.equal(weights(run)["motion.bn.running_mean"], torch.zeros(12))
    assert torch.equal(weights(run)["motion.bn.running_var"], torch.ones(12))
    assert float(rows(run)[-1]["loss_d_video"]) > 0
    assert sorted(p.name for p in (run / "samples").iterdir()) == ["step0000002.gif", "step0000004.gif"]
    model = load_mocogan(str(run), device="cpu")
    assert model.actions == ["up", "left"]
    assert model.sample(2, n_frames=8, action="up", seed=0).shape == (2, 8, 64, 64, 3)
    r = course_kit("sample", "--model", str(run), "--out", str(tmp_path / "grid.gif"), "-n", "4",
                   "--frames", "8")
    assert r.returncode == 0 and (tmp_path / "grid.gif").stat().st_size > 0, r.stderr

    # ship it: fp16 safetensors + manifest + card, loadable by name, actions renamed
    shipped = tmp_path / "pretrained"
    r = course_kit("export", "mocogan", "--run", str(run), "--name", "tiny-shapes", "--directory",
                   str(shipped), "--action-names", "rise,slide")
    assert r.returncode == 0, r.stderr
    from course_kit.pretrained import load_pretrained, model_card
    loaded = load_pretrained("tiny-shapes", device="cpu", directory=shipped)
    assert loaded.actions == ["rise", "slide"]
    assert loaded.sample(1, n_frames=8, action="slide", seed=0).shape == (1, 8, 64, 64, 3)
    card = model_card("tiny-shapes", directory=shipped)
    assert "trained 4 steps" in card and "procedural shape-motion generator" in card
    assert "--ngf 8" in card and "--motion-norm fixed" in card and "batch norm held fixed" in card
    assert "- losses and regularisers: bce loss\n" in card          # the paper's recipe, nothing added
    # the card's reproduce line parses back to the run's own recipe
    from dataclasses import asdict
    import json
    import re
    import shlex
    from course_kit.mocogan.commands import parse_train_config
    line = re.search(r"reproduce: `course-kit train mocogan (.*)`", card).group(1)
    again = asdict(parse_train_config(shlex.split(line)))
    recorded = json.loads((run / "config.json").read_text())
    for key in ("out", "steps", "checkpoint_every", "sample_every", "log_every", "device", "threads"):
        again.pop(key), recorded.pop(key)
    again["betas"] = list(again["betas"])
    again["model"] = {k: v for k, v in again["model"].items() if v is not None}
    recorded["model"] = {k: v for k, v in recorded["model"].items() if v is not None}
    recorded["model"].setdefault("ndf_video", recorded["model"]["ndf"])  # D_V's width defaults to D_I's
    assert again == recorded


@pytest.mark.slow
def test_resume_after_kill_9_matches_an_uninterrupted_run(tmp_path):
    steps, every = 45, 7
    straight = tmp_path / "straight"
    r = course_kit("train", "mocogan", *TINY, "--out", str(straight), "--steps", str(steps),
                   "--checkpoint-every", str(every), "--sample-every", "0")
    assert r.returncode == 0, r.stderr

    killed = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "course_kit.cli", "train", "mocogan", *TINY,
                             "--out", str(killed), "--steps", "100000", "--checkpoint-every", str(every),
                             "--sample-every", "0"], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline:  # wait until a checkpoint exists and training went past it
        if (killed / "checkpoint.pt").exists() and (killed / "losses.csv").exists() \
                and len(rows(killed)) >= every + 2:
            break
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill = torch.load(killed / "checkpoint.pt", weights_only=True)["step"]
    assert every <= at_kill < steps and at_kill % every == 0
    assert len(rows(killed)) >= at_kill  # rows past the checkpoint are dropped on resume, then redone

    r = course_kit("train", "mocogan", *TINY, "--out", str(killed), "--steps", str(steps),
                   "--checkpoint-every", str(every), "--sample-every", "0")
    assert r.returncode == 0, r.stderr
    logged = [int(x["step"]) for x in rows(killed)]
    assert logged == sorted(set(logged)) and logged[-1] == steps  # no duplicated steps after resume
    seconds = [float(x["seconds"]) for x in rows(killed)]
    assert seconds == sorted(seconds), f"the log's clock restarted on resume: {seconds}"
    a, b = weights(straight), weights(killed)
    assert all(torch.equal(a[k], b[k]) for k in a), "resumed run diverged from the uninterrupted one"


@pytest.mark.slow
def test_ddp_two_cpu_processes_on_gloo(tmp_path):
    torchrun = Path(sys.executable).with_name("torchrun")
    r = subprocess.run([str(torchrun), "--nproc_per_node", "2", "--master_port", str(free_port()),
                        str(Path(__file__).with_name("ddp_worker.py")), str(tmp_path)],
                       env=ENV, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    result = json.loads((tmp_path / "ddp.json").read_text())
    assert result["world"] == 2
    assert result["checksums"][0] == pytest.approx(result["checksums"][1], rel=0, abs=1e-9)
    assert torch.load(tmp_path / "checkpoint.pt", weights_only=True)["world_size"] == 2
