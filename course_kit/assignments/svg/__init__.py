"""The SVG assignment: stochastic video prediction with a learned prior, conditioned on actions.

Its student side stays where the released notebook finds it
(``course_kit.svg.lab``, ``course_kit.svg.model``, ``course_kit.svg.world``).
Its instructor side: the reference answers and hidden checks in
``course_kit.svg`` (the hidden tests load ``course_kit.svg.losses``,
``schedules``, ``metrics`` and ``hidden_checks`` by those names) and the
example submissions here (:mod:`.examples`).
"""

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
                   "course_kit.svg.hidden_checks"),
    reference_code={
        "svg/losses.py": ("reparameterize", "gaussian_kl"),
        "svg/schedules.py": ("kl_beta", "teacher_forcing_ratio"),
        "svg/metrics.py": ("psnr",),
        "svg/objective.py": ("training_loss",),
        "svg/hidden_checks.py": ("_variant",),
    },
)
