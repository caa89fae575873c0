"""nbval for the committed notebooks: every notebook in notebooks/ and every source notebook in source/.

``pytest`` (``./quickstart.sh test``) re-executes each of them on CPU and
compares every output with the committed one (nbval's strict mode; images and
widget views are never compared). Released notebooks (release/) are left out:
they are blank on purpose and fail their own tests; so are notebooks under
tests/. ``--nbval`` on the command line changes nothing: the same notebooks,
the same way.

The kernel is this Python environment's, started with
``course_kit.notebooks.KERNEL_ENV`` (one CPU thread, progress bars off, never
nbgrader's grading mode), the environment ``python -m course_kit.notebooks``
executes and saves them in. ``nbval-sanitize.cfg`` masks what truly varies
between runs and machines (see the comments there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

try:
    from nbval.plugin import IPyNbFile
except ImportError:  # pragma: no cover - the test extras install nbval
    IPyNbFile = None

ROOT = Path(__file__).resolve().parent
_LAX = pytest.StashKey[bool]()
NBVAL_FOLDERS = ("notebooks", "source")


def _checked(path: Path) -> bool:
    try:
        parts = path.resolve().relative_to(ROOT).parts
    except ValueError:
        return False
    return len(parts) > 1 and parts[0] in NBVAL_FOLDERS and ".ipynb_checkpoints" not in parts


def pytest_configure(config):
    opt = config.option
    if not hasattr(opt, "nbval"):      # nbval not installed: notebooks are not collected
        return
    # nbval's own collector would take any .ipynb (release/ too): ours takes over, and
    # keeps --nbval-lax's meaning (compare only cells marked NBVAL_CHECK_OUTPUT).
    config.stash[_LAX] = bool(opt.nbval_lax)
    opt.nbval = opt.nbval_lax = False
    if not opt.nbval_kernel_name:
        opt.nbval_current_env = True   # this environment's python, whatever kernelspecs exist
    if opt.nbval_sanitize_with is None:
        opt.nbval_sanitize_with = str(ROOT / "nbval-sanitize.cfg")


def pytest_collect_file(file_path, parent):
    if IPyNbFile is None or file_path.suffix != ".ipynb" or not _checked(file_path):
        return None
    return _KitNotebook.from_parent(parent, path=file_path)


def pytest_collection_modifyitems(items):
    for item in items:
        if isinstance(item.parent, _KitNotebook):
            item.add_marker(pytest.mark.notebook)
            item.add_marker(pytest.mark.slow)


class _KitNotebook(IPyNbFile or pytest.File):
    """nbval's notebook file, with the kernel started in the kit's notebook environment."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = not self.config.stash.get(_LAX, False)

    def setup(self):
        from course_kit.notebooks import kernel_env
        with kernel_env():
            super().setup()
