"""Grading, in one package: how nbgrader runs and scores a submission, and what it may touch.

- :mod:`.execute`: the one execute preprocessor (``ResilientExecute``): survives dead and
  stuck kernels, caps output per cell and per notebook, stops on a broken set-up;
- :mod:`.kernel`: the one kernel manager (``GradingKernelManager``; ``SandboxKernelManager``
  runs it in bubblewrap, :mod:`.bwrap` builds that command line, :mod:`.support` finds bwrap);
- :mod:`.limits`: every cap, one traitlets section ``c.Sandbox.*`` (:mod:`.rlimits` applies
  memory and CPU caps outside bubblewrap);
- :mod:`.feedback`: the one feedback filter (``ScrubFeedback``);
- :mod:`.markers`: nbgrader's markers and the rule for a leaked line;
- :mod:`.scoring`, :mod:`.preflight`, :mod:`.setup_error`: a test's score, and the set-up
  check that stops a broken configuration before any student gets a zero;
- :mod:`.config`: ``configure(c)``, the call in ``nbgrader_config.py`` that wires it into
  nbgrader; :mod:`.sandbox_check` is ``course-kit sandbox``; :mod:`.demo_course` a tiny course.

No view of solutions, the gradebook, other students or the network, and
capped memory, CPU time, processes and output; see the README's "Sandboxed
grading" section.
"""

from .limits import Sandbox
from .support import INSTALL_HINT, SandboxUnavailable, detect, require

__all__ = ["Sandbox", "SandboxUnavailable", "INSTALL_HINT", "detect", "require"]
