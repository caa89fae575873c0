"""Google Colab: switch on its custom widget manager and label every widget output for it.

Colab's built-in widget manager renders only ipywidgets 7; ipywidgets 8,
ipympl and anywidget front ends appear only after
``google.colab.output.enable_custom_widget_manager()``, and then only in
outputs whose metadata names that manager::

    {"application/vnd.jupyter.widget-view+json":
        {"colab": {"custom_widget_manager": {"url": <google.colab.output._widgets._installed_url>}}}}

Colab adds it to what ``display()`` sends (a display-publisher hook), not to
a widget that is a cell's last expression (an ``execute_result``): such an
output stays blank. anywidget adds it to its own widgets; ipympl figures and
plain ipywidgets containers get nothing. So the kit, in Colab only, switches
the manager on the first time a widget or plot module is imported or a widget
is made, puts the metadata in the mimebundle of each of its widgets
(:func:`with_colab_metadata`), and registers a mimebundle formatter for every
``ipywidgets.Widget`` in the notebook's shell, so a student's own ``VBox``
around a player renders too. Nothing for the student to switch on.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["enable_custom_widgets", "in_colab", "colab_metadata", "with_colab_metadata"]

_VIEW = "application/vnd.jupyter.widget-view+json"
_enabled = False


def in_colab() -> bool:
    """True inside a Google Colab runtime (``google.colab`` is importable)."""
    try:
        importlib.import_module("google.colab")
    except Exception:  # ImportError, or a broken partial install elsewhere
        return False
    return True


def enable_custom_widgets() -> bool:
    """Turn on Colab's custom widget manager once; returns True when it did (or had).

    Each call also makes sure the current shell labels widget outputs (cheap:
    a dictionary look-up), since a test or a restarted shell may be a new one.
    """
    global _enabled
    if not _enabled:
        if not in_colab():
            return False
        output = importlib.import_module("google.colab.output")
        output.enable_custom_widget_manager()
        _enabled = True
    _label_widgets_in_shell()
    return True


def colab_metadata() -> dict:
    """Colab's widget-manager metadata for a widget output; {} outside Colab or when it is off.

    Asked at every display, so outside Colab it costs one dictionary look-up
    (Colab's kernel imports ``google.colab`` at start; anywidget tests the same).
    """
    if "google.colab" not in sys.modules or not enable_custom_widgets():
        return {}
    widgets = getattr(sys.modules.get("google.colab.output"), "_widgets", None)
    url = getattr(widgets, "_installed_url", None)
    if not url:
        return {}
    return {_VIEW: {"colab": {"custom_widget_manager": {"url": url}}}}


def with_colab_metadata(metadata: dict | None) -> dict:
    """``metadata`` of a widget's mimebundle plus :func:`colab_metadata` (a new dict)."""
    merged = dict(metadata or {})
    extra = colab_metadata()
    if extra:
        merged[_VIEW] = {**merged.get(_VIEW, {}), **extra[_VIEW]}
    return merged


def _widget_bundle(widget):
    """The mimebundle formatter for any ipywidgets 8 widget: its own bundle, labelled for Colab."""
    method = getattr(widget, "_repr_mimebundle_", None)
    bundle = method() if method is not None else None
    if bundle is None:
        return None
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    return data, with_colab_metadata(metadata)


def _label_widgets_in_shell() -> None:
    """Register :func:`_widget_bundle` for ``ipywidgets.Widget`` in the running IPython shell.

    IPython asks type-registered formatters before ``_repr_mimebundle_``, for a
    cell's last expression and for ``display()`` alike. (ipywidgets 7 widgets
    display through ``_ipython_display_``, i.e. ``display()``, which Colab's
    own hook labels.)
    """
    try:
        from IPython import get_ipython
        from ipywidgets import Widget
    except ImportError:  # pragma: no cover - both come with the kit
        return
    shell = get_ipython()
    formatter = getattr(getattr(shell, "display_formatter", None), "mimebundle_formatter", None)
    if formatter is None:
        return
    try:
        if formatter.lookup_by_type(Widget) is _widget_bundle:
            return
    except KeyError:
        pass
    formatter.for_type(Widget, _widget_bundle)
