"""The assignments of the course, registered in one place (instructor side).

Each assignment is a unit: its folder here (``course_kit/assignments/<name>/``)
holds what only it knows, and its package defines ``ASSIGNMENT``, an
:class:`Assignment` record. Release, autograde, publish, the demo and the
command line read the records through this module, never a hard-coded name;
adding an assignment means its ``source/<name>/`` notebook, its folder here,
and one line in :data:`REGISTRY`.

Entries are imported lazily (by module path, as the command line's groups
are), so ``course-kit --help`` and a release of one assignment never load
another's reference code.

The student side never imports this package: what a released notebook
imports (``course_kit.checks``, ``course_kit.svg.lab``, ...) stays where it is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CourseKitError

# name -> the package whose ``ASSIGNMENT`` is its record (or the record itself, see ``register``).
REGISTRY: dict[str, "str | Assignment"] = {
    "mocogan": "course_kit.assignments.mocogan.record",
    "svg": "course_kit.assignments.svg.record",
}
DEFAULT = "mocogan"  # what `course-kit release` and ``release()`` take when given no assignment


class UnknownAssignment(CourseKitError, ValueError):
    """No assignment of that name is registered."""


@dataclass(frozen=True)
class Assignment:
    """What the course machinery needs to know about one assignment.

    - ``tests``: the autograded cells' grade ids, in notebook order;
    - ``examples``: example submissions, name -> (builder(course=None) -> a
      ``course_kit.course.examples.Builder``, the tests it must pass; every other
      test must score 0), cycled in this order by ``write_examples``;
    - ``demo_examples``: how many of them ``course-kit demo`` grades;
    - ``make_vectors``: seed -> the visible test vectors release writes beside the
      source notebook (``solutions.json``), or None if the notebook reads none;
    - ``hidden_checks``: the modules its hidden tests load afresh, by name;
    - ``reference_code``: instructor-only files (relative to ``course_kit/``) ->
      their graded definitions, which ``course-kit publish`` must never ship.
    """

    name: str
    tests: tuple[str, ...] = ()
    examples: Mapping[str, tuple[Callable, frozenset]] = field(default_factory=dict)
    demo_examples: int = 0
    make_vectors: Callable[[int], dict] | None = None
    hidden_checks: tuple[str, ...] = ()
    reference_code: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def source(self, root: Path) -> Path:
        """Its source folder in the course directory ``root``."""
        return Path(root) / "source" / self.name

    @property
    def all_tests(self) -> frozenset:
        return frozenset(self.tests)


def names() -> list[str]:
    """The registered assignments, in registration order."""
    return list(REGISTRY)


def get(name: str) -> Assignment:
    """The record of registered assignment ``name``; raises UnknownAssignment otherwise."""
    entry = REGISTRY.get(name)
    if entry is None:
        raise UnknownAssignment(f"assignment: `name` must be one of {names()}, got {name!r}")
    if isinstance(entry, str):
        entry = importlib.import_module(entry).ASSIGNMENT
        if entry.name != name:
            raise UnknownAssignment(f"assignment: {REGISTRY[name]} registers {entry.name!r} as {name!r}")
    return entry


def lookup(name: str) -> Assignment:
    """The record of ``name``, or a bare one (no examples, no vectors) for a course's own assignment
    that is not registered here: release and autograde work on any ``source/<name>`` folder."""
    return get(name) if name in REGISTRY else Assignment(name)


def register(assignment: Assignment) -> Assignment:
    """Add (or replace) an assignment's record at run time; returns it."""
    REGISTRY[assignment.name] = assignment
    return assignment


def reference_code() -> dict[str, tuple[str, ...]]:
    """Every registered assignment's instructor-only reference: file -> graded definitions."""
    code: dict[str, tuple[str, ...]] = {}
    for name in names():
        code.update(get(name).reference_code)
    return code


class _View(Mapping):
    """A live read-only mapping name -> something of each registered assignment's record."""

    def __init__(self, pick: Callable[[Assignment], object]):
        self._pick = pick

    def __getitem__(self, name: str):
        if name not in REGISTRY:
            raise KeyError(name)
        return self._pick(get(name))

    def __iter__(self) -> Iterator[str]:
        return iter(names())

    def __len__(self) -> int:
        return len(REGISTRY)


# assignment -> (its autograded tests, its example submissions)
EXAMPLES: Mapping[str, tuple] = _View(lambda a: (a.tests, a.examples))
# assignment -> how many example submissions the demo grades
DEMO_EXAMPLES: Mapping[str, int] = _View(lambda a: a.demo_examples)
