"""A stand-in for Colab's ``google.colab`` package (tests/test_colab_install.py).

Only what the kit's notebooks and anywidget touch: ``output.enable_custom_widget_manager``
and ``output._widgets._installed_url`` (the layout anywidget reads, ../shared/REFERENCES.md).
The Colab-like kernel imports it at start, as Colab's does.
"""
