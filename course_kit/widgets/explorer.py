"""MoCoGANExplorer: turn the knobs of a trained MoCoGAN and watch what changes.

MoCoGAN splits a video into content (one code per video) and motion (one
code per frame from the LSTM). The explorer makes that split visible: fix the
content and vary the motion, or the other way round, side by side in a
VideoGrid that plays in step.

The model is duck-typed; anything with these members works:

- ``actions``: list of action names (empty for an unconditional model);
- ``generate(content_seeds, motion_seeds, action=None, n_frames=16)``: a
  torch.uint8 tensor (n, n_frames, H, W, 3); video i draws its content from
  ``content_seeds[i]`` and its motion from ``motion_seeds[i]``.

Each control change renders the videos not seen before (the last 64 are
cached) and re-sends the grid; ``last_update_seconds`` holds how long that
took (``course-kit bench widgets`` measures it).
"""

from __future__ import annotations

import html
import time
from collections import OrderedDict

import ipywidgets as W
import numpy as np

from .colab import enable_custom_widgets
from .grid import VideoGrid

__all__ = ["MoCoGANExplorer", "MODES"]

#: mode value -> the label on its button
MODES = {"single": "one video",
         "vary_motion": "fix content, vary motion",
         "vary_content": "fix motion, vary content"}
_MAX_SEED = 2**31 - 1
_NEW_SEEDS = 100_000   # the buttons draw seeds below this


class MoCoGANExplorer(W.VBox):
    """Controls for content seed, motion seed, action, frames and mode, above a VideoGrid.

    ``model``: see the module docstring. ``grid_size``: videos shown in the two
    comparison modes. ``seed``: seeds the "new content"/"new motion" buttons so a
    lecture replays the same sequence. Other arguments set the starting controls.
    """

    def __init__(self, model, content_seed=0, motion_seed=0, action=None, n_frames=16,
                 mode="single", grid_size=4, fps=8, scale=None, seed=0):
        enable_custom_widgets()
        missing = [name for name in ("actions", "generate") if not hasattr(model, name)]
        if missing:
            raise TypeError(f"MoCoGANExplorer: `model` must have `actions` and `generate(...)`; "
                            f"{type(model).__name__} lacks {', '.join(missing)}")
        if mode not in MODES:
            raise ValueError(f"MoCoGANExplorer: `mode` must be one of {list(MODES)}, got {mode!r}")
        if not (isinstance(grid_size, int) and 2 <= grid_size <= 16):
            raise ValueError(f"MoCoGANExplorer: `grid_size` must be an int from 2 to 16, "
                             f"got {grid_size!r}")
        self.model = model
        self.grid_size = grid_size
        self.last_update_seconds = None
        self.error = None
        self._rng = np.random.default_rng(seed)
        self._cache: OrderedDict = OrderedDict()   # (content, motion, action, T) -> video
        self.cache_size = 64
        actions = list(model.actions or [])
        if action is None and actions:
            action = actions[0]
        if actions and action not in actions:
            raise ValueError(f"MoCoGANExplorer: `action` must be one of {actions}, got {action!r}")

        seed_box = dict(min=0, max=_MAX_SEED, layout=W.Layout(width="210px"),
                        style={"description_width": "90px"})
        self.content_seed = W.BoundedIntText(value=content_seed, description="content seed", **seed_box)
        self.motion_seed = W.BoundedIntText(value=motion_seed, description="motion seed", **seed_box)
        self.new_content = W.Button(description="new content", icon="refresh",
                                    tooltip="draw a new content seed")
        self.new_motion = W.Button(description="new motion", icon="refresh",
                                   tooltip="draw a new motion seed")
        self.action = W.Dropdown(options=actions, value=action, description="action",
                                 layout=W.Layout(width="240px",
                                                 display=None if actions else "none"))
        self.n_frames = W.IntSlider(value=n_frames, min=2, max=64, description="frames",
                                    continuous_update=False)
        self.mode = W.ToggleButtons(options=[(label, value) for value, label in MODES.items()],
                                    value=mode, style={"button_width": "205px"})
        self.status = W.HTML()
        self.grid = None
        self.grid = VideoGrid(self._generate()[0], titles=self._generate_titles(), fps=fps,
                              scale=scale, columns=self._columns())
        self._show_status(0.0)

        for control in (self.content_seed, self.motion_seed, self.action, self.n_frames, self.mode):
            control.observe(self._on_change, names="value")
        self.new_content.on_click(lambda _: self._draw_seed(self.content_seed))
        self.new_motion.on_click(lambda _: self._draw_seed(self.motion_seed))

        super().__init__([
            W.HBox([self.content_seed, self.new_content, self.motion_seed, self.new_motion]),
            W.HBox([self.action, self.n_frames]),
            self.mode,
            self.grid,
            self.status,
        ])

    # -- what to generate ------------------------------------------------------------
    def seeds(self) -> tuple[list[int], list[int]]:
        """(content_seeds, motion_seeds) for the current mode."""
        c, m = self.content_seed.value, self.motion_seed.value
        k = self.grid_size
        if self.mode.value == "vary_motion":
            return [c] * k, [(m + i) % (_MAX_SEED + 1) for i in range(k)]
        if self.mode.value == "vary_content":
            return [(c + i) % (_MAX_SEED + 1) for i in range(k)], [m] * k
        return [c], [m]

    def _generate_titles(self) -> list[str]:
        """Name what differs between cells; the fixed seed is in the controls above."""
        contents, motions = self.seeds()
        if self.mode.value == "vary_motion":
            return [f"motion {m}" for m in motions]
        if self.mode.value == "vary_content":
            return [f"content {c}" for c in contents]
        return [f"content {c} \u00b7 motion {m}" for c, m in zip(contents, motions)]

    def _columns(self) -> int:
        return 1 if self.mode.value == "single" else min(self.grid_size, 4)

    def _generate(self):
        """(uint8 videos (n, T, H, W, 3), seconds spent in the model); reuses cached videos.

        Only (content, motion) pairs not seen before reach ``model.generate``, so
        switching modes, going back to a seed, or stepping a seed by one in a
        comparison mode renders one new video instead of all of them.
        """
        import torch
        contents, motions = self.seeds()
        action = self.action.value if self.model.actions else None
        keys = [(c, m, action, self.n_frames.value) for c, m in zip(contents, motions)]
        missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        seconds = 0.0
        if missing:
            start = time.perf_counter()
            with torch.no_grad():
                videos = self.model.generate([k[0] for k in missing], [k[1] for k in missing],
                                             action=action, n_frames=self.n_frames.value)
            seconds = time.perf_counter() - start
            if not isinstance(videos, torch.Tensor) or videos.dim() != 5 \
                    or videos.shape[0] != len(missing) or videos.shape[1] != self.n_frames.value:
                got = tuple(videos.shape) if isinstance(videos, torch.Tensor) else type(videos).__name__
                raise ValueError(f"model.generate must return a tensor (n={len(missing)}, "
                                 f"n_frames={self.n_frames.value}, H, W, 3); got {got}")
            for key, video in zip(missing, videos):
                self._cache[key] = video
        shown = torch.stack([self._cache[k] for k in keys])
        for key in keys:
            self._cache.move_to_end(key)
        while len(self._cache) > max(self.cache_size, len(keys)):  # never evict what is shown
            self._cache.popitem(last=False)
        return shown, seconds

    # -- reacting to the controls ------------------------------------------------------
    def refresh(self) -> float:
        """Regenerate and show the videos for the current controls; returns the seconds it took."""
        start = time.perf_counter()
        try:
            videos, _ = self._generate()
            self.grid.set_videos(videos, titles=self._generate_titles(), columns=self._columns())
        except Exception as error:  # show it where the student looks, keep the widget alive
            self.error = error
            self.status.value = (f"<span style='color:#c62828'>could not generate: "
                                 f"{html.escape(type(error).__name__)}: {html.escape(str(error))}</span>")
            return time.perf_counter() - start
        self.error = None
        self.last_update_seconds = time.perf_counter() - start
        self._show_status(self.last_update_seconds)
        return self.last_update_seconds

    def _show_status(self, seconds: float) -> None:
        n = len(self.seeds()[0])
        shown = f" in {seconds * 1000:.0f} ms" if seconds else ""
        self.status.value = (f"<span style='color:var(--jp-ui-font-color2, #666)'>{n} "
                             f"video{'s' if n > 1 else ''} of {self.n_frames.value} frames{shown}</span>")

    def _on_change(self, change) -> None:
        self.refresh()

    def _draw_seed(self, box) -> None:
        # Short seeds: easy to read off a title, say aloud in class and type back.
        box.value = int(self._rng.integers(0, _NEW_SEEDS))

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        grid_data, grid_metadata = self.grid._repr_mimebundle_()
        if "image/png" in grid_data:
            data["image/png"] = grid_data["image/png"]
            metadata = {**metadata, "image/png": grid_metadata["image/png"]}
        data["text/plain"] = repr(self)
        return data, metadata

    def __repr__(self) -> str:
        return (f"MoCoGANExplorer(mode={self.mode.value!r}, content_seed={self.content_seed.value}, "
                f"motion_seed={self.motion_seed.value}, n_frames={self.n_frames.value})")
