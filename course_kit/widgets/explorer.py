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
took (``course-kit bench widgets`` measures it). While a video plays, a
background thread renders what the buttons and a seed step by one will show
next, so those changes cost only encoding and sending (``prefetch=False``
turns it off; ``close()`` stops it).
"""

from __future__ import annotations

import atexit
import html
import threading
import time
import weakref
from collections import OrderedDict

import ipywidgets as W
import numpy as np

from .colab import enable_custom_widgets, with_colab_metadata
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
                 mode="single", grid_size=4, fps=8, scale=None, seed=0, prefetch=True):
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
        self.last_model_seconds = None   # of it, in model.generate (0 when rendered ahead)
        self.error = None
        self._rng = np.random.default_rng(seed)
        self._cache: OrderedDict = OrderedDict()   # (content, motion, action, T) -> video
        self.cache_size = 64
        self._lock = threading.RLock()             # one model call at a time, cache consistent
        self._next_seed = {"content": self._new_seed(), "motion": self._new_seed()}
        self._prefetch = _Prefetcher(self) if prefetch else None
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
        self.new_content.on_click(lambda _: self._draw_seed("content"))
        self.new_motion.on_click(lambda _: self._draw_seed("motion"))

        super().__init__([
            W.HBox([self.content_seed, self.new_content, self.motion_seed, self.new_motion]),
            W.HBox([self.action, self.n_frames]),
            self.mode,
            self.grid,
            self.status,
        ])
        self._schedule_prefetch()

    # -- what to generate ------------------------------------------------------------
    def seeds(self, content=None, motion=None) -> tuple[list[int], list[int]]:
        """(content_seeds, motion_seeds) for the current mode (or for other base seeds)."""
        c = self.content_seed.value if content is None else content
        m = self.motion_seed.value if motion is None else motion
        k = self.grid_size
        if self.mode.value == "vary_motion":
            return [c] * k, [(m + i) % (_MAX_SEED + 1) for i in range(k)]
        if self.mode.value == "vary_content":
            return [(c + i) % (_MAX_SEED + 1) for i in range(k)], [m] * k
        return [c], [m]

    def _keys(self, contents, motions) -> list[tuple]:
        action = self.action.value if self.model.actions else None
        return [(c, m, action, self.n_frames.value) for c, m in zip(contents, motions)]

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

    def _render(self, keys: list[tuple]) -> float:
        """Render the videos of ``keys`` missing from the cache; returns seconds in the model."""
        import torch
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
            if not missing:
                return 0.0
            action, n_frames = missing[0][2], missing[0][3]
            start = time.perf_counter()
            with torch.no_grad():
                videos = self.model.generate([k[0] for k in missing], [k[1] for k in missing],
                                             action=action, n_frames=n_frames)
            seconds = time.perf_counter() - start
            if not isinstance(videos, torch.Tensor) or videos.dim() != 5 \
                    or videos.shape[0] != len(missing) or videos.shape[1] != n_frames:
                got = tuple(videos.shape) if isinstance(videos, torch.Tensor) else type(videos).__name__
                raise ValueError(f"model.generate must return a tensor (n={len(missing)}, "
                                 f"n_frames={n_frames}, H, W, 3); got {got}")
            for key, video in zip(missing, videos):
                self._cache[key] = video
            return seconds

    def _generate(self):
        """(uint8 videos (n, T, H, W, 3), seconds spent in the model); reuses cached videos.

        Only (content, motion) pairs not seen before reach ``model.generate``, so
        switching modes, going back to a seed, or stepping a seed by one in a
        comparison mode renders one new video instead of all of them; what the
        buttons and seed steps will ask for next is rendered ahead (see _Prefetcher).
        """
        import torch
        keys = self._keys(*self.seeds())
        with self._lock:
            seconds = self._render(keys)
            shown = torch.stack([self._cache[k] for k in keys])
            for key in keys:
                self._cache.move_to_end(key)
            while len(self._cache) > max(self.cache_size, len(keys)):  # never evict what is shown
                self._cache.popitem(last=False)
        return shown, seconds

    def prefetch_keys(self) -> list[tuple]:
        """What the next likely control changes will show: each button's next seed, then seed + 1."""
        nc, nm = self._next_seed["content"], self._next_seed["motion"]
        c, m = self.content_seed.value, self.motion_seed.value
        step = {"vary_motion": [(c, m + 1)], "vary_content": [(c + 1, m)]}.get(
            self.mode.value, [(c + 1, m), (c, m + 1)])
        keys = []
        for base in [(nc, m), (c, nm), *step]:
            keys += self._keys(*self.seeds(*base))
        return [k for k in dict.fromkeys(keys) if k not in self._cache]

    def _schedule_prefetch(self) -> None:
        if self._prefetch is not None:
            self._prefetch.want(self.prefetch_keys())

    def wait_prefetch(self, timeout: float = 60) -> bool:
        """Block until the videos rendered ahead are ready (True) or ``timeout`` passes."""
        return True if self._prefetch is None else self._prefetch.idle.wait(timeout)

    def close(self):
        """Stop rendering ahead and close the widgets."""
        prefetcher = getattr(self, "_prefetch", None)   # absent if __init__ failed early
        if prefetcher is not None:
            prefetcher.stop()
        super().close()

    # -- reacting to the controls ------------------------------------------------------
    def refresh(self) -> float:
        """Regenerate and show the videos for the current controls; returns the seconds it took."""
        start = time.perf_counter()
        try:
            videos, self.last_model_seconds = self._generate()
            self.grid.set_videos(videos, titles=self._generate_titles(), columns=self._columns())
        except Exception as error:  # show it where the student looks, keep the widget alive
            self.error = error
            self.status.value = (f"<span style='color:#c62828'>could not generate: "
                                 f"{html.escape(type(error).__name__)}: {html.escape(str(error))}</span>")
            return time.perf_counter() - start
        self.error = None
        self.last_update_seconds = time.perf_counter() - start
        self._show_status(self.last_update_seconds)
        self._schedule_prefetch()
        return self.last_update_seconds

    def _show_status(self, seconds: float) -> None:
        n = len(self.seeds()[0])
        shown = f" in {seconds * 1000:.0f} ms" if seconds else ""
        self.status.value = (f"<span style='color:var(--jp-ui-font-color2, #666)'>{n} "
                             f"video{'s' if n > 1 else ''} of {self.n_frames.value} frames{shown}</span>")

    def _on_change(self, change) -> None:
        self.refresh()

    def _new_seed(self) -> int:
        # Short seeds: easy to read off a title, say aloud in class and type back.
        return int(self._rng.integers(0, _NEW_SEEDS))

    def _draw_seed(self, which: str) -> None:
        """A button press: use the seed drawn (and rendered) ahead, draw the next one."""
        seed, self._next_seed[which] = self._next_seed[which], self._new_seed()
        box = self.content_seed if which == "content" else self.motion_seed
        if box.value == seed:
            self.refresh()
        else:
            box.value = seed

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        grid_data, grid_metadata = self.grid._repr_mimebundle_()
        if "image/png" in grid_data:
            data["image/png"] = grid_data["image/png"]
            metadata = {**metadata, "image/png": grid_metadata["image/png"]}
        data["text/plain"] = repr(self)
        return data, with_colab_metadata(metadata)   # a VBox: nothing else labels it for Colab

    def __repr__(self) -> str:
        return (f"MoCoGANExplorer(mode={self.mode.value!r}, content_seed={self.content_seed.value}, "
                f"motion_seed={self.motion_seed.value}, n_frames={self.n_frames.value})")


_LIVE_PREFETCHERS: "weakref.WeakSet[_Prefetcher]" = weakref.WeakSet()


@atexit.register
def _stop_prefetchers() -> None:
    for prefetcher in list(_LIVE_PREFETCHERS):
        prefetcher.stop()


class _Prefetcher:
    """Renders, on a background thread, the videos the next control change will probably need.

    While the student watches, the CPU is idle; rendering the next "new content",
    "new motion" and seed + 1 videos then makes those changes cost only encoding
    and sending. One video per model call, so a real control change waits at most
    one video's render for the shared lock; stale wishes are dropped.
    """

    def __init__(self, explorer: MoCoGANExplorer):
        self._explorer = explorer
        self._wanted: list[tuple] = []
        self._wake = threading.Condition()
        self._stopped = False
        self.idle = threading.Event()
        self.idle.set()
        self._thread = threading.Thread(target=self._run, name="MoCoGANExplorer-prefetch",
                                        daemon=True)
        self._thread.start()
        _LIVE_PREFETCHERS.add(self)

    def want(self, keys: list[tuple]) -> None:
        with self._wake:
            self._wanted = list(keys)
            if keys:
                self.idle.clear()
            self._wake.notify()

    def stop(self, timeout: float = 30) -> None:
        """Stop after the video being rendered, and wait for that (a thread killed inside
        torch at interpreter exit aborts the process)."""
        with self._wake:
            self._stopped = True
            self._wanted = []
            self._wake.notify()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._wanted and not self._stopped:
                    self.idle.set()
                    self._wake.wait()
                if self._stopped:
                    self.idle.set()
                    return
                key = self._wanted.pop(0)
            try:
                self._explorer._render([key])
            except Exception:  # a broken model shows its error on the next real change
                with self._wake:
                    self._wanted = []
