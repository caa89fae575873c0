"""The notebook's static figures draw, and the forget-bias experiment shows the difference it teaches."""

import numpy as np
import pytest

from course_kit.forget_bias import _summary, show_forget_bias_experiment, train_memory_task
from course_kit.assignments.mocogan import layers
from course_kit.widgets.diagram import mocogan_diagram
from course_kit.widgets.figures import frames_figure


def test_forget_bias_one_learns_and_keeps_the_gradient_zero_does_not():
    runs = [train_memory_task(layers.LSTM, b, iterations=60) for b in (0.0, 1.0)]
    assert np.mean(runs[0]["losses"][-10:]) > 0.6 > 0.3 > np.mean(runs[1]["losses"][-10:])
    assert runs[0]["grad_norms"][0] / runs[0]["grad_norms"][-1] < 0.01
    assert runs[1]["grad_norms"][0] / runs[1]["grad_norms"][-1] > 0.1
    assert _summary(runs[0]).startswith("the loss stays at chance")


def test_the_experiment_cell_is_one_line_for_a_broken_lstm(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    class Broken(layers.LSTM):
        def initWeight(self, init_forget_bias=1):
            raise NotImplementedError("initWeight")
    assert show_forget_bias_experiment(Broken) is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "NotImplementedError: initWeight" in out


def test_figures_render_to_png():
    assert mocogan_diagram(3)._repr_png_().startswith(b"\x89PNG")
    videos = [np.zeros((16, 8, 8, 3), np.uint8)] * 2
    picture = frames_figure(videos, ["a", "b"])
    assert picture._repr_png_().startswith(b"\x89PNG") and repr(picture) == "<figure: frames>"
    with pytest.raises(ValueError, match="mocogan_diagram: `n_frames` must be an int from 2 to 5, got 9"):
        mocogan_diagram(9)
