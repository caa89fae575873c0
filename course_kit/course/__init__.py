"""Course automation around nbgrader: release, autograde, collect, feedback, grades.

The repository root is the nbgrader course directory; the instructor's
settings live in its ``nbgrader_config.py`` (read by :mod:`.settings`).
"""
