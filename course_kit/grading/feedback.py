"""The one feedback filter: hidden tests only if the instructor allows it, solution code never.

nbgrader's feedback is the autograded notebook rendered to HTML. Two things
in it are the instructor's: the hidden tests nbgrader restored into test
cells (and the traceback lines that quote them), and, should a sandbox ever
be bypassed, anything a cell printed from ``source/``. :func:`scrub_notebook`
removes both; :class:`ScrubFeedback` runs it first inside ``nbgrader
generate_feedback`` (put there by :func:`course_kit.grading.config.configure`),
with ``c.ScrubFeedback.show_hidden_tests`` from ``CourseKit.show_hidden_details``.
"""

from __future__ import annotations

import os
import re

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer

from .markers import HIDDEN, MIN_LEAK_LINE, SOLUTION, leak_lines

HIDDEN_PLACEHOLDER = "# (hidden tests run here; their source is not shown)\n"
REDACTED = "[redacted by course-kit: instructor-only code]"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_lines(source_nb) -> set[str]:
    """The stripped lines inside the solution regions of a source notebook."""
    lines: set[str] = set()
    for cell in source_nb.cells:
        if _nbgrader(cell).get("solution"):
            for block in SOLUTION.findall(cell.source) or [cell.source]:
                lines.update(line.strip() for line in block.splitlines())
    return lines


def _hidden_lines(nb) -> set[str]:
    lines: set[str] = set()
    for cell in nb.cells:
        for block in HIDDEN.findall(cell.get("source", "")):
            lines.update(line.strip() for line in block.splitlines()[1:-1])
    return lines


def _student_lines(nb) -> set[str]:
    """Lines the student typed themselves (solution cells and cells they added)."""
    lines: set[str] = set()
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if not meta or meta.get("solution"):
            lines.update(line.strip() for line in cell.get("source", "").splitlines())
    return lines


def _redact(text: str, secret: set[str]) -> str:
    out = []
    for line in text.split("\n"):
        plain = ANSI.sub("", line).strip()
        out.append(REDACTED if any(s in plain for s in secret) else line)
    return "\n".join(out)


def scrub_notebook(nb, show_hidden_tests: bool = False, source_nb=None, min_line: int = MIN_LEAK_LINE):
    """Scrub ``nb`` in place for a student's eyes; returns it.

    - without ``show_hidden_tests``: hidden-test blocks become a one-line
      placeholder and the tracebacks of those cells keep only the error's
      name and message (traceback frames quote the hidden lines);
    - any output line quoting an instructor-only line (a solution line of
      ``source_nb``, or a hidden-test line when hidden) of at least
      ``min_line`` characters that the student did not write is redacted.
    """
    secret = solution_lines(source_nb) if source_nb is not None else set()
    if not show_hidden_tests:
        secret |= _hidden_lines(nb) | (_hidden_lines(source_nb) if source_nb is not None else set())
    secret = leak_lines(secret, _student_lines(nb), min_line)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        had_hidden = bool(HIDDEN.search(cell.source))
        if had_hidden and not show_hidden_tests:
            cell.source = HIDDEN.sub(HIDDEN_PLACEHOLDER, cell.source)
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                if had_hidden and not show_hidden_tests:
                    out.traceback = [f"{out.ename}: {out.evalue}"]
                out.evalue = _redact(out.evalue, secret)
                out.traceback = [_redact(line, secret) for line in out.traceback]
            elif out.output_type == "stream":
                out.text = _redact(out.text, secret)
            elif "data" in out:
                for mime, value in out.data.items():
                    if mime.startswith("text/") or mime.endswith("json"):
                        if isinstance(value, str):
                            out.data[mime] = _redact(value, secret)
    return nb


class ScrubFeedback(NbGraderPreprocessor):
    """nbgrader preprocessor for GenerateFeedback: :func:`scrub_notebook` on every notebook."""

    show_hidden_tests = Bool(
        False, help="Show hidden-test source (and full tracebacks) in student feedback.",
    ).tag(config=True)
    min_line = Integer(
        MIN_LEAK_LINE, help="Shortest instructor-only line (in characters) that is redacted when quoted in output.",
    ).tag(config=True)

    def _source_notebook(self, resources):
        info = resources.get("nbgrader", {})
        coursedir = getattr(getattr(self.parent, "parent", None), "coursedir", None)
        if coursedir is None or not info.get("assignment") or not info.get("notebook"):
            return None
        path = os.path.join(coursedir.format_path(coursedir.source_directory, ".", info["assignment"]),
                            info["notebook"] + ".ipynb")
        return nbformat.read(path, as_version=4) if os.path.exists(path) else None

    def preprocess(self, nb, resources):
        scrub_notebook(nb, self.show_hidden_tests, self._source_notebook(resources), self.min_line)
        return nb, resources


#: The name of the kit's former second feedback filter, which this one replaced.
HideHiddenTests = ScrubFeedback
