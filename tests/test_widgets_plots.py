"""The ipympl plots: motion-code PCA, LSTM gate heatmaps and the live loss plot."""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from course_kit.assignments.mocogan.layers import LSTM
from course_kit.assignments.mocogan.gate_plots import GateHeatmap, lstm_gates
from course_kit.widgets.plots import LossPlot, MotionCodePlot, pca_2d


def _png(plot) -> np.ndarray:
    buffer = io.BytesIO()
    plot.figure.savefig(buffer, format="png")
    return np.asarray(Image.open(buffer))


def test_pca_recovers_a_planar_cloud_with_fixed_signs():
    rng = np.random.default_rng(0)
    plane = rng.normal(size=(200, 2)) * [3.0, 1.0]
    basis = np.linalg.qr(rng.normal(size=(6, 2)))[0].T        # an orthonormal 2-D plane in 6-D
    projected, explained = pca_2d(plane @ basis + 5.0)
    assert explained.sum() == pytest.approx(1.0)
    assert explained[0] > explained[1] > 0
    again, _ = pca_2d(-(plane @ basis) + 5.0)                   # the mirrored cloud, same picture
    np.testing.assert_allclose(np.abs(projected), np.abs(again), atol=1e-9)


def test_motion_code_plot_draws_one_path_per_video_and_toggles():
    codes = torch.randn(16, 3, 10).cumsum(0)                  # (n_frames, n_videos, d)
    plot = MotionCodePlot(codes, labels=["wave", "bend", "jump"])
    assert plot.projected.shape == (3, 16, 2)
    assert [group[0].get_label() for group in plot.lines] == ["wave", "bend", "jump"]
    assert "PC 1" in plot.figure.axes[0].get_xlabel()
    before = _png(plot)
    plot.toggle(1)
    assert not any(artist.get_visible() for artist in plot.lines[1])
    assert not np.array_equal(before, _png(plot))
    plot.toggle(1)
    assert all(artist.get_visible() for artist in plot.lines[1])
    data, _ = plot._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data and "image/png" in data
    assert "text/html" not in data and data["text/plain"] == "MotionCodePlot(3 videos, 16 frames)"
    with pytest.raises(ValueError, match=r"`codes` must be \(n_frames, n_videos, d\)"):
        MotionCodePlot(torch.randn(16, 10))
    with pytest.raises(ValueError, match="`labels`"):
        MotionCodePlot(codes, labels=["one"])


def test_motion_code_plot_from_a_model():
    class Model:
        def motion_codes(self, seeds, action=None, n_frames=16):
            g = torch.Generator().manual_seed(sum(seeds))
            return torch.randn(n_frames, len(seeds), 12, generator=g)
    plot = MotionCodePlot.from_model(Model(), [3, 4], n_frames=8)
    assert plot.labels == ["motion 3", "motion 4"] and plot.projected.shape == (2, 8, 2)


def test_lstm_gates_reproduce_the_cell_it_reads():
    torch.manual_seed(0)
    net = LSTM(10, 20)
    net.initWeight(init_forget_bias=1)
    x = torch.randn(4, 10)
    gates = lstm_gates(net, x, n_frames=6)
    assert set(gates) == {"i", "f", "g", "o", "c", "h"}
    assert gates["f"].shape == (6, 4, 20)
    # Same h as stepping the cell itself.
    h = c = torch.zeros(4, 20)
    with torch.no_grad():
        for t in range(6):
            h, c = net.lstm(x, (h, c))
            np.testing.assert_allclose(gates["h"][t], h.numpy(), atol=1e-6)
    assert (gates["i"] > 0).all() and (gates["i"] < 1).all()
    assert gates["f"][0].mean() > gates["i"][0].mean()         # forget bias 1 opens the forget gate
    cell = torch.nn.LSTMCell(10, 20)                            # a torch cell works the same way
    assert lstm_gates(cell, x, 3)["o"].shape == (3, 4, 20)
    with pytest.raises(TypeError, match="lacks weight_ih"):
        lstm_gates(torch.nn.Linear(3, 3), x, 3)
    with pytest.raises(ValueError, match=r"`inputs` must be \(batch, 10\)"):
        lstm_gates(net, torch.randn(4, 7), 3)


def test_gate_heatmap_switches_video_with_its_slider():
    torch.manual_seed(1)
    net = LSTM(10, 16)
    net.initWeight()
    heat = GateHeatmap(net, torch.randn(3, 10) * 3, n_frames=12)
    assert heat.images["f"].get_array().shape == (16, 12)      # hidden units x time
    heat.slider.value = 2
    assert heat.video == 2
    np.testing.assert_allclose(heat.images["o"].get_array(), heat.gates["o"][:, 2].T)
    data, _ = heat._repr_mimebundle_()                           # a slider + canvas, and a PNG
    assert "image/png" in data and data["text/plain"] == "GateHeatmap(12 steps, 3 videos, 16 hidden units)"
    with pytest.raises(ValueError, match="`video` must be an int from 0 to 2"):
        GateHeatmap(net, torch.randn(3, 10), video=3)


def test_loss_plot_records_everything_and_throttles_drawing():
    plot = LossPlot(min_interval=3600)   # only the first update draws by itself
    draws = []
    plot.redraw = lambda: draws.append(1)
    for step in range(50):
        plot.update(step, loss_G=torch.tensor(1.0 / (step + 1)), loss_D=0.5)
    assert len(draws) == 1
    assert plot.history["loss_G"][0] == list(range(50))
    assert plot.history["loss_G"][1][-1] == pytest.approx(1 / 50)
    plot.flush()
    assert len(draws) == 2
    np.testing.assert_allclose(plot.lines["loss_D"].get_ydata(), [0.5] * 50)
    assert plot.ax.get_ylim()[1] >= 1.0
    assert repr(plot) == "LossPlot(loss_G, loss_D)"
    with pytest.raises(ValueError, match="at least one loss"):
        plot.update(51)
