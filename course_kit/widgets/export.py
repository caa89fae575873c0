"""Export executed notebooks to HTML whose videos play without a kernel or a network.

nbconvert embeds a widget view only when the notebook's metadata holds that
model's state (per output: ``WidgetsDataTypeFilter``), and then draws it with
``@jupyter-widgets/html-manager`` fetched from a CDN at page load: with no
script (GitHub, nbviewer, a page with JavaScript off), offline, or when the
CDN cannot load a third-party front end, such outputs stay blank. Removing the
state of the kit's own video widgets makes nbconvert fall back to their
animated PNG, which plays in any browser with no script at all. The same goes
for any widget whose output carries its own ``image/png`` (the MoCoGAN
explorer, the ipympl plots): with no kernel they could not respond anyway, and
their picture shows instead. Models only those widgets use (the explorer's
buttons, layouts, ipympl's toolbar) go with them; other widgets keep their
state, and a notebook left with none loses ``metadata.widgets`` altogether
(an empty one makes some renderers fail).

``course_kit.notebooks`` saves the committed notebooks through
:func:`strip_video_widget_state`, for the same reasons.
"""

from __future__ import annotations

import copy
from pathlib import Path

__all__ = ["strip_video_widget_state", "export_html"]

_STATE = "application/vnd.jupyter.widget-state+json"
_VIEW = "application/vnd.jupyter.widget-view+json"


def _is_video_widget(model: dict) -> bool:
    state = model.get("state", {})
    return str(state.get("_anywidget_id", "")).startswith("course_kit.widgets.")


def _pictured_widgets(nb) -> set[str]:
    """Model ids of widget outputs that carry their own image/png picture."""
    ids = set()
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data and isinstance(data.get(_VIEW), dict):
                ids.add(data[_VIEW].get("model_id"))
    return ids


def _references(model: dict) -> set[str]:
    """Model ids named in a model's state ("IPY_MODEL_<id>", as children, layout, style...)."""
    found, stack = set(), [model.get("state", {})]
    while stack:
        value = stack.pop()
        if isinstance(value, str) and value.startswith("IPY_MODEL_"):
            found.add(value[len("IPY_MODEL_"):])
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _closure(state: dict, roots) -> set[str]:
    """``roots`` and every model they reach through their state."""
    seen, stack = set(), [r for r in roots if r in state]
    while stack:
        model_id = stack.pop()
        if model_id not in seen:
            seen.add(model_id)
            stack.extend(r for r in _references(state[model_id]) if r in state)
    return seen


def _viewed_widgets(nb) -> set[str]:
    """Model ids of every widget view among the outputs."""
    return {out["data"][_VIEW].get("model_id") for cell in nb.get("cells", [])
            for out in cell.get("outputs", []) if isinstance(out.get("data", {}).get(_VIEW), dict)}


def strip_video_widget_state(nb):
    """A copy of notebook ``nb`` (nbformat node) without the saved state of course_kit videos,
    of widgets whose outputs carry their own picture, and of the models only they use
    (see the module notes); ``metadata.widgets`` goes when nothing is left in it."""
    nb = copy.deepcopy(nb)
    metadata = nb.get("metadata", {})
    state = metadata.get("widgets", {}).get(_STATE, {}).get("state")
    if state:
        pictured = _pictured_widgets(nb)
        dropped = {k for k, model in state.items() if _is_video_widget(model) or k in pictured}
        kept_views = _viewed_widgets(nb) - dropped
        for model_id in _closure(state, dropped) - _closure(state, kept_views):
            del state[model_id]
    if "widgets" in metadata and not metadata["widgets"].get(_STATE, {}).get("state"):
        del metadata["widgets"]
    return nb


def export_html(notebook, out=None) -> Path:
    """Write ``notebook`` (a path) as HTML with kernel-less video fallbacks; returns the path."""
    import nbformat
    from nbconvert import HTMLExporter

    notebook = Path(notebook)
    if not notebook.is_file():
        raise FileNotFoundError(f"export_html: `notebook` {str(notebook)!r} is not a file")
    out = Path(out) if out is not None else notebook.with_suffix(".html")
    nb = strip_video_widget_state(nbformat.read(notebook, as_version=4))
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    out.write_text(body, encoding="utf-8")
    return out
