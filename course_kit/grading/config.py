"""One call in nbgrader_config.py puts every autograde run in the sandbox.

``nbgrader autograde``, the formgrader and ``course-kit autograde`` all build
nbgrader's Autograde converter from nbgrader_config.py, so configuring its
execute step here covers all three: nbgrader's plain ``Execute`` becomes the
kit's one executor (:class:`~course_kit.grading.execute.ResilientExecute`, alias
``SandboxedExecute``), and every executor with a ``grading_kernel_manager``
trait gets :class:`SandboxKernelManager`. :class:`ScrubFeedback` becomes the
first step of GenerateFeedback.
"""

from __future__ import annotations

from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import Execute
from traitlets.utils.importstring import import_item

from .execute import SandboxedExecute
from .feedback import ScrubFeedback
from .kernel import GradingKernelManager, SandboxKernelManager

KERNEL_MANAGER_TRAIT = "grading_kernel_manager"   # course_kit.grading.execute.ResilientExecute's hook


def _cls(p):
    return import_item(p) if isinstance(p, str) else p


def sandboxed_preprocessors(preprocessors) -> list:
    """The list with nbgrader's plain Execute replaced by SandboxedExecute.

    An Execute subclass is accepted when it is SandboxedExecute or exposes a
    ``grading_kernel_manager`` trait (set by :func:`configure`); any other
    executing preprocessor would run student code outside the sandbox, so it
    is refused.
    """
    out = []
    for p in preprocessors:
        cls = _cls(p)
        if cls is Execute:
            cls = SandboxedExecute
        elif isinstance(cls, type) and issubclass(cls, Execute) and not (
                issubclass(cls, SandboxedExecute) or cls.class_traits().get(KERNEL_MANAGER_TRAIT)):
            raise ValueError(f"autograde_preprocessors: {cls.__module__}.{cls.__qualname__} executes "
                             "notebooks but has no way to use the sandbox's kernel manager; expected "
                             f"nbgrader's Execute or a class with a `{KERNEL_MANAGER_TRAIT}` trait")
        out.append(cls)
    if not any(isinstance(p, type) and issubclass(p, Execute) for p in out):
        out.insert(0, SandboxedExecute)
    return out


def configure(c) -> None:
    """Sandbox autograding and scrub feedback in the nbgrader config object ``c``."""
    current = c.Autograde.get("autograde_preprocessors") or Autograde().autograde_preprocessors
    c.Autograde.autograde_preprocessors = sandboxed_preprocessors(current)
    for p in c.Autograde.autograde_preprocessors:
        if p.class_traits().get(KERNEL_MANAGER_TRAIT):
            c[p.__name__][KERNEL_MANAGER_TRAIT] = SandboxKernelManager
    feedback = [_cls(p) for p in (c.GenerateFeedback.get("preprocessors") or GenerateFeedback().preprocessors)]
    # first, once: later steps may strip the hidden blocks it reads
    c.GenerateFeedback.preprocessors = [ScrubFeedback, *[p for p in feedback if p is not ScrubFeedback]]


def kernel_managers(config) -> list[type]:
    """The kernel manager each executing autograde preprocessor will use under ``config``."""
    found = []
    for p in Autograde(config=config).autograde_preprocessors:
        cls = _cls(p)
        if isinstance(cls, type) and issubclass(cls, Execute):
            pre = cls(config=config)
            found.append(getattr(pre, KERNEL_MANAGER_TRAIT, None) or pre.kernel_manager_class)
    return found


def is_sandboxed(config) -> bool:
    """True when every notebook execution in autograde goes through a sandboxed kernel manager."""
    managers = kernel_managers(config)
    return bool(managers) and all(isinstance(m, type) and issubclass(m, GradingKernelManager)
                                  and m.use_sandbox for m in managers)
