"""Under a stand-in Colab, every widget output of the kit carries Colab's widget-manager metadata.

Cells run in an in-process IPython kernel, as a student's would: a cell's last
expression arrives as an ``execute_result``, ``display(x)`` as a
``display_data``; the stand-in (``fake_colab``) labels only the second, like
Colab. Without the metadata Colab leaves a third-party widget blank.
"""

from __future__ import annotations

import pytest

import fake_colab

pytest.importorskip("ipykernel.inprocess")

SETUP = """
import numpy as np, torch, ipywidgets as W
from IPython.display import display
from course_kit.mocogan.model import MoCoGAN, MoCoGANConfig
from course_kit.widgets import VideoPlayer, VideoGrid, MoCoGANExplorer
from course_kit.assignments.mocogan.gate_plots import GateHeatmap
from course_kit.widgets.plots import MotionCodePlot, LossPlot

video = np.random.default_rng(0).integers(0, 255, (4, 16, 16, 3), dtype=np.uint8)
model = MoCoGAN(MoCoGANConfig(ngf=8, action_names=["wave", "bend"]))
shown = {
    "player": VideoPlayer(video),
    "grid": VideoGrid([video, video[::-1]]),
    "explorer": MoCoGANExplorer(model, n_frames=4, prefetch=False),
    "motion_plot": MotionCodePlot.from_model(model, [0, 1, 2], n_frames=6),
    "gates": GateHeatmap(model.motion, torch.randn(2, 12), n_frames=5),
    "loss": LossPlot(),
}
shown["box"] = W.VBox([W.HTML("a student's own box around a player"), VideoPlayer(video)])
shown["canvas"] = shown["loss"].widget   # the ipympl Canvas itself
shown["slider"] = W.IntSlider()
"""
NAMES = ["player", "grid", "explorer", "motion_plot", "gates", "loss", "box", "canvas", "slider"]


@pytest.fixture(scope="module")
def colab_kernel():
    """An in-process kernel in a process that looks like Colab; yields run(code) -> outputs."""
    from ipykernel.inprocess.ipkernel import InProcessInteractiveShell
    from ipykernel.inprocess.manager import InProcessKernelManager

    from course_kit.widgets import colab

    with pytest.MonkeyPatch.context() as monkeypatch:
        widgets = fake_colab.install(monkeypatch)
        monkeypatch.setattr(colab, "_enabled", False)
        manager = InProcessKernelManager()
        manager.start_kernel()
        client = manager.client()
        client.start_channels()

        def run(code: str) -> list[dict]:
            client.execute(code)
            outputs = []
            while True:
                msg = client.get_iopub_msg(timeout=60)
                kind = msg["msg_type"]
                if kind == "error":
                    raise AssertionError("\n".join(msg["content"]["traceback"]))
                if kind in ("execute_result", "display_data"):
                    outputs.append({"type": kind, **msg["content"]})
                if kind == "status" and msg["content"]["execution_state"] == "idle":
                    return outputs

        run(SETUP)
        try:
            yield run, widgets
        finally:
            fake_colab.uninstall_hook(widgets)
            run("[w.close() for w in shown.values() if hasattr(w, 'close')]")
            client.stop_channels()
            manager.shutdown_kernel()
            InProcessInteractiveShell.clear_instance()


def _colab_url(output: dict):
    view = output.get("metadata", {}).get(fake_colab.VIEW, {})
    return view.get("colab", {}).get("custom_widget_manager", {}).get("url")


@pytest.mark.parametrize("name", NAMES)
def test_a_widget_ending_a_cell_carries_colabs_metadata(colab_kernel, name):
    run, widgets = colab_kernel
    (output,) = run(f"shown[{name!r}]")
    assert output["type"] == "execute_result" and fake_colab.VIEW in output["data"]
    assert _colab_url(output) == fake_colab.URL, f"{name}: metadata {output.get('metadata')}"
    assert "enable" in widgets.calls


@pytest.mark.parametrize("name", NAMES)
def test_a_displayed_widget_carries_colabs_metadata(colab_kernel, name):
    run, _ = colab_kernel
    (output,) = run(f"display(shown[{name!r}])")
    assert output["type"] == "display_data" and fake_colab.VIEW in output["data"]
    assert _colab_url(output) == fake_colab.URL


def test_live_training_displays_carry_it_too(colab_kernel):
    run, _ = colab_kernel
    outputs = run("from course_kit.mocogan.live import LiveTraining\n"
                  "class _Trainer:\n"
                  "    model, step = model, 0\n"
                  "    class mcfg: n_frames = 4\n"
                  "LiveTraining(_Trainer(), n_samples=2, columns=2).show()")
    assert [o["type"] for o in outputs] == ["display_data", "display_data"]
    assert all(_colab_url(o) == fake_colab.URL for o in outputs)


def test_the_stand_in_reproduces_colabs_gap(colab_kernel):
    """Without the kit's formatter a plain widget ending a cell has no metadata: what the tests guard."""
    run, _ = colab_kernel
    (last,) = run("import ipywidgets as W\n"
                  "_formatter = get_ipython().display_formatter.mimebundle_formatter\n"
                  "_formatter.pop(W.Widget, None)\n"
                  "W.Button()")
    (shown,) = run("display(W.Button())")
    run("from course_kit.widgets.colab import enable_custom_widgets\nenable_custom_widgets()")
    (again,) = run("W.Button()")
    assert _colab_url(last) is None and _colab_url(shown) == fake_colab.URL
    assert _colab_url(again) == fake_colab.URL
