"""Export executed notebooks to HTML whose videos play without a kernel or a network.

nbconvert embeds widget views only when the notebook's metadata holds their
state, and then draws them with ``@jupyter-widgets/html-manager`` fetched
from a CDN at page load: offline, or when the CDN cannot load a third-party
front end, such outputs stay blank. Removing the state of the kit's own video
widgets makes nbconvert fall back to their animated PNG, which plays in any
browser with no script at all. The same goes for any widget whose output
carries its own ``image/png`` (the MoCoGAN explorer, the ipympl plots): with
no kernel they could not respond anyway, and their picture shows instead.
Other widgets keep their state.
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


def strip_video_widget_state(nb):
    """A copy of notebook ``nb`` (nbformat node) without the saved state of course_kit videos
    and of widgets whose outputs carry their own picture (see the module notes)."""
    nb = copy.deepcopy(nb)
    widgets = nb.get("metadata", {}).get("widgets", {})
    state = widgets.get(_STATE, {}).get("state")
    if state:
        pictured = _pictured_widgets(nb)
        for model_id in [k for k, model in state.items() if _is_video_widget(model) or k in pictured]:
            del state[model_id]
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
