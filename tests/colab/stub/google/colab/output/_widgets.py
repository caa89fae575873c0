"""Where Colab keeps the custom widget manager's URL once it is enabled, and its display hook.

As in colabtools ``google/colab/output/_widgets.py``: enabling the manager
registers a hook on the shell's display publisher that adds the manager's
metadata to widget outputs sent by ``display()`` (ipywidgets 7 widgets always
display that way); a cell's last expression under ipywidgets 8 is not touched.
"""

VIEW = "application/vnd.jupyter.widget-view+json"
_installed_url = None


def _widget_display_hook(msg):
    data = msg.get("content", {}).get("data", {})
    if _installed_url and data.get(VIEW):
        view = msg["content"].setdefault("metadata", {}).setdefault(VIEW, {})
        view["colab"] = {"custom_widget_manager": {"url": _installed_url}}
    return msg
