"""The course-kit command: subcommands are listed and the thin wrappers work."""

import subprocess
import sys

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
