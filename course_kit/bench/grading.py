"""``course-kit bench grading``: autograding throughput with --jobs 1 and --jobs 2, in one run.

Writes N example submissions (the reference and the MP's typical mistakes,
cycling; see :mod:`course_kit.assignments.mocogan.examples`), grades them with the real
``course-kit autograde`` pipeline once per job count, checks that every
submission got its expected grade both times, and prints seconds per
submission and the speed-up.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ..course.autograde import autograde
from ..assignments.mocogan.examples import TESTS
from ..course.examples import write_examples, wrong_grades
from ..course.settings import find_course_root


def run(n: int = 40, jobs: tuple[int, ...] = (1, 2), cell_timeout: int = 30,
        root: Path | None = None) -> dict:
    root = find_course_root(root)
    figures = {"n": n}
    with tempfile.TemporaryDirectory(prefix="course-kit-bench-grading-") as tmp:
        tmp = Path(tmp)
        expected = write_examples(tmp / "submissions", n)
        for j in jobs:
            result = autograde(root, "mocogan", tmp / "submissions", out=tmp / f"graded-{j}",
                               jobs=j, cell_timeout=cell_timeout)
            wrong = wrong_grades(result.students, expected, TESTS)
            figures[f"seconds jobs={j}"] = result.seconds
            figures[f"per submission jobs={j}"] = result.seconds / n
            figures[f"wrong grades jobs={j}"] = len(wrong)
    if len(jobs) >= 2:
        figures["speed-up"] = figures[f"seconds jobs={jobs[0]}"] / figures[f"seconds jobs={jobs[-1]}"]
    return figures


def report(figures: dict, jobs: tuple[int, ...] = (1, 2)) -> str:
    lines = [f"autograde {figures['n']} submissions of mocogan (reference and typical mistakes):"]
    for j in jobs:
        lines.append(f"  --jobs {j}: {figures[f'seconds jobs={j}']:.1f} s total, "
                     f"{figures[f'per submission jobs={j}']:.2f} s per submission, "
                     f"{figures[f'wrong grades jobs={j}']} wrong grades")
    if "speed-up" in figures:
        lines.append(f"  speed-up --jobs {jobs[-1]} over --jobs {jobs[0]}: {figures['speed-up']:.2f}x")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course-kit bench grading", description=__doc__.splitlines()[0])
    p.add_argument("--submissions", type=int, default=40, help="how many (default: 40)")
    p.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="job counts (default: 1 2)")
    p.add_argument("--cell-timeout", type=int, default=30, help="seconds per cell (default: 30)")
    args = p.parse_args(argv)
    if args.submissions < 1:
        p.error(f"--submissions must be >= 1, got {args.submissions}")
    figures = run(args.submissions, tuple(args.jobs), args.cell_timeout)
    print(report(figures, tuple(args.jobs)))
    return 1 if any(v for k, v in figures.items() if k.startswith("wrong")) else 0
