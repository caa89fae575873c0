"""google.colab.output: switching on the custom widget manager, as Colab's does (tests/test_colab_install.py)."""

from . import _widgets

enabled = []


def enable_custom_widget_manager():
    from IPython import get_ipython
    shell = get_ipython()
    if not _widgets._installed_url and shell is not None:
        shell.display_pub.register_hook(_widgets._widget_display_hook)
    enabled.append(True)
    _widgets._installed_url = "https://ssl.gstatic.com/colaboratory-static/widgets/colab-cdn-widget-manager/stand-in/manager.min.js"
