"""Benchmarks: commands that print measured ratios (``course-kit bench ...``), never tests."""

from ..errors import CourseKitError


class BenchFailed(CourseKitError, RuntimeError):
    """Something a benchmark runs failed, so there is nothing to measure; the message says what."""
