"""VideoPlayer and VideoGrid without a browser: encoding, state, messages, sizes, validation."""

import base64
import io
import json

import comm
import numpy as np
import pytest
from PIL import Image

from course_kit.widgets import VideoGrid, VideoPlayer, export_html, strip_video_widget_state
from course_kit.widgets.encode import encode_apng, encode_sprite, frame_period_ms, sprite_sheet
from course_kit.widgets.grid import tile_videos
from course_kit.widgets.player import FALLBACK_BUDGET, default_scale


def smooth_video(T=32, size=64, seed=0):
    """A GAN-like test clip: a soft coloured blob drifting over a gradient, with mild noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    frames = []
    for t in range(T):
        cx, cy = 0.2 + 0.6 * t / T, 0.5 + 0.2 * np.sin(t / 4)
        blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 0.01)
        frame = np.stack([0.3 + 0.5 * y + 0.6 * blob, 0.2 + 0.3 * x, 0.5 - 0.3 * blob], -1)
        frames.append(frame + rng.normal(0, 0.02, frame.shape))
    return (np.clip(np.stack(frames), 0, 1) * 255).round().astype(np.uint8)


class RecordingComm:
    """Stands in for the kernel's comm: keeps what the widget would send to the browser."""

    def __init__(self, **kwargs):
        self.opened = kwargs
        self.sent = []
        self.comm_id = f"comm-{id(self)}"
        self.kernel = "recording"

    def send(self, data=None, metadata=None, buffers=None):
        self.sent.append((data, buffers or []))

    def on_msg(self, callback):
        self.callback = callback

    def open(self, *args, **kwargs):
        pass

    def close(self, *args, **kwargs):
        pass


@pytest.fixture
def comms(monkeypatch):
    made = []

    def create_comm(**kwargs):
        made.append(RecordingComm(**kwargs))
        return made[-1]
    monkeypatch.setattr(comm, "create_comm", create_comm)
    return made


def _decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _frames_from_sprite(player, video_index=0):
    sheet = _decode(player.sprites[video_index])
    H, W, C = player.frame_height, player.frame_width, player.sprite_columns
    return np.stack([sheet[(t // C) * H:(t // C + 1) * H, (t % C) * W:(t % C + 1) * W]
                     for t in range(player.frame_count)])


def test_sprite_sheet_places_frame_t_at_row_t_div_columns():
    frames = np.random.default_rng(0).integers(0, 256, (5, 4, 6, 3), dtype=np.uint8)
    sheet = sprite_sheet(frames)
    assert sheet.shape == (8, 18, 3)   # 3 columns x 2 rows of 4x6 tiles
    np.testing.assert_array_equal(sheet[0:4, 6:12], frames[1])
    np.testing.assert_array_equal(sheet[4:8, 6:12], frames[4])
    assert not sheet[4:8, 12:18].any()


def test_player_sprite_decodes_back_to_the_video():
    video = smooth_video()
    lossless = VideoPlayer(video, codec="png")
    np.testing.assert_array_equal(_frames_from_sprite(lossless), video)
    jpeg = VideoPlayer(video)   # default: JPEG q90, 4:4:4
    mse = np.mean((_frames_from_sprite(jpeg).astype(float) - video) ** 2)
    psnr = 10 * np.log10(255 ** 2 / mse)
    assert psnr > 33, f"JPEG sprite PSNR {psnr:.1f} dB"   # white noise of sd 5/255 is in the clip
    assert jpeg.mime == "image/jpeg" and lossless.mime == "image/png"
    assert (jpeg.frame_count, jpeg.frame_height, jpeg.frame_width) == (32, 64, 64)


def test_apng_fallback_shows_every_frame_exactly_as_quantised():
    video = smooth_video(T=12)
    data = encode_apng(video, fps=8)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.n_frames == 12
    assert image.info.get("duration") == frame_period_ms(8) == 120
    for t in range(12):
        image.seek(t)
        shown = np.asarray(image.convert("RGB")).astype(int)
        assert np.abs(shown - video[t]).mean() < 6, f"frame {t} differs"


def test_fallback_follows_fps_changes():
    player = VideoPlayer(smooth_video(T=4, size=16), fps=8)
    assert Image.open(io.BytesIO(player.fallback_png()[0])).info["duration"] == 120
    player.fps = 20
    assert Image.open(io.BytesIO(player.fallback_png()[0])).info["duration"] == 50


def test_frame_period_respects_browser_limits():
    assert frame_period_ms(8) == 120 and frame_period_ms(10) == 100
    assert frame_period_ms(100) == 20          # browsers slow down delays under 20 ms
    assert frame_period_ms(0.5) == 2000


@pytest.mark.slow
def test_payload_sizes_meet_the_targets():
    """A 32-frame 64x64 video under 200 KB, a 4x4 grid under 2 MB, fallbacks included."""
    player = VideoPlayer(smooth_video())
    sizes = player.payload_bytes()
    assert sizes["total"] < 200_000, sizes
    assert sizes["fallback image/png (base64)"] > 0
    grid = VideoGrid([smooth_video(seed=i) for i in range(16)], titles=[f"v{i}" for i in range(16)])
    grid_sizes = grid.payload_bytes()
    assert grid_sizes["total"] < 2_000_000, grid_sizes
    assert grid.columns == 4
    # Noisy clips like these get a still fallback in budget; clean ones (shapes) animate.
    from course_kit.data.shapes import shape_motion_videos
    clean = VideoGrid(shape_motion_videos(16, seed=0)[0])
    assert clean.fallback_png()[1], "a grid of clean clips should animate without a kernel"
    assert clean.payload_bytes()["total"] < 300_000


@pytest.mark.slow
def test_fallback_is_kept_within_budget_by_degrading():
    noise = np.random.default_rng(0).integers(0, 256, (32, 128, 128, 3), dtype=np.uint8)
    grid = VideoGrid([noise, noise[::-1], noise[:, ::-1], noise[:, :, ::-1]])
    data, animated = grid.fallback_png()
    assert len(base64.b64encode(data)) <= FALLBACK_BUDGET
    assert not animated   # pure noise cannot be animated in budget: a still instead
    assert Image.open(io.BytesIO(data)).size == (2 * 128 + 2, 2 * 128 + 2)
    quiet = VideoPlayer(noise, fallback=False)
    assert "image/png" not in quiet._repr_mimebundle_()[0]


def test_mimebundle_has_widget_view_and_an_animated_png_at_display_size():
    player = VideoPlayer(smooth_video(T=8, size=32), fps=4)
    data, metadata = player._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == player.model_id
    assert data["text/plain"] == "VideoPlayer(8 frames, 32x32, 4 fps)"
    png = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    assert png.n_frames == 8 and png.size == (32, 32)
    assert metadata["image/png"] == {"width": 32 * 8, "height": 32 * 8}   # default scale 8 for 32 px


def test_open_message_carries_sprites_as_binary_buffers(comms):
    video = smooth_video(T=16)
    player = VideoPlayer(video, fps=12, loop=False)
    opened = comms[-1].opened
    state = opened["data"]["state"]
    assert state["fps"] == 12 and state["loop"] is False and state["playing"] is True
    assert state["frame_count"] == 16 and state["sprite_columns"] == 4 and state["scale"] == 4
    assert opened["data"]["buffer_paths"] == [["sprites", 0]]
    assert bytes(opened["buffers"][0]) == player.sprites[0]
    assert "export default" in state["_esm"] and "image-rendering" in state["_css"]
    json.dumps(state)   # the rest is plain JSON: no base64 blobs hiding in it
    assert len(json.dumps(state)) - len(state["_esm"]) - len(state["_css"]) < 2_000


def test_replacing_the_video_sends_one_update(comms):
    player = VideoPlayer(smooth_video(T=8))
    sent = comms[-1].sent
    sent.clear()
    player.video = smooth_video(T=20, size=48, seed=1)
    assert len(sent) == 1, "one message per new video, not one per trait"
    data, buffers = sent[0]
    assert data["method"] == "update"
    assert data["state"]["frame_count"] == 20 and data["state"]["frame_width"] == 48
    assert len(buffers) == 1 and player.video.shape == (20, 48, 48, 3)
    assert not player.video.flags.writeable


def test_browser_reports_pause_and_seek_back_to_python(comms):
    player = VideoPlayer(smooth_video(T=10))
    comms[-1].callback({"content": {"data": {"method": "update", "buffer_paths": [],
                                              "state": {"frame": 7, "playing": False}}},
                        "buffers": []})
    assert player.frame == 7 and player.playing is False
    player.frame = 3   # Python seeks the browser
    assert comms[-1].sent[-1][0]["state"] == {"frame": 3}


def test_grid_layout_titles_and_batches():
    batch = np.stack([smooth_video(T=8, seed=i) for i in range(6)])        # (N, T, H, W, 3)
    grid = VideoGrid(batch.transpose(0, 4, 1, 2, 3), titles=list("abcdef"))  # models' (N, 3, T, H, W)
    assert grid.columns == 3 and grid.titles == list("abcdef") and len(grid.sprites) == 6
    assert grid.scale == default_scale(64, 64, target=128) == 2
    tiled = tile_videos(grid.videos, 3)
    assert tiled.shape == (8, 2 * 64 + 2, 3 * 64 + 4, 3)
    np.testing.assert_array_equal(tiled[:, 66:130, 66:130], batch[4])
    grid.set_videos(batch[:2], columns=1)
    assert grid.columns == 1 and grid.titles == [] and repr(grid).startswith("VideoGrid(2 videos")


@pytest.mark.parametrize("make, words", [
    (lambda: VideoPlayer(smooth_video(), fps=0), ["`fps`", "0.1"]),
    (lambda: VideoPlayer(smooth_video(), scale=0), ["`scale`"]),
    (lambda: VideoPlayer(smooth_video(), codec="gif"), ["`codec`", "jpeg"]),
    (lambda: VideoPlayer(smooth_video(), quality=101), ["`quality`"]),
    (lambda: VideoGrid([smooth_video()] * 2, titles=["one"]), ["`titles`", "2"]),
    (lambda: VideoGrid([smooth_video()] * 2, columns=0), ["`columns`"]),
])
def test_bad_arguments_say_what_is_expected(make, words):
    with pytest.raises((ValueError, TypeError)) as info:
        make()
    for word in words:
        assert word in str(info.value)


def test_traits_reject_bad_values():
    player = VideoPlayer(smooth_video(T=8))
    with pytest.raises(Exception, match="`speed` must be one of"):
        player.speed = 3
    with pytest.raises(Exception, match="`frame` must be from 0 to 7"):
        player.frame = 8
    player.speed = 0.5
    assert player.speed == 0.5


def test_export_strips_only_video_widget_state(tmp_path):
    import nbformat
    nb = nbformat.v4.new_notebook()
    state = {"a": {"model_name": "AnyModel", "state": {"_anywidget_id": "course_kit.widgets.player.VideoPlayer"}},
             "b": {"model_name": "IntSliderModel", "state": {"value": 3}}}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    player = VideoPlayer(smooth_video(T=4, size=16))
    data, metadata = player._repr_mimebundle_()
    nb.cells = [nbformat.v4.new_code_cell("player", outputs=[nbformat.v4.new_output(
        "display_data", data=data, metadata=metadata)])]
    stripped = strip_video_widget_state(nb)
    assert list(stripped.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]) == ["b"]
    assert "a" in state, "the original notebook is not modified"
    nbformat.write(nb, tmp_path / "n.ipynb")
    html = export_html(tmp_path / "n.ipynb").read_text()
    assert f"data:image/png;base64,{data['image/png'][:40]}" in html
    with pytest.raises(FileNotFoundError, match="`notebook`"):
        export_html(tmp_path / "missing.ipynb")


def test_export_of_a_notebook_colab_saved_without_widget_state(tmp_path):
    """Colab can write metadata.widgets with no "state"; nbconvert then raises KeyError 'state'."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"version_major": 2}}
    player = VideoPlayer(smooth_video(T=4, size=16))
    data, metadata = player._repr_mimebundle_()
    nb.cells = [nbformat.v4.new_code_cell("player", outputs=[nbformat.v4.new_output(
        "display_data", data=data, metadata=metadata)])]
    assert "widgets" not in strip_video_widget_state(nb).metadata
    nbformat.write(nb, tmp_path / "colab.ipynb")
    assert f"data:image/png;base64,{data['image/png'][:40]}" in export_html(tmp_path / "colab.ipynb").read_text()
