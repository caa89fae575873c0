"""Argument parsing for ``course-kit release``, ``publish`` and ``autograde`` (thin: the library works)."""

from __future__ import annotations

import argparse
import sys


def release_main(argv: list[str]) -> int:
    from .. import assignments
    from .release import ReleaseError, release
    p = argparse.ArgumentParser(prog="course-kit release", description=(
        "Regenerate release/ASSIGNMENT from source/ASSIGNMENT with nbgrader: vectors, Colab badge "
        "and install cell from nbgrader_config.py; refuses if a solution or hidden test would "
        "leak, if the source fails its tests, or if the blank release passes any."))
    p.add_argument("assignment", nargs="?", default=assignments.DEFAULT,
                   help=f"a folder in source/ (registered: {', '.join(assignments.names())}; "
                        f"default: {assignments.DEFAULT})")
    p.add_argument("--course-dir", default=None, help="course directory (default: found from cwd)")
    p.add_argument("--no-verify", action="store_true",
                   help="skip autograding the source and the blank release (faster, less safe)")
    p.add_argument("--jobs", type=int, default=2, help="parallel grading of the two self-checks")
    p.add_argument("--repository-url", default=None,
                   help="the public student repository (`course-kit publish`) the install cell and badges "
                        "point at (default: CourseKit.repository_url in nbgrader_config.py)")
    p.add_argument("--kit-template", action="store_true",
                   help="only for the kit's own repository: release with the placeholder URL, as a template")
    args = p.parse_args(argv)
    try:
        report = release(args.course_dir, args.assignment, verify=not args.no_verify, jobs=args.jobs,
                         repository_url=args.repository_url, allow_placeholder=args.kit_template)
    except ReleaseError as e:
        print(f"course-kit release: refused: {e}", file=sys.stderr)
        return 1
    print(report.summary())
    from .links import update_lecture_notebooks, update_readme
    from .settings import find_course_root
    root = find_course_root(args.course_dir)
    if update_readme(root, args.repository_url):
        print("README.md: rewrote the Open in Colab table from CourseKit.repository_url")
    for path in update_lecture_notebooks(root, args.repository_url):
        print(f"{path.relative_to(root)}: filled its badge and install cell from CourseKit.repository_url")
    return 0


def publish_main(argv: list[str]) -> int:
    from .publish import PublishError, publish
    p = argparse.ArgumentParser(prog="course-kit publish", description=(
        "Write the public student repository to DIR: the student package (no reference solutions, "
        "no grading), release/, notebooks/ and a README with Open in Colab badges; nothing else. "
        "Commit and push DIR to the repository CourseKit.repository_url names."))
    p.add_argument("out", metavar="DIR", help="an empty folder, or a clone of the student repository")
    p.add_argument("--course-dir", default=None, help="course directory (default: found from cwd)")
    p.add_argument("--repository-url", default=None,
                   help="the student repository DIR is for (default: CourseKit.repository_url)")
    args = p.parse_args(argv)
    try:
        report = publish(args.course_dir, args.out, repository_url=args.repository_url)
    except PublishError as e:
        print(f"course-kit publish: refused: {e}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def autograde_main(argv: list[str]) -> int:
    from .autograde import autograde, default_jobs
    p = argparse.ArgumentParser(prog="course-kit autograde", description=(
        "Autograde a folder of notebooks or an LMS zip (Canvas names like "
        "smithjohn_12345_67890_mocogan.ipynb) with nbgrader, in parallel; writes grades.csv, "
        "feedback HTML and a merged gradebook."))
    p.add_argument("assignment", help="assignment name (a folder in source/)")
    p.add_argument("submissions", help="folder of submissions or an LMS download .zip")
    p.add_argument("--out", default=None, help="output folder (default: graded/ASSIGNMENT)")
    p.add_argument("--jobs", type=int, default=default_jobs(),
                   help=f"parallel graders (default: the core count, {default_jobs()})")
    p.add_argument("--cell-timeout", type=int, default=None,
                   help="seconds per cell (default: c.Execute.timeout in nbgrader_config.py)")
    p.add_argument("--course-dir", default=None, help="course directory (default: found from cwd)")
    p.add_argument("--unsandboxed", action="store_true",
                   help="where bubblewrap cannot run, grade anyway with student code running as you "
                        "(Sandbox.allow_unsandboxed); only for submissions you trust")
    args = p.parse_args(argv)
    from ..grading.setup_error import GradingSetupError
    try:
        result = autograde(args.course_dir, args.assignment, args.submissions, out=args.out,
                           jobs=args.jobs, cell_timeout=args.cell_timeout,
                           unsandboxed=args.unsandboxed)
    except GradingSetupError as e:
        print(f"course-kit autograde: stopped, nothing written: {e}", file=sys.stderr)
        return 3
    print(result.summary())
    return 0
