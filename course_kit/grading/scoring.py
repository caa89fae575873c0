"""How a test cell's score is read from its outputs: by its assertions, never by its stderr.

nbgrader gives 0 to a test cell that wrote anything to stderr
(``nbgrader.utils.determine_grade``). A student's debug print to
``sys.stderr``, a ``logging`` call, a ``tqdm`` bar or any warning would then
cost the whole test although every assertion passed. Here the score is
nbgrader's own rule applied to the cell *without* its stderr streams: an
error output still scores 0, a returned number still gives partial credit.
The stderr text is not removed: it stays in the graded notebook and the
feedback, where the student can read it.
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import SaveAutoGrades


def is_stderr(output) -> bool:
    return output.get("output_type") == "stream" and output.get("name") == "stderr"


def scored_view(cell: NotebookNode) -> NotebookNode:
    """``cell`` as its score sees it: a code cell's copy without stderr; any other cell as is."""
    if cell.cell_type != "code":
        return cell
    view = copy.copy(cell)
    view.outputs = [o for o in cell.get("outputs", []) if not is_stderr(o)]
    return view


def cell_score(cell: NotebookNode, log=None) -> tuple[float | None, float]:
    """(score, max score) of a grade cell, by nbgrader's rule with stderr ignored."""
    return utils.determine_grade(scored_view(cell), log)


class SaveAutoGradesByAssertions(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, scoring each test cell with :func:`cell_score`."""

    def _add_score(self, cell: NotebookNode, resources) -> None:
        # nbgrader's own bookkeeping (manual overrides, needs_manual_grade) on the stderr-free view.
        return super()._add_score(scored_view(cell), resources)
