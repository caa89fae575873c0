"""The kernel manager every grading kernel is started by (pluggable for sandboxes).

``GradingKernelManager`` wraps the kernel's command line in two layers:
``command_prefix`` (empty by default; a sandbox such as bubblewrap goes here,
set from ``nbgrader_config.py``) and the resource-limit launcher in
:mod:`course_kit.course.limits` (memory cap). Subclass it, or set
``c.ResilientExecute.grading_kernel_manager``, to launch kernels differently.
"""

from __future__ import annotations

import sys

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, List, Unicode


class GradingKernelManager(AsyncKernelManager):
    memory_limit_mb = Integer(4096, help="memory cap of the kernel in MiB: RLIMIT_DATA, what it "
                              "can really allocate, not its address space (0: none)"
                              ).tag(config=True)
    cpu_limit_seconds = Integer(0, help="CPU-time cap of the kernel in seconds (0: none)"
                                ).tag(config=True)
    command_prefix = List(Unicode(), help="argv put in front of the (limited) kernel command, "
                          "e.g. a sandbox launcher").tag(config=True)

    def limited_command(self, cmd: list[str]) -> list[str]:
        """``cmd`` run through the limits launcher and then ``command_prefix``."""
        limits = [sys.executable, "-m", "course_kit.course.limits",
                  "--memory-mb", str(self.memory_limit_mb),
                  "--cpu-seconds", str(self.cpu_limit_seconds), "--"]
        return [*self.command_prefix, *limits, *cmd]

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        return self.limited_command(super().format_kernel_cmd(extra_arguments))
