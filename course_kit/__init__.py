"""course_kit: a course kit that teaches video generation with MoCoGAN.

This is the student side (what a released notebook imports: models,
samplers, widgets, the visible checks in :mod:`course_kit.checks`); the
reference solutions, hidden checks and test-vector maker live on the
instructor side, :mod:`course_kit.assignments.mocogan`, which students never receive.
"""

__version__ = "0.1.0"


def load_pretrained(name: str, device=None):
    """A model shipped with the kit, by name: see ``course_kit.pretrained.available()``."""
    from .pretrained import load_pretrained as _load
    return _load(name, device=device)
