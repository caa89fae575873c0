"""What nbval compares holds nothing that depends on the machine: no versions, builds, paths, CPUs.

nbval re-executes every committed notebook and compares its text outputs.
An output that prints ``torch.__version__`` ("2.13.0+cpu") fails on any other
torch build, a path fails in any other checkout, a CPU name on any other
machine; so none may be committed.
"""

from __future__ import annotations

import platform
import re
import socket
import sys
from pathlib import Path

import nbformat
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("source/*/*.ipynb"),
                    *ROOT.glob("release/*/*.ipynb")])


def _cpu_names() -> list[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    return sorted({line.split(":", 1)[1].strip() for line in text.splitlines()
                   if line.startswith("model name") and ":" in line})


def machine_patterns() -> dict[str, re.Pattern]:
    """What would give a machine away, as regexes: this machine's facts and their general shapes."""
    exact = {"torch version": torch.__version__, "python version": platform.python_version(),
             "repository path": str(ROOT), "interpreter path": sys.prefix}
    exact.update({f"cpu name {k}": name for k, name in enumerate(_cpu_names())})
    host = socket.gethostname()
    if len(host) >= 6:
        exact["host name"] = host
    patterns = {what: re.compile(re.escape(value)) for what, value in exact.items() if value}
    patterns.update({
        "a printed package version": re.compile(
            r"\b(torch|pytorch|python|numpy|course_kit|cuda|cudnn)[ :=v]+\d+\.\d+", re.I),
        "a build tag": re.compile(r"\d\+(cpu|cu\d{2,3}|rocm[\d.]+)\b"),
        "an absolute path": re.compile(r"(?<![\w.:/])/(?:work|root|home|tmp|usr|opt|content|Users)/"),
        "site-packages": re.compile(r"site-packages|dist-packages"),
    })
    return patterns


def compared_text(output) -> str:
    """The parts of an output nbval compares (streams, text and HTML, errors)."""
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return f"{output.get('ename')}: {output.get('evalue')}"
    data = output.get("data", {})
    return "\n".join(v if isinstance(v, str) else "".join(v)
                     for k, v in data.items() if k.startswith("text/") or k == "application/json")


def findings(nb) -> list[str]:
    patterns = machine_patterns()
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = compared_text(output)
            for what, pattern in patterns.items():
                m = pattern.search(text)
                if m:
                    found.append(f"cell {index}: {what}: ...{text[max(0, m.start() - 40):m.end() + 20]!r}...")
    return found


def test_the_check_sees_what_it_must():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(torch.__version__)")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                  text=f"torch {torch.__version__}\n")]
    assert findings(nb)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                  text="loaded from /root/x/y.safetensors\n")]
    assert findings(nb)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                  text="computing on cpu; 8 test values loaded\n")]
    assert findings(nb) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_outputs_are_machine_independent(path):
    found = findings(nbformat.read(path, as_version=4))
    assert not found, (f"{path.relative_to(ROOT)} has machine-dependent text in outputs nbval "
                       "compares (print it without versions or paths, then re-execute):\n  "
                       + "\n  ".join(found))
