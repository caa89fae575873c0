"""Run nbgrader commands in a course directory, in a child process.

A child process per call keeps nbgrader's logging, traitlets singletons and
SQLite handles out of ours, lets several course directories be graded at
once, and lets a stuck call be killed without killing the caller.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..errors import CourseKitError


class NbgraderError(CourseKitError, RuntimeError):
    """An nbgrader command failed; the message ends with its log."""


def nbgrader_env(extra: dict | None = None) -> dict:
    """Our environment plus ``extra``, with this Python's bin folder first on PATH.

    nbgrader runs ``alembic`` and kernels run ``python`` from PATH, which must
    be this environment's even when it was never activated.
    """
    env = {**os.environ, **(extra or {})}
    env.pop("NBGRADER_EXECUTION", None)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def run_nbgrader(course_dir: str | Path, *args: str, env: dict | None = None,
                 timeout: float | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """``nbgrader ARGS`` with ``course_dir`` as working directory (so its config is read)."""
    full_env = nbgrader_env(env)
    cmd = [sys.executable, "-m", "nbgrader", *args]
    try:
        proc = subprocess.run(cmd, cwd=course_dir, env=full_env, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise NbgraderError(f"nbgrader {' '.join(args)} ran past {timeout} s in {course_dir}") from e
    if check and proc.returncode != 0:
        raise NbgraderError(f"nbgrader {' '.join(args)} failed in {course_dir} "
                            f"(exit {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return proc
