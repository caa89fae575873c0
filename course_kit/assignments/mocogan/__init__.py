"""The MoCoGAN assignment: students write MyLinear, MyLSTMCell and the LSTM motion network.

Its student side (what the released notebook imports) stays where notebooks
find it: ``course_kit.checks`` (visible checks), ``course_kit.vectors``,
``course_kit.payoff``, ``course_kit.forget_bias``. Its instructor side:
``course_kit.instructor`` (reference layers, hidden checks, mistakes, vectors,
gate plots; the hidden tests load ``course_kit.instructor.hidden_checks`` by
that name) and the example submissions here (:mod:`.examples`).
"""

from __future__ import annotations

from ...instructor.vectors import make_vectors
from .. import Assignment
from . import examples

ASSIGNMENT = Assignment(
    name=examples.NAME,
    tests=examples.TESTS,
    examples=examples.TYPICAL,
    demo_examples=4,
    make_vectors=make_vectors,
    hidden_checks=("course_kit.instructor.hidden_checks",),
    reference_code={
        "instructor/layers.py": ("MyLinear", "MyLSTMCell", "LSTM"),
        "instructor/hidden_checks.py": ("_py_affine", "_py_sigmoid", "_py_lstmcell", "_py_batchnorm_train"),
    },
)
