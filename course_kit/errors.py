"""The kit's own error base, so the command line can tell a reported failure from a bug.

Every failure the kit raises on purpose (an unknown model, a refused release, a
sandbox that cannot run here, ...) derives from :class:`CourseKitError`:
``course-kit`` prints its message in one line, because the message already says
what to do. Anything else (a RuntimeError from torch, a bug in the kit) is not
caught there and shows its traceback, which is what a bug report needs.

A subclass also derives from the built-in kind it raised before (RuntimeError,
ValueError, ...), so callers' ``except RuntimeError`` and tests' ``pytest.raises``
keep working. One error stands apart: ``course_kit.grading.setup_error.GradingSetupError``
derives from BaseException so that a student's ``except Exception`` cannot swallow
it; the command line catches it on its own (exit code 3).

Student side: this module imports nothing, so any module may import it.
"""

from __future__ import annotations

__all__ = ["CourseKitError"]


class CourseKitError(Exception):
    """A failure the kit raises on purpose, whose message alone tells the user what to do."""
