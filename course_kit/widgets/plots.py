"""Interactive plots for the notebooks (ipympl): motion codes and live training loss.

The LSTM gate heatmap computes a cell's gates by hand, which is the graded
``MyLSTMCell.forward``, so it lives on the instructor side
(:mod:`course_kit.assignments.mocogan.gate_plots`).

Each plot owns a matplotlib ``Figure`` drawn by an ipympl ``Canvas`` widget
(pan, zoom, save in the browser), made directly rather than through pyplot,
so showing one never changes the notebook's matplotlib backend or leaves
figures behind in pyplot. Display the object itself (last line of a cell);
``.figure`` is the matplotlib figure, ``.widget`` what is displayed. Saved
notebooks keep ipympl's PNG of each figure for kernel-less renderers.
"""

from __future__ import annotations

import base64
import io
import time
import warnings

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .colab import enable_custom_widgets, with_colab_metadata

__all__ = ["MotionCodePlot", "LossPlot", "pca_2d"]



def _canvas(figure: Figure):
    """An ipympl Canvas widget for ``figure``, outside pyplot's figure registry."""
    enable_custom_widgets()
    from ipympl.backend_nbagg import Canvas, FigureManager
    canvas = Canvas(figure)
    with warnings.catch_warnings():  # ipympl's own Toolbar init trips a traitlets deprecation
        warnings.simplefilter("ignore", DeprecationWarning)
        FigureManager(canvas, 0)  # builds the toolbar; not registered with pyplot
    canvas.header_visible = False
    canvas.toolbar_position = "right"
    return canvas


def _numpy(x, name: str) -> np.ndarray:
    try:
        import torch
        if isinstance(x, torch.Tensor):
            return x.detach().cpu().float().numpy()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(x, np.ndarray):
        return x.astype(np.float64)
    raise TypeError(f"`{name}` must be a torch tensor or numpy array, got {type(x).__name__}")


class _Plot:
    """Shared display plumbing: show ``self.widget``."""

    widget: W.DOMWidget
    figure: Figure

    def _repr_mimebundle_(self, **kwargs):
        """The widget, plus a PNG of the figure for kernel-less renderers.

        ipympl's own ``text/html`` copy of the PNG is dropped: nbval compares
        HTML outputs (never images), and a short ``text/plain`` keeps them stable.
        """
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = {k: v for k, v in data.items() if k != "text/html"}
        data["text/plain"] = repr(self)
        if "image/png" not in data:
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png")
            data["image/png"] = base64.b64encode(buffer.getvalue()).decode("ascii")
        return data, with_colab_metadata(metadata)   # ipympl does not label itself for Colab

    def redraw(self) -> None:
        self.figure.canvas.draw_idle()


# -- motion codes -------------------------------------------------------------------

def pca_2d(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project (N, d) points on their first two principal axes: ((N, 2), explained ratios (2,)).

    Signs are fixed (largest loading positive) so the same data always gives the same picture.
    """
    centred = points - points.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2]
    axes *= np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])[:, None]
    projected = centred @ axes.T
    if projected.shape[1] < 2:
        projected = np.pad(projected, ((0, 0), (0, 2 - projected.shape[1])))
    variance = s ** 2
    explained = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    return projected, np.pad(explained, (0, 2 - len(explained)))


class MotionCodePlot(_Plot):
    """The motion codes z_M(t) of several videos, projected to 2-D: one path per video.

    ``codes``: (n_frames, n_videos, d), as ``model.motion_codes(...)`` or the
    student's ``LSTM`` return. A circle marks frame 0, a triangle the last
    frame. Click a legend entry to hide or show that video's path.
    """

    def __init__(self, codes, labels=None, title="motion codes z_M over time (PCA)"):
        codes = _numpy(codes, "codes")
        if codes.ndim != 3 or min(codes.shape) < 1:
            raise ValueError(f"`codes` must be (n_frames, n_videos, d), got shape {codes.shape}")
        T, n, d = codes.shape
        if labels is None:
            labels = [f"video {i}" for i in range(n)]
        labels = [str(label) for label in labels]
        if len(labels) != n:
            raise ValueError(f"`labels` must have one entry per video ({n}), got {len(labels)}")
        flat, self.explained = pca_2d(codes.reshape(T * n, d))
        self.projected = flat.reshape(T, n, 2).transpose(1, 0, 2)   # (n, T, 2)
        self.labels = labels

        self.figure = Figure(figsize=(5.5, 4.2), layout="constrained")
        ax = self.figure.add_subplot()
        self.lines = []
        for i, path in enumerate(self.projected):
            (line,) = ax.plot(path[:, 0], path[:, 1], "-", marker=".", lw=1.5, label=labels[i])
            colour = line.get_color()
            start = ax.plot(*path[0], "o", color=colour, ms=7)[0]
            end = ax.plot(*path[-1], "^", color=colour, ms=8)[0]
            self.lines.append((line, start, end))
        ax.set_xlabel(f"PC 1 ({self.explained[0]:.0%} of variance)")
        ax.set_ylabel(f"PC 2 ({self.explained[1]:.0%} of variance)")
        ax.set_title(f"{title}\n\u25cf frame 0   \u25b2 frame {T - 1}", fontsize=10)
        ax.grid(alpha=0.3)
        legend = ax.legend(fontsize=8, loc="best")
        self._pickable = {}
        for entry, group in zip(legend.get_lines(), self.lines):
            entry.set_picker(6)
            self._pickable[entry] = group
        self.widget = _canvas(self.figure)
        self.figure.canvas.mpl_connect("pick_event", self._on_pick)

    def __repr__(self) -> str:
        n, T, _ = self.projected.shape
        return f"MotionCodePlot({n} videos, {T} frames)"

    def _on_pick(self, event) -> None:
        group = self._pickable.get(event.artist)
        if group is None:
            return
        visible = not group[0].get_visible()
        for artist in group:
            artist.set_visible(visible)
        event.artist.set_alpha(1.0 if visible else 0.25)
        self.redraw()

    def toggle(self, index: int) -> None:
        """Hide or show video ``index``'s path (what clicking its legend entry does)."""
        entry = list(self._pickable)[index]
        self._on_pick(type("Pick", (), {"artist": entry})())

    @classmethod
    def from_model(cls, model, motion_seeds, action=None, n_frames=16, **kwargs):
        """Plot ``model.motion_codes(motion_seeds, action, n_frames)``, labelled by seed."""
        codes = model.motion_codes(list(motion_seeds), action=action, n_frames=n_frames)
        return cls(codes, labels=[f"motion {s}" for s in motion_seeds], **kwargs)


# -- live training loss -------------------------------------------------------------

class LossPlot(_Plot):
    """A training curve that updates in place: ``plot.update(step, loss_G=..., loss_D=...)``.

    Redraws at most every ``min_interval`` seconds so plotting never slows
    training down; ``flush()`` draws whatever is pending (call it at the end).
    ``history`` holds every value received: {name: ([steps], [values])}.
    """

    def __init__(self, title="training loss", log=False, min_interval=0.5, xlabel="step"):
        self.history: dict[str, tuple[list, list]] = {}
        self.min_interval = float(min_interval)
        self._last_draw = -float("inf")
        self._pending = False
        self.figure = Figure(figsize=(6, 3.5), layout="constrained")
        self.ax = self.figure.add_subplot()
        self.ax.set_title(title, fontsize=10)
        self.ax.set_xlabel(xlabel)
        self.ax.grid(alpha=0.3)
        if log:
            self.ax.set_yscale("log")
        self.lines = {}
        self.widget = _canvas(self.figure)

    def __repr__(self) -> str:
        return f"LossPlot({', '.join(self.history) or 'no losses yet'})"

    def update(self, step, **losses) -> None:
        """Record ``losses`` (numbers or 0-d tensors) at ``step`` and redraw when due."""
        if not losses:
            raise ValueError("LossPlot.update: give at least one loss, e.g. update(step, loss_G=0.7)")
        for name, value in losses.items():
            value = float(value.item() if hasattr(value, "item") else value)
            steps, values = self.history.setdefault(name, ([], []))
            steps.append(step)
            values.append(value)
            if name not in self.lines:
                (self.lines[name],) = self.ax.plot([], [], lw=1.5, label=name)
                self.ax.legend(fontsize=8, loc="upper right")
        self._pending = True
        if time.monotonic() - self._last_draw >= self.min_interval:
            self.flush()

    def flush(self) -> None:
        """Draw every value received so far."""
        if not self._pending:
            return
        for name, line in self.lines.items():
            line.set_data(*self.history[name])
        self.ax.relim()
        self.ax.autoscale_view()
        self._pending = False
        self._last_draw = time.monotonic()
        self.redraw()
