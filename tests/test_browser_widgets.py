"""The video widgets in a real browser: JupyterLab 4 + headless Debian Chromium via Playwright.

Checks what a student sees: the player animates on its own with no kernel
message per frame, pause stops it, the slider seeks (and Python hears where it
stopped), a grid plays in step; and an exported HTML page animates with no
kernel and no network. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import time

import pytest

from browser_support import (artifact, browser_page, chromium_path, jupyterlab, wait_for_kernel,
                             write_notebook)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

T = 12
# Frame t: a white 8x8 square whose left edge is at x = 4t, on a dark blue field.
MAKE_VIDEO = f"""
import numpy as np
from course_kit.widgets import VideoPlayer, VideoGrid
T = {T}
video = np.zeros((T, 64, 64, 3), np.uint8)
video[..., 2] = 80
for t in range(T):
    video[t, 28:36, 4 * t:4 * t + 8] = 255
"""
SHOW_PLAYER = "player = VideoPlayer(video, fps=10)\nplayer"
SHOW_GRID = ("grid = VideoGrid([video, video[::-1], np.flip(video, 2), video // 2],\n"
             "                 titles=['forward', 'backward', 'mirrored', 'dim'], fps=10)\ngrid")
REPORT = "print(f'python sees frame={player.frame} playing={player.playing}')"
SHOW_EXPLORER = """
import torch
from course_kit.mocogan import MoCoGAN, MoCoGANConfig
from course_kit.widgets import MoCoGANExplorer
torch.manual_seed(0)
model = MoCoGAN(MoCoGANConfig(image_size=64, ngf=8, action_names=["wave", "bend"]))
explorer = MoCoGANExplorer(model, n_frames=8, mode="vary_motion", grid_size=4)
explorer"""

SHOW_PLOTS = """
from course_kit.widgets.plots import LossPlot, MotionCodePlot
from IPython.display import display
losses = LossPlot(min_interval=0)
display(losses, MotionCodePlot(model.motion_codes([0, 1, 2], action="wave", n_frames=16)))
for step in range(30):
    losses.update(step, loss_G=1 + 1 / (step + 1), loss_D=0.7)"""

CANVAS_SUM = "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.reduce((a, b) => a + b, 0)"

SQUARE_X = """(canvas) => {
  // The x centre of the white square: 4 * frame + 3.5 (bright red channel = square).
  const ctx = canvas.getContext('2d');
  const {data, width, height} = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0, count = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (data[4 * (y * width + x)] > 128) { sum += x; count++; }
  return count ? Math.round(10 * sum / count) / 10 : -1;
}"""


def _frame(video):
    return int(video.get_attribute("data-frame"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    chromium_path()  # skip early, before starting a server, when there is no browser
    root = tmp_path_factory.mktemp("lab")
    write_notebook(root / "widgets.ipynb",
                   [MAKE_VIDEO, SHOW_PLAYER, SHOW_GRID, REPORT, SHOW_EXPLORER, SHOW_PLOTS])
    with jupyterlab(root) as url:
        yield url, root


def test_player_and_grid_play_in_jupyterlab(lab):
    url, root = lab
    with browser_page() as page:
        comm_messages = []  # (time, direction) of every kernel websocket frame that is a comm message

        def watch(ws):
            for event, direction in (("framereceived", "in"), ("framesent", "out")):
                ws.on(event, lambda payload, d=direction: comm_messages.append((time.monotonic(), d))
                      if (b"comm_msg" in payload if isinstance(payload, bytes) else "comm_msg" in payload)
                      else None)
        page.on("websocket", watch)

        page.goto(f"{url}/lab/tree/widgets.ipynb", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        wait_for_kernel(url, "widgets.ipynb")
        page.locator(".jp-Cell").first.locator(".jp-InputArea-prompt").click()
        for _ in range(3):
            page.keyboard.press("Shift+Enter")
        page.wait_for_function("document.querySelectorAll(\".ck-video[data-ready='true']\").length == 2",
                               timeout=90_000)
        player, grid = page.locator(".ck-video").nth(0), page.locator(".ck-video").nth(1)
        canvas = player.locator("canvas")
        assert canvas.count() == 1 and grid.locator("canvas").count() == 4
        assert grid.locator("figcaption").all_inner_texts() == ["forward", "backward", "mirrored", "dim"]
        assert canvas.evaluate("c => getComputedStyle(c).imageRendering") == "pixelated"
        assert canvas.bounding_box()["width"] == pytest.approx(256, abs=1)   # 64 px x default scale 4
        page.screenshot(path=artifact("lab-player-and-grid.png"), full_page=True)

        # 1. It plays by itself, with no kernel message while it does.
        time.sleep(0.3)
        quiet_from = time.monotonic()
        seen_frames, seen_x = set(), set()
        for _ in range(8):
            seen_frames.add(_frame(player))
            seen_x.add(canvas.evaluate(SQUARE_X))
            time.sleep(0.12)
        quiet_to = time.monotonic()
        assert len(seen_frames) >= 4, f"the player did not advance: frames seen {seen_frames}"
        assert len(seen_x) >= 4, f"the canvas did not change: square x seen {seen_x}"
        during = [m for m in comm_messages if quiet_from <= m[0] <= quiet_to]
        assert during == [], f"{len(during)} comm messages while playing; playback must be client-side"
        player.screenshot(path=artifact("lab-player-playing.png"))

        # The grid plays, in step: paused anywhere, the forward and backward cells mirror each other.
        assert len({_frame(grid) for _ in range(6) if time.sleep(0.12) is None}) >= 3
        grid.locator(".ck-video-play").click()
        f = _frame(grid)
        forward_x, backward_x = (grid.locator("canvas").nth(i).evaluate(SQUARE_X) for i in (0, 1))
        assert forward_x == pytest.approx(4 * f + 3.5, abs=0.6)
        assert backward_x == pytest.approx(4 * (T - 1 - f) + 3.5, abs=0.6)
        grid.locator(".ck-video-play").click()

        # 2. Pause stops it.
        player.locator(".ck-video-play").click()
        assert player.get_attribute("data-playing") == "false"
        paused_frame, paused_x = _frame(player), canvas.evaluate(SQUARE_X)
        time.sleep(0.7)
        assert _frame(player) == paused_frame and canvas.evaluate(SQUARE_X) == paused_x

        # 3. The slider seeks, and the canvas shows that frame.
        player.locator(".ck-video-slider").fill("7")
        player.locator(".ck-video-slider").dispatch_event("change")
        assert _frame(player) == 7
        assert canvas.evaluate(SQUARE_X) == pytest.approx(4 * 7 + 3.5, abs=0.6)
        assert player.locator(".ck-video-label").inner_text() == f"8 / {T}"
        time.sleep(0.5)
        assert _frame(player) == 7, "seeking while paused must not restart playback"
        player.screenshot(path=artifact("lab-player-paused-at-7.png"))

        # Python heard where the student stopped (one message on pause/seek, not per frame).
        page.locator(".jp-Cell").nth(3).locator(".jp-InputArea-prompt").click()
        page.keyboard.press("Shift+Enter")
        out = page.locator(".jp-Cell").nth(3).locator(".jp-OutputArea-output")
        out.wait_for(timeout=30_000)
        assert "python sees frame=7 playing=False" in out.inner_text()

        # Play again: it moves on from frame 7.
        player.locator(".ck-video-play").click()
        time.sleep(0.5)
        assert _frame(player) != 7 and player.get_attribute("data-playing") == "true"

        # Keyboard, once the player has focus: space pauses, arrows step one frame.
        canvas.click()
        page.keyboard.press(" ")
        assert player.get_attribute("data-playing") == "false"
        stopped = _frame(player)
        page.keyboard.press("ArrowRight")
        assert _frame(player) == min(stopped + 1, T - 1)
        page.keyboard.press("ArrowLeft")
        assert _frame(player) == stopped if stopped < T - 1 else T - 2
        page.keyboard.press(" ")
        assert player.get_attribute("data-playing") == "true"
        page.screenshot(path=artifact("lab-after-controls.png"), full_page=True)

        # 4. The explorer: a button press in the browser re-renders in the kernel and the grid changes.
        page.locator(".jp-Cell").nth(4).locator(".jp-InputArea-prompt").click()
        page.keyboard.press("Shift+Enter")
        page.wait_for_function("document.querySelectorAll(\".ck-video[data-ready='true']\").length == 3",
                               timeout=60_000)
        explorer = page.locator(".jp-Cell").nth(4).locator(".ck-video")
        assert explorer.locator("canvas").count() == 4
        assert explorer.locator("figcaption").all_inner_texts() == [f"motion {m}" for m in range(4)]
        explorer.locator(".ck-video-play").click()            # pause, so only new content changes pixels
        first = explorer.locator("canvas").first
        before = first.evaluate(CANVAS_SUM)
        page.locator(".jp-Cell").nth(4).get_by_role("button", name="new content").click()
        page.wait_for_function("([el, before]) => el.dataset.ready === 'true' && "
                               "el.querySelector('canvas').getContext('2d').getImageData(0, 0, 64, 64)"
                               ".data.reduce((a, b) => a + b, 0) !== before",
                               arg=[explorer.element_handle(), before], timeout=30_000)
        assert page.locator(".jp-Cell").nth(4).locator("input").first.input_value() != "0"
        assert first.evaluate(CANVAS_SUM) != before, "new content did not change the picture"
        page.locator(".jp-Cell").nth(4).screenshot(path=artifact("lab-explorer.png"))

        # 5. The ipympl plots draw in the page (interactive canvases, not static images).
        page.locator(".jp-Cell").nth(5).locator(".jp-InputArea-prompt").click()
        page.keyboard.press("Shift+Enter")
        figures = page.locator(".jp-Cell").nth(5).locator(".jupyter-matplotlib-figure")
        page.wait_for_function("el => el.querySelectorAll('.jupyter-matplotlib-figure canvas').length >= 4",
                               arg=page.locator(".jp-Cell").nth(5).element_handle(), timeout=60_000)
        assert figures.count() == 2
        page.wait_for_timeout(1500)
        figures.nth(0).scroll_into_view_if_needed()
        page.locator(".jp-Cell").nth(5).screenshot(path=artifact("lab-plots.png"))
        for i, name in enumerate(("loss", "motion code")):
            page.wait_for_function(f"el => ({CANVAS_SUM})(el) > 0",
                                   arg=figures.nth(i).locator("canvas").first.element_handle(),
                                   timeout=30_000)
        figures.nth(1).scroll_into_view_if_needed()
        page.locator(".jp-Cell").nth(5).screenshot(path=artifact("lab-plots.png"))


def test_exported_html_animates_without_kernel_or_network(tmp_path):
    """Execute a notebook (nbclient saves widget state), export it, open it offline in Chromium."""
    chromium_path()
    import nbformat
    from nbclient import NotebookClient

    from course_kit.widgets import export_html

    path = write_notebook(tmp_path / "export.ipynb", [MAKE_VIDEO, SHOW_PLAYER, SHOW_GRID])
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    nbformat.write(nb, path)
    html = export_html(path, tmp_path / "export.html")

    with browser_page() as page:
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())  # no network: the CDN is unreachable, as offline
        page.goto(html.as_uri())
        images = page.locator("img[src^='data:image/png']")
        images.first.wait_for(timeout=20_000)
        assert images.count() == 2
        page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        box = images.nth(0).bounding_box()
        assert box["width"] == pytest.approx(256, abs=1)
        shots = []
        for _ in range(4):
            shots.append(images.nth(0).screenshot())
            time.sleep(0.25)
        assert len(set(shots)) >= 3, "the exported fallback image does not animate"
        page.screenshot(path=artifact("exported-html.png"), full_page=True)


def test_player_plays_in_notebook_7(lab):
    """The same front end under Notebook 7 (served by the same Jupyter server)."""
    url, root = lab
    write_notebook(root / "nb7.ipynb", [MAKE_VIDEO, SHOW_PLAYER])
    with browser_page() as page:
        page.goto(f"{url}/notebooks/nb7.ipynb", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        wait_for_kernel(url, "nb7.ipynb")
        page.locator(".jp-Cell").first.locator(".jp-InputArea-prompt").click()
        page.keyboard.press("Shift+Enter")
        page.keyboard.press("Shift+Enter")
        page.wait_for_selector(".ck-video[data-ready='true']", timeout=90_000)
        player = page.locator(".ck-video").first
        seen = set()
        for _ in range(8):
            seen.add(_frame(player))
            time.sleep(0.12)
        assert len(seen) >= 4, f"the player did not advance in Notebook 7: frames {seen}"
        player.locator(".ck-video-play").click()
        player.locator(".ck-video-slider").fill("3")
        assert _frame(player) == 3
        assert player.locator("canvas").evaluate(SQUARE_X) == pytest.approx(4 * 3 + 3.5, abs=0.6)
        page.screenshot(path=artifact("notebook7-player.png"))


def test_a_reopened_notebook_shows_the_animated_fallback(lab):
    """Reopened later with no live widget state, JupyterLab shows the animated PNG instead."""
    import nbformat
    from nbclient import NotebookClient

    url, root = lab
    path = write_notebook(root / "reopened.ipynb", [MAKE_VIDEO, SHOW_PLAYER])
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False).execute()
    nbformat.write(nb, path)
    with browser_page() as page:
        page.goto(f"{url}/lab/tree/reopened.ipynb", wait_until="domcontentloaded")
        image = page.locator(".jp-OutputArea-output img[src^='data:image/png']").first
        image.wait_for(timeout=90_000)
        page.wait_for_function("img => img.complete && img.naturalWidth == 64", arg=image.element_handle())
        shots = []
        for _ in range(4):
            shots.append(image.screenshot())
            time.sleep(0.25)
        assert len(set(shots)) >= 3, "the fallback does not animate in JupyterLab"
        page.screenshot(path=artifact("lab-reopened-fallback.png"))
