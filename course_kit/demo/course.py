"""The demo's course half: release every assignment, publish, then autograde the kit's example submissions.

It works in a copy of the course inside the demo's output folder, so the
committed ``release/`` is never touched, and compares each example's grades
with the tests its assignment's record (:mod:`course_kit.assignments`) says it must pass. The copy
releases for a local student repository beside it (``file://``), because the
course's own ``CourseKit.repository_url`` may still be the kit's placeholder,
which ``course-kit release`` refuses.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..course.autograde import autograde
from .. import assignments as registry
from ..course.examples import write_examples, wrong_grades
from ..course.publish import publish
from ..course.release import release
from ..course.settings import CONFIG_FILE, default_course_root
from ..grading.support import detect

MARKER = ".course-kit-demo-course"   # only a folder holding it is ever replaced
STUDENT_REPOSITORY = "student-repository"  # beside the course copy: what `course-kit publish` writes


def copy_course(into: Path, root: Path | None = None) -> Path:
    """A fresh copy of the course's config and source/ at ``into`` (replacing an earlier demo copy)."""
    root = Path(root or default_course_root())
    into = Path(into)
    if into.exists():
        if not (into / MARKER).exists():
            raise FileExistsError(f"demo: {into} exists and is not a course copy made by the demo; "
                                  f"give another --out")
        shutil.rmtree(into)
    into.mkdir(parents=True)
    (into / MARKER).write_text("made by course-kit demo; replaced on the next run\n")
    shutil.copy(root / CONFIG_FILE, into / CONFIG_FILE)
    with open(into / CONFIG_FILE, "a") as config:
        config.write(f"\n# course-kit demo: release for the local student repository it publishes.\n"
                     f"c.CourseKit.repository_url = {student_repository(into).as_uri()!r}\n")
    shutil.copytree(root / "source", into / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "gradebook.db"))
    return into


def student_repository(course: Path) -> Path:
    """Where the demo publishes the student repository of its course copy."""
    return Path(course).resolve().parent / STUDENT_REPOSITORY


def publish_student_repository(course: Path, log=print) -> dict[str, Path]:
    """``course-kit publish`` of the course copy into its local student repository."""
    report = publish(course, student_repository(course))
    log(report.summary())
    return {"student repository (course-kit publish)": report.out}


def assignments(course: Path) -> list[str]:
    """Every assignment in ``course/source``, sorted."""
    return sorted(p.name for p in (Path(course) / "source").iterdir() if any(p.glob("*.ipynb")))


def release_all(course: Path, log=print) -> dict[str, Path]:
    """``course-kit release`` for each assignment (its self-check is the example grading below)."""
    written = {}
    for name in assignments(course):
        report = release(course, name, verify=False)
        log(f"released {name}: {', '.join(report.notebooks)} -> {report.release_dir}")
        written[f"release of {name}"] = report.release_dir
    return written


def sandbox_choice(bwrap: str = "bwrap") -> tuple[bool, str]:
    """(grade unsandboxed?, the one line that says how grading runs here).

    The demo grades only the kit's own example submissions, so where
    bubblewrap cannot run it may grade them unsandboxed, and says so.
    """
    support = detect(bwrap)
    if support.ok:
        return False, f"grading in the bubblewrap sandbox ({support.bwrap}, {support.mode} mode)"
    return True, (f"WARNING: grading the kit's own example submissions WITHOUT a sandbox "
                  f"({support.reason.rstrip('.')}); real submissions would be refused, see "
                  f"`course-kit sandbox`")


def grade_examples(course: Path, assignment: str, n: int, out: Path, unsandboxed: bool,
                   jobs: int = 2, log=print) -> tuple[dict[str, Path], dict[str, str]]:
    """Write ``n`` example submissions, autograde them; ({what: path}, {login: wrong grade})."""
    subs = Path(out) / "submissions" / assignment
    if subs.exists():
        shutil.rmtree(subs)
    tests = registry.get(assignment).tests
    expected = write_examples(subs, n, assignment, course)
    result = autograde(course, assignment, subs, out=Path(out) / "graded" / assignment, jobs=jobs,
                       unsandboxed=unsandboxed)
    log(result.summary())
    wrong = wrong_grades(result.students, expected, tests)
    for r in result.students:
        verdict = f"WRONG: {wrong[r.student]}" if r.student in wrong else "as expected"
        log(f"  {r.student:<14} {r.score:g}/{r.max_score:g}  {verdict}")
    written = {f"example submissions for {assignment}": subs,
               f"grades of {assignment} (CSV)": result.out / "grades.csv",
               f"feedback for {assignment} (HTML, one per student)": result.out / "feedback"}
    return written, wrong
