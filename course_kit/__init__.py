"""course_kit: a course kit that teaches video generation with MoCoGAN.

The reference layers students re-implement live in :mod:`course_kit.layers`;
test vectors in :mod:`course_kit.vectors`; the graded checks in
:mod:`course_kit.checks`.
"""

__version__ = "0.1.0"


def load_pretrained(name: str, device=None):
    """A model shipped with the kit, by name: see ``course_kit.pretrained.available()``."""
    from .pretrained import load_pretrained as _load
    return _load(name, device=device)
