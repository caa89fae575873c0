"""What every trainer shares: the run folder (checkpoint, config, logs, samples) and the model card.

``course_kit.training.run``: :class:`RunFolder` and its :class:`Layout` per trainer;
``course_kit.training.card``: :func:`render_card` and the data :data:`CREDITS`.
"""

from .card import CREDITS, render_card
from .run import CHECKPOINT, CONFIG, MOCOGAN, SVG, Layout, RunFolder, append_row, atomic_save, trim_log

__all__ = ["CREDITS", "render_card", "CHECKPOINT", "CONFIG", "MOCOGAN", "SVG", "Layout", "RunFolder",
           "append_row", "atomic_save", "trim_log"]
