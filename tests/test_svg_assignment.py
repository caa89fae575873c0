"""The SVG assignment (source/svg): one source of truth with course_kit.svg, tests that grade, a clean release."""

import contextlib
import io
import math
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

import course_kit
from course_kit.course import release as rel
from course_kit.course.settings import load_settings
from course_kit.assignments.svg import hidden_checks
from course_kit.svg import losses, metrics, objective, schedules

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "svg" / "svg.ipynb"
RELEASED = ROOT / "release" / "svg" / "svg.ipynb"
FUNCTIONS = {"reparameterize": losses.reparameterize, "gaussian_kl": losses.gaussian_kl,
             "kl_beta": schedules.kl_beta, "teacher_forcing_ratio": schedules.teacher_forcing_ratio,
             "psnr": metrics.psnr}
TESTS = {"test_reparameterize": 10, "test_gaussian_lstm": 20, "test_gaussian_kl": 10, "test_kl_beta": 20,
         "test_teacher_forcing_ratio": 10, "test_training_loss": 30, "test_psnr": 10}
# The graded pieces that plug into the kit's SVG (their references: the solution cells, objective.py).
PIECES = ("MyGaussianLSTM", "training_loss")


def _cells(nb, **flags):
    return [c for c in nb.cells
            if all(c.metadata.get("nbgrader", {}).get(k) == v for k, v in flags.items())]


def _test_cells(nb):
    return {c.metadata.nbgrader.grade_id: c.source for c in _cells(nb, grade=True) if c.cell_type == "code"}


@pytest.fixture(scope="module")
def source():
    return nbformat.read(SOURCE, as_version=4)


def _base_ns() -> dict:
    return {"torch": torch, "np": np, "math": math, "__name__": "__main__"}


def solution_namespace(nb) -> dict:
    """Run the notebook's solution cells (the model answers) as a student's kernel would."""
    ns = _base_ns()
    for cell in _cells(nb, solution=True):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"<{cell.metadata.nbgrader.grade_id}>", "exec"), ns)
    return ns


def run_test_cell(source_text: str, ns: dict) -> str:
    """Run one graded test cell in ``ns``; returns what it printed (raises what it raises)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source_text, "<test cell>", "exec"), ns)
    return out.getvalue()


# --- structure ------------------------------------------------------------------------------------

def test_one_graded_test_cell_per_function_with_points(source):
    graded = [c for c in _cells(source, grade=True) if c.cell_type == "code"]
    assert {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points for c in graded} == TESTS
    for cell in graded:
        assert cell.metadata.nbgrader.locked
        assert cell.source.count("### BEGIN HIDDEN TESTS") == 1 and "### END HIDDEN TESTS" in cell.source
    solutions = [c.metadata.nbgrader.grade_id for c in _cells(source, solution=True) if c.cell_type == "code"]
    assert solutions == ["reparameterize", "MyGaussianLSTM", "gaussian_kl", "kl_beta", "teacher_forcing_ratio",
                         "training_loss", "psnr"]
    written = [c for c in _cells(source, grade=True, solution=True) if c.cell_type == "markdown"]
    assert [c.metadata.nbgrader.grade_id for c in written] == ["answer_learned_prior"]
    question = source.cells[source.cells.index(written[0]) - 1].source
    assert written[0].metadata.nbgrader.points == 10 and "learned prior" in question and r"\mathcal{N}(0, I)" in question


def test_install_cell_and_badge_come_from_the_settings(source):
    settings = load_settings(ROOT)
    badge = next(c for c in source.cells if "course-kit-badge" in c.metadata.get("tags", []))
    install = next(c for c in source.cells if "course-kit-install" in c.metadata.get("tags", []))
    assert settings.colab_url("release/svg/svg.ipynb") in badge.source and "colab-badge.svg" in badge.source
    assert f'REPOSITORY_URL = "{settings.repository_url}"' in install.source
    assert install.metadata.nbgrader.locked
    assert "pick_device()" in install.source and '"google.colab" in sys.modules' in install.source
    pip_line = next(line for line in install.source.splitlines() if "pip install" in line)
    assert pip_line.strip() == '%pip install "git+{REPOSITORY_URL}@{BRANCH}"', \
        "Colab's own %pip (its prompts work), the published student package, and never torch"
    assert "subprocess" not in install.source and " -q" not in install.source
    # No vectors file: release must not write MoCoGAN's solutions.json into source/svg.
    assert rel.VECTORS_FILE not in SOURCE.read_text()


# --- one source of truth: solution cells == course_kit.svg ------------------------------------------

def test_solution_cells_agree_with_course_kit_svg(source):
    ns = solution_namespace(source)
    g = torch.Generator().manual_seed(123)
    for shape in [(4, 3), (1, 16), (32, 2)]:
        mu, logvar = torch.randn(shape, generator=g) * 2, torch.randn(shape, generator=g)
        a = ns["reparameterize"](mu, logvar, torch.Generator().manual_seed(5))
        b = losses.reparameterize(mu, logvar, torch.Generator().manual_seed(5))
        assert torch.allclose(a, b, atol=1e-6)
        torch.manual_seed(6)
        a = ns["reparameterize"](mu, logvar)
        torch.manual_seed(6)
        assert torch.allclose(a, losses.reparameterize(mu, logvar), atol=1e-6)
        args = [torch.randn(shape, generator=g) for _ in range(4)]
        assert torch.allclose(ns["gaussian_kl"](*args), losses.gaussian_kl(*args), atol=1e-5)
    for schedule in schedules.KL_SCHEDULES:
        for total, cycles, ratio, bmax in [(10_000, 4, 0.5, 1e-4), (100, 3, 0.3, 1.0), (7, 2, 1.0, 0.5)]:
            for step in range(0, total + 5, max(1, total // 97)):
                kw = dict(beta_max=bmax, total_steps=total, n_cycles=cycles, ratio=ratio)
                assert math.isclose(ns["kl_beta"](step, schedule, **kw), schedules.kl_beta(step, schedule, **kw),
                                    rel_tol=1e-9, abs_tol=1e-15), (step, schedule, kw)
    for kw in [dict(), dict(start_epoch=8, decay_step=2, decay_rate=0.1, lower_bound=0.6),
               dict(start_epoch=1, decay_step=3, decay_rate=0.25, lower_bound=0.1)]:
        for epoch in range(30):
            assert math.isclose(ns["teacher_forcing_ratio"](epoch, **kw), schedules.teacher_forcing_ratio(epoch, **kw),
                                abs_tol=1e-12), (epoch, kw)
    for shape in [(3, 8, 8), (2, 3, 16, 16), (5, 2, 3, 8, 8)]:
        t = torch.rand(shape, generator=g)
        p = (t + 0.1 * torch.randn(shape, generator=g)).clamp(0, 1)
        assert torch.allclose(ns["psnr"](p, t), metrics.psnr(p, t), atol=1e-4)
        assert torch.allclose(ns["psnr"](t, t), metrics.psnr(t, t))


@pytest.mark.parametrize("test_id", list(TESTS))
def test_visible_numbers_and_hidden_tests_hold_for_the_kits_reference(source, test_id):
    """The literal expected numbers in each test cell were computed from course_kit.svg: they must still be."""
    ns = {**solution_namespace(source), **FUNCTIONS, "training_loss": objective.training_loss}
    printed = run_test_cell(_test_cells(source)[test_id], ns)
    assert "hidden tests passed" in printed


@pytest.mark.parametrize("test_id", list(TESTS))
def test_solution_cells_pass_their_test_cells(source, test_id):
    printed = run_test_cell(_test_cells(source)[test_id], solution_namespace(source))
    assert "hidden tests passed" in printed


@pytest.mark.parametrize("test_id", list(TESTS))
def test_blank_stubs_fail_every_test_cell(source, test_id):
    ns = _base_ns()

    def stub(*args, **kwargs):
        raise NotImplementedError()
    ns.update({name: stub for name in (*FUNCTIONS, "training_loss")})
    ns["MyGaussianLSTM"] = type("MyGaussianLSTM", (solution_namespace(source)["MyGaussianLSTM"],), {"forward": stub})
    with pytest.raises(NotImplementedError):
        run_test_cell(_test_cells(source)[test_id], ns)


def _wrong_reparameterize(mu, logvar, generator=None):
    return mu + torch.exp(logvar) * torch.randn(mu.shape, generator=generator)


def _wrong_kl(mu_q, logvar_q, mu_p, logvar_p):
    return losses.gaussian_kl(mu_q, logvar_q, mu_p, logvar_p) / mu_q.shape[-1]


def _wrong_psnr(pred, target):
    return 20 * torch.log10(1.0 / ((pred - target) ** 2).mean(dim=(-3, -2, -1)).clamp_min(1e-10))


def _wrong_beta(step, schedule="monotonic", beta_max=1e-4, total_steps=10_000, n_cycles=4, ratio=0.5):
    if schedule == "cyclical":  # forgets the cycles
        schedule = "monotonic"
    return schedules.kl_beta(step, schedule, beta_max, total_steps, n_cycles, ratio)


def _wrong_tf(epoch, start_epoch=0, decay_step=1, decay_rate=0.1, lower_bound=0.0):
    return schedules.teacher_forcing_ratio(epoch, start_epoch, decay_step, decay_rate, 0.0)  # ignores the bound


@pytest.mark.parametrize("test_id, name, wrong, message", [
    ("test_reparameterize", "reparameterize", _wrong_reparameterize, "exp(logvar / 2)"),
    ("test_gaussian_kl", "gaussian_kl", _wrong_kl, "averaged over the latent dimension"),
    ("test_kl_beta", "kl_beta", _wrong_beta, "schedule='cyclical'"),
    ("test_teacher_forcing_ratio", "teacher_forcing_ratio", _wrong_tf, "lower_bound=0.6"),
    ("test_psnr", "psnr", _wrong_psnr, "10 * log10(1 / MSE)"),
    ("test_gaussian_lstm", "reparameterize", _wrong_reparameterize, "exp(logvar) (the variance) as the scale"),
])
def test_common_mistakes_get_a_message_that_says_what_is_wrong(source, test_id, name, wrong, message):
    ns = solution_namespace(source)   # the globals of the notebook's classes: MyGaussianLSTM calls ns's reparameterize
    ns.update({**FUNCTIONS, name: wrong})
    with pytest.raises(AssertionError, match=re.escape(message)):
        run_test_cell(_test_cells(source)[test_id], ns)


def _gaussian_lstm_with(source, forward):
    base = solution_namespace(source)["MyGaussianLSTM"]
    return type("MyGaussianLSTM", (base,), {"forward": forward})


def _state_swapped(self, x, state, generator=None):
    h, c = self.cell(self.embed(x), state)
    return losses.reparameterize(self.mu(h), self.logvar(h), generator), self.mu(h), self.logvar(h), (c, h)


def _heads_read_c(self, x, state, generator=None):
    h, c = self.cell(self.embed(x), state)
    return losses.reparameterize(self.mu(c), self.logvar(c), generator), self.mu(c), self.logvar(c), (h, c)


def _fresh_state(self, x, state, generator=None):
    h, c = self.cell(self.embed(x))
    return losses.reparameterize(self.mu(h), self.logvar(h), generator), self.mu(h), self.logvar(h), (h, c)


@pytest.mark.parametrize("forward, message", [
    (_state_swapped, "returned as (c, h)"),
    (_heads_read_c, "mu and logvar must be self.mu(h)"),
    (_fresh_state, "of the incoming state"),
])
def test_gaussian_lstm_mistakes_are_named(source, forward, message):
    ns = {**solution_namespace(source), "MyGaussianLSTM": _gaussian_lstm_with(source, forward)}
    with pytest.raises(AssertionError, match=re.escape(message)):
        run_test_cell(_test_cells(source)["test_gaussian_lstm"], ns)


@pytest.mark.parametrize("forward, message", [
    (_state_swapped, "returned as (c, h)"),
    (_heads_read_c, "the heads read the cell state c"),
    (_fresh_state, "ignores `state`"),
])
def test_hidden_gaussian_lstm_check_names_the_mistake(source, forward, message):
    with pytest.raises(AssertionError, match=re.escape(message)):
        hidden_checks.check_gaussian_lstm(_gaussian_lstm_with(source, forward))
    hidden_checks.check_gaussian_lstm(solution_namespace(source)["MyGaussianLSTM"])


def test_hidden_gaussian_lstm_check_refuses_the_kits_class():
    from course_kit.svg.model import GaussianLSTM
    with pytest.raises(AssertionError, match="not built on the kit's GaussianLSTM"):
        hidden_checks.check_gaussian_lstm(type("MyGaussianLSTM", (GaussianLSTM,), {}))


@pytest.mark.parametrize("mistake", list(hidden_checks.MISTAKES))
def test_hidden_training_loss_check_names_each_mistake(mistake):
    def wrong(model, video, cond, beta, tf_ratio, generator=None):
        return hidden_checks._variant(model, video, cond, beta, tf_ratio, generator, mistake)
    expected = hidden_checks.MISTAKES[mistake] if mistake != "z_is_mu" else "check the latent noise"
    with pytest.raises(AssertionError, match=re.escape(expected)):
        hidden_checks.check_training_loss(wrong, losses.gaussian_kl)


def test_hidden_training_loss_check_passes_the_reference_and_the_solution_cell(source):
    hidden_checks.check_training_loss(objective.training_loss, losses.gaussian_kl)
    hidden_checks.check_training_loss(solution_namespace(source)["training_loss"], losses.gaussian_kl)


def test_hidden_training_loss_check_names_an_undetached_feedback_and_a_wrong_kl(source):
    def undetached(model, video, cond, beta, tf_ratio, generator=None):
        return hidden_checks._variant(model, video, cond, beta, tf_ratio, generator, "no_detach")
    with pytest.raises(AssertionError, match=re.escape("detach it")):
        hidden_checks.check_training_loss(undetached, losses.gaussian_kl)
    ns = {**solution_namespace(source), "gaussian_kl": _wrong_kl}
    exec(compile(next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") ==
                      "training_loss"), "<training_loss>", "exec"), ns)
    with pytest.raises(AssertionError, match="fix part 2 first"):
        hidden_checks.check_training_loss(ns["training_loss"], _wrong_kl)


# --- the payoff section skips cleanly -----------------------------------------------------------

def _payoff_sources(nb):
    code = [c.source for c in nb.cells if c.cell_type == "code" and "nbgrader" not in c.metadata]
    start = next(i for i, s in enumerate(code) if "svg-push" in s)
    return code[start:]


def _run_payoff(nb, capsys, ns=None):
    ns = ns or {**solution_namespace(nb), "device": torch.device("cpu"), "display": lambda *a: None}
    for text in _payoff_sources(nb):
        exec(compile(text, "<payoff>", "exec"), ns)
    return ns, capsys.readouterr()


def test_payoff_skips_while_grading(source, monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setattr(course_kit, "load_pretrained", lambda *a, **k: pytest.fail("loaded while grading"))
    ns, out = _run_payoff(source, capsys)
    assert ns["svg_model"] is None and "Skipped while grading" in out.out and out.err == ""


@pytest.mark.slow
def test_payoff_trains_the_students_pieces_and_samples_futures(source, monkeypatch, capsys):
    """A small untrained SVG stands in for svg-push: it is rebuilt on MyGaussianLSTM, trained with the
    notebook's own training_loss, kl_beta and teacher_forcing_ratio, then sampled and scored."""
    from course_kit.svg.model import SVG, SVGConfig
    torch.set_num_threads(1)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    torch.manual_seed(0)
    model = SVG(SVGConfig(nf=4, g_dim=8, z_dim=2, rnn_size=8, predictor_layers=1, latent_rnn_size=8, keypoints=1,
                          posterior_change=4.0)).eval()      # svg-push's kind of posterior: it reads the change
    monkeypatch.setattr(course_kit, "load_pretrained", lambda name, device=None: model)
    shown, calls = [], []
    ns = {**solution_namespace(source), "device": torch.device("cpu"), "display": shown.append}
    loss = ns["training_loss"]
    ns["training_loss"] = lambda *a, **k: calls.append(k["beta"]) or loss(*a, **k)
    ns, out = _run_payoff(source, capsys, ns)
    assert type(ns["svg_model"].prior).__name__ == "MyGaussianLSTM" and out.err == ""
    assert type(ns["svg_model"].posterior.net).__name__ == "MyGaussianLSTM"
    assert len(calls) == ns["steps"] and calls[0] == 0.0 and calls[-1] == pytest.approx(1e-6)
    assert ns["samples"].shape == (8, 6, 4, 64, 64, 3) and set(ns["s"]) == {"moving", "still", "all"}
    assert ns["best"].shape == (8,) and (ns["best"] >= ns["scores"][:, 0].mean(1) - 1e-4).all()
    assert [type(x).__name__ for x in shown] == ["LossPlot", "VideoGrid"]
    assert "spread of sampled futures" in out.out and "best of 6 samples" in out.out


# --- the release ----------------------------------------------------------------------------------

def _strip(nb):
    for c in nb.cells:
        c.pop("id", None)
    return nb


def test_release_has_no_solution_or_hidden_test():
    text = RELEASED.read_text()
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "_fresh(" not in text
    for seed in ("9173", "5521", "7707"):  # the hidden tests' input seeds
        assert seed not in text
    assert "YOUR CODE HERE" in text
    assert rel.find_leaks(nbformat.read(SOURCE, as_version=4), nbformat.read(RELEASED, as_version=4)) == []


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / "svg", course / "source" / "svg")
    scratch = tmp_path_factory.mktemp("scratch")
    rel.build_release(course, "svg", scratch)
    return course, scratch


def test_committed_release_is_up_to_date_with_source(fresh_release):
    _, scratch = fresh_release
    rebuilt = nbformat.read(scratch / "release" / "svg" / "svg.ipynb", as_version=4)
    assert _strip(nbformat.read(RELEASED, as_version=4)) == _strip(rebuilt), \
        "release/svg is stale: run `course-kit release svg`"
    assert sorted(p.name for p in (ROOT / "release" / "svg").iterdir()) == ["svg.ipynb"]


@pytest.mark.slow
def test_source_gets_full_marks_and_the_blank_release_zero(fresh_release):
    """Autograde (nbgrader, sandboxed as configured) the source notebook and the blank release."""
    course, scratch = fresh_release
    report = rel.ReleaseReport("svg")
    rel.verify_release(course, "svg", scratch, report, jobs=1)
    assert {k: tuple(map(float, v)) for k, v in report.source_scores.items()} == \
        {k: (float(v), float(v)) for k, v in TESTS.items()}
    assert all(s == 0 for s, _ in report.blank_scores.values())


@pytest.mark.slow
def test_source_notebook_runs_clean_under_nbval_on_cpu():
    """The whole source notebook executes without an error on CPU (payoff skipped), well inside a minute."""
    import os
    import subprocess
    import sys
    import time

    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
    env.update(OMP_NUM_THREADS="1", CUDA_VISIBLE_DEVICES="")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                           str(SOURCE)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    seconds = time.monotonic() - start
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert seconds < 90, f"the notebook took {seconds:.0f} s on CPU; the target is under 60 s"


@pytest.mark.slow
def test_every_typical_svg_submission_gets_its_expected_grades(tmp_path):
    """Autograde (nbgrader) each of examples.SVG_TYPICAL: exactly the tests it should pass score above 0."""
    from course_kit.course.autograde import autograde
    from course_kit.assignments.svg.examples import TESTS as SVG_TESTS, TYPICAL as SVG_TYPICAL
    from course_kit.course.examples import write_examples, wrong_grades

    expected = write_examples(tmp_path / "subs", len(SVG_TYPICAL), "svg", ROOT)
    result = autograde(ROOT, "svg", tmp_path / "subs", out=tmp_path / "out", jobs=1, progress=False,
                       unsandboxed=True)
    assert wrong_grades(result.students, expected, SVG_TESTS) == {}
