"""On Colab the kit switches on the custom widget manager itself; elsewhere it does nothing."""

import sys
import types

import numpy as np

from course_kit.widgets import colab


def _fake_colab(monkeypatch):
    calls = []
    google = types.ModuleType("google")
    package = types.ModuleType("google.colab")
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: calls.append("enabled")
    package.output = output
    google.colab = package
    for name, module in (("google", google), ("google.colab", package), ("google.colab.output", output)):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(colab, "_enabled", False)
    return calls


def test_outside_colab_nothing_happens(monkeypatch):
    monkeypatch.setattr(colab, "_enabled", False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(colab.importlib, "import_module",
                        lambda name: (_ for _ in ()).throw(ImportError(name)))
    assert not colab.in_colab()
    assert colab.enable_custom_widgets() is False


def test_on_colab_a_player_enables_the_custom_widget_manager_once(monkeypatch):
    calls = _fake_colab(monkeypatch)
    assert colab.in_colab()
    from course_kit.widgets import VideoPlayer
    VideoPlayer(np.zeros((2, 8, 8, 3), np.uint8))
    assert "enabled" in calls          # anywidget may call it as well; it is idempotent
    before = len(calls)
    VideoPlayer(np.zeros((2, 8, 8, 3), np.uint8))
    assert len(calls) == before        # once is enough


def test_on_colab_plots_enable_it_too(monkeypatch):
    calls = _fake_colab(monkeypatch)
    from course_kit.widgets.plots import LossPlot
    LossPlot()
    assert calls == ["enabled"]
