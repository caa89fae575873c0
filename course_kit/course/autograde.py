"""``course-kit autograde``: grade a folder or LMS zip of submissions with nbgrader, in parallel.

nbgrader cannot autograde in parallel on one gradebook (SQLite, one process;
nbgrader issue #174). So each of ``jobs`` workers gets its own scratch course
directory: the course config, ``source/<assignment>`` and a copy of a
gradebook that already knows the assignment. A worker grades one student at a
time with its own ``nbgrader autograde --student`` process (a submission that
crashes nbgrader costs only its own grade), then writes its students'
feedback. At the end the workers' gradebooks are merged into one (every row
has a UUID or student-id key, so the union is exact), and the grades CSV,
feedback HTML and autograded notebooks are written to ``out``.

Before any student, one worker grades the source notebook with the same
configuration (:mod:`course_kit.grading.preflight`); a set-up that cannot give
it full marks, or that fails during the run (a kernel that cannot start, the
instructor's imports failing), raises ``GradingSetupError`` and ``out`` is
left untouched: no CSV of zeros, no gradebook.
"""

from __future__ import annotations

import csv
import json
import os
import selectors
import signal
import subprocess
import sys
import shutil
import sqlite3
import tempfile
import threading
import time
import queue
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .collect import Submission, collect, extract_zip
from .nbgrader_run import NbgraderError, nbgrader_env, run_nbgrader
from ..grading.preflight import DONE_ENV, GradingSetupError, source_digest
from .sources import scratch_course, source_notebooks
from .settings import load_settings

GRADEBOOK = "gradebook.db"


@dataclass
class StudentResult:
    student: str
    status: str                                   # graded | missing | invalid | failed
    tests: dict[str, tuple[float, float]] = field(default_factory=dict)  # cell -> (score, max)
    manual: dict[str, float] = field(default_factory=dict)               # cell -> max, to grade
    note: str = ""
    feedback: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(s for s, _ in self.tests.values())

    @property
    def max_score(self) -> float:
        return sum(m for _, m in self.tests.values())


@dataclass
class AutogradeResult:
    assignment: str
    students: list[StudentResult]
    out: Path
    jobs: int
    seconds: float

    def summary(self) -> str:
        n = len(self.students)
        graded = [s for s in self.students if s.status == "graded"]
        top = max((s.max_score for s in self.students), default=0)
        full = sum(1 for s in graded if s.max_score and s.score == s.max_score)
        lines = [f"autograded {self.assignment}: {n} submission(s) in {self.seconds:.1f} s "
                 f"with {self.jobs} job(s) ({self.seconds / max(n, 1):.1f} s each)",
                 f"  graded {len(graded)}, full marks {full}, "
                 f"mean {sum(s.score for s in self.students) / max(n, 1):.1f}/{top:g} autograded points"]
        for status in ("missing", "invalid", "failed"):
            who = [s.student for s in self.students if s.status == status]
            if who:
                lines.append(f"  {status}: {', '.join(who)}")
        manual = sum(len(s.manual) for s in graded)
        if manual:
            lines.append(f"  {manual} written answer(s) wait for manual grading "
                         f"(nbgrader formgrader, gradebook {self.out / GRADEBOOK})")
        lines.append(f"  grades: {self.out / 'grades.csv'}\n  feedback: {self.out / 'feedback'}")
        return "\n".join(lines)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _grading_env(cell_timeout: int | None) -> dict:
    env = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    if cell_timeout:
        env["COURSE_KIT_CELL_TIMEOUT"] = str(int(cell_timeout))
    return env


class GradingWorker:
    """A long-lived ``course_kit.course.worker`` process grading in its own course copy.

    It runs in its own process group, so a stuck submission is stopped by
    killing the group (kernel included); the next command starts a new worker.
    """

    def __init__(self, course: Path, assignment: str, env: dict, config_args: tuple[str, ...] = ()):
        self.course, self.assignment, self.env = course, assignment, env
        self.config_args = tuple(config_args)   # nbgrader options, over nbgrader_config.py
        self.proc: subprocess.Popen | None = None

    def _start(self) -> None:
        log = open(self.course / "worker.log", "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "course_kit.course.worker", str(self.course), self.assignment,
             *self.config_args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
            cwd=self.course, env=nbgrader_env(self.env), start_new_session=True)
        log.close()

    def stop(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        if not kill:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, OSError):
                kill = True
        if kill:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self.proc = None

    def ask(self, command: dict, timeout: float) -> dict:
        """Send one command; its reply, or a failure after ``timeout`` seconds or a crash."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        try:
            self.proc.stdin.write(json.dumps(command) + "\n")
            self.proc.stdin.flush()
        except OSError:
            self.stop(kill=True)
            return {"success": False, "log": "the grading worker died"}
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            ready = sel.select(timeout)
        if not ready:
            self.stop(kill=True)
            return {"success": False, "log": f"grading ran past {timeout:.0f} s and was stopped"}
        line = self.proc.stdout.readline()
        if not line:
            self.stop(kill=True)
            return {"success": False, "log": "the grading worker died"}
        return json.loads(line)


def _log_error(log: str) -> str:
    """The informative part of an nbgrader log: the last exception line, else the last line."""
    lines = [line.strip() for line in log.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line and not line.startswith("[") and len(line) < 500:
            return line
    return lines[-1] if lines else "no log"


def _read_grades(course: Path, assignment: str, student: str, notebooks: list[str]) -> StudentResult:
    from nbgrader.api import Gradebook, MissingEntry
    result = StudentResult(student, "graded")
    with Gradebook(f"sqlite:///{course / GRADEBOOK}", "course_kit") as gb:
        for nb in notebooks:
            try:
                snb = gb.find_submission_notebook(Path(nb).stem, assignment, student)
            except MissingEntry:
                raise NbgraderError(f"no grades recorded for {nb}") from None
            for grade in snb.grades:
                if grade.cell_type == "markdown" or (grade.auto_score is None and grade.needs_manual_grade):
                    result.manual[grade.name] = float(grade.max_score)
                else:
                    result.tests[grade.name] = (float(grade.score or 0.0), float(grade.max_score))
    return result


def _zero(sub: Submission, status: str, note: str, test_cells: dict[str, float],
          manual_cells: dict[str, float]) -> StudentResult:
    return StudentResult(sub.student, status, {k: (0.0, m) for k, m in test_cells.items()},
                         dict(manual_cells), note)


def _grade_cells(course: Path, assignment: str) -> tuple[dict, dict]:
    from nbgrader.api import Gradebook
    tests, manual = {}, {}
    with Gradebook(f"sqlite:///{course / GRADEBOOK}", "course_kit") as gb:
        for nb in gb.find_assignment(assignment).notebooks:
            for cell in nb.grade_cells:
                (manual if cell.cell_type == "markdown" else tests)[cell.name] = float(cell.max_score)
    return tests, manual


def _check_setup(workers: list[GradingWorker], course: Path, assignment: str,
                 timeout: float) -> None:
    """The set-up check in the first worker; the others are told it passed (same sources)."""
    answer = workers[0].ask({"preflight": True}, timeout=timeout)
    if not answer["success"]:
        for worker in workers:
            worker.stop(kill=True)
        raise GradingSetupError(answer.get("setup_error") or
                                f"grading set-up check could not run: {_log_error(answer['log'])}")
    digest = source_digest(sorted((course / "source" / assignment).glob("*.ipynb")))
    for worker in workers[1:]:
        worker.env = {**worker.env, DONE_ENV: digest}


def merge_gradebooks(target: Path, sources: list[Path]) -> None:
    """Union of the rows of ``sources`` into ``target`` (all copies of one gradebook)."""
    con = sqlite3.connect(target)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'")]
        for i, src in enumerate(sources):
            con.execute(f"ATTACH DATABASE ? AS w{i}", (str(src),))
            for table in tables:
                con.execute(f'INSERT OR IGNORE INTO main."{table}" SELECT * FROM w{i}."{table}"')
            con.commit()
            con.execute(f"DETACH DATABASE w{i}")
    finally:
        con.close()


def autograde(root: str | Path | None, assignment: str, submissions: str | Path,
              out: str | Path | None = None, jobs: int | None = None,
              cell_timeout: int | None = None, student_timeout: float | None = None,
              progress: bool = True, unsandboxed: bool = False) -> AutogradeResult:
    """Grade every submission found in ``submissions`` (folder or .zip); see the module notes.

    ``unsandboxed=True`` sets ``Sandbox.allow_unsandboxed``: where bubblewrap cannot run, student
    code then runs as you instead of grading being refused (only for code you trust).
    """
    settings = load_settings(root)
    root = settings.root
    jobs = int(jobs or default_jobs())
    if jobs < 1:
        raise ValueError(f"autograde: `jobs` must be >= 1, got {jobs}")
    submissions = Path(submissions)
    if not submissions.exists():
        raise FileNotFoundError(f"autograde: `submissions` {submissions} does not exist; give a "
                                f"folder of notebooks or an LMS download zip")
    out = Path(out or root / "graded" / assignment)
    cell_timeout = cell_timeout or settings.cell_timeout
    student_timeout = student_timeout or max(300.0, 20 * cell_timeout + 120)
    env = _grading_env(cell_timeout)
    start = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="course-kit-autograde-") as tmp:
        tmp = Path(tmp)
        run = _GradingRun(assignment, [p.name for p in source_notebooks(root, assignment)],
                          student_timeout)
        subs = collect(_unpacked(submissions, tmp / "unzipped"), run.expected)
        master = _master_course(root, run, tmp / "master", env)
        _start_workers(run, master, tmp, env, min(jobs, max(1, len(subs))), unsandboxed)
        _check_setup(run.workers, master, assignment, student_timeout)
        results = _grade_all(run, subs, progress)
        _write_feedback(run)
        _copy_outputs(run, master, results, out)
    result = AutogradeResult(assignment, results, out, jobs, time.perf_counter() - start)
    write_grades_csv(result, out / "grades.csv", list(run.test_cells), list(run.manual_cells))
    return result


@dataclass
class _GradingRun:
    """What the steps of one :func:`autograde` call share."""

    assignment: str
    expected: list[str]                       # the notebook names of a submission
    student_timeout: float
    test_cells: dict[str, float] = field(default_factory=dict)     # cell -> max score
    manual_cells: dict[str, float] = field(default_factory=dict)
    workers: list[GradingWorker] = field(default_factory=list)
    idle: queue.Queue = field(default_factory=queue.Queue)          # workers free to grade
    graded_in: dict[str, Path] = field(default_factory=dict)        # student -> worker course
    setup_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def zero(self, sub: Submission, status: str, note: str) -> StudentResult:
        return _zero(sub, status, note, self.test_cells, self.manual_cells)


def _unpacked(submissions: Path, into: Path) -> Path:
    """``submissions`` itself, or the folder its .zip is extracted to."""
    if not submissions.is_file():
        return submissions
    if submissions.suffix.lower() != ".zip":
        raise ValueError(f"autograde: `submissions` must be a folder or a .zip, got {submissions}")
    return extract_zip(submissions, into)


def _master_course(root: Path, run: _GradingRun, into: Path, env: dict) -> Path:
    """A scratch course whose gradebook knows the assignment; records its grade cells in ``run``."""
    master = scratch_course(root, run.assignment, into)
    run_nbgrader(master, "generate_assignment", run.assignment, "--force", env=env)
    run.test_cells, run.manual_cells = _grade_cells(master, run.assignment)
    return master


def _start_workers(run: _GradingRun, master: Path, tmp: Path, env: dict, count: int,
                   unsandboxed: bool) -> None:
    """``count`` workers, each with its own copy of the master course."""
    for k in range(count):
        course = tmp / f"worker{k}"
        shutil.copytree(master, course, ignore=shutil.ignore_patterns("release"))
        worker = GradingWorker(course, run.assignment, env,
                               ("--Sandbox.allow_unsandboxed=True",) if unsandboxed else ())
        run.workers.append(worker)
        run.idle.put(worker)


def _grade_one(run: _GradingRun, sub: Submission) -> StudentResult:
    """One submission in the next free worker; a set-up failure is recorded in ``run``."""
    if sub.status != "ok":
        return run.zero(sub, sub.status, "; ".join(sub.notes))
    worker = run.idle.get()
    if run.setup_errors:   # the run is stopping: grade no one else
        run.idle.put(worker)
        return run.zero(sub, "failed", "not graded: the set-up failed")
    t0 = time.perf_counter()
    try:
        dest = worker.course / "submitted" / sub.student / run.assignment
        dest.mkdir(parents=True, exist_ok=True)
        for name, path in sub.files.items():
            shutil.copy(path, dest / name)
        answer = worker.ask({"autograde": sub.student}, timeout=run.student_timeout)
        if answer.get("setup_error"):
            run.setup_errors.append(answer["setup_error"])
        try:
            if not answer["success"]:
                raise NbgraderError(_log_error(answer["log"]))
            result = _read_grades(worker.course, run.assignment, sub.student, run.expected)
            result.note = "; ".join(sub.notes)
            with run.lock:
                run.graded_in[sub.student] = worker.course
        except NbgraderError as e:
            result = run.zero(sub, "failed", f"grading failed: {e}")
    finally:
        run.idle.put(worker)
    result.seconds = time.perf_counter() - t0
    return result


def _grade_all(run: _GradingRun, subs: list[Submission], progress: bool) -> list[StudentResult]:
    """Every submission, in parallel; stops the workers and raises if the set-up failed."""
    from tqdm.auto import tqdm
    results = []
    with ThreadPoolExecutor(max_workers=len(run.workers)) as pool:
        futures = [pool.submit(_grade_one, run, sub) for sub in subs]
        for future in tqdm(as_completed(futures), total=len(futures), desc=f"autograde {run.assignment}",
                           unit="student", disable=not progress):
            results.append(future.result())
    results.sort(key=lambda r: r.student)
    if run.setup_errors:
        for worker in run.workers:
            worker.stop(kill=True)
        raise GradingSetupError(run.setup_errors[0])
    return results


def _write_feedback(run: _GradingRun) -> None:
    """Feedback in every worker that graded someone (one call each, in parallel); workers stop."""
    def feedback(worker: GradingWorker) -> None:
        if worker.course in run.graded_in.values():
            worker.ask({"feedback": True}, timeout=run.student_timeout)
        worker.stop()
    with ThreadPoolExecutor(max_workers=len(run.workers)) as pool:
        list(pool.map(feedback, run.workers))


def _copy_outputs(run: _GradingRun, master: Path, results: list[StudentResult], out: Path) -> None:
    """The merged gradebook, feedback HTML and autograded notebooks into ``out`` (replaced)."""
    if out.exists():
        shutil.rmtree(out)
    (out / "feedback").mkdir(parents=True)
    shutil.copy(master / GRADEBOOK, out / GRADEBOOK)
    merge_gradebooks(out / GRADEBOOK, [w.course / GRADEBOOK for w in run.workers])
    for r in results:
        w = run.graded_in.get(r.student)
        if w is None:
            continue
        for name in run.expected:
            html = w / "feedback" / r.student / run.assignment / name.replace(".ipynb", ".html")
            if html.exists():
                target = out / "feedback" / f"{r.student}-{html.name}"
                shutil.copy(html, target)
                r.feedback.append(target)
        src = w / "autograded" / r.student
        if src.exists():
            shutil.copytree(src, out / "autograded" / r.student, dirs_exist_ok=True)


def write_grades_csv(result: AutogradeResult, path: Path, tests: list[str], manual: list[str]) -> Path:
    """One row per student: status, autograded total, each test, written answers to grade."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "status", "score", "max_score", *tests,
                         *[f"{m} (manual)" for m in manual], "note"])
        for r in result.students:
            writer.writerow([r.student, r.status, f"{r.score:g}", f"{r.max_score:g}",
                             *[f"{r.tests.get(t, (0.0, 0.0))[0]:g}" for t in tests],
                             *["pending" if m in r.manual else "" for m in manual], r.note])
    return path
