"""Execute a notebook in this Python's own kernel (run by the Colab-like venv's python).

usage: python execute.py NOTEBOOK OUT TIMEOUT; the kernel starts in NOTEBOOK's folder.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

path, out, timeout = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
nb = nbformat.read(path, as_version=4)
start = time.perf_counter()
try:
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
finally:
    nbformat.write(nb, out)
    print(f"executed {path.name} in {time.perf_counter() - start:.0f} s")
