"""nbgrader's Execute preprocessor, with every kernel sandboxed and notebook output capped.

The output cap lives here, in the grader's process, because anything inside
the kernel is the student's to undo. Errors and stderr are never dropped:
nbgrader scores a test cell by them, so losing one would turn a failure into
points.
"""

from __future__ import annotations

import json

from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Type

from .kernel import SandboxKernelManager
from .settings import Sandbox

NOTICE = "[course-kit sandbox: output over {mb:g} MiB per notebook dropped]\n"


def payload_bytes(msg: dict) -> int:
    """Roughly how many bytes an output message adds to the notebook."""
    content = msg.get("content", {})
    if msg.get("msg_type") == "stream":
        return len(content.get("text", ""))
    return len(json.dumps(content.get("data", content), default=str))


class SandboxedExecute(Execute):
    """Execute with :class:`SandboxKernelManager` and a per-notebook output budget."""

    kernel_manager_class = Type(SandboxKernelManager, config=True,
                                help="Kernel manager that wraps each kernel in the sandbox.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)
        self.sandbox = Sandbox(parent=self)
        self._output_bytes = 0

    def preprocess(self, nb, resources=None, km=None):
        self._output_bytes = 0
        return super().preprocess(nb, resources, km=km)

    def output(self, outs, msg, display_id, cell_index):
        budget = int(self.sandbox.max_output_mb * 1024 * 1024)
        size = payload_bytes(msg)
        if msg["msg_type"] == "error" or self._output_bytes + size <= budget:
            self._output_bytes += size
            return super().output(outs, msg, display_id, cell_index)
        name = msg["content"].get("name", "stdout") if msg["msg_type"] == "stream" else "stdout"
        notice = NOTICE.format(mb=self.sandbox.max_output_mb)
        last = outs[-1] if outs else None
        if not (last and last.get("output_type") == "stream" and last.get("name") == name
                and last.get("text") == notice):
            outs.append(new_output("stream", name=name, text=notice))
        return None
