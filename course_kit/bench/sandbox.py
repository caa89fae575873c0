"""Benchmark: grading time per submission, sandboxed against unsandboxed, in one run.

``course-kit bench sandbox [--assignment demo|mocogan] [--submissions N]``

Two copies of one course are graded in one process through nbgrader's API,
one with the repository's sandboxed configuration and one with the sandbox
taken out (the same executor and caps, kernels outside bubblewrap),
alternating submission by submission so a busy machine slows both alike. It prints the median seconds per
submission of each and the overhead of the sandbox in percent (target
below 20%), and checks that both gave every submission the same grade.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from . import BenchFailed

REPO = Path(__file__).resolve().parents[2]


def _unsandboxed(config):
    """The same config with every grading kernel unsandboxed (same executor, same caps otherwise)."""
    from ..grading.config import KERNEL_MANAGER_TRAIT
    from ..grading.kernel import GradingKernelManager
    for p in config.Autograde.autograde_preprocessors:
        if isinstance(p, type) and p.class_traits().get(KERNEL_MANAGER_TRAIT):
            config[p.__name__][KERNEL_MANAGER_TRAIT] = GradingKernelManager
    return config


def _api(course: Path, sandboxed: bool):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    if not sandboxed:
        config = _unsandboxed(config)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _demo_course(root: Path, n: int) -> tuple[Path, str]:
    from ..grading import demo_course as dc
    config = (REPO / "nbgrader_config.py").read_text()
    course = dc.make_course(root, config)
    for k in range(n):
        dc.submit(course, f"s{k:02d}", dc.CORRECT)
    return course, dc.ASSIGNMENT


def _mocogan_course(root: Path, n: int) -> tuple[Path, str]:
    """The real assignment; every submission is the source notebook (the reference solution)."""
    from ..grading.demo_course import nbgrader
    source = REPO / "source" / "mocogan"
    if not source.exists():
        raise SystemExit("bench sandbox: source/mocogan does not exist here; use --assignment demo")
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(source, root / "source" / "mocogan")
    nbgrader(root, "generate_assignment", "mocogan", "--force")
    for k in range(n):
        dest = root / "submitted" / f"s{k:02d}" / "mocogan"
        shutil.copytree(root / "release" / "mocogan", dest)
        shutil.copy(source / "mocogan.ipynb", dest / "mocogan.ipynb")
    return root, "mocogan"


def run(assignment: str = "demo", submissions: int = 5) -> dict:
    """Grade ``submissions`` submissions in each arm; seconds per submission, grades, overhead."""
    from nbgrader.api import Gradebook

    from ..grading import require
    support = require()
    with tempfile.TemporaryDirectory(prefix="course-kit-bench-sandbox-") as tmp:
        build = _mocogan_course if assignment == "mocogan" else _demo_course
        a, name = build(Path(tmp) / "sandboxed", submissions)
        b = Path(tmp) / "unsandboxed"
        shutil.copytree(a, b)
        arms = {"sandboxed": (a, _api(a, True)), "unsandboxed": (b, _api(b, False))}
        seconds: dict[str, list[float]] = {k: [] for k in arms}
        for k in range(submissions):
            order = list(arms) if k % 2 == 0 else list(reversed(arms))
            for arm in order:
                course, api = arms[arm]
                t0 = time.perf_counter()
                result = api.autograde(name, f"s{k:02d}", force=True, create=True)
                seconds[arm].append(time.perf_counter() - t0)
                if not result.get("success"):
                    raise BenchFailed(f"bench sandbox: {arm} grading of s{k:02d} failed:\n"
                                      f"{result.get('error', '')[-2000:]}{result.get('log', '')[-2000:]}")
        grades = {}
        for arm, (course, _) in arms.items():
            with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
                grades[arm] = {s.student.id: s.score for s in gb.assignment_submissions(name)}
    med = {arm: statistics.median(v) for arm, v in seconds.items()}
    return {"assignment": name, "submissions": submissions, "mode": support.mode,
            "seconds": seconds, "median": med, "grades": grades,
            "overhead": med["sandboxed"] / med["unsandboxed"] - 1}


def report(r: dict) -> str:
    same = r["grades"]["sandboxed"] == r["grades"]["unsandboxed"]
    scores = sorted(set(r["grades"]["sandboxed"].values()))
    return "\n".join([
        f"sandbox overhead, assignment {r['assignment']}, {r['submissions']} submissions per arm "
        f"(interleaved, one run; bwrap mode: {r['mode']})",
        f"  unsandboxed: median {r['median']['unsandboxed']:.2f} s per submission "
        f"(min {min(r['seconds']['unsandboxed']):.2f}, max {max(r['seconds']['unsandboxed']):.2f})",
        f"  sandboxed:   median {r['median']['sandboxed']:.2f} s per submission "
        f"(min {min(r['seconds']['sandboxed']):.2f}, max {max(r['seconds']['sandboxed']):.2f})",
        f"  overhead: {100 * r['overhead']:+.1f}% (target < 20%)",
        f"  grades identical in both arms: {'yes' if same else 'NO'} (scores seen: {scores})",
    ])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="course-kit bench sandbox", description=__doc__.split("\n\n")[0])
    p.add_argument("--assignment", choices=["demo", "mocogan"], default="demo",
                   help="demo: a two-function assignment (kernel start dominates); "
                        "mocogan: the real one, reference solutions (default: demo)")
    p.add_argument("--submissions", type=int, default=5, help="submissions graded per arm (default: 5)")
    args = p.parse_args(argv)
    if args.submissions < 1:
        p.error(f"--submissions must be >= 1, got {args.submissions}")
    r = run(args.assignment, args.submissions)
    print(report(r))
    return 0 if r["grades"]["sandboxed"] == r["grades"]["unsandboxed"] else 1
