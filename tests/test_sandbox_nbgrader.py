"""Plain nbgrader (its own Execute) with `configure(c)`: sandboxed, same grades, refuses without bwrap."""

from __future__ import annotations

import socket
from pathlib import Path

import nbformat
import pytest

from course_kit.grading import demo_course as dc
from course_kit.grading import detect

HOSTILE = Path(__file__).parent / "hostile"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not detect().ok, reason=f"no sandbox here: {detect().reason}")]


def test_plain_nbgrader_is_sandboxed_grades_alike_and_refuses_without_bwrap(tmp_path):
    course = dc.make_course(tmp_path)            # PLAIN_CONFIG + configure(c)
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)
    port = server.getsockname()[1]
    dc.submit(course, "good", dc.CORRECT)
    dc.submit(course, "net", dc.CORRECT, [("add", (HOSTILE / "network.py").read_text().replace("@PORT@", str(port)))])
    try:
        dc.nbgrader(course, "autograde", dc.ASSIGNMENT)
        with pytest.raises(BlockingIOError):
            server.accept()                      # nobody ever connected
    finally:
        server.close()
    full = {k: float(v) for k, v in dc.POINTS.items()}
    assert dc.scores(course) == {"good": full, "net": full}
    net = nbformat.read(course / "autograded" / "net" / dc.ASSIGNMENT / f"{dc.ASSIGNMENT}.ipynb", as_version=4)
    outputs = str([c.get("outputs") for c in net.cells])
    assert "CONNECTED" not in outputs and "blocked 127.0.0.1" in outputs

    # The same submission graded by nbgrader without the sandbox gets the same grade.
    (course / "nbgrader_config.py").write_text(dc.PLAIN_CONFIG)
    dc.nbgrader(course, "autograde", dc.ASSIGNMENT, "--student", "good", "--force")
    assert dc.scores(course)["good"] == full

    # No bwrap: nothing runs, and the log says how to install it or opt out.
    (course / "nbgrader_config.py").write_text(dc.PLAIN_CONFIG + dc.SANDBOX_LINES
                                               + "c.Sandbox.bwrap = 'no-such-bwrap'\n")
    dc.submit(course, "late", dc.CORRECT)
    run = dc.nbgrader(course, "autograde", dc.ASSIGNMENT, "--student", "late", check=False)
    log = run.stdout + run.stderr
    assert run.returncode != 0
    assert "Refusing to grade without a sandbox" in log and "apt-get install bubblewrap" in log
    assert not (course / "autograded" / "late" / dc.ASSIGNMENT / f"{dc.ASSIGNMENT}.ipynb").exists()

    # ...unless the instructor explicitly allows unsandboxed grading.
    dc.nbgrader(course, "autograde", dc.ASSIGNMENT, "--student", "late", "--force",
                "--Sandbox.allow_unsandboxed=True")
    assert dc.scores(course)["late"] == full


def test_submission_with_a_symlink_to_source_is_refused_not_leaked(tmp_path):
    course = dc.make_course(tmp_path)
    folder = dc.submit(course, "linker", dc.CORRECT)
    (folder / "notes.txt").symlink_to(course / "source" / dc.ASSIGNMENT / f"{dc.ASSIGNMENT}.ipynb")
    run = dc.nbgrader(course, "autograde", dc.ASSIGNMENT, check=False)
    assert run.returncode != 0 and "symbolic links (notes.txt)" in run.stdout + run.stderr
    graded = course / "autograded" / "linker" / dc.ASSIGNMENT
    assert not graded.exists() or not any(dc.SOLUTION_MARKER in p.read_text(errors="replace")
                                          for p in graded.rglob("*") if p.is_file())


def test_formgrader_code_path_is_sandboxed(tmp_path, monkeypatch):
    """What the formgrader does on "autograde": reload nbgrader_config.py, then NbGraderAPI.autograde."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.baseapp import NbGrader
    from nbgrader.coursedir import CourseDirectory

    from course_kit.grading.config import is_sandboxed

    course = dc.make_course(tmp_path)
    code = (HOSTILE / "read_secrets.py").read_text().replace("@COURSE@", str(course))
    dc.submit(course, "web", dc.CORRECT, [("add", code.replace("@HOME@", "/root").replace("@PORT@", "1"))])
    monkeypatch.chdir(course)
    app = NbGrader()
    app.load_config_file()
    assert is_sandboxed(app.config)
    coursedir = CourseDirectory(parent=app)
    api = NbGraderAPI(coursedir, parent=app)
    result = api.autograde(dc.ASSIGNMENT, "web", force=True, create=True)
    assert result["success"], result
    assert dc.scores(course)["web"] == {k: float(v) for k, v in dc.POINTS.items()}
    nb = nbformat.read(course / "autograded" / "web" / dc.ASSIGNMENT / f"{dc.ASSIGNMENT}.ipynb", as_version=4)
    outputs = str([c.get("outputs") for c in nb.cells])
    assert "READ " not in outputs and f"blocked {course}/gradebook.db" in outputs
