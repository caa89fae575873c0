"""`course-kit bench widgets`: its tables come from real measurements of the widgets."""

import numpy as np
import pytest

from course_kit.bench import widgets as bench
from test_widgets_explorer import FakeMoCoGAN


def test_payload_rows_report_each_technique():
    from course_kit.data.shapes import shape_motion_videos
    videos = list(shape_motion_videos(16, seed=0, n_frames=32)[0])
    lines = bench.payload_rows({"shapes": videos})
    row = next(line for line in lines if line.strip().startswith("shapes") and "widget" not in line)
    numbers = [float(x) for x in row.split()[1:]]
    assert len(numbers) == 8 and all(x > 0 for x in numbers)
    from course_kit.widgets import VideoPlayer
    assert numbers[6] == pytest.approx(VideoPlayer(videos[0]).payload_bytes()["total"] / 1000, abs=0.05)
    grid_line = next(line for line in lines if "widget" in line and "fallback" in line)
    assert "animated" in grid_line and "target < 2000" in grid_line


def test_explorer_latency_times_every_mode():
    lines = bench.explorer_latency(FakeMoCoGAN(size=64), repeats=2)
    assert len(lines) == 9
    assert all("target < 150" in line and ("OK" in line or "OVER" in line) for line in lines)
    assert [line.split()[0] for line in lines] == ["single"] * 3 + ["vary_motion"] * 3 + ["vary_content"] * 3
    ahead = [line for line in lines if "seed + 1" in line or "button" in line]
    assert all("model.generate    0.0" in line for line in ahead), ahead   # rendered ahead


@pytest.mark.slow
def test_the_command_runs_end_to_end(capsys):
    from course_kit.cli import main
    assert main(["bench", "widgets", "--repeats", "1", "--data", "/nonexistent"]) == 0
    out = capsys.readouterr().out
    assert "MoCoGAN samples" in out and "explorer update latency" in out
    assert out.count("target < 150") == 9
