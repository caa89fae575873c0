"""The assignment registry is what release, autograde's helpers, publish, the demo and the CLI read.

A third assignment is its source notebook, its record and one registry entry:
`course-kit release` finds it, its vectors maker writes its solutions.json,
its example submissions are written, the demo counts them and publish guards
its reference code, with no other edit. And no module of the course machinery
or the demo names an assignment itself.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_kit import assignments
from course_kit.assignments import Assignment
from course_kit.cli import main
from course_kit.course import publish as pub
from course_kit.course.examples import Builder, write_examples
from course_kit.course.settings import load_settings
from course_kit.demo import EXAMPLES_PER_ASSIGNMENT

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "course_kit"


def _tiny_notebook() -> nbformat.NotebookNode:
    def meta(**nbgrader):
        return {"nbgrader": {"schema_version": 3, "locked": False, "solution": False, "grade": False,
                             **nbgrader}}
    return new_notebook(cells=[
        new_markdown_cell("# A tiny assignment", metadata=meta(grade_id="intro", locked=True)),
        new_code_cell('import json\nsolutions = json.load(open("solutions.json"))',
                      metadata=meta(grade_id="setup", locked=True)),
        new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return solutions['answer']\n    ### END SOLUTION",
                      metadata=meta(grade_id="f", solution=True)),
        new_code_cell("assert f() == solutions['answer']",
                      metadata=meta(grade_id="test_f", grade=True, locked=True, points=1)),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A course with one unregistered-elsewhere assignment `tiny`, registered for this test only."""
    course = tmp_path / "course"
    (course / "source" / "tiny").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    nbformat.write(_tiny_notebook(), course / "source" / "tiny" / "tiny.ipynb")
    record = Assignment(
        name="tiny", tests=("test_f",),
        examples={"reference": (lambda c=None: Builder("tiny", c).solve(), frozenset({"test_f"})),
                  "blank": (lambda c=None: Builder("tiny", c), frozenset())},
        demo_examples=2, make_vectors=lambda seed: {"answer": 40 + seed},
        reference_code={"assignments/mocogan/layers.py": ("MyLinear",)})
    monkeypatch.setitem(assignments.REGISTRY, "tiny", record)
    return course, record


def test_course_kit_release_finds_a_registered_third_assignment(tiny, tmp_path, capsys):
    course, record = tiny
    assert main(["release", "tiny", "--course-dir", str(course), "--no-verify", "--kit-template"]) == 0
    assert "released tiny: tiny.ipynb" in capsys.readouterr().out
    vectors = json.loads((course / "source" / "tiny" / "solutions.json").read_text())
    assert vectors["answer"] == 40 + load_settings(course).vectors_seed  # by the record's vectors maker
    released = (course / "release" / "tiny" / "tiny.ipynb").read_text()
    assert "return solutions['answer']" not in released
    expected = write_examples(tmp_path / "subs", 3, "tiny", course)
    assert expected == {"reference000": {"test_f"}, "blank001": frozenset(), "reference002": {"test_f"}}
    reference = nbformat.read(next((tmp_path / "subs").glob("reference000_*_tiny.ipynb")), as_version=4)
    assert "return solutions['answer']" in reference.cells[2].source
    assert EXAMPLES_PER_ASSIGNMENT["tiny"] == 2 and "tiny" in assignments.EXAMPLES
    assert assignments.reference_code()["assignments/mocogan/layers.py"] == ("MyLinear",)


def test_release_refuses_vectors_no_record_makes(tiny):
    course, record = tiny
    assignments.REGISTRY["tiny"] = Assignment("tiny", tests=record.tests)
    assert main(["release", "tiny", "--course-dir", str(course), "--no-verify", "--kit-template"]) == 1


def test_every_record_matches_its_source_notebook():
    for name in assignments.names():
        record = assignments.get(name)
        nb = nbformat.read(record.source(ROOT) / f"{name}.ipynb", as_version=4)
        graded = [c.metadata.nbgrader.grade_id for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
        assert tuple(graded) == record.tests, name
        assert {"reference", "blank"} <= set(record.examples) and record.demo_examples >= 2
        code = "\n".join(c.source for c in nb.cells)
        for module in record.hidden_checks:  # the hidden tests load them afresh, by this name
            assert f'find_spec("{module}")' in code or f'_fresh("{module}")' in code, (name, module)
        for rel in record.reference_code:
            assert (PACKAGE / rel).is_file(), rel


def _names_of_assignments(path: Path) -> list[str]:
    """String constants naming a registered assignment in ``path``, but a pretrained model kind
    (``available("mocogan")``) and module paths."""
    tree = ast.parse(path.read_text(), str(path))
    kinds = {id(a) for node in ast.walk(tree) if isinstance(node, ast.Call)
             and getattr(node.func, "id", getattr(node.func, "attr", None)) == "available" for a in node.args}
    return [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in assignments.REGISTRY and id(node) not in kinds]


def test_no_module_outside_the_registry_names_an_assignment():
    files = sorted([*(PACKAGE / "course").glob("*.py"), *(PACKAGE / "demo").glob("*.py"), PACKAGE / "cli.py"])
    found = [hit for path in files for hit in _names_of_assignments(path)]
    # cli.py's train/evaluate/export groups name model kinds, not assignments
    assert [hit for hit in found if not hit.startswith("course_kit/cli.py")] == []
