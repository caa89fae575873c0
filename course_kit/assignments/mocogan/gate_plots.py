"""The four gates of an LSTM over time, as heatmaps: an instructor-side figure.

``lstm_gates`` computes a cell's gates by hand, the very computation students
write in ``MyLSTMCell.forward``, so it is not part of the student package
(DESIGN.md: no answers in anything a student gets). Lecture slides and
instructor notebooks use it; it draws with the student side's ipympl plots.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ...widgets.plots import _canvas, _Plot

__all__ = ["GateHeatmap", "lstm_gates"]

GATES = ("i", "f", "g", "o")
GATE_NAMES = {"i": "input gate  \u03c3(i)", "f": "forget gate  \u03c3(f)",
              "g": "cell candidate  tanh(g)", "o": "output gate  \u03c3(o)"}


def lstm_gates(lstm, inputs, n_frames: int) -> dict[str, np.ndarray]:
    """Unroll an LSTM from a zero state on the same input and record its gates.

    ``lstm``: the MP's ``LSTM`` (uses its ``lstm`` cell), or a cell itself with
    ``weight_ih``, ``bias_ih``, ``weight_hh``, ``bias_hh`` in torch's gate order
    (``MyLSTMCell``, ``torch.nn.LSTMCell``). ``inputs``: (batch, input_size),
    fed at every step as MoCoGAN does. Returns arrays (n_frames, batch, hidden)
    for "i", "f", "o" (after the sigmoid), "g" (after tanh), "c" and "h".
    """
    import torch
    cell = getattr(lstm, "lstm", lstm)
    missing = [p for p in ("weight_ih", "bias_ih", "weight_hh", "bias_hh") if not hasattr(cell, p)]
    if missing:
        raise TypeError(f"lstm_gates: `lstm` must be an LSTM with an `lstm` cell, or a cell, having "
                        f"weight_ih, bias_ih, weight_hh, bias_hh; {type(lstm).__name__} lacks "
                        f"{', '.join(missing)}")
    if not isinstance(n_frames, int) or isinstance(n_frames, bool) or n_frames < 1:
        raise ValueError(f"lstm_gates: `n_frames` must be a positive int, got {n_frames!r}")
    x = torch.as_tensor(inputs, dtype=cell.weight_ih.dtype, device=cell.weight_ih.device)
    if x.dim() != 2 or x.shape[1] != cell.weight_ih.shape[1]:
        raise ValueError(f"lstm_gates: `inputs` must be (batch, {cell.weight_ih.shape[1]}), "
                         f"got {tuple(x.shape)}")
    hidden = cell.weight_hh.shape[1]
    h = x.new_zeros(x.shape[0], hidden)
    c = torch.zeros_like(h)
    record = {k: [] for k in (*GATES, "c", "h")}
    with torch.no_grad():
        for _ in range(n_frames):
            pre = x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
            i, f, g, o = pre.chunk(4, dim=1)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = f * c + i * g
            h = o * torch.tanh(c)
            for name, value in zip((*GATES, "c", "h"), (i, f, g, o, c, h)):
                record[name].append(value)
    return {name: torch.stack(values).cpu().numpy() for name, values in record.items()}


class GateHeatmap(_Plot):
    """The four gates of an LSTM over time as heatmaps (time across, hidden units down).

    A slider picks which video of the batch is shown. Reading it: a forget
    gate near 1 keeps the cell state (memory) from step to step, an input gate
    near 0 ignores the candidate; the output gate decides what h shows.
    """

    def __init__(self, lstm, inputs, n_frames=16, video=0):
        self.gates = lstm_gates(lstm, inputs, n_frames)
        batch = self.gates["i"].shape[1]
        if not (isinstance(video, int) and 0 <= video < batch):
            raise ValueError(f"`video` must be an int from 0 to {batch - 1}, got {video!r}")
        self.figure = Figure(figsize=(8, 5.5), layout="constrained")
        axes = self.figure.subplots(2, 2, sharex=True, sharey=True)
        self.images = {}
        for ax, gate in zip(axes.flat, GATES):
            low = -1.0 if gate == "g" else 0.0
            image = ax.imshow(self.gates[gate][:, video].T, aspect="auto", interpolation="nearest",
                              vmin=low, vmax=1.0, cmap="RdBu_r" if gate == "g" else "viridis")
            ax.set_title(GATE_NAMES[gate], fontsize=10)
            self.figure.colorbar(image, ax=ax, fraction=0.05)
            self.images[gate] = image
        for ax in axes[1]:
            ax.set_xlabel("time step")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for ax in axes[:, 0]:
            ax.set_ylabel("hidden unit")
        self.canvas = _canvas(self.figure)
        self.slider = W.IntSlider(value=video, min=0, max=batch - 1, description="video",
                                  layout=W.Layout(display=None if batch > 1 else "none"))
        self.slider.observe(lambda change: self.show(change["new"]), names="value")
        self.video = video
        self.widget = W.VBox([self.slider, self.canvas])

    def __repr__(self) -> str:
        T, batch, hidden = self.gates["i"].shape
        return f"GateHeatmap({T} steps, {batch} videos, {hidden} hidden units)"

    def show(self, video: int) -> None:
        """Show the gates of batch entry ``video``."""
        for gate, image in self.images.items():
            image.set_data(self.gates[gate][:, video].T)
        self.video = video
        if self.slider.value != video:
            self.slider.value = video
        self.redraw()
