"""Before any student is graded, prove the set-up can give a correct submission full marks.

A grading set-up can be broken in ways no submission causes: the kernel
cannot import the kit (it is installed from another folder, the sandbox does
not mount it), the memory cap is too small for this machine's torch, bwrap
cannot start. nbgrader then gives every student 0 and reports success. So the
first thing every autograde run does (``course-kit autograde``, plain
``nbgrader autograde`` and the formgrader alike, through
:func:`before_autograde`, nbgrader's ``pre_convert_hook``) is to grade the
assignment's *source* notebook, whose answers are the reference, with the same
configuration: the same executing preprocessor, kernel manager, sandbox and
limits. Unless every test cell gets full marks the run stops with
:class:`GradingSetupError`, naming the cells and their errors, before nbgrader
has written anything to the gradebook.

:class:`GradingSetupError` derives from ``BaseException`` on purpose: nbgrader
catches every ``Exception`` raised by a hook or while converting a submission
and goes on with the next student, which is exactly how a broken set-up
becomes a column of zeros. Like ``KeyboardInterrupt``, it stops the run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader import utils

from .scoring import cell_score
from .setup_error import GradingSetupError, raised  # noqa: F401 (raised: read by the worker)

#: Set by ``course-kit autograde`` in its graders' environment after its own check passed
#: (the digest of the source notebooks), so each grading process does not repeat it.
DONE_ENV = "COURSE_KIT_PREFLIGHT_DONE"
#: Key in the preprocessors' resources that marks the set-up check's own run.
PREFLIGHT_RESOURCE = "course_kit_preflight"


@dataclass
class Failure:
    cell: str          # grade_id, or "cell N" for an untagged cell
    kind: str          # "test" (a test cell that lost points) or "setup" (an instructor cell)
    error: str         # its first error line


@dataclass
class PreflightResult:
    notebook: Path
    score: float = 0.0
    max_score: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.max_score > 0 and self.score == self.max_score and not self.failures

    def message(self) -> str:
        outcome = (f"scored {self.score:g}/{self.max_score:g}" if self.max_score
                   else "could not be graded")
        lines = [f"grading set-up check failed: the source notebook {self.notebook} (the "
                 f"reference answers) {outcome} when graded with this configuration (same "
                 "kernel, sandbox and limits as the students)."]
        shown: dict[tuple[str, str], list[str]] = {}
        for f in self.failures:      # one line per distinct error: the first cause reads first
            shown.setdefault((f.kind, f.error), []).append(f.cell)
        for (kind, error), cells in shown.items():
            what = "test cell" if kind == "test" else "instructor cell"
            more = f" (and {len(cells) - 1} more: {', '.join(cells[1:])})" if len(cells) > 1 else ""
            lines.append(f"  {what} {cells[0]}{more}: {error}")
        lines.append("No grade was written. This is the grading set-up's fault, not the "
                     "students': fix it (README: Troubleshooting) and grade again.")
        return "\n".join(lines)


_passed: set[str] = set()     # digests of source notebooks this process has already proven


def _first_error(cell) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {out.get('evalue')}"[:500]
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return ("wrote to stderr: " + out.get("text", "").strip().splitlines()[-1])[:500]
    return "no error output, but not full marks"


def _has_error(cell) -> bool:
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def score_notebook(nb, path: Path) -> PreflightResult:
    """Full marks or not, cell by cell, for an executed notebook (instructor cells included)."""
    result = PreflightResult(path)
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        name = meta.get("grade_id") or f"cell {index}"
        if utils.is_grade(cell):
            score, max_score = cell_score(cell)
            if score is None:    # a written answer: graded by hand, not by the set-up
                continue
            result.score += float(score or 0)
            result.max_score += float(max_score)
            if (score or 0) < max_score:
                result.failures.append(Failure(name, "test", _first_error(cell)))
        elif cell.cell_type == "code" and meta.get("locked") and _has_error(cell):
            result.failures.append(Failure(name, "setup", _first_error(cell)))
    return result


def executing_preprocessor(config):
    """The Execute preprocessor autograde would use under ``config`` (sandbox included)."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute
    from traitlets.utils.importstring import import_item
    for p in Autograde(config=config).autograde_preprocessors:
        cls = import_item(p) if isinstance(p, str) else p
        if isinstance(cls, type) and issubclass(cls, Execute):
            return cls(config=config)
    raise GradingSetupError("grading set-up: c.Autograde.autograde_preprocessors holds no "
                            "notebook-executing preprocessor (nbgrader's Execute or a subclass)")


def source_digest(notebooks: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(notebooks):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:24]


def grade_source(config, source_dir: Path, notebook: Path) -> PreflightResult:
    """Execute ``notebook`` (from ``source_dir``) as autograde would, in a scratch copy of its folder."""
    with tempfile.TemporaryDirectory(prefix="course-kit-preflight-") as tmp:
        work = Path(tmp) / source_dir.name
        shutil.copytree(source_dir, work, ignore=shutil.ignore_patterns(
            "*.ipynb", ".ipynb_checkpoints", "__pycache__"))
        nb = nbformat.read(notebook, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        executor = executing_preprocessor(config)
        try:
            with utils.setenv(NBGRADER_EXECUTION="autograde"):
                executor.preprocess(nb, {"metadata": {"path": str(work)}, PREFLIGHT_RESOURCE: True})
        except Exception as e:   # the kernel could not start, bwrap refused, ... (GradingSetupError passes)
            result = PreflightResult(notebook)
            result.failures.append(Failure("kernel", "setup", f"{type(e).__name__}: {e}"[:800]))
            return result
    return score_notebook(nb, notebook)


def check_assignment(config, course_root: Path, assignment: str, log=None) -> PreflightResult | None:
    """Grade every source notebook of ``assignment``; raise GradingSetupError unless all get full marks.

    Returns the last notebook's result, or None when this process (or, through
    ``COURSE_KIT_PREFLIGHT_DONE``, the process that started it) already proved
    these very notebooks.
    """
    course_root = Path(course_root)
    source_dir = course_root / "source" / assignment
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise GradingSetupError(f"grading set-up: no source notebook in {source_dir}; the "
                                "set-up check grades the source (the reference answers) first")
    digest = source_digest(notebooks)
    if digest in _passed or os.environ.get(DONE_ENV) == digest:
        return None
    result = None
    for notebook in notebooks:
        if log:
            log.info("course_kit: grading the source notebook %s first (set-up check)", notebook)
        result = grade_source(config, source_dir, notebook)
        result.notebook = notebook.relative_to(course_root)
        if not result.ok:
            raise GradingSetupError(result.message())
    _passed.add(digest)
    return result


def _calling_converter():
    """The nbgrader converter running the hook: nbgrader passes a hook no converter, only names."""
    from nbgrader.converters.base import BaseConverter
    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, BaseConverter):
            return candidate
        frame = frame.f_back
    return None


def before_autograde(assignment=None, student=None, notebooks=None, **_) -> None:
    """nbgrader ``Autograde.pre_convert_hook``: the set-up check, before the first student."""
    converter = _calling_converter()
    if converter is None or converter.coursedir is None:
        raise GradingSetupError("course_kit.grading.preflight.before_autograde: not called by an "
                                "nbgrader converter; set it as c.Autograde.pre_convert_hook only")
    from nbgrader.converters import Autograde
    if not isinstance(converter, Autograde):
        return
    assignments = {Path(nb).parent.name for nb in notebooks or []} or {assignment}
    for name in sorted(a for a in assignments if a and a != "*"):
        check_assignment(converter.config, Path(converter.coursedir.root), name, converter.log)
