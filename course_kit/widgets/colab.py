"""Google Colab: switch on its custom widget manager, so no student meets a blank output.

Colab's built-in widget manager renders only ipywidgets 7; ipywidgets 8, ipympl
and anywidget front ends appear only after
``google.colab.output.enable_custom_widget_manager()``. The kit calls it the
first time a widget or plot module is imported or a widget is made, in Colab only.
"""

from __future__ import annotations

import importlib

__all__ = ["enable_custom_widgets", "in_colab"]

_enabled = False


def in_colab() -> bool:
    """True inside a Google Colab runtime (``google.colab`` is importable)."""
    try:
        importlib.import_module("google.colab")
    except Exception:  # ImportError, or a broken partial install elsewhere
        return False
    return True


def enable_custom_widgets() -> bool:
    """Turn on Colab's custom widget manager once; returns True when it did (or had)."""
    global _enabled
    if _enabled:
        return True
    if not in_colab():
        return False
    output = importlib.import_module("google.colab.output")
    output.enable_custom_widget_manager()
    _enabled = True
    return True
