"""Executed notebooks: run them the way the tests re-run them, and save them with outputs.

The notebooks in ``notebooks/`` and the source notebooks in ``source/`` are
committed executed, and nbval re-executes them in CI and compares the outputs
(``conftest.py`` at the repository root). For those outputs to match, both
runs use the same kernel environment (:data:`KERNEL_ENV`: one CPU thread, so
float sums happen in one order; PyTorch's, oneDNN's and MKL's vector code
pinned to AVX2, so a machine with AVX-512, or an Intel one where this was an
AMD, takes the same code paths; no progress bars; never nbgrader's grading
mode), and the notebooks seed everything they draw.

Re-execute after changing a notebook or the library it shows::

    .venv/bin/python -m course_kit.notebooks notebooks/*.ipynb source/*/*.ipynb

What a committed notebook stores (decided here, in :func:`save_notebook`):
every output as the kernel sent it, but no saved state for widgets whose
output carries its own picture, which is every video, explorer and plot of
the kit (:func:`course_kit.widgets.strip_video_widget_state`). Measured
(``tests/test_notebooks_kernel_less.py``, README "Lecture notebooks"): with
that state, nbconvert's HTML with its scripts removed (how GitHub and nbviewer
show a notebook) picks the widget view and shows an empty box for every video;
without it, the same HTML shows each output's animated PNG, JupyterLab shows it
when the notebook is reopened, and a kernel plays the widgets again on
re-execution. It also takes the state's copy of every video out of the file.
Widgets without a picture keep their state (nbclient's ``store_widget_state``).

``python -m course_kit.notebooks --resave PATH...`` applies the same storage
to notebooks without executing them (outputs unchanged).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

#: The kernel's environment for executing and for re-checking notebooks.
KERNEL_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
              "ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_CBWR": "AVX2",
              "TQDM_DISABLE": "1"}
#: Removed from the kernel's environment: the source notebooks skip their slow cells under it.
KERNEL_ENV_UNSET = ("NBGRADER_EXECUTION",)


@contextlib.contextmanager
def kernel_env():
    """Set :data:`KERNEL_ENV` in ``os.environ`` for a kernel started inside; restore it after."""
    saved = {k: os.environ.get(k) for k in (*KERNEL_ENV, *KERNEL_ENV_UNSET)}
    os.environ.update(KERNEL_ENV)
    for key in KERNEL_ENV_UNSET:
        os.environ.pop(key, None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute_notebook(path, timeout: int = 600, kernel_name: str = "python3") -> float:
    """Execute ``path`` in place (its folder as working directory) and save it; returns seconds."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"execute_notebook: `path` {str(path)!r} is not a notebook file")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, store_widget_state=True,
                            record_timing=False,  # no timestamps in committed notebooks
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    start = time.perf_counter()
    with kernel_env():
        client.execute()
    seconds = time.perf_counter() - start
    save_notebook(nb, path)
    return seconds


def save_notebook(nb, path) -> None:
    """Write notebook ``nb`` (nbformat node) to ``path`` in the committed form (module notes)."""
    import nbformat

    from .widgets.export import strip_video_widget_state

    nbformat.write(coalesce_streams(strip_video_widget_state(nb)), path)


def coalesce_streams(nb):
    """Merge each code cell's consecutive stdout (or stderr) outputs into one, in place; returns ``nb``.

    How a cell's prints arrive split depends on the kernel's flush timing (a
    slow import between two prints on a busy machine), so without this the
    same notebook saves differently from run to run.
    """
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if (out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                    and merged[-1].get("name") == out.get("name")):
                merged[-1]["text"] = "".join(merged[-1]["text"]) + "".join(out["text"])
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged
    return nb


def resave_notebook(path) -> None:
    """Read ``path`` and save it again in the committed form, without executing it."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"resave_notebook: `path` {str(path)!r} is not a notebook file")
    save_notebook(nbformat.read(path, as_version=4), path)


USAGE = ("usage: python -m course_kit.notebooks NOTEBOOK.ipynb [...]   (execute and save)\n"
         "       python -m course_kit.notebooks --resave NOTEBOOK.ipynb [...]   (save only)")


def main(argv: list[str] | None = None) -> int:
    paths = sys.argv[1:] if argv is None else list(argv)
    resave = bool(paths) and paths[0] == "--resave"
    paths = paths[1:] if resave else paths
    if not paths or any(p.startswith("-") for p in paths):
        print(USAGE, file=sys.stderr)
        return 2
    for path in paths:
        if resave:
            resave_notebook(path)
            print(f"{path}: saved")
        else:
            print(f"{path}: executed in {execute_notebook(path):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
