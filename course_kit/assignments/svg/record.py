"""The svg assignment's registry record (see :mod:`course_kit.assignments`)."""


from __future__ import annotations

from .. import Assignment
from . import examples

ASSIGNMENT = Assignment(
    name=examples.NAME,
    tests=examples.TESTS,
    examples=examples.TYPICAL,
    demo_examples=3,
    make_vectors=None,  # its tests hold their expected values; no solutions.json
    hidden_checks=("course_kit.svg.losses", "course_kit.svg.schedules", "course_kit.svg.metrics",
                   "course_kit.assignments.svg.hidden_checks"),
    reference_code={
        "svg/losses.py": ("reparameterize", "gaussian_kl"),
        "svg/schedules.py": ("kl_beta", "teacher_forcing_ratio"),
        "svg/metrics.py": ("psnr",),
        "svg/objective.py": ("training_loss",),
        "assignments/svg/hidden_checks.py": ("_variant",),
    },
)
