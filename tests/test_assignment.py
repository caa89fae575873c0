"""The MoCoGAN assignment's source notebook: structure, one source of truth with course_kit.assignments.mocogan.layers."""

import json
import re
from pathlib import Path

import nbformat
import pytest
import torch
from torch import nn

from course_kit import checks
from course_kit.assignments.mocogan import hidden_checks
from course_kit.assignments.mocogan import layers
from course_kit.course.settings import load_settings
from course_kit.assignments.mocogan.vectors import make_vectors

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "mocogan" / "mocogan.ipynb"
TESTS = ("test_linear_init", "test_linear_forward", "test_lstmcell_init", "test_lstmcell_forward",
         "test_lstm_init", "test_lstm_initweight", "test_lstm_inithidden", "test_lstm_forward")


def _cells(nb, **flags):
    return [c for c in nb.cells
            if all(c.metadata.get("nbgrader", {}).get(k) == v for k, v in flags.items())]


@pytest.fixture(scope="module")
def source():
    return nbformat.read(SOURCE, as_version=4)


def solution_namespace(nb) -> dict:
    """Run the notebook's solution cells (the model answers) as a student's kernel would."""
    ns = {"torch": torch, "nn": nn, "__name__": "__main__"}
    for cell in _cells(nb, solution=True):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"<{cell.metadata.nbgrader.grade_id}>", "exec"), ns)
    return ns


def test_one_graded_test_cell_per_method_with_points(source):
    graded = [c for c in _cells(source, grade=True) if c.cell_type == "code"]
    assert [c.metadata.nbgrader.grade_id for c in graded] == list(TESTS)
    for cell in graded:
        assert cell.metadata.nbgrader.points == 10 and cell.metadata.nbgrader.locked
        assert "### BEGIN HIDDEN TESTS" in cell.source and "hidden_check(" in cell.source
        assert re.search(r"checks\.check_\w+\(", cell.source), "visible part calls the kit's checks"
    written = [c for c in _cells(source, grade=True, solution=True) if c.cell_type == "markdown"]
    assert len(written) == 2 and all(c.metadata.nbgrader.points == 10 for c in written)


def test_solution_cells_behave_exactly_like_course_kit_layers(source):
    """One source of truth: the notebook's model answers must match course_kit.assignments.mocogan.layers."""
    ns = solution_namespace(source)
    torch.manual_seed(0)
    x = torch.randn(4, 5)
    for name, args in (("MyLinear", (5, 3)), ("MyLSTMCell", (5, 6)), ("LSTM", (5, 6))):
        mine, ref = ns[name](*args), getattr(layers, name)(*args)
        assert [(k, v.shape) for k, v in mine.state_dict().items()] == \
               [(k, v.shape) for k, v in ref.state_dict().items()], name
        mine.load_state_dict(ref.state_dict())
        if name == "MyLinear":
            assert torch.allclose(mine(x), ref(x), atol=1e-6)
        elif name == "MyLSTMCell":
            h, c = torch.randn(4, 6), torch.randn(4, 6)
            for a, b in zip(mine(x, (h, c)), ref(x, (h, c))):
                assert torch.allclose(a, b, atol=1e-6)
        else:
            for net in (mine, ref):
                torch.manual_seed(1)
                net.initWeight(1.5)
                net.initHidden(4)
            for (k, a), (_, b) in zip(mine.state_dict().items(), ref.state_dict().items()):
                assert torch.equal(a, b), f"initWeight differs in {k}"
            assert torch.allclose(mine(x, 7), ref(x, 7), atol=1e-6)
    results = checks.run_all(ns["MyLinear"], ns["MyLSTMCell"], ns["LSTM"], make_vectors(3))
    assert all(ok for _, ok, _ in results), results


def test_hidden_checks_pass_the_model_answers(source):
    ns = solution_namespace(source)
    fresh = hidden_checks.load_fresh()
    for name in fresh.HIDDEN_CHECKS:
        fresh.hidden_check(name, 4821, MyLinear=ns["MyLinear"], MyLSTMCell=ns["MyLSTMCell"],
                           LSTM=ns["LSTM"])


def test_install_cell_and_badge_come_from_the_settings(source):
    settings = load_settings(ROOT)
    badge = next(c for c in source.cells if "course-kit-badge" in c.metadata.get("tags", []))
    install = next(c for c in source.cells if "course-kit-install" in c.metadata.get("tags", []))
    assert settings.colab_url("release/mocogan/mocogan.ipynb") in badge.source
    assert "colab-badge.svg" in badge.source
    assert f'REPOSITORY_URL = "{settings.repository_url}"' in install.source
    assert "pick_device()" in install.source and '"google.colab" in sys.modules' in install.source
    assert "torch" not in re.sub(r"import torch|torch\.__version__", "", install.source.split("pip")[1].split("\n")[0])
    lines = [line.strip() for line in install.source.splitlines()]
    assert '%pip install "git+{REPOSITORY_URL}@{BRANCH}"' in lines, "Colab's own %pip, the student package only"
    assert 'fetch_vectors(REPOSITORY_URL, BRANCH, "release/mocogan/solutions.json")' in lines
    assert "subprocess" not in install.source and "clone" not in install.source and " -q" not in install.source


def test_payoff_cells_are_guarded(source):
    code = [c.source for c in source.cells if c.cell_type == "code"]
    payoff = [s for s in code if "model." in s or "MoCoGANExplorer" in s]
    assert payoff and all(s.lstrip().startswith("if model:") for s in payoff)


def test_visible_vectors_are_the_settings_seed():
    settings = load_settings(ROOT)
    data = json.loads((ROOT / "source" / "mocogan" / "solutions.json").read_text())
    assert data == make_vectors(settings.vectors_seed)
