"""The committed notebooks as GitHub and nbviewer show them: nbconvert HTML, every script gone.

No kernel, no JavaScript: each video output must still show a picture, and
that picture must move (two screenshots a second apart differ); each plot must
show its picture. nbconvert picks a widget view over the picture whenever the
notebook holds that widget's state, and a widget view with no script is an
empty box, so these tests fail for a notebook saved with its video state
(``course_kit.notebooks.save_notebook`` is what keeps it out).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
VIEW = "application/vnd.jupyter.widget-view+json"
#: text/plain of the kit's outputs that are still pictures (plots); every other widget output is a video
PLOTS = ("MotionCodePlot(", "GateHeatmap(", "LossPlot(", "live MoCoGAN loss plot")


def widget_outputs(nb) -> list[tuple[int, dict]]:
    """(cell index, output data) of every widget output."""
    return [(i, out["data"]) for i, cell in enumerate(nb.cells) for out in cell.get("outputs", [])
            if VIEW in out.get("data", {})]


def _with_widget_outputs(paths):
    return [p for p in paths if widget_outputs(nbformat.read(p, as_version=4))]


NOTEBOOKS = _with_widget_outputs(sorted((ROOT / "notebooks").glob("*.ipynb"))
                                 + sorted((ROOT / "source").glob("*/*.ipynb"))
                                 + sorted((ROOT / "release").glob("*/*.ipynb")))


def is_video(data: dict) -> bool:
    return not str(data.get("text/plain", "")).startswith(PLOTS)


def html_without_scripts(nb) -> str:
    """nbconvert's HTML (lab template) with every <script> element and on* attribute removed."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    body = re.sub(r"<script\b.*?</script\s*>", "", body, flags=re.S | re.I)
    return re.sub(r"\son[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*')", "", body, flags=re.I)


def image_source(data: dict) -> str:
    return f"data:image/png;base64,{data['image/png']}"


def test_the_notebooks_with_video_outputs_are_all_here():
    names = {str(p.relative_to(ROOT)) for p in NOTEBOOKS}
    assert {"notebooks/tour.ipynb", "notebooks/train_shapes.ipynb",
            "source/mocogan/mocogan.ipynb", "source/svg/svg.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_html_without_scripts_holds_an_image_for_every_widget_output(path):
    nb = nbformat.read(path, as_version=4)
    html = html_without_scripts(nb)
    assert "<script" not in html.lower()
    missing = [i for i, data in widget_outputs(nb) if image_source(data) not in html]
    assert not missing, f"{path.name}: cells {missing} show an empty widget box without scripts"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_without_scripts_every_video_shows_and_plays(path, tmp_path):
    from browser_support import artifact, browser_page, chromium_path

    chromium_path()
    nb = nbformat.read(path, as_version=4)
    page_file = tmp_path / f"{path.stem}.html"
    page_file.write_text(html_without_scripts(nb), encoding="utf-8")
    name = f"{path.parent.name}-{path.stem}"
    with browser_page(viewport=(1100, 900), javascript=False) as page:
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())  # nothing from the network either
        page.goto(page_file.as_uri())
        page.screenshot(path=artifact(f"kernel-less-{name}.png"), full_page=True)
        for n, (cell, data) in enumerate(widget_outputs(nb)):
            b64 = data["image/png"]
            middle = b64[len(b64) // 2:len(b64) // 2 + 64]
            image = page.locator(f'img[src*="{middle}"]')
            assert image.count() == 1, f"{path.name} cell {cell}: no image for this widget output"
            image.scroll_into_view_if_needed()
            box = image.bounding_box()
            assert box and box["width"] > 32 and box["height"] > 32, (cell, box)
            first = image.screenshot(path=artifact(f"kernel-less-{name}-{n}-a.png"))
            if not is_video(data):
                continue
            time.sleep(1.0)
            second = image.screenshot(path=artifact(f"kernel-less-{name}-{n}-b.png"))
            assert first != second, f"{path.name} cell {cell}: the video's picture does not move"
