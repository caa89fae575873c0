"""Grading is right on the instructors' ordinary set-ups, and a broken one stops instead of zeroing.

Each test builds the set-up an instructor meets: a kernel that reserves
gigabytes of address space at start (what a CUDA build of torch does), the
kit installed from another folder than the course, a kernel that cannot
import the kit. Grades come from the real paths: ``course-kit autograde`` and
plain ``nbgrader autograde`` with the course's own ``nbgrader_config.py``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from course_kit.course.autograde import autograde
from course_kit.assignments.mocogan.examples import reference
from course_kit.course.examples import canvas_name
from course_kit.course.nbgrader_run import run_nbgrader
from course_kit.grading.preflight import GradingSetupError
from course_kit.grading import detect

sys.path.insert(0, str(Path(__file__).parent))
from submissions import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not detect().ok, reason=f"no sandbox here: {detect().reason}")]


def kernelspec(folder: Path, prelude: str) -> Path:
    """A ``python3`` kernelspec (first on JUPYTER_PATH) whose kernel runs ``prelude`` first."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    code = f"{prelude}\nfrom ipykernel import kernelapp\nkernelapp.launch_new_instance()"
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", code, "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))
    return folder


# Six GB of address space, reserved and never touched: the shape of `import torch` on a CUDA build.
RESERVE = ("import mmap\n_reserved = mmap.mmap(-1, 6 << 30, "
           "flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, prot=mmap.PROT_READ)")


def test_a_kernel_that_reserves_gigabytes_grades_right_and_the_bomb_is_still_stopped(
        tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernelspec(tmp_path / "jupyter", RESERVE)))
    monkeypatch.setenv("COURSE_KIT_KERNEL_MEMORY_MB", "3072")
    subs = tmp_path / "subs"
    subs.mkdir()
    for k, name in enumerate(("reference", "memorybomb")):
        corpus.SUBMISSIONS[name][0]().write(subs / canvas_name(name, k))
    result = autograde(ROOT, "mocogan", subs, out=tmp_path / "graded", jobs=1, cell_timeout=20,
                       progress=False)
    got = {r.student: {t: r.tests[t][0] for t in corpus.TESTS} for r in result.students}
    assert got == {name: corpus.expected_scores(name) for name in ("reference", "memorybomb")}
    bomb = (tmp_path / "graded" / "autograded" / "memorybomb" / "mocogan" / "mocogan.ipynb").read_text()
    assert "MemoryError" in bomb or "can't allocate memory" in bomb


def _course_copy(tmp_path: Path, with_kit: bool) -> Path:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / "mocogan", course / "source" / "mocogan")
    if with_kit:   # the course folder has its own course_kit/, which the grader will import
        shutil.copytree(ROOT / "course_kit", course / "course_kit", ignore=shutil.ignore_patterns(
            "__pycache__", "*.safetensors"))
    return course


def _submit(course: Path, student: str, builder) -> None:
    builder.write(course / "submitted" / student / "mocogan" / "mocogan.ipynb")


def _scores(course: Path) -> dict[str, float]:
    """student -> autograded score of every submission in the course's gradebook."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "course_kit") as gb:
        return {s.student_id: float(s.score) for s in gb.assignment_submissions("mocogan")}


def test_kit_installed_from_another_folder_than_the_course_grades_right(tmp_path):
    # The grader (nbgrader, run in the course folder) imports the course's course_kit/ copy;
    # the kernel's interpreter resolves the kit installed from this checkout. The sandbox must
    # expose the latter.
    course = _course_copy(tmp_path, with_kit=True)
    run_nbgrader(course, "generate_assignment", "mocogan", "--force")
    _submit(course, "alice", reference())
    run_nbgrader(course, "autograde", "mocogan", "--create", "--force", timeout=900)
    assert _scores(course) == {"alice": 80.0}


def test_a_kernel_that_cannot_import_the_kit_stops_the_run_and_writes_no_grade(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernelspec(
        tmp_path / "jupyter", "import sys\nsys.modules['course_kit'] = None  # as if not installed")))
    subs = tmp_path / "subs"
    subs.mkdir()
    for k, name in enumerate(("reference", "blank")):
        (reference() if name == "reference" else corpus.TYPICAL["blank"][0]()).write(
            subs / canvas_name(name, k))
    out = tmp_path / "graded"
    with pytest.raises(GradingSetupError) as stopped:
        autograde(ROOT, "mocogan", subs, out=out, jobs=2, cell_timeout=20, progress=False)
    message = str(stopped.value)
    assert "grading set-up check failed" in message and "source notebook" in message
    assert "instructor cell setup" in message and "course_kit" in message
    assert "not the students'" in message
    assert not out.exists()                     # no CSV of zeros, no gradebook, no feedback

    # Plain nbgrader with the course's config stops the same way, before any gradebook row.
    course = _course_copy(tmp_path, with_kit=False)
    run_nbgrader(course, "generate_assignment", "mocogan", "--force")
    _submit(course, "alice", reference())
    _submit(course, "bob", reference())
    run = run_nbgrader(course, "autograde", "mocogan", "--create", "--force", check=False,
                       timeout=900)
    log = run.stdout + run.stderr
    assert run.returncode != 0 and "grading set-up check failed" in log
    assert _scores(course) == {}                # no submission row, so no grade of any kind


def test_during_the_run_a_kernel_without_the_kit_stops_it_too(tmp_path, monkeypatch):
    # The set-up check already passed (as course-kit autograde tells its graders), then the
    # kernel loses the kit: the first submission's instructor cell fails on its import.
    from course_kit.grading.preflight import DONE_ENV, source_digest
    course = _course_copy(tmp_path, with_kit=False)
    run_nbgrader(course, "generate_assignment", "mocogan", "--force")
    _submit(course, "alice", reference())
    monkeypatch.setenv(DONE_ENV, source_digest(sorted((course / "source" / "mocogan").glob("*.ipynb"))))
    monkeypatch.setenv("JUPYTER_PATH", str(kernelspec(
        tmp_path / "jupyter", "import sys\nsys.modules['course_kit'] = None")))
    run = run_nbgrader(course, "autograde", "mocogan", "--create", "--force", check=False,
                       timeout=900)
    log = run.stdout + run.stderr
    assert run.returncode != 0
    assert "grading set-up failure while grading alice" in log and "setup" in log
    assert _scores(course) == {}                # the submission nbgrader had created is gone


def test_a_kernel_that_cannot_start_stops_the_run(tmp_path, monkeypatch):
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(tmp_path / "no-such-env" / "bin" / "python"), "-m", "ipykernel_launcher",
                 "-f", "{connection_file}"], "display_name": "Python 3", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    subs = tmp_path / "subs"
    subs.mkdir()
    reference().write(subs / canvas_name("alice", 0))
    with pytest.raises(GradingSetupError, match=r"instructor cell kernel: .*no-such-env"):
        autograde(ROOT, "mocogan", subs, out=tmp_path / "graded", jobs=1, progress=False)
    assert not (tmp_path / "graded").exists()
