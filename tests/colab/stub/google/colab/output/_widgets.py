"""Where Colab keeps the custom widget manager's URL once it is enabled."""

_installed_url = None
