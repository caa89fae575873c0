"""nbgrader's markers, and the rule that says which instructor-only lines count as a leak.

The delimiters and the code stub are read from nbgrader's own preprocessors
(``ClearSolutions.begin_solution_delimeter``, ``ClearHiddenTests.begin_test_delimeter``,
``ClearSolutions.code_stub``, ...), whose defaults the course uses; the kit's
notebooks write them on a comment line (``### BEGIN SOLUTION``), as nbgrader's
documentation does. Release (no solution reaches ``release/``), publish (no
answer reaches the student repository) and feedback (no instructor line in
what a student reads) all find regions and leaks through this module.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions


def _default(cls, trait: str):
    return cls.class_traits()[trait].default()


#: How a marker line starts in the kit's notebooks.
COMMENT = "### "
BEGIN_SOLUTION = COMMENT + _default(ClearSolutions, "begin_solution_delimeter")
END_SOLUTION = COMMENT + _default(ClearSolutions, "end_solution_delimeter")
BEGIN_HIDDEN_TESTS = COMMENT + _default(ClearHiddenTests, "begin_test_delimeter")
END_HIDDEN_TESTS = COMMENT + _default(ClearHiddenTests, "end_test_delimeter")
#: What nbgrader leaves in a student's copy of a solution code cell.
CODE_STUB = _default(ClearSolutions, "code_stub")["python"]

REGIONS = {"solution": (BEGIN_SOLUTION, END_SOLUTION), "hidden": (BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS)}
SOLUTION_MARKERS = REGIONS["solution"]

#: A hidden-test region, marker lines included (what feedback replaces).
HIDDEN = re.compile(rf"^[ \t]*{re.escape(BEGIN_HIDDEN_TESTS)}.*?^[ \t]*{re.escape(END_HIDDEN_TESTS)}[^\n]*\n?",
                    re.M | re.S)
#: A solution region; group 1 is its body.
SOLUTION = re.compile(rf"^[ \t]*{re.escape(BEGIN_SOLUTION)}.*?\n(.*?)^[ \t]*{re.escape(END_SOLUTION)}",
                      re.M | re.S)

#: Shorter lines ("return h", "else:") are too common to call a leak.
MIN_LEAK_LINE = 12


def is_marker_line(line: str) -> bool:
    """A line that holds a marker (or any ``### `` comment heading, in markdown)."""
    return COMMENT in line


def region_lines(source: str, kind: str) -> list[str]:
    """The stripped lines inside ``kind`` ("solution" or "hidden") regions of a cell's source."""
    begin, end = REGIONS[kind]
    lines, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line.strip())
    return lines


def without_solution_markers(source: str) -> str:
    """``source`` with its solution marker lines dropped (the code between them kept)."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in SOLUTION_MARKERS)


def leak_lines(secret: set[str], seen: set[str], min_line: int = MIN_LEAK_LINE) -> set[str]:
    """The leak rule: instructor-only lines, less those the reader sees anyway, long enough to tell."""
    return {s for s in secret - seen if len(s) >= min_line}
