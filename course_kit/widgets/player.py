"""VideoPlayer: a video that plays inline, in the browser, with no kernel round trip per frame.

Why this technique (``course-kit bench widgets`` prints the measurements):

- ipywidgets ``Play`` + ``Image`` changes ``Image.value`` on every tick
  through the kernel: choppy on Colab, dead without a kernel.
- a ``Stack`` of ``Image`` widgets jslinked to ``Play`` plays client-side,
  but needs one widget model and one PNG per frame (16 videos x 32 frames =
  512 models) and lossless PNGs are ~5x larger than a JPEG sprite sheet.
- an encoded GIF/APNG alone cannot be paused, seeked or slowed down.
- an anywidget front end (``player.js``) gets each video as ONE sprite-sheet
  image in a binary buffer and animates it with requestAnimationFrame on a
  canvas, with play/pause, a frame slider and a speed menu. anywidget's
  front end ships inside its wheel for JupyterLab 4 and Notebook 7, VS Code
  supports it, and it switches on Colab's custom widget manager itself.

For renderers with no kernel (nbconvert HTML, GitHub, a notebook reopened
untrusted) the display also carries an animated PNG under ``image/png``
(see :mod:`.encode`), which they show instead of the widget.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import anywidget
import numpy as np
import traitlets
from ipywidgets.widgets.widget import _remove_buffers

from .colab import enable_custom_widgets, with_colab_metadata
from .encode import CODECS, encode_apng, encode_sprite, sprite_layout
from .video import as_video

__all__ = ["VideoPlayer", "default_scale", "FALLBACK_BUDGET", "DISPLAY_BUDGET"]

_HERE = Path(__file__).parent
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
#: Largest display (widget state + fallback) we aim for; the fallback gets what the
#: widget leaves of it, never more than FALLBACK_BUDGET.
DISPLAY_BUDGET = 2_000_000
#: Largest kernel-less fallback (bytes of base64 text in the notebook) per display.
#: The fallback starts at 128 colours (GIF-like quality at 2/3 of the bytes of 255);
#: past the budget it drops to 48 colours, then to a still of the first frame.
FALLBACK_BUDGET = 1_000_000


def default_scale(height: int, width: int, target: int = 256) -> int:
    """The integer upscale that brings the longer side nearest to ``target`` pixels."""
    return max(1, round(target / max(height, width)))


def _check_number(name, value, low, high, kind=float):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high
    if kind is int:
        ok = ok and float(value).is_integer()
    if not ok:
        raise ValueError(f"`{name}` must be {'an int' if kind is int else 'a number'} from "
                         f"{low} to {high}, got {value!r}")
    return kind(value)


class VideoWidget(anywidget.AnyWidget):
    """What VideoPlayer and VideoGrid share: traits the front end reads, encoding, fallback."""

    _esm = (_HERE / "player.js").read_text(encoding="utf-8")
    _css = (_HERE / "player.css").read_text(encoding="utf-8")

    # One sprite sheet per video (binary buffers on the wire) and how to cut it.
    sprites = traitlets.List(traitlets.Bytes()).tag(sync=True)
    mime = traitlets.Unicode("image/jpeg").tag(sync=True)
    frame_count = traitlets.Int(1).tag(sync=True)
    frame_width = traitlets.Int(1).tag(sync=True)
    frame_height = traitlets.Int(1).tag(sync=True)
    sprite_columns = traitlets.Int(1).tag(sync=True)
    titles = traitlets.List(traitlets.Unicode()).tag(sync=True)
    columns = traitlets.Int(1).tag(sync=True)
    # Playback: the browser owns the clock; it reports frame/playing back on pause and seek.
    fps = traitlets.Float(8.0).tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)
    loop = traitlets.Bool(True).tag(sync=True)
    playing = traitlets.Bool(True).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    scale = traitlets.Int(4).tag(sync=True)

    def __init__(self, videos: list[np.ndarray], *, titles=None, columns=1, fps=8, loop=True,
                 scale=None, autoplay=True, codec="jpeg", quality=90, fallback=True, **kwargs):
        """``videos``: (T, H, W, 3) uint8 arrays of one shape, already normalised."""
        enable_custom_widgets()
        if codec not in CODECS:
            raise ValueError(f"`codec` must be one of {sorted(CODECS)}, got {codec!r}")
        self._codec = codec
        self._quality = _check_number("quality", quality, 1, 100, int)
        self._fallback = bool(fallback)
        self._fallback_cache = None
        if scale is None:
            scale = default_scale(*videos[0].shape[1:3])
        # Everything goes into the comm-open message: one message shows the video.
        state = self._content_state(videos, titles, columns, scale)
        super().__init__(fps=_check_number("fps", fps, 0.1, 120), loop=bool(loop),
                         playing=bool(autoplay), mime=CODECS[codec][0], **state, **kwargs)
        self._videos = videos

    # -- validation of the traits a user may set ---------------------------------
    @traitlets.validate("fps")
    def _valid_fps(self, proposal):
        return _check_number("fps", proposal["value"], 0.1, 120)

    @traitlets.validate("speed")
    def _valid_speed(self, proposal):
        if proposal["value"] not in SPEEDS:
            raise traitlets.TraitError(f"`speed` must be one of {SPEEDS}, got {proposal['value']!r}")
        return float(proposal["value"])

    @traitlets.validate("scale")
    def _valid_scale(self, proposal):
        return _check_number("scale", proposal["value"], 1, 32, int)

    @traitlets.validate("frame")
    def _valid_frame(self, proposal):
        value = proposal["value"]
        if not 0 <= value < self.frame_count:
            raise traitlets.TraitError(f"`frame` must be from 0 to {self.frame_count - 1}, "
                                       f"got {value!r}")
        return value

    @traitlets.observe("fps", "loop")
    def _timing_changed(self, change):
        self._fallback_cache = None   # the fallback's frame delays and looping follow these

    # -- content -----------------------------------------------------------------
    def _content_state(self, videos, titles, columns, scale) -> dict:
        """The synced traits that describe ``videos`` (encodes the sprite sheets)."""
        T, H, W, _ = videos[0].shape
        return dict(sprites=[encode_sprite(v, self._codec, self._quality) for v in videos],
                    frame_count=T, frame_height=H, frame_width=W,
                    sprite_columns=sprite_layout(T)[0], titles=list(titles or []),
                    columns=columns or 1, scale=_check_number("scale", scale, 1, 32, int))

    def _set_videos(self, videos: list[np.ndarray], titles=None, columns=None, scale=None):
        """Show new ``videos`` (normalised, one shape) with one update message to the browser."""
        state = self._content_state(videos, titles, columns, self.scale if scale is None else scale)
        with self.hold_sync():
            self._videos = videos
            self._fallback_cache = None
            if self.frame >= state["frame_count"]:
                self.frame = 0
            for name, value in state.items():
                setattr(self, name, value)

    def _fallback_frames(self) -> np.ndarray:
        """(T, H, W, 3) frames of what the widget shows, for the kernel-less fallback."""
        return self._videos[0]

    # -- kernel-less fallback and sizes ----------------------------------------------
    def fallback_png(self) -> tuple[bytes, bool]:
        """(APNG bytes, animated?) shown where widgets cannot run; see DISPLAY_BUDGET."""
        if self._fallback_cache is None:
            frames = self._fallback_frames()
            widget = sum(len(sprite) for sprite in self.sprites) + 20_000  # + JSON and front end
            budget = max(100_000, min(FALLBACK_BUDGET, DISPLAY_BUDGET - widget))
            data, animated = None, True
            for colors in (128, 48):
                data = encode_apng(frames, fps=self.fps, loop=self.loop, colors=colors)
                if len(data) * 4 / 3 <= budget:
                    break
            else:
                data, animated = encode_apng(frames[:1], colors=255), False
            self._fallback_cache = (data, animated)
        return self._fallback_cache

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        if self._fallback:
            png, _ = self.fallback_png()
            height, width = self._fallback_frames().shape[1:3]
            data["image/png"] = base64.b64encode(png).decode("ascii")
            metadata = {**metadata, "image/png": {"width": width * self.scale,
                                                  "height": height * self.scale}}
        return data, with_colab_metadata(metadata)   # anywidget's own may be missing or older

    def payload_bytes(self) -> dict[str, int]:
        """Bytes a display sends to the browser: widget state (JSON + binary buffers) and fallback."""
        state, _, buffers = _remove_buffers(self.get_state())
        widget = len(json.dumps(state)) + sum(len(memoryview(b).cast("B")) for b in buffers)
        fallback = len(base64.b64encode(self.fallback_png()[0])) if self._fallback else 0
        code = len(self._esm) + len(self._css)
        return {"widget state (without front-end code)": widget - code,
                "front-end code (once per widget)": code,
                "fallback image/png (base64)": fallback,
                "total": widget + fallback}


class VideoPlayer(VideoWidget):
    """One video, playing inline: play/pause, a frame slider and a speed menu.

    ``video``: numpy array or torch tensor, (T, H, W, 3), (T, 3, H, W) or
    (3, T, H, W); uint8 0..255, or float in [0, 1] or [-1, 1] (detected: a float
    video with a negative value is read as [-1, 1]; force either with
    ``value_range=(0, 1)`` / ``(-1, 1)``, and ``layout="THWC"|"TCHW"|"CTHW"``
    when the shape is ambiguous).
    ``fps``: frames per second at speed 1x; ``loop``: start again at the end;
    ``scale``: integer upscale with crisp pixels (default: about 256 px wide);
    ``codec``: "jpeg" (default, q``quality``, 4:4:4), "webp" or "png" (lossless);
    ``fallback``: also send an animated PNG for renderers without a kernel.

    ``player.video`` reads or replaces the video; ``player.frame`` and
    ``player.playing`` follow the browser whenever the user pauses or seeks, and
    setting them from Python seeks or pauses the browser.
    """

    def __init__(self, video, fps=8, loop=True, scale=None, *, layout=None, value_range=None,
                 autoplay=True, codec="jpeg", quality=90, fallback=True):
        frames = as_video(video, layout=layout, value_range=value_range, name="video")
        super().__init__([frames], fps=fps, loop=loop, scale=scale, autoplay=autoplay,
                         codec=codec, quality=quality, fallback=fallback)

    @property
    def video(self) -> np.ndarray:
        """The frames shown, (T, H, W, 3) uint8 (read-only)."""
        view = self._videos[0].view()
        view.flags.writeable = False
        return view

    @video.setter
    def video(self, video) -> None:
        self._set_videos([as_video(video, name="video")])

    def __repr__(self) -> str:
        T, H, W, _ = self._videos[0].shape
        return f"VideoPlayer({T} frames, {H}x{W}, {self.fps:g} fps)"
