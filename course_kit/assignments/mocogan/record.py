"""The mocogan assignment's registry record (see :mod:`course_kit.assignments`)."""


from __future__ import annotations

from .vectors import make_vectors
from .. import Assignment
from . import examples

ASSIGNMENT = Assignment(
    name=examples.NAME,
    tests=examples.TESTS,
    examples=examples.TYPICAL,
    demo_examples=4,
    make_vectors=make_vectors,
    hidden_checks=("course_kit.assignments.mocogan.hidden_checks",),
    reference_code={
        "assignments/mocogan/layers.py": ("MyLinear", "MyLSTMCell", "LSTM"),
        "assignments/mocogan/hidden_checks.py": ("_py_affine", "_py_sigmoid", "_py_lstmcell", "_py_batchnorm_train"),
    },
)
