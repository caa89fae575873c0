"""The hidden checks, now on the instructor side, still refuse patched checks and borrowed classes."""

import nbformat
import pytest

from course_kit import checks
from course_kit.assignments.mocogan import hidden_checks, layers

from test_assignment import SOURCE, solution_namespace

ANSWERS = solution_namespace(nbformat.read(SOURCE, as_version=4))  # the model answers, as a notebook defines them


def test_the_reference_passes_every_hidden_check_from_a_fresh_copy():
    fresh = hidden_checks.load_fresh()
    assert fresh is not hidden_checks
    for name in fresh.HIDDEN_CHECKS:
        fresh.hidden_check(name, 4821, MyLinear=ANSWERS["MyLinear"], MyLSTMCell=ANSWERS["MyLSTMCell"],
                           LSTM=ANSWERS["LSTM"])


def test_a_patched_public_check_is_caught(monkeypatch):
    monkeypatch.setattr(checks, "check_linear_init", lambda *a, **k: "PASS")
    with pytest.raises(AssertionError, match=r"grading integrity: `course_kit.checks.check_linear_init` was replaced"):
        hidden_checks.load_fresh().hidden_check("linear_init", 4821, MyLinear=ANSWERS["MyLinear"])


def test_a_patched_hidden_check_module_is_caught(monkeypatch):
    monkeypatch.setattr(hidden_checks, "_py_affine", lambda *a, **k: [[0.0]])
    with pytest.raises(AssertionError, match=r"`course_kit.assignments.mocogan.hidden_checks._py_affine` was replaced"):
        hidden_checks.load_fresh().hidden_check("linear_forward", 4821, MyLinear=ANSWERS["MyLinear"])


def test_the_kits_classes_are_refused():
    with pytest.raises(AssertionError, match=r"must be your own implementation .* course_kit.assignments.mocogan.layers"):
        hidden_checks.load_fresh().hidden_check("linear_init", 4821, MyLinear=layers.MyLinear)
