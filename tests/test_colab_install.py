"""The student install in a Colab-like environment: it only adds packages, and the assignment runs.

A virtual environment holds Colab's preinstalled Jupyter stack at Colab's
versions (tests/colab/pins.txt; this machine's torch wheel stands in for
Colab's). The released MoCoGAN notebook, its solutions filled in, runs in
that environment's own kernel (IPython 7.34, ipykernel 6.17, ipywidgets
7.7.1) with a stand-in ``google.colab`` imported at kernel start, so its
first cell does what it does on Colab: ``%pip install`` the student package
from a published student repository (a local git repository here) and fetch
the test vectors. Afterwards ``pip freeze`` may only have gained lines.

The pinned environment is cached between runs under ``COURSE_KIT_CACHE``
(default ~/.cache/course_kit, about 1.3 GB with torch), keyed by the pin list
and the Python version. Measured on the 2-core CI machine while other jobs
ran: 219 s with an empty cache (building it ~40-170 s), 55-80 s with it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course_kit.course import publish as pub

from student_repo import ROOT, released_copy

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

COLAB = Path(__file__).resolve().parent / "colab"
PINS = COLAB / "pins.txt"


def pinned_venv() -> Path:
    """The cached virtual environment with Colab's pins, built on first use."""
    key = hashlib.sha256(PINS.read_bytes() + sys.version.encode()).hexdigest()[:16]
    cache = Path(os.environ.get("COURSE_KIT_CACHE", Path.home() / ".cache" / "course_kit"))
    venv = cache / f"colab-venv-{key}"
    if not (venv / ".complete").is_file():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(PINS)], check=True)
        (venv / ".complete").write_text(PINS.read_text())
    return venv


def fresh_copy(venv: Path, into: Path) -> Path:
    """A throwaway copy of the cached environment (the install below changes it)."""
    subprocess.run(["cp", "-a", str(venv), str(into)], check=True)
    # venv scripts name their interpreter by absolute path: point them at the copy
    for script in (into / "bin").iterdir():
        if script.is_file() and not script.is_symlink():
            text = script.read_bytes()
            if text.startswith(b"#!") and str(venv).encode() in text:
                script.write_bytes(text.replace(str(venv).encode(), str(into).encode()))
    cfg = into / "pyvenv.cfg"
    cfg.write_text(cfg.read_text().replace(str(venv), str(into)))
    return into


def freeze(venv: Path) -> list[str]:
    out = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "freeze", "--all"], check=True,
                         capture_output=True, text=True, env=_env(venv, with_colab=False))
    return sorted(line for line in out.stdout.splitlines() if line.strip())


def _env(venv: Path, with_colab: bool, ipython_dir: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "IPYTHON"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    if with_colab:
        env["PYTHONPATH"] = str(COLAB / "stub")  # google.colab, not a pip package: freeze never lists it
        env["IPYTHONDIR"] = str(ipython_dir)
    return env


def student_repository(tmp: Path) -> Path:
    """The published student repository, committed on branch main of a local git repository."""
    target = tmp / "student-repository"
    pub.publish(released_copy(tmp / "course", target.as_uri()), target)
    git = ["git", "-C", str(target), "-c", "user.name=course-kit", "-c", "user.email=course-kit@localhost"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "publish"], check=True)
    return target


def with_solutions(released: Path, out: Path) -> Path:
    """The released notebook with each solution cell replaced by the source notebook's model answer."""
    source = nbformat.read(ROOT / "source" / released.parent.name / released.name, as_version=4)
    answers = {c.metadata.nbgrader.grade_id: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(released, as_version=4)
    filled = 0
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source, filled = answers[grade_id], filled + 1
    assert filled == len(answers) >= 4
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return out


def execute(venv: Path, notebook: Path, out: Path, ipython_dir: Path) -> tuple[object, float]:
    """Run ``notebook`` in the venv's own kernel (Colab stand-in loaded); (executed notebook, seconds)."""
    start = time.perf_counter()
    run = subprocess.run([str(venv / "bin" / "python"), str(COLAB / "execute.py"), str(notebook), str(out), "900"],
                         cwd=notebook.parent, env=_env(venv, True, ipython_dir), capture_output=True, text=True)
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    executed = nbformat.read(out, as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    return executed, time.perf_counter() - start


def _views(cells) -> list:
    return [o for c in cells for o in c.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]


def _without_colab_metadata(cells) -> list[str]:
    """Widget outputs that Colab would leave blank: no custom-widget-manager URL in their metadata."""
    view = "application/vnd.jupyter.widget-view+json"
    return [c.source.splitlines()[0][:60] for c in cells for o in c.get("outputs", [])
            if view in o.get("data", {})
            and not o.get("metadata", {}).get(view, {}).get("colab", {}).get("custom_widget_manager", {}).get("url")]


def _outputs_text(cell) -> str:
    return "".join(o.get("text", "") + "".join(o.get("data", {}).get("text/plain", ""))
                   for o in cell.get("outputs", []))


@pytest.fixture()
def venv(tmp_path):
    """A throwaway copy of the cached pinned environment (about 1 GB with torch), removed afterwards."""
    copy = fresh_copy(pinned_venv(), tmp_path / "colab-venv")
    yield copy
    shutil.rmtree(copy, ignore_errors=True)


def test_student_install_only_adds_packages_and_the_assignment_runs_on_colab_stack(tmp_path, venv):
    before = freeze(venv)
    pins = {line.split("==")[0].lower() for line in PINS.read_text().splitlines()
            if line and not line.startswith("#")}
    assert pins <= {line.split("==")[0].lower() for line in before}, "the pinned environment lacks a pin"
    assert not any(line.lower().startswith("course_kit") or line.lower().startswith("course-kit")
                   for line in before)

    repo = student_repository(tmp_path)
    notebook = with_solutions(repo / "release/mocogan/mocogan.ipynb", tmp_path / "content" / "mocogan.ipynb")
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab  # as Colab's kernel does at start\n")
    executed, t_run = execute(venv, notebook, tmp_path / "executed.ipynb", tmp_path / "ipython")
    after = freeze(venv)

    removed = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before))
    print(f"\nnotebook (the install included) {t_run:.0f} s; pip freeze gained: {added}")
    assert not removed, f"the student install replaced Colab's packages: {removed} -> {added}"
    assert any(line.startswith("course_kit") or line.startswith("course-kit") for line in added), added

    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in executed.cells}
    setup = _outputs_text(cells["setup"])
    assert "Successfully installed" in setup, setup  # pip's own line: what Colab's restart prompt reads
    assert (notebook.parent / "solutions.json").is_file(), "the first cell did not fetch the test vectors"
    for grade_id, cell in cells.items():
        if grade_id and grade_id.startswith("test_"):
            assert "NotImplementedError" not in _outputs_text(cell) and cell.outputs, grade_id
    payoff = [c for c in executed.cells if c.cell_type == "code" and "compare_with_reference(" in c.source]
    assert "your LSTM matches the reference R_M" in _outputs_text(payoff[0]), _outputs_text(payoff[0])
    assert _views(executed.cells), "the payoff showed no video widget"
    assert not _without_colab_metadata(executed.cells), _without_colab_metadata(executed.cells)

    # The SVG assignment with its solutions, payoff included (the pretrained svg-push, plots, videos).
    svg, t_svg = execute(venv, with_solutions(repo / "release/svg/svg.ipynb", tmp_path / "content" / "svg.ipynb"),
                         tmp_path / "svg-executed.ipynb", tmp_path / "ipython")
    assert "posterior and prior are MyGaussianLSTM" in "".join(_outputs_text(c) for c in svg.cells)  # svg-push, warm-started with the student's class
    assert len(_views(svg.cells)) >= 2, "the SVG payoff showed no plot or video"
    assert not _without_colab_metadata(svg.cells), _without_colab_metadata(svg.cells)
    print(f"svg notebook {t_svg:.0f} s")

    # Every widget and plot of the lecture notebooks constructs and displays under Colab's ipywidgets 7.7.1.
    widgets = tmp_path / "content" / "widgets.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in WIDGET_CELLS]), widgets)
    shown = execute(venv, widgets, tmp_path / "widgets-executed.ipynb", tmp_path / "ipython")[0].cells
    assert "ipywidgets 7.7.1" in _outputs_text(shown[0])
    assert f"imported {len(pub.STUDENT_MODULES)} student modules" in _outputs_text(shown[0])
    for cell in shown[1:]:
        assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs), cell.source
    assert not _without_colab_metadata(shown), _without_colab_metadata(shown)


WIDGET_CELLS = [
    "import ipywidgets, course_kit\nfrom course_kit.widgets import VideoPlayer, VideoGrid, MoCoGANExplorer\n"
    "from course_kit.widgets.plots import LossPlot, MotionCodePlot\n"
    "model = course_kit.load_pretrained('shapes', device='cpu')\nvideos = model.sample(2, n_frames=8, seed=0)\n"
    "print('ipywidgets', ipywidgets.__version__)\n"
    "import importlib\nmodules = " + repr(pub.STUDENT_MODULES) + "\n"
    "for name in modules:\n    importlib.import_module(name)  # every dependency of the student side is installed\n"
    "print(f'imported {len(modules)} student modules')",
    "display(VideoPlayer(videos[0], fps=8))",
    "display(VideoGrid(videos, columns=2))",
    "display(MoCoGANExplorer(model, action='up', n_frames=8, seed=0))",
    "display(MotionCodePlot.from_model(model, motion_seeds=range(3), action='up', n_frames=8))",
    "plot = LossPlot('loss')\nfor step in range(3):\n    plot.update(step, loss=1.0 / (step + 1))\nplot.flush()\ndisplay(plot)",
]
