"""The grading corpus: every submission the autograder must survive, each with its exact grade.

The reference and typical mistakes come from :mod:`course_kit.course.examples`;
the hostile and broken ones are here. ``expected_scores(student)`` gives the
exact autograded score of every test (10 points each), ``expected_status``
the status the grades CSV must show.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from course_kit.course.examples import (ALL, TESTS, TYPICAL, Builder, canvas_name, reference,
                                        wrong_gate_order)


def infinite_loop():
    return Builder().solve().edit("LSTM", "        outputs = []\n        for _ in range(n_frames):",
                                  "        while True:\n            pass\n        outputs = []\n        for _ in range(n_frames):")


def os_exit():
    return Builder().solve().edit("MyLSTMCell", "        h, c = hx\n",
                                  "        import os\n        os._exit(3)\n        h, c = hx\n")


def segfault():
    return Builder().solve().edit("LSTM", "        weight = self.lstm.weight_hh\n",
                                  "        import ctypes\n        ctypes.string_at(0)\n"
                                  "        weight = self.lstm.weight_hh\n")


def memory_bomb():
    # Bounded: stops by itself at 6 GB; the kernel's memory cap (below that) stops it first.
    return Builder().solve().edit(
        "MyLinear", "        return inputs @ self.weight.T + self.bias",
        "        hoard = []\n        for _ in range(24):\n"
        "            hoard.append(torch.ones(64 * 1024 * 1024))  # 256 MB each, touched\n"
        "        return inputs @ self.weight.T + self.bias")


def deleted_tests():
    return Builder().solve().delete("test_linear_forward", "test_lstm_initweight", "test_lstm_inithidden")


def edited_tests():
    b = wrong_gate_order()
    b.cell("test_lstmcell_forward").source = 'print("MyLSTMCell.forward: all good")'
    b.cell("test_lstm_forward").source = 'pass'
    return b


def monkeypatch_checks():
    return Builder().add_after("load_tests", """
import course_kit.checks as ck
for name in dir(ck):
    if name.startswith(("check_", "hidden_check", "verify_", "_expect", "_hidden")):
        setattr(ck, name, lambda *args, **kwargs: "PASS")
ck.load_fresh = lambda: ck
""")


def monkeypatch_torch():
    # Wrong gate order, and torch patched so that the visible checks see no error at all.
    return wrong_gate_order().add_after("load_tests", """
import builtins, torch
class _Zero:
    def __call__(self, *a, **k): return torch.zeros(())
torch.Tensor.sum = lambda self, *a, **k: torch.zeros(())
torch.Tensor.__sub__ = lambda self, other: torch.zeros_like(self)
torch.allclose = lambda *a, **k: True
builtins.abs = lambda x: 0.0
""")


def imports_reference():
    b = Builder()
    for gid, cls in (("MyLinear", "MyLinear"), ("MyLSTMCell", "MyLSTMCell"), ("LSTM", "LSTM")):
        b.cell(gid).source = f"from course_kit.instructor.layers import {cls}"
    return b


def warnings_on_stderr():
    return (Builder().solve()
            .edit("MyLSTMCell", "        self.input_size = input_size\n",
                  "        import warnings\n        warnings.warn('MyLSTMCell: a harmless warning')\n"
                  "        self.input_size = input_size\n")
            .edit("MyLinear", "        return inputs @ self.weight.T + self.bias",
                  "        import sys\n        print('UserWarning: printed to stderr in forward', file=sys.stderr)\n"
                  "        return inputs @ self.weight.T + self.bias")
            .add_after("MyLinear", "import sys, warnings\n"
                       "warnings.warn('a UserWarning from a student cell', DeprecationWarning)\n"
                       "print('UserWarning: printed by hand', file=sys.stderr)"))


def output_flood():
    # Gigabytes, bounded: 2000 x 1 MB lines; the per-cell timeout and output cap stop it first.
    return Builder().solve().add_after("MyLinear", "for _ in range(2000):\n    print('x' * 1_000_000)")


def memory_hog():
    # Fills the kernel's memory cap and keeps it: the MemoryError leaves a live kernel that can
    # no longer import anything (what a flood does when ipykernel buffers it on a busy machine).
    return Builder().solve().add_after("MyLinear", "hog = []\nwhile True:\n"
                                       "    hog.append(bytearray(2**20))")


SUBMISSIONS = {
    **TYPICAL,
    "infiniteloop": (infinite_loop, ALL - {"test_lstm_forward"}),
    "osexit": (os_exit, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "segfault": (segfault, ALL - {"test_lstm_inithidden"}),
    "memorybomb": (memory_bomb, ALL - {"test_linear_forward", "test_lstm_forward"}),
    "deletedtests": (deleted_tests, ALL),
    "editedtests": (edited_tests, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "patchchecks": (monkeypatch_checks, set()),
    "patchtorch": (monkeypatch_torch, set()),
    "importsref": (imports_reference, set()),
    "warnings": (warnings_on_stderr, ALL),
    "flood": (output_flood, ALL),
    "memoryhog": (memory_hog, ALL),
}
# Not notebooks, or not where they should be: graded 0 with a status saying why.
BROKEN = {"invalidjson": "invalid", "missing": "missing"}
MISNAMED = "misnamed"   # the reference, uploaded as "MoCoGAN final (1).ipynb": full marks


def expected_scores(student: str) -> dict[str, float]:
    passing = SUBMISSIONS[student][1] if student in SUBMISSIONS else (
        ALL if student == MISNAMED else set())
    return {t: (10.0 if t in passing else 0.0) for t in TESTS}


def expected_status(student: str) -> str:
    return BROKEN.get(student, "graded")


def write_corpus(folder: Path, names: list[str] | None = None) -> Path:
    """The corpus as an LMS download folder: Canvas-named files, plus one student folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(names or SUBMISSIONS):
        SUBMISSIONS[name][0]().write(folder / canvas_name(name, k))
    if names is None:
        (folder / canvas_name("invalidjson", 90)).write_text('{"cells": [{"cell_type": "code", ')
        (folder / "missing").mkdir(exist_ok=True)
        (folder / "missing" / "notes.txt").write_text("I forgot to attach my notebook\n")
        reference().write(folder / canvas_name(MISNAMED, 91, "MoCoGAN final (1).ipynb"))
    return folder


def write_zip(folder: Path, zip_path: Path) -> Path:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return zip_path


if __name__ == "__main__":
    import sys
    out = write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus"))
    print(json.dumps({s: expected_scores(s) for s in [*SUBMISSIONS, *BROKEN, MISNAMED]}, indent=1))
    print(f"wrote {out}")
