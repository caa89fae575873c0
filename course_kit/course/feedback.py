"""Feedback-time preprocessor: hide hidden tests from students unless the course allows it.

nbgrader puts hidden tests back into the autograded notebook, so its feedback
HTML shows their source and full tracebacks. With
``c.HideHiddenTests.enabled = True`` (set from ``CourseKit.show_hidden_details``
in ``nbgrader_config.py``) a test cell's hidden region is removed and an error
in it is reduced to its one-line message, which says what was wrong without
showing the hidden test's code or values.
"""

from __future__ import annotations

import re

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Unicode

_HIDDEN_REGION = r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?"


def strip_hidden_region(source: str, replacement: str = "") -> str:
    return re.sub(_HIDDEN_REGION, replacement, source, flags=re.S)


class HideHiddenTests(NbGraderPreprocessor):
    enabled = Bool(True, help="hide hidden-test source and tracebacks in feedback").tag(config=True)
    note = Unicode("# (hidden tests ran here)\n", help="what replaces a hidden region").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell) and "### BEGIN HIDDEN TESTS" in cell.source:
            cell.source = strip_hidden_region(cell.source, self.note)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
        return cell, resources
