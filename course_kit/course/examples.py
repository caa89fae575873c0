"""Example submissions built from a course's released notebook: the reference and typical mistakes.

Each starts from ``release/mocogan/mocogan.ipynb`` (what students get) and
changes it the way a student would: the reference solution cells pasted in,
or one of the MP's typical mistakes. Edits are exact string replacements that
must match, so when the source notebook changes these fail loudly instead of
silently producing something else. Used by the grading benchmark, the demo
and the test corpus (``tests/submissions/``, which adds hostile ones).
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from .settings import find_course_root

TESTS = ("test_linear_init", "test_linear_forward", "test_lstmcell_init", "test_lstmcell_forward",
         "test_lstm_init", "test_lstm_initweight", "test_lstm_inithidden", "test_lstm_forward")
ALL = frozenset(TESTS)


def _root() -> Path:
    """The course from the working directory, else the checkout this package lives in."""
    try:
        return find_course_root()
    except FileNotFoundError:
        return find_course_root(Path(__file__).resolve().parents[2])


def _nb(path: Path):
    return nbformat.read(path, as_version=4)


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def reference_solutions() -> dict[str, str]:
    """grade_id -> source of every solution cell of the source notebook.

    The nbgrader markers are dropped: a student's notebook has their code,
    never the markers, and graders look for the markers to detect leaks.
    """
    nb = _nb(_root() / "source" / "mocogan" / "mocogan.ipynb")
    return {_grade_id(c): _without_markers(c.source) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _without_markers(source: str) -> str:
    return "\n".join(line for line in source.split("\n") if line.strip() not in SOLUTION_MARKERS)


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise AssertionError(f"corpus edit does not match the notebook any more: {old!r}")
    return text.replace(old, new)


class Builder:
    """Start from the release; paste solutions, edit cells, add or delete cells."""

    def __init__(self):
        self.nb = _nb(_root() / "release" / "mocogan" / "mocogan.ipynb")

    def cell(self, grade_id: str):
        for c in self.nb.cells:
            if _grade_id(c) == grade_id:
                return c
        raise AssertionError(f"no cell {grade_id} in the release")

    def solve(self, *grade_ids: str) -> "Builder":
        solutions = reference_solutions()
        for gid in grade_ids or [g for g in solutions if not g.startswith("answer_")]:
            self.cell(gid).source = solutions[gid]
        return self

    def edit(self, grade_id: str, old: str, new: str) -> "Builder":
        c = self.cell(grade_id)
        c.source = _replace(c.source, old, new)
        return self

    def add_after(self, grade_id: str, source: str) -> "Builder":
        index = self.nb.cells.index(self.cell(grade_id))
        self.nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
        return self

    def delete(self, *grade_ids: str) -> "Builder":
        self.nb.cells = [c for c in self.nb.cells if _grade_id(c) not in grade_ids]
        return self

    def write(self, path: Path) -> Path:
        nb = copy.deepcopy(self.nb)
        for c in nb.cells:
            c.pop("id", None)
        nb.nbformat_minor = 4
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        return path


def canvas_name(login: str, k: int, filename: str = "mocogan.ipynb") -> str:
    return f"{login}_{1000 + k}_{50000 + k}_{filename}"


# --- the submissions ---------------------------------------------------------------

def reference():
    return Builder().solve()


def blank():
    return Builder()


def transposed_weight():
    return (Builder().solve()
            .edit("MyLinear", "torch.empty(output_size, input_size)", "torch.empty(input_size, output_size)")
            .edit("MyLinear", "return inputs @ self.weight.T + self.bias", "return inputs @ self.weight + self.bias"))


def wrong_gate_order():
    return Builder().solve().edit("MyLSTMCell", "i, f, g, o = gates.chunk(4, dim=1)",
                                  "i, f, o, g = gates.chunk(4, dim=1)")


def forget_bias_one_vector():
    return Builder().solve().edit("LSTM", "for bias in (self.lstm.bias_ih, self.lstm.bias_hh):",
                                  "self.lstm.bias_hh.zero_()\n            for bias in (self.lstm.bias_ih,):")


def separate_h_c():
    return (Builder().solve()
            .edit("MyLSTMCell", "def forward(self, x, hx):", "def forward(self, x, h, c):")
            .edit("MyLSTMCell", "        h, c = hx\n", "")
            .edit("LSTM", "self.lstm(inputs, (self.h, self.c))", "self.lstm(inputs, self.h, self.c)"))


def hidden_not_reset():
    return Builder().solve().edit(
        "LSTM", "        weight = self.lstm.weight_hh\n",
        "        if self.h is not None:\n            return\n        weight = self.lstm.weight_hh\n")



# name -> (builder, tests that must pass); every other test must score 0.
TYPICAL = {
    "reference": (reference, ALL),
    "blank": (blank, frozenset()),
    "transposed": (transposed_weight, ALL - {"test_linear_init", "test_linear_forward",
                                             "test_lstm_init", "test_lstm_forward"}),
    "gateorder": (wrong_gate_order, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "forgetbias": (forget_bias_one_vector, ALL - {"test_lstm_initweight"}),
    "separatehc": (separate_h_c, ALL - {"test_lstmcell_forward"}),
    "notreset": (hidden_not_reset, ALL - {"test_lstm_inithidden"}),
}


def write_examples(folder: Path, n: int) -> dict[str, frozenset]:
    """``n`` Canvas-named submissions cycling through TYPICAL; returns login -> passing tests."""
    folder.mkdir(parents=True, exist_ok=True)
    names = list(TYPICAL)
    expected = {}
    for k in range(n):
        name = names[k % len(names)]
        login = f"{name}{k:03d}"
        TYPICAL[name][0]().write(folder / canvas_name(login, k))
        expected[login] = TYPICAL[name][1]
    return expected
