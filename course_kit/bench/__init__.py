"""Benchmarks: commands that print measured ratios (``course-kit bench ...``), never tests."""
