"""Example submissions built from a course's released notebook: the shared machinery.

Each assignment's own examples (the reference and its typical mistakes) live
in its folder, ``course_kit/assignments/<name>/examples.py``, and its record
(``course_kit.assignments``) lists them. Each starts from ``release/<assignment>/<assignment>.ipynb`` (what students get) and
changes it the way a student would: the reference solution cells pasted in,
or one of the MP's typical mistakes. Edits are exact string replacements that
must match, so when the source notebook changes these fail loudly instead of
silently producing something else. Used by the grading benchmark, the demo
and the test corpus (``tests/submissions/``, which adds hostile ones).
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from .. import assignments
from ..assignments import DEFAULT
from ..grading.markers import without_solution_markers
from .settings import default_course_root

def _nb(path: Path):
    return nbformat.read(path, as_version=4)


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def reference_solutions(assignment: str = DEFAULT, course: Path | None = None) -> dict[str, str]:
    """grade_id -> source of every solution cell of the source notebook.

    The nbgrader markers are dropped: a student's notebook has their code,
    never the markers, and graders look for the markers to detect leaks.
    """
    nb = _nb(Path(course or default_course_root()) / "source" / assignment / f"{assignment}.ipynb")
    return {_grade_id(c): without_solution_markers(c.source) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise AssertionError(f"corpus edit does not match the notebook any more: {old!r}")
    return text.replace(old, new)


class Builder:
    """Start from the release; paste solutions, edit cells, add or delete cells.

    ``course`` is the course directory whose release/ and source/ are used
    (default: the one around the working directory, else this checkout).
    """

    def __init__(self, assignment: str = DEFAULT, course: Path | None = None):
        self.assignment, self.course = assignment, Path(course or default_course_root())
        self.nb = _nb(self.course / "release" / assignment / f"{assignment}.ipynb")

    def cell(self, grade_id: str):
        for c in self.nb.cells:
            if _grade_id(c) == grade_id:
                return c
        raise AssertionError(f"no cell {grade_id} in the release")

    def solve(self, *grade_ids: str) -> "Builder":
        solutions = reference_solutions(self.assignment, self.course)
        for gid in grade_ids or [g for g in solutions if not g.startswith("answer_")]:
            self.cell(gid).source = solutions[gid]
        return self

    def edit(self, grade_id: str, old: str, new: str) -> "Builder":
        c = self.cell(grade_id)
        c.source = _replace(c.source, old, new)
        return self

    def add_after(self, grade_id: str, source: str) -> "Builder":
        index = self.nb.cells.index(self.cell(grade_id))
        self.nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
        return self

    def delete(self, *grade_ids: str) -> "Builder":
        self.nb.cells = [c for c in self.nb.cells if _grade_id(c) not in grade_ids]
        return self

    def write(self, path: Path) -> Path:
        nb = copy.deepcopy(self.nb)
        for c in nb.cells:
            c.pop("id", None)
        nb.nbformat_minor = 4
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        return path


def canvas_name(login: str, k: int, filename: str = f"{DEFAULT}.ipynb") -> str:
    return f"{login}_{1000 + k}_{50000 + k}_{filename}"


def write_examples(folder: Path, n: int, assignment: str = DEFAULT,
                   course: Path | None = None) -> dict[str, frozenset]:
    """``n`` Canvas-named submissions cycling through the assignment's examples; login -> passing tests."""
    typical = assignments.get(assignment).examples if assignment in assignments.REGISTRY else {}
    if not typical:
        with_examples = [a for a in assignments.names() if assignments.get(a).examples]
        raise ValueError(f"write_examples: `assignment` must be one of {sorted(with_examples)}, "
                         f"got {assignment!r}")
    folder.mkdir(parents=True, exist_ok=True)
    names = list(typical)
    expected = {}
    for k in range(n):
        name = names[k % len(names)]
        login = f"{name}{k:03d}"
        typical[name][0](course).write(folder / canvas_name(login, k, f"{assignment}.ipynb"))
        expected[login] = typical[name][1]
    return expected


def wrong_grades(students, expected: dict[str, frozenset], tests) -> dict[str, str]:
    """login -> what differs, for graded students whose passing tests are not the expected ones.

    ``students`` are autograde StudentResults; a test passes when it scored above 0.
    """
    wrong = {}
    for r in students:
        passed = {t for t in tests if r.tests.get(t, (0.0, 0.0))[0] > 0}
        want = set(expected.get(r.student, ()))
        if r.student not in expected:
            wrong[r.student] = "not an example submission"
        elif r.status != "graded" or passed != want:
            wrong[r.student] = (f"status {r.status}, passed {sorted(passed)}, expected {sorted(want)}"
                                + (f" ({r.note})" if r.note else ""))
    graded = {r.student for r in students}
    wrong.update({login: "not graded at all" for login in expected if login not in graded})
    return wrong
