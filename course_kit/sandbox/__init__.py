"""Sandboxed autograding: each submission's kernel runs in bubblewrap.

No view of solutions, the gradebook, other students or the network, and
capped memory, CPU time, processes and output. Plug it into nbgrader with
:func:`configure` in ``nbgrader_config.py``; see the README's "Sandboxed
grading" section.
"""

from .settings import Sandbox
from .support import INSTALL_HINT, SandboxUnavailable, detect, require

__all__ = ["Sandbox", "SandboxUnavailable", "INSTALL_HINT", "detect", "require"]
