"""Train a MoCoGAN inside a notebook and watch it: a live loss plot and samples that refresh.

``LiveTraining(trainer)`` wraps a :class:`course_kit.mocogan.train.Trainer`
(the same training step as ``course-kit train mocogan``)::

    live = LiveTraining(Trainer(TrainConfig(data="shapes", steps=40, ...)), sample_every=10)
    live.show()          # the loss plot and a grid of samples from fixed seeds
    live.run(40)         # trains; the plot and the samples update as it goes
    print(live.summary())

The displays are updated in place (display ids), so a saved notebook keeps the
final plot and samples as its kernel-less pictures, and their ``text/plain``
never changes while training, so nbval has nothing unstable to compare.
Checkpoints and ``losses.csv`` are the command line's job (``train()``); this
loop keeps its losses in memory (``history``).
"""

from __future__ import annotations

import uuid

import numpy as np

from .train import Trainer

#: The losses plotted: D = both discriminators, G = the generator against both.
PLOTTED = {"loss_D": ("loss_d_image", "loss_d_video"), "loss_G": ("loss_g_image", "loss_g_video")}


class LiveTraining:
    """A training run shown live in a notebook; see the module notes."""

    def __init__(self, trainer: Trainer, sample_every: int = 10, n_samples: int = 8, columns: int = 4):
        if not (isinstance(sample_every, int) and sample_every >= 1):
            raise ValueError(f"LiveTraining: `sample_every` must be a positive int, got {sample_every!r}")
        from ..widgets import VideoGrid
        from ..widgets.plots import LossPlot

        self.trainer = trainer
        self.sample_every = sample_every
        self.n_samples = n_samples
        self.columns = columns
        self.history: list[dict] = []
        self.plot = LossPlot(title="MoCoGAN losses (D: both discriminators, G: generator)")
        videos, titles = self.samples()
        self.grid = VideoGrid(videos, titles=titles, columns=columns)
        self._ids = {"plot": f"loss-{uuid.uuid4().hex}", "grid": f"samples-{uuid.uuid4().hex}"}

    def samples(self) -> tuple[np.ndarray, list[str]]:
        """Videos from fixed seeds (actions cycling), so every refresh shows the same draws."""
        model = self.trainer.model
        seeds = list(range(self.n_samples))
        actions = [model.actions[i % len(model.actions)] for i in seeds] if model.actions else None
        videos = model.generate(seeds, [100 + s for s in seeds], action=actions,
                                n_frames=self.trainer.mcfg.n_frames).numpy()
        step = f"step {self.trainer.step}"
        return videos, [f"{step}: {a}" for a in actions] if actions else [step] * len(seeds)

    # -- display ---------------------------------------------------------------------
    def _bundle(self, which: str):
        widget = self.plot if which == "plot" else self.grid
        data, metadata = widget._repr_mimebundle_()
        data = dict(data)
        data["text/plain"] = ("live MoCoGAN loss plot" if which == "plot"
                              else f"samples of the MoCoGAN in training ({self.n_samples} seeds)")
        return data, metadata

    def show(self) -> None:
        """Display the loss plot and the samples (call once, before ``run``)."""
        from IPython.display import display
        for which, display_id in self._ids.items():
            data, metadata = self._bundle(which)
            display(data, metadata=metadata, raw=True, display_id=display_id)

    def _refresh_pictures(self) -> None:
        """Update the displays' kernel-less pictures (the PNG fallbacks) to what is shown now."""
        from IPython.display import update_display
        for which, display_id in self._ids.items():
            data, metadata = self._bundle(which)
            update_display(data, metadata=metadata, raw=True, display_id=display_id)

    # -- training ----------------------------------------------------------------------
    def run(self, steps: int) -> list[dict]:
        """Train ``steps`` more steps; returns this run's losses, one dict per step."""
        if not (isinstance(steps, int) and steps >= 1):
            raise ValueError(f"LiveTraining.run: `steps` must be a positive int, got {steps!r}")
        done = []
        for _ in range(steps):
            losses = self.trainer.train_step()
            row = {"step": self.trainer.step, **losses}
            done.append(row)
            self.plot.update(self.trainer.step, **{name: sum(losses[k] for k in keys)
                                                   for name, keys in PLOTTED.items()})
            if self.trainer.step % self.sample_every == 0:
                videos, titles = self.samples()
                self.grid.set_videos(videos, titles=titles, columns=self.columns)
        self.history += done
        self.plot.flush()
        self._refresh_pictures()
        return done

    def summary(self, every: int | None = None) -> str:
        """Losses at a few steps as a small table (two decimals)."""
        if not self.history:
            return "no steps trained yet"
        every = every or max(1, len(self.history) // 5)
        rows = [r for i, r in enumerate(self.history) if (i + 1) % every == 0 or i == 0]
        names = ["loss_d_image", "loss_d_video", "loss_g_image", "loss_g_video", "loss_d_action",
                 "loss_g_action"]
        lines = [f"{'step':>6}" + "".join(f"{n[5:]:>10}" for n in names)]
        for r in rows:
            lines.append(f"{r['step']:>6}" + "".join(f"{r[n]:>10.2f}" for n in names))
        return "\n".join(lines)
