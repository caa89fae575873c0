"""A course copy released for a local student repository, for the publish and Colab tests.

``released_copy`` is fast: it copies the committed release/ and notebooks/ and
rewrites only their badge and install cells for the local URL, which is all
``course-kit release`` changes in them (tests/test_release.py checks the rest).
"""

from __future__ import annotations

import shutil
import zipfile
import subprocess
import sys
from pathlib import Path

import nbformat

from course_kit.course.release import render_course_cells
from course_kit.course.settings import CONFIG_FILE, load_settings

ROOT = Path(__file__).resolve().parents[1]


def released_copy(into: Path, repository_url: str | None = None) -> Path:
    """A course at ``into`` (config, source/, release/, notebooks/) released for ``repository_url``."""
    course = Path(into)
    course.mkdir(parents=True)
    shutil.copy(ROOT / CONFIG_FILE, course / CONFIG_FILE)
    for folder in ("source", "release", "notebooks"):
        shutil.copytree(ROOT / folder, course / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "gradebook.db"))
    if repository_url is not None:
        with open(course / CONFIG_FILE, "a") as config:
            config.write(f"\nc.CourseKit.repository_url = {repository_url!r}\n")
        settings = load_settings(course)
        for path in sorted(course.glob("release/*/*.ipynb")) + sorted(course.glob("notebooks/*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            if render_course_cells(nb, settings, path.relative_to(course).as_posix()):
                nbformat.write(nb, path)
    return course


def build_wheel(tree: Path, out: Path) -> Path:
    """The wheel pip builds from a published tree (what `pip install git+URL` installs)."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(tree)], check=True)
    (wheel,) = Path(out).glob("course_kit-*.whl")
    return wheel


def unpack(wheel: Path, into: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(into)
    return into
