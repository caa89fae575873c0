"""The run folder both trainers share: atomic checkpoints, logs trimmed on resume, old file names, the card
template, and `course-kit export svg` on a tiny trained run."""

import csv
import json
import shlex
from dataclasses import replace

import pytest
import torch

from course_kit.cli import main
from course_kit.pretrained import load_pretrained, model_card
from course_kit.svg.data import write_push_dataset
from course_kit.svg.train import TrainConfig, train
from course_kit.training import CREDITS, MOCOGAN, SVG, RunFolder, atomic_save, render_card, trim_log
from course_kit.training.run import append_row

TINY = dict(nf=4, g_dim=16, z_dim=4, rnn_size=16, latent_rnn_size=8, n_past=2, n_future=3)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_push_dataset(tmp_path_factory.mktemp("svg") / "push", n_videos=12, n_frames=6, seed=0)


def _config(data, out, **kw):
    return TrainConfig(**{**dict(data=str(data), out=str(out), steps=4, batch_size=4, checkpoint_every=2,
                                 val_every=2, val_videos=2, sample_every=4, model=TINY), **kw})


def _steps(path):
    with open(path, newline="") as f:
        return [r[0] for r in csv.reader(f)]


def test_atomic_save_replaces_whole_files_and_keeps_the_old_one_on_failure(tmp_path):
    path = tmp_path / "checkpoint.pt"
    atomic_save({"step": 1}, path)
    atomic_save({"step": 2}, path)
    assert torch.load(path, weights_only=True) == {"step": 2}
    with pytest.raises(Exception):
        atomic_save({"step": 3, "bad": lambda: None}, path)    # cannot be pickled: fails mid-write
    assert torch.load(path, weights_only=True) == {"step": 2}  # the last good checkpoint is intact
    assert sorted(p.name for p in tmp_path.iterdir()) in (["checkpoint.pt"], ["checkpoint.pt", "checkpoint.pt.tmp"])


def test_trim_on_resume_keeps_the_header_and_steps_up_to_the_checkpoint(tmp_path):
    trim_log(tmp_path / "missing.csv", 3)                      # nothing to trim: no error, no file
    assert not (tmp_path / "missing.csv").exists()
    run = RunFolder(tmp_path, SVG)
    for step in range(1, 6):
        run.log(["step", "loss"], {"step": step, "loss": 0.5})
        if step % 2 == 0:
            run.log(["step", "mean_psnr"], {"step": step, "mean_psnr": 20}, name="val.csv")
    with open(run.log_path, "a") as f:
        f.write("\n6,0.1\nnot-a-step,1\n")                    # a torn or foreign line after a kill
    run.trim_logs(3)
    assert _steps(tmp_path / "log.csv") == ["step", "1", "2", "3"]
    assert _steps(tmp_path / "val.csv") == ["step", "2"]
    run.log(["step", "loss"], {"step": 4, "loss": 0.4})           # the header is written once
    assert _steps(tmp_path / "log.csv") == ["step", "1", "2", "3", "4"]
    append_row(tmp_path / "new.csv", ["step", "x"], {"step": 1, "x": 2})
    assert (tmp_path / "new.csv").read_text().splitlines() == ["step,x", "1,2"]


def test_layouts_name_what_the_trainers_always_wrote(tmp_path):
    assert RunFolder(tmp_path, MOCOGAN).log_path.name == "losses.csv"
    assert RunFolder(tmp_path, SVG).log_path.name == "log.csv"
    assert RunFolder(tmp_path, MOCOGAN).sample_path(2).relative_to(tmp_path).as_posix() == "samples/step0000002.gif"
    assert RunFolder(tmp_path, SVG).sample_path(4).relative_to(tmp_path).as_posix() == "samples/step_000004.gif"
    assert RunFolder(tmp_path, SVG).checkpoint.name == "checkpoint.pt"


def test_old_config_name_is_read_until_the_new_one_exists(tmp_path):
    run = RunFolder(tmp_path, SVG)
    assert run.config_path.name == "config.json"
    with pytest.raises(FileNotFoundError, match="config.json"):
        run.read_config()
    (tmp_path / "train_config.json").write_text(json.dumps({"lr": 1}))
    assert run.config_path.name == "train_config.json" and run.read_config() == {"lr": 1}
    run.write_config({"lr": 2})                                 # an old run keeps writing its old name
    assert not (tmp_path / "config.json").exists() and run.read_config() == {"lr": 2}
    (tmp_path / "config.json").write_text(json.dumps({"lr": 3}))
    assert run.config_path.name == "config.json" and run.read_config() == {"lr": 3}


def test_render_card_lays_out_every_kind_the_same_way():
    card = render_card("m", "What it is.", ["import course_kit"], network="Net.", recipe="How.",
                       measured="| a |", data=CREDITS["procedural"], limits=["one", "two"], notes="")
    headings = [line for line in card.splitlines() if line.startswith("#")]
    assert headings == ["# m", "## Network", "## Recipe", "## Measured", "## Data and credit", "## Limits"]
    assert "```python\nimport course_kit\n```" in card and "- one\n- two" in card
    assert "## Measured" not in render_card("m", "x", measured="")
    assert "{world}" in CREDITS["push"]


def test_export_svg_ships_a_tiny_run_with_its_card(data, tmp_path, capsys):
    run = tmp_path / "run"
    tc = _config(data, run)
    train(tc, progress=False)
    assert json.loads((run / "config.json").read_text()) == json.loads(json.dumps(vars(tc)))
    assert not (run / "train_config.json").exists()
    shipped = tmp_path / "pretrained"
    assert main(["export", "svg", str(run), "--name", "tiny-svg", "--directory", str(shipped),
                 "--evaluate", str(data), "--samples", "2", "--note", "tiny test run"]) == 0
    assert "tiny-svg" in capsys.readouterr().out
    model = load_pretrained("tiny-svg", device="cpu", directory=shipped)
    assert model.config.z_dim == 4
    card = model_card("tiny-svg", directory=shipped)
    assert [ln for ln in card.splitlines() if ln.startswith("## ")] == [
        "## Network", "## Recipe", "## Measured", "## Data and credit", "## Limits"]
    assert "4 steps of batch 4" in card and "| step | copy-last psnr" in card and "- tiny test run" in card
    assert CREDITS["push"].split(":")[0] in card and "{world}" not in card
    # the recipe line is the run's own, and parses back to its config
    from course_kit.svg import commands
    line = next(ln for ln in card.splitlines() if ln.startswith("course-kit train svg "))
    args = commands.train_parser().parse_args(shlex.split(line)[3:])
    again = commands.train_config(args)                          # (the CLI spells every network size)
    assert again.model == {**again.model, **TINY} and replace(again, model=tc.model) == tc and args.threads == 1


def test_a_run_begun_with_the_old_names_resumes_and_exports(data, tmp_path):
    """SVG runs started before the shared convention have train_config.json: they resume and export."""
    run = tmp_path / "old"
    train(_config(data, run), progress=False, stop_after=2)
    (run / "config.json").rename(run / "train_config.json")    # what the trainer wrote before
    keys = set(torch.load(run / "checkpoint.pt", weights_only=True))
    assert keys == {"model", "optimizer", "step", "train_config", "model_config"}
    train(_config(data, run), progress=False)
    assert (run / "model.safetensors").exists() and not (run / "config.json").exists()
    assert json.loads((run / "train_config.json").read_text())["steps"] == 4
    assert _steps(run / "log.csv") == ["step", "1", "2", "3", "4"]
    shipped = tmp_path / "pretrained"
    assert main(["export", "svg", str(run), "--name", "old-svg", "--directory", str(shipped)]) == 0
    card = model_card("old-svg", directory=shipped)
    assert "4 steps of batch 4" in card and "## Measured" not in card


def test_a_log_keeps_its_own_columns_when_a_resumed_run_logs_more(tmp_path):
    """A run begun before a column was added resumes without shifting its rows under the wrong names."""
    run = RunFolder(tmp_path, MOCOGAN)
    old, new = ["step", "loss", "seconds"], ["step", "loss", "loss_pair", "seconds"]
    run.start_log(old)
    run.log(old, {"step": 1, "loss": 0.5, "seconds": 2.0})
    run.start_log(new)                                        # the resumed run's header: the file keeps its own
    run.log(new, {"step": 2, "loss": 0.4, "loss_pair": 9.0, "seconds": 3.5})
    assert run.read_log() == [{"step": "1", "loss": "0.5", "seconds": "2.0"},
                              {"step": "2", "loss": "0.4", "seconds": "3.5"}]
    assert run.logged_seconds() == 3.5


def test_logged_seconds_is_zero_without_a_log(tmp_path):
    assert RunFolder(tmp_path, MOCOGAN).logged_seconds() == 0.0
