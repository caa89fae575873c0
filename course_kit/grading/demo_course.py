"""A tiny nbgrader course to exercise the sandbox: the benchmark and the tests grade it.

One assignment ``ps1`` with two functions to write (``add``, ``mul``), a
visible test each, a hidden test, and a released data file
(``data.json``) that the visible test reads. Marker strings let a test prove
that nothing instructor-only reached a student: :data:`SOLUTION_MARKER` is
only in ``source/``, :data:`HIDDEN_MARKER` only in the hidden test (and so
in the gradebook).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ..course.nbgrader_run import NbgraderError
from .markers import BEGIN_HIDDEN_TESTS, BEGIN_SOLUTION, END_HIDDEN_TESTS, END_SOLUTION

ASSIGNMENT = "ps1"
SOLUTION_MARKER = "SOLUTION-MARKER-7f3a"
HIDDEN_MARKER = "HIDDEN-MARKER-91c2"
POINTS = {"test_add": 1, "test_add_hidden": 1, "test_mul": 1}
CORRECT = {
    "add": "def add(a, b):\n    return a + b\n",
    "mul": "def mul(a, b):\n    return a * b\n",
}
WRONG = {
    "add": "def add(a, b):\n    return a - b\n",
    "mul": "def mul(a, b):\n    return a + b\n",
}
PLAIN_CONFIG = """\
import os
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "sandbox_demo"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
"""
SANDBOX_LINES = """\
from course_kit.grading.config import configure  # noqa: E402
configure(c)
"""


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook():
    cells = [
        new_markdown_cell("# ps1: two functions\nWrite `add` and `mul`."),
        new_code_cell(f"def add(a, b):\n    {BEGIN_SOLUTION}\n"
                      f"    # {SOLUTION_MARKER}: this line exists only in source/\n"
                      f"    return a + b\n    {END_SOLUTION}\n", metadata=_meta("add", solution=True)),
        new_code_cell("assert add(1, 2) == 3, 'add(1, 2) should be 3'\n",
                      metadata=_meta("test_add", grade=True, locked=True, points=1)),
        new_code_cell(f"{BEGIN_HIDDEN_TESTS}\n"
                      f"# {HIDDEN_MARKER}: this line exists only in source/ and the gradebook\n"
                      f"assert add(-5, 5) == 0, 'add(-5, 5) should be 0'\n{END_HIDDEN_TESTS}\n",
                      metadata=_meta("test_add_hidden", grade=True, locked=True, points=1)),
        new_code_cell(f"def mul(a, b):\n    {BEGIN_SOLUTION}\n"
                      f"    # {SOLUTION_MARKER}\n    return a * b\n    {END_SOLUTION}\n",
                      metadata=_meta("mul", solution=True)),
        new_code_cell("import json\nassert mul(2, 3) == 6, 'mul(2, 3) should be 6'\n"
                      "assert mul(json.load(open('data.json'))['k'], 1) == 7\n",
                      metadata=_meta("test_mul", grade=True, locked=True, points=1)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def nbgrader(course: Path, *args: str, env: dict | None = None, timeout: float = 600,
             check: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course`` as an instructor would (its config file applies)."""
    env = dict(os.environ if env is None else env)
    # nbgrader runs `alembic` by name: the environment's bin/ must be on PATH.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=timeout)
    if check and run.returncode != 0:
        raise NbgraderError(f"nbgrader {' '.join(args)} exited {run.returncode}:\n"
                            f"{run.stdout[-4000:]}\n{run.stderr[-4000:]}")
    return run


def make_course(root: Path, config_text: str | None = None, env: dict | None = None) -> Path:
    """Create the course in ``root`` (config: sandboxed plain nbgrader by default) and release ps1."""
    root = Path(root)
    (root / "source" / ASSIGNMENT).mkdir(parents=True, exist_ok=True)
    config_text = config_text if config_text is not None else PLAIN_CONFIG + SANDBOX_LINES
    (root / "nbgrader_config.py").write_text(config_text)
    nbformat.write(source_notebook(), root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (root / "source" / ASSIGNMENT / "data.json").write_text(json.dumps({"k": 7}))
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force", env=env)
    return root


def submit(course: Path, student: str, answers: dict[str, str],
           extra_cells: list[tuple[str, str]] = ()) -> Path:
    """Write ``submitted/<student>/ps1/ps1.ipynb`` from the release.

    ``answers`` maps solution cell ids to code; ``extra_cells`` are
    ``(after_cell_id, code)`` pairs: cells the student added after that cell.
    """
    nb = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        cells.append(cell)
        cells += [new_code_cell(code) for after, code in extra_cells if after == grade_id]
    nb.cells = cells
    folder = course / "submitted" / student / ASSIGNMENT
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(course / "release" / ASSIGNMENT, folder)
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    return folder


def scores(course: Path) -> dict[str, dict[str, float]]:
    """Autograded score of every test cell of every student, from the gradebook."""
    from nbgrader.api import Gradebook
    out: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            try:
                sub = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student.id)
            except Exception:  # noqa: BLE001 (not graded yet)
                continue
            out[student.id] = {g.name: g.score for g in sub.grades}
    return out
