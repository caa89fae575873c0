"""Widgets that show videos inline: VideoPlayer, VideoGrid, MoCoGANExplorer, and ipympl plots.

Videos play in the browser (no kernel round trip per frame) in JupyterLab 4,
Notebook 7, VS Code and Google Colab, and saved notebooks keep an animated PNG
that kernel-less renderers (nbconvert HTML, GitHub) show instead. The plots in
:mod:`course_kit.widgets.plots` load matplotlib on first use.
"""

from .colab import enable_custom_widgets, in_colab
from .explorer import MoCoGANExplorer
from .export import export_html, strip_video_widget_state
from .grid import VideoGrid
from .player import VideoPlayer
from .video import as_video, as_videos

__all__ = ["VideoPlayer", "VideoGrid", "MoCoGANExplorer", "as_video", "as_videos",
           "enable_custom_widgets", "in_colab", "export_html", "strip_video_widget_state",
           "MotionCodePlot", "LossPlot"]

enable_custom_widgets()


def __getattr__(name):  # the plots pull in matplotlib and ipympl: import them when asked
    if name in ("MotionCodePlot", "LossPlot"):
        from . import plots
        return getattr(plots, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
