"""The one error that means "the grading set-up is broken", importable without nbgrader.

Raised by the set-up check (:mod:`course_kit.grading.preflight`) and by the
grading executor; the command line catches it, so it lives apart from them.
"""

from __future__ import annotations


class GradingSetupError(BaseException):
    """The grading set-up cannot give a correct submission full marks: an instructor's fault.

    A BaseException so that nbgrader's per-submission ``except Exception`` cannot turn it
    into one more failed student (course_kit.grading.preflight explains). The last one raised in this
    process is kept in :data:`raised`, since nbgrader's API returns only a traceback.
    """

    def __init__(self, message: str):
        super().__init__(message)
        raised.append(self)


raised: list[GradingSetupError] = []
