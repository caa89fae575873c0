"""The real assignment through `course-kit autograde`: sandboxed, full marks for the reference, nothing leaks.

The submissions are the source notebook itself (every solution filled in,
80 autograded points) and the same notebook with the hostile
``read_secrets`` cell added; both must get 80, and neither the autograded
notebook nor the feedback may quote a solution line, a hidden test line or
the grader's secrets.
"""

from __future__ import annotations

import csv
import shutil
from html import unescape
from pathlib import Path

import nbformat
import pytest

from course_kit.cli import main
from course_kit.grading import detect
from course_kit.grading.feedback import HIDDEN, solution_lines

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "source" / "mocogan" / "mocogan.ipynb"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not detect().ok, reason=f"no sandbox here: {detect().reason}"),
              pytest.mark.skipif(not SOURCE.exists(), reason="source/mocogan not built yet")]


def test_course_kit_autograde_of_the_real_assignment_is_sandboxed(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_KIT_TEST_SECRET", "grader-secret-4411")
    subs = tmp_path / "subs"
    (subs / "reference").mkdir(parents=True)
    (subs / "hostile").mkdir()
    shutil.copy(SOURCE, subs / "reference" / "mocogan.ipynb")
    nb = nbformat.read(SOURCE, as_version=4)
    hostile = (REPO / "tests" / "hostile" / "read_secrets.py").read_text()
    hostile = hostile.replace("@COURSE@", str(REPO)).replace("@HOME@", str(Path.home())).replace("@PORT@", "1")
    nb.cells.insert(1, nbformat.v4.new_code_cell(hostile))
    nbformat.write(nb, subs / "hostile" / "mocogan.ipynb")

    out = tmp_path / "out"
    assert main(["autograde", "mocogan", str(subs), "--out", str(out), "--jobs", "1",
                 "--course-dir", str(REPO)]) == 0
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv"))}
    assert rows["reference"]["score"] == rows["reference"]["max_score"] == "80"
    assert rows["hostile"]["score"] == "80"

    source = nbformat.read(SOURCE, as_version=4)
    secret = {s for s in solution_lines(source) if len(s) >= 12}
    hidden = {line.strip() for c in source.cells for block in HIDDEN.findall(c.source)
              for line in block.splitlines()[1:-1] if len(line.strip()) >= 12}
    assert secret and hidden, "the source notebook should have solution and hidden-test lines"
    graded = nbformat.read(out / "autograded" / "hostile" / "mocogan" / "mocogan.ipynb", as_version=4)
    outputs = "\n".join(str(o) for c in graded.cells for o in c.get("outputs", []))
    assert "READ " not in outputs and "blocked" in outputs
    assert "grader-secret-4411" not in outputs
    assert not [s for s in secret if s in outputs]
    html = unescape((out / "feedback" / "hostile-mocogan.html").read_text())
    assert "grader-secret-4411" not in html
    assert not [s for s in hidden if s in html]
