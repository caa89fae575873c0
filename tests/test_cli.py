"""The course-kit command: subcommands are listed and the thin wrappers work."""

import subprocess
import sys

from course_kit.bench import layers as bench_layers
from course_kit.cli import main


def test_help_lists_subcommands():
    out = subprocess.run([sys.executable, "-m", "course_kit.cli", "--help"],
                         capture_output=True, text=True, check=True).stdout
    for cmd in ("demo", "vectors", "check", "bench"):
        assert cmd in out


def test_check_prints_eight_passes(capsys):
    assert main(["check", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("[PASS]") == 8 and "8 passed, 0 failed" in out


def test_demo_writes_vectors(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "solutions.json").exists()
    assert "8 passed, 0 failed" in capsys.readouterr().out


def test_layer_benchmark_reports_ratios():
    results = bench_layers.run(input_size=3, hidden_size=5, batch=2, steps=2, iters=1, repeats=1)
    assert results["ratio cell"] > 0 and results["ratio network"] > 0
    assert "MyLSTMCell / nn.LSTMCell" in bench_layers.report(results)
