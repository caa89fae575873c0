"""The course-kit command: subcommands are listed and the thin wrappers work."""

import subprocess
import sys

import pytest

from course_kit.bench import layers as bench_layers
from course_kit.cli import main


def test_help_lists_subcommands():
    out = subprocess.run([sys.executable, "-m", "course_kit.cli", "--help"],
                         capture_output=True, text=True, check=True).stdout
    for cmd in ("demo", "lab", "vectors", "check", "bench"):
        assert cmd in out


def test_check_prints_eight_passes(capsys):
    assert main(["check", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("[PASS]") == 8 and "8 passed, 0 failed" in out


def test_layer_benchmark_reports_ratios():
    results = bench_layers.run(input_size=3, hidden_size=5, batch=2, steps=2, iters=1, repeats=1)
    assert results["ratio cell"] > 0 and results["ratio network"] > 0
    assert "MyLSTMCell / nn.LSTMCell" in bench_layers.report(results)


def test_demo_samples_every_shipped_mocogan(tmp_path):
    import imageio.v3 as iio

    from course_kit.demo import sample_shipped_models
    from course_kit.mocogan import MoCoGAN, MoCoGANConfig
    from course_kit.pretrained import save_pretrained

    shipped = tmp_path / "models"
    m = MoCoGAN(MoCoGANConfig(ngf=8, action_names=["a", "b"]))
    save_pretrained("toy", "mocogan", m.state_dict(), m.config.to_dict(), "# toy\n", directory=shipped)
    written = sample_shipped_models(tmp_path / "out", per_action=3, n_frames=5, directory=shipped)
    gif = written["videos from toy (GIF)"]
    frames = iio.imread(gif, index=None)
    assert frames.shape[0] == 5  # 5 frames; 2 rows (actions) x 3 columns of 64px videos
    assert frames.shape[1:3] == (2 * 64 + 2, 3 * 64 + 4)


def test_sampling_benchmark_times_shipped_models_as_users_call_them():
    from course_kit.bench import sampling
    from course_kit.pretrained import available
    names = available("mocogan")
    assert set(names) < set(available()) and "weizmann-classifier" not in names
    assert {"weizmann-actions", "shapes"} <= set(names)
    seconds = sampling.run(names[:1], n=2, n_frames=8, repeats=1, threads=1)
    text = sampling.report(seconds, n=2, n_frames=8, threads=1)
    assert names[0] in text and "target" in text and seconds[names[0]] > 0


def test_training_benchmark_reports_steps_per_second():
    from course_kit.bench import training
    figures = training.run(steps=1, warmup=1, device="cpu", threads=1, ngf=4, ndf=4, ndf_video=4,
                           video_batch=2, image_batch=2, n_frames=8)
    assert figures["device"] == "cpu" and figures["steps per second"] > 0
    assert "steps/s" in training.report(figures, ngf=4)


def test_training_benchmark_times_the_96px_recipe_from_the_command_line(capsys, monkeypatch):
    """--image-size 96 and the recipe flags reach the trainer it times (what the card's cost per step reads)."""
    from course_kit.bench import training
    built = []
    real = training.shapes_trainer
    monkeypatch.setattr(training, "shapes_trainer", lambda *a, **k: built.append(real(*a, **k)) or built[-1])
    assert training.main(["--device", "cpu", "--threads", "1", "--steps", "1", "--ngf", "4", "--ndf", "4",
                          "--ndf-video", "4", "--video-batch", "2", "--image-batch", "2", "--frames", "8",
                          "--image-size", "96", "--mbstd", "--r1", "1", "--ema", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "image_size=96" in out and "mbstd=True" in out and "steps/s" in out
    trainer, = built
    assert trainer.model.config.image_size == 96 and trainer.cfg.mbstd and trainer.cfg.r1 == 1.0
    with pytest.raises(ValueError, match="recipe options must be among"):
        training.shapes_trainer("unused", lr=1.0)


def test_a_kit_error_is_one_line_without_a_traceback(monkeypatch, capsys):
    from course_kit.mocogan import commands
    from course_kit.pretrained import PretrainedError

    def refuse(argv):
        raise PretrainedError("load_pretrained: no model 'nope'; shipped: shapes, weizmann-actions")
    monkeypatch.setattr(commands, "sample_main", refuse)
    assert main(["sample", "--model", "nope"]) == 2
    assert capsys.readouterr().err == ("course-kit: error: load_pretrained: no model 'nope'; "
                                       "shipped: shapes, weizmann-actions\n")


def test_a_grading_setup_error_stops_with_exit_code_3(monkeypatch, capsys):
    from course_kit.course import commands
    from course_kit.grading import setup_error

    def stop(argv):
        raise setup_error.GradingSetupError("broken")
    monkeypatch.setattr(setup_error, "raised", [])     # the error records itself; keep the real record clean
    monkeypatch.setattr(commands, "autograde_main", stop)
    assert main(["autograde", "x"]) == 3
    assert capsys.readouterr().err == "course-kit: stopped: broken\n"


def test_an_unexpected_runtime_error_shows_its_traceback():
    """A RuntimeError (what torch raises for a real bug) is not a user error: its traceback stays."""
    code = ("import sys\n"
            "from course_kit.mocogan import commands\n"
            "def crash(argv):\n"
            "    raise RuntimeError('mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)')\n"
            "commands.sample_main = crash\n"
            "from course_kit.cli import main\n"
            "sys.exit(main(['sample']))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback (most recent call last)" in run.stderr and "in crash" in run.stderr
    assert "RuntimeError: mat1 and mat2 shapes cannot be multiplied" in run.stderr
    assert "course-kit: error" not in run.stderr


def test_every_error_the_kit_defines_is_a_course_kit_error():
    """An AST scan: each exception class in course_kit derives from CourseKitError (or one that does),
    except GradingSetupError, a BaseException on purpose (a student's `except Exception` must miss it)."""
    import ast
    from pathlib import Path

    import course_kit
    builtin = {"Exception", "BaseException", "RuntimeError", "ValueError", "FileNotFoundError", "OSError",
               "TypeError", "KeyError"}
    classes = {}
    for path in Path(course_kit.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                classes[node.name] = ({ast.unparse(b).split(".")[-1] for b in node.bases}, path.name)
    kit = {"CourseKitError"}
    changed = True
    while changed:
        grown = {name for name, (bases, _) in classes.items() if bases & kit}
        changed, kit = not grown <= kit, kit | grown
    errors = {name: where for name, (bases, where) in classes.items() if bases & builtin}
    assert {"PretrainedError", "ReleaseError", "SubmissionRejected", "DeviceUnavailable"} <= kit
    assert {name: where for name, where in errors.items() if name not in kit} == {
        "GradingSetupError": "setup_error.py"}
