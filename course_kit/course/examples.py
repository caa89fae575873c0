"""Example submissions built from a course's released notebook: the reference and typical mistakes.

Each starts from ``release/<assignment>/<assignment>.ipynb`` (what students get) and
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

from ..grading.markers import without_solution_markers
from .settings import default_course_root

TESTS = ("test_linear_init", "test_linear_forward", "test_lstmcell_init", "test_lstmcell_forward",
         "test_lstm_init", "test_lstm_initweight", "test_lstm_inithidden", "test_lstm_forward")
ALL = frozenset(TESTS)


def _nb(path: Path):
    return nbformat.read(path, as_version=4)


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def reference_solutions(assignment: str = "mocogan", course: Path | None = None) -> dict[str, str]:
    """grade_id -> source of every solution cell of the source notebook.

    The nbgrader markers are dropped: a student's notebook has their code,
    never the markers, and graders look for the markers to detect leaks.
    """
    nb = _nb(Path(course or default_course_root()) / "source" / assignment / f"{assignment}.ipynb")
    return {_grade_id(c): without_solution_markers(c.source) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise AssertionError(f"corpus edit does not match the notebook any more: {old!r}")
    return text.replace(old, new)


class Builder:
    """Start from the release; paste solutions, edit cells, add or delete cells.

    ``course`` is the course directory whose release/ and source/ are used
    (default: the one around the working directory, else this checkout).
    """

    def __init__(self, assignment: str = "mocogan", course: Path | None = None):
        self.assignment, self.course = assignment, Path(course or default_course_root())
        self.nb = _nb(self.course / "release" / assignment / f"{assignment}.ipynb")

    def cell(self, grade_id: str):
        for c in self.nb.cells:
            if _grade_id(c) == grade_id:
                return c
        raise AssertionError(f"no cell {grade_id} in the release")

    def solve(self, *grade_ids: str) -> "Builder":
        solutions = reference_solutions(self.assignment, self.course)
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


# --- the MoCoGAN submissions (each takes the course directory, default as Builder's) ----------

def reference(course=None):
    return Builder("mocogan", course).solve()


def blank(course=None):
    return Builder("mocogan", course)


def transposed_weight(course=None):
    return (Builder("mocogan", course).solve()
            .edit("MyLinear", "torch.empty(output_size, input_size)", "torch.empty(input_size, output_size)")
            .edit("MyLinear", "return inputs @ self.weight.T + self.bias", "return inputs @ self.weight + self.bias"))


def wrong_gate_order(course=None):
    return Builder("mocogan", course).solve().edit("MyLSTMCell", "i, f, g, o = gates.chunk(4, dim=1)",
                                                   "i, f, o, g = gates.chunk(4, dim=1)")


def forget_bias_one_vector(course=None):
    return Builder("mocogan", course).solve().edit(
        "LSTM", "for bias in (self.lstm.bias_ih, self.lstm.bias_hh):",
        "self.lstm.bias_hh.zero_()\n            for bias in (self.lstm.bias_ih,):")


def separate_h_c(course=None):
    return (Builder("mocogan", course).solve()
            .edit("MyLSTMCell", "def forward(self, x, hx):", "def forward(self, x, h, c):")
            .edit("MyLSTMCell", "        h, c = hx\n", "")
            .edit("LSTM", "self.lstm(inputs, (self.h, self.c))", "self.lstm(inputs, self.h, self.c)"))


def hidden_not_reset(course=None):
    return Builder("mocogan", course).solve().edit(
        "LSTM", "        weight = self.lstm.weight_hh\n",
        "        if self.h is not None:\n            return\n        weight = self.lstm.weight_hh\n")


def sigmoid_on_g(course=None):
    """The candidate g squashed by sigmoid instead of tanh."""
    return Builder("mocogan", course).solve().edit("MyLSTMCell", "torch.sigmoid(i) * torch.tanh(g)",
                                                   "torch.sigmoid(i) * torch.sigmoid(g)")


def missing_bias_hh(course=None):
    return Builder("mocogan", course).solve().edit(
        "MyLSTMCell", "h @ self.weight_hh.T + self.bias_hh", "h @ self.weight_hh.T")


def no_tanh_on_c(course=None):
    return Builder("mocogan", course).solve().edit(
        "MyLSTMCell", "h_out = torch.sigmoid(o) * torch.tanh(c_out)", "h_out = torch.sigmoid(o) * c_out")


def forward_resets_state(course=None):
    return Builder("mocogan", course).solve().edit(
        "LSTM", "        outputs = []\n        for _ in range(n_frames):",
        "        self.initHidden(inputs.shape[0])\n        outputs = []\n        for _ in range(n_frames):")


def batchnorm_all_frames(course=None):
    return Builder("mocogan", course).solve().edit(
        "LSTM", "            outputs.append(self.bn(self.linear(self.h)))\n        return torch.stack(outputs)",
        "            outputs.append(self.linear(self.h))\n"
        "        codes = torch.cat(outputs)\n"
        "        return self.bn(codes).reshape(n_frames, inputs.shape[0], -1)")


def no_xavier_no_writeback(course=None):
    """The issue's hole: no Xavier initialisation, and the state never written back."""
    return (Builder("mocogan", course).solve()
            .edit("LSTM", "                nn.init.xavier_uniform_(weight)", "                pass")
            .edit("LSTM", "        outputs = []\n        for _ in range(n_frames):\n"
                          "            self.h, self.c = self.lstm(inputs, (self.h, self.c))\n"
                          "            outputs.append(self.bn(self.linear(self.h)))",
                  "        outputs, h, c = [], self.h, self.c\n        for _ in range(n_frames):\n"
                  "            h, c = self.lstm(inputs, (h, c))\n"
                  "            outputs.append(self.bn(self.linear(h)))"))


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
    "sigmoidg": (sigmoid_on_g, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "nobhh": (missing_bias_hh, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "notanhc": (no_tanh_on_c, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "resetsstate": (forward_resets_state, ALL - {"test_lstm_forward"}),
    "bnallframes": (batchnorm_all_frames, ALL - {"test_lstm_forward"}),
    "noxavier": (no_xavier_no_writeback, ALL - {"test_lstm_initweight", "test_lstm_forward"}),
}

# --- the SVG submissions: the mistakes its tests name in their messages ------------------------

SVG_TESTS = ("test_reparameterize", "test_gaussian_lstm", "test_gaussian_kl", "test_kl_beta",
             "test_teacher_forcing_ratio", "test_training_loss", "test_psnr")
SVG_ALL = frozenset(SVG_TESTS)


def svg_std_as_exp_logvar(course=None):
    """exp(logvar) as the standard deviation instead of exp(logvar / 2)."""
    return Builder("svg", course).solve().edit(
        "reparameterize", "torch.exp(0.5 * logvar) * eps", "torch.exp(logvar) * eps")


def svg_averaged_kl(course=None):
    """The KL averaged over the latent dimension instead of summed."""
    return Builder("svg", course).solve().edit("gaussian_kl", "per_dim.sum(dim=-1)", "per_dim.mean(dim=-1)")


def svg_state_swapped(course=None):
    """The Gaussian LSTM returns its new state as (c, h)."""
    return Builder("svg", course).solve().edit("MyGaussianLSTM", "return z, mu, logvar, (h, c)",
                                               "return z, mu, logvar, (c, h)")


def svg_standard_normal_prior(course=None):
    """The loss's KL is taken against N(0, I) instead of the learned prior."""
    return Builder("svg", course).solve().edit(
        "training_loss", "gaussian_kl(mu_q, logvar_q, mu_p, logvar_p)",
        "gaussian_kl(mu_q, logvar_q, torch.zeros_like(mu_q), torch.zeros_like(logvar_q))")


def svg_feedback_not_detached(course=None):
    """Scheduled sampling feeds the model's own frame back without detaching it."""
    return Builder("svg", course).solve().edit("training_loss", "model.encoder(x_hat.detach())[0]",
                                               "model.encoder(x_hat)[0]")


# A wrong piece also fails the graded pieces built on it: MyGaussianLSTM samples with the student's
# reparameterize, and training_loss sums the student's gaussian_kl.
SVG_TYPICAL = {
    "reference": (lambda course=None: Builder("svg", course).solve(), SVG_ALL),
    "blank": (lambda course=None: Builder("svg", course), frozenset()),
    "expstd": (svg_std_as_exp_logvar, SVG_ALL - {"test_reparameterize", "test_gaussian_lstm"}),
    "meankl": (svg_averaged_kl, SVG_ALL - {"test_gaussian_kl", "test_training_loss"}),
    "swappedstate": (svg_state_swapped, SVG_ALL - {"test_gaussian_lstm"}),
    "normalprior": (svg_standard_normal_prior, SVG_ALL - {"test_training_loss"}),
    "undetached": (svg_feedback_not_detached, SVG_ALL - {"test_training_loss"}),
}

# assignment -> (its autograded tests, its example submissions)
EXAMPLES = {"mocogan": (TESTS, TYPICAL), "svg": (SVG_TESTS, SVG_TYPICAL)}


def write_examples(folder: Path, n: int, assignment: str = "mocogan",
                   course: Path | None = None) -> dict[str, frozenset]:
    """``n`` Canvas-named submissions cycling through the assignment's examples; login -> passing tests."""
    if assignment not in EXAMPLES:
        raise ValueError(f"write_examples: `assignment` must be one of {sorted(EXAMPLES)}, "
                         f"got {assignment!r}")
    typical = EXAMPLES[assignment][1]
    folder.mkdir(parents=True, exist_ok=True)
    names = list(typical)
    expected = {}
    for k in range(n):
        name = names[k % len(names)]
        login = f"{name}{k:03d}"
        typical[name][0](course).write(folder / canvas_name(login, k, f"{assignment}.ipynb"))
        expected[login] = typical[name][1]
    return expected


def wrong_grades(students, expected: dict[str, frozenset], tests) -> dict[str, str]:
    """login -> what differs, for graded students whose passing tests are not the expected ones.

    ``students`` are autograde StudentResults; a test passes when it scored above 0.
    """
    wrong = {}
    for r in students:
        passed = {t for t in tests if r.tests.get(t, (0.0, 0.0))[0] > 0}
        want = set(expected.get(r.student, ()))
        if r.student not in expected:
            wrong[r.student] = "not an example submission"
        elif r.status != "graded" or passed != want:
            wrong[r.student] = (f"status {r.status}, passed {sorted(passed)}, expected {sorted(want)}"
                                + (f" ({r.note})" if r.note else ""))
    graded = {r.student for r in students}
    wrong.update({login: "not graded at all" for login in expected if login not in graded})
    return wrong
