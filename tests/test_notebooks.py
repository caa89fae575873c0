"""The executed notebooks: what nbval collects, what the release drops, how they export without a kernel.

nbval itself re-runs notebooks/ and source/ (conftest.py at the repository
root); these tests check the wiring around it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOUR = ROOT / "notebooks" / "tour.ipynb"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "source").glob("*/*.ipynb"))


def test_nbval_collects_notebooks_and_source_but_not_release_or_tests():
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "notebooks", "source", "release", "--nbval"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    files = {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}
    assert files == {str(p.relative_to(ROOT)) for p in NOTEBOOKS}, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_notebooks_are_executed_in_the_committed_form_with_no_timestamps(path):
    from course_kit.widgets import strip_video_widget_state
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"{path.name}: run python -m course_kit.notebooks on it"
    assert strip_video_widget_state(nb) == nb, \
        f"{path.name} holds widget state that hides its pictures: python -m course_kit.notebooks --resave it"
    assert not any("execution" in c.metadata for c in nb.cells)
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error" and out.get("name") != "stderr", (path.name, cell.source[:80])


def test_release_drops_what_executing_added():
    from course_kit.course.release import ClearRunOutput
    nb = nbformat.read(ROOT / "source" / "svg" / "svg.ipynb", as_version=4)
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.9"}
    out, _ = ClearRunOutput().preprocess(nb, {})
    assert "widgets" not in out.metadata and out.metadata["language_info"] == {"name": "python"}
    assert not any(c.get("outputs") for c in out.cells if c.cell_type == "code")
    assert not any("execution" in c.metadata for c in out.cells)


@pytest.mark.slow
def test_execute_notebook_saves_pictures_not_the_state_behind_them(tmp_path):
    """The real save path: a player loses its state (its output carries a picture), with the
    models only it uses; a slider and a student's own box (no picture) keep theirs, the grid
    inside the box included; resaving changes nothing."""
    from browser_support import write_notebook
    from course_kit.notebooks import execute_notebook, main
    from course_kit.widgets.export import _closure

    path = write_notebook(tmp_path / "n.ipynb", [
        "import numpy as np, ipywidgets as W\n"
        "from course_kit.widgets import VideoPlayer, VideoGrid\n"
        "video = np.random.default_rng(0).integers(0, 255, (4, 16, 16, 3), dtype=np.uint8)",
        "VideoPlayer(video)",
        "W.IntSlider(value=3)",
        "W.VBox([W.Button(description='go'), VideoGrid([video, video])])"])
    execute_notebook(path)
    nb = nbformat.read(path, as_version=4)
    player, slider, box = [o.data for c in nb.cells for o in c.outputs
                           if "application/vnd.jupyter.widget-view+json" in o.data]
    assert "image/png" in player and "image/png" not in slider and "image/png" not in box
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    model = {name: out["application/vnd.jupyter.widget-view+json"]["model_id"]
             for name, out in (("player", player), ("slider", slider), ("box", box))}
    assert model["player"] not in state
    kept = _closure(state, [model["slider"], model["box"]])
    assert kept == set(state), "only the slider, the box and what they use are stored"
    names = [state[k]["model_name"] for k in kept]
    assert {"AnyModel", "ButtonModel", "IntSliderModel", "VBoxModel"} <= set(names), names
    assert names.count("AnyModel") == 1, "the grid in the box, not the player"
    before = path.read_text()
    assert main(["--resave", str(path)]) == 0 and path.read_text() == before
    assert main(["--resave"]) == 2


@pytest.mark.browser
@pytest.mark.slow
def test_exported_tour_plays_its_videos_without_kernel_or_network(tmp_path):
    from browser_support import artifact, browser_page, chromium_path
    from course_kit.widgets import export_html

    chromium_path()
    html = export_html(TOUR, tmp_path / "tour.html")
    pictured = sum("image/png" in out.get("data", {}) for c in nbformat.read(TOUR, as_version=4).cells
                   for out in c.get("outputs", []))
    with browser_page(viewport=(1200, 900)) as page:
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())  # offline: no CDN
        page.goto(html.as_uri())
        images = page.locator("img[src^='data:image/png']")
        images.first.wait_for(timeout=20_000)
        assert images.count() == pictured
        # every embedded picture decodes (the Colab badge is a remote image: offline it cannot)
        page.wait_for_function("[...document.images].filter(i => i.src.startsWith('data:'))"
                               ".every(i => i.complete && i.naturalWidth > 0)")
        player = images.nth(0)
        player.scroll_into_view_if_needed()
        shots = []
        for _ in range(4):
            shots.append(player.screenshot())
            time.sleep(0.3)
        assert len(set(shots)) >= 3, "the first video of the exported tour does not play"
        page.screenshot(path=artifact("notebook-tour-exported.png"), full_page=True)


# --- the library behind the notebooks' cells ---------------------------------------------------

def _tiny_model(actions):
    from course_kit.mocogan import MoCoGAN, MoCoGANConfig
    import torch
    torch.manual_seed(0)
    return MoCoGAN(MoCoGANConfig(action_names=actions, ngf=8)).eval()


def test_noise_modes_action_code_alone_gives_no_variety():
    from course_kit.mocogan.noise_modes import MODES, compare_noise_modes, format_modes
    model = _tiny_model(["up", "left"])
    results = compare_noise_modes(model, profile="shapes", per_action=2)
    assert list(results) == list(MODES)
    assert results["action code only"]["variety"] == 0 and results["action code only"]["code_spread"] == 0
    assert results["same noise"]["code_spread"] > 0 and results["fresh noise"]["code_spread"] > 0
    assert results == compare_noise_modes(model, profile="shapes", per_action=2), "seeded: same numbers"
    assert "moves the requested way" in format_modes(results)
    with pytest.raises(ValueError, match="must be conditional"):
        compare_noise_modes(_tiny_model([]), profile="shapes")
    with pytest.raises(ValueError, match="`profile` must be one of"):
        compare_noise_modes(model, profile="ucf")


def test_live_training_trains_plots_and_refreshes_samples():
    from course_kit.mocogan.live import LiveTraining
    from course_kit.mocogan.train import Trainer, TrainConfig
    trainer = Trainer(TrainConfig(data="shapes", out="unused", video_batch=2, image_batch=4, stride=1,
                                  procedural_videos=8, device="cpu",
                                  model=dict(ngf=8, ndf=8, ndf_video=4, n_frames=8)))
    live = LiveTraining(trainer, sample_every=2, n_samples=4, columns=2)
    before = live.grid.videos[0].copy()
    live.run(2)
    assert trainer.step == 2 and [r["step"] for r in live.history] == [1, 2]
    assert set(live.plot.history) == {"loss_D", "loss_G"} and live.plot.history["loss_D"][0] == [1, 2]
    assert live.grid.columns == 2 and not (live.grid.videos[0] == before).all()
    assert live.summary().splitlines()[0].split()[:3] == ["step", "d_image", "d_video"]
    with pytest.raises(ValueError, match="`steps` must be a positive int"):
        live.run(0)


def test_saved_notebooks_merge_prints_that_arrived_split():
    """The committed form does not depend on the kernel's flush timing."""
    from course_kit.notebooks import coalesce_streams
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a'); import time; time.sleep(1); print('b')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="b\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="w\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="c\n")]
    nb.cells.append(cell)
    out = coalesce_streams(nb).cells[0].outputs
    assert [(o.name, o.text) for o in out] == [("stdout", "a\nb\n"), ("stderr", "w\n"), ("stdout", "c\n")]
