"""An assignment's source folder, and scratch copies of the course made from it.

Release and autograde both start from ``source/<assignment>``: release
verifies itself by autograding, so the piece they share lives here, apart
from both (neither imports the other's module for it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import CourseKitError
from .settings import CONFIG_FILE


class ReleaseError(CourseKitError, RuntimeError):
    """The release would be wrong or unsafe; nothing was written to release/."""


def source_notebooks(root: Path, assignment: str) -> list[Path]:
    folder = root / "source" / assignment
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        available = sorted(p.name for p in (root / "source").iterdir() if p.is_dir()) \
            if (root / "source").is_dir() else []
        raise ReleaseError(f"release: no notebook in {folder}; assignments in source/: {available}")
    return notebooks


def scratch_course(root: Path, assignment: str, into: Path) -> Path:
    """A copy of the course with only this assignment's source (and the config)."""
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / CONFIG_FILE, into / CONFIG_FILE)
    shutil.copytree(root / "source" / assignment, into / "source" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return into
