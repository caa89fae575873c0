"""``course-kit lab``: JupyterLab on the course directory, with this environment's Python.

The course root (the folder holding ``nbgrader_config.py``) is the server's
root, so source/, release/ and the formgrader's gradebook are all one click
away. Options this command does not know go to ``jupyter lab`` unchanged.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from .nbgrader_run import nbgrader_env
from .settings import find_course_root

MISSING = ("course-kit lab: JupyterLab is not installed in this environment ({python}); "
           "install it with `{python} -m pip install 'jupyterlab>=4'`")


def lab_command(root: Path, port: int | None = None, browser: bool = True,
                extra: list[str] = ()) -> list[str]:
    """The ``jupyter lab`` command line serving ``root``."""
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"course-kit lab: --port must be in 1..65535, got {port}")
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    cmd += [f"--ServerApp.port={port}"] if port is not None else []
    cmd += [] if browser else ["--no-browser"]
    # Jupyter refuses root unless told; containers (and Colab) run as root on purpose.
    cmd += ["--allow-root"] if os.geteuid() == 0 and "--allow-root" not in extra else []
    return cmd + list(extra)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course-kit lab", description=(
        "Open JupyterLab on the course directory (the folder with nbgrader_config.py). "
        "Other options go to `jupyter lab`, e.g. --ServerApp.ip=0.0.0.0."))
    p.add_argument("--course-dir", default=None, help="course directory (default: found from cwd)")
    p.add_argument("--port", type=int, default=None, help="port (default: JupyterLab's, 8888 or the next free)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser (print the URL)")
    args, extra = p.parse_known_args(argv)
    root = find_course_root(args.course_dir)
    if importlib.util.find_spec("jupyterlab") is None:
        print(MISSING.format(python=sys.executable), file=sys.stderr)
        return 1
    cmd = lab_command(root, args.port, not args.no_browser, extra)
    print(f"course-kit lab: JupyterLab on {root} (Ctrl-C twice to stop)"
          + ("; running as root (--allow-root)" if "--allow-root" in cmd else ""), flush=True)
    os.chdir(root)
    # Replace this process: Ctrl-C and signals reach JupyterLab directly, exit codes are its own.
    os.execve(cmd[0], cmd, nbgrader_env())
