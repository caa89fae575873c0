"""A stand-in for Google Colab's ``google.colab.output``, laid out like the real one.

The real module (colabtools ``google/colab/output/_widgets.py``) keeps the
manager's URL in ``google.colab.output._widgets._installed_url``, set by
``enable_custom_widget_manager()``, which also registers a hook on the shell's
display publisher that adds the manager's metadata to widget outputs sent by
``display()``. Nothing touches a cell's last expression (an execute_result):
that is the gap the kit has to close, and this stand-in reproduces it.
anywidget reads the same attribute, so it sees this stand-in as Colab.
"""

from __future__ import annotations

import sys
import types

URL = "https://ssl.gstatic.com/colaboratory-static/widgets/colab-cdn-widget-manager/fake/manager.min.js"
VIEW = "application/vnd.jupyter.widget-view+json"


def _widgets_module() -> types.ModuleType:
    widgets = types.ModuleType("google.colab.output._widgets")
    widgets._installed_url = None

    def _widget_display_hook(msg):
        data = msg.get("content", {}).get("data", {})
        if widgets._installed_url and data.get(VIEW):
            view = msg["content"].setdefault("metadata", {}).setdefault(VIEW, {})
            view["colab"] = {"custom_widget_manager": {"url": widgets._installed_url}}
        return msg

    def enable_custom_widget_manager(version="5.0.0a"):
        from IPython import get_ipython
        shell = get_ipython()
        if not widgets._installed_url and shell is not None:
            shell.display_pub.register_hook(_widget_display_hook)
        widgets._installed_url = URL
        widgets.calls.append("enable")

    widgets.calls = []
    widgets._widget_display_hook = _widget_display_hook
    widgets.enable_custom_widget_manager = enable_custom_widget_manager
    return widgets


def install(monkeypatch) -> types.ModuleType:
    """Put ``google``, ``google.colab``, ``google.colab.output`` (and ``._widgets``) in sys.modules.

    Returns the ``_widgets`` module (its ``calls`` lists each enable).
    """
    google = types.ModuleType("google")
    google.__path__ = []
    colab = types.ModuleType("google.colab")
    colab.__path__ = []
    output = types.ModuleType("google.colab.output")
    output.__path__ = []
    widgets = _widgets_module()
    output._widgets = widgets
    output.enable_custom_widget_manager = widgets.enable_custom_widget_manager
    colab.output = output
    google.colab = colab
    for name, module in (("google", google), ("google.colab", colab),
                         ("google.colab.output", output), ("google.colab.output._widgets", widgets)):
        monkeypatch.setitem(sys.modules, name, module)
    return widgets


def uninstall_hook(widgets) -> None:
    """Take the display hook off the shell again (the in-process shell outlives a test)."""
    from IPython import get_ipython
    shell = get_ipython()
    if shell is not None and widgets._installed_url:
        shell.display_pub.unregister_hook(widgets._widget_display_hook)
