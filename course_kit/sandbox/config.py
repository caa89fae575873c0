"""One call in nbgrader_config.py puts every autograde run in the sandbox.

``nbgrader autograde``, the formgrader and ``course-kit autograde`` all build
nbgrader's Autograde converter from nbgrader_config.py, so swapping its
Execute preprocessor for :class:`SandboxedExecute` here covers all three;
adding :class:`ScrubFeedback` to GenerateFeedback covers every feedback file.
"""

from __future__ import annotations

from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import Execute

from .execute import SandboxedExecute
from .feedback import ScrubFeedback


def _name(p) -> str:
    return p if isinstance(p, str) else f"{p.__module__}.{p.__qualname__}"


def sandboxed_preprocessors(preprocessors) -> list:
    """The list with nbgrader's Execute replaced by SandboxedExecute (added if missing)."""
    plain = {_name(Execute), "nbgrader.preprocessors.Execute"}
    out = [SandboxedExecute if _name(p) in plain else p for p in preprocessors]
    if SandboxedExecute not in out and _name(SandboxedExecute) not in map(_name, out):
        out.insert(0, SandboxedExecute)
    return out


def configure(c) -> None:
    """Sandbox autograding and scrub feedback in the nbgrader config object ``c``."""
    current = c.Autograde.get("autograde_preprocessors") or Autograde.autograde_preprocessors.default_value
    c.Autograde.autograde_preprocessors = sandboxed_preprocessors(current)
    feedback = c.GenerateFeedback.get("preprocessors") or GenerateFeedback.preprocessors.default_value
    if _name(ScrubFeedback) not in map(_name, feedback):
        c.GenerateFeedback.preprocessors = [*feedback, ScrubFeedback]


def is_sandboxed(autograde_preprocessors) -> bool:
    """True when grading will run student code only through SandboxedExecute."""
    names = [_name(p) for p in autograde_preprocessors]
    return _name(SandboxedExecute) in names and not ({_name(Execute), "nbgrader.preprocessors.Execute"} & set(names))
