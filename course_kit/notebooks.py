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

Each notebook is saved with its widget state (nbclient's
``store_widget_state``), so videos and plots show when it is opened or
exported with no kernel.
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
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print("usage: python -m course_kit.notebooks NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    for path in paths:
        print(f"{path}: executed in {execute_notebook(path):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
