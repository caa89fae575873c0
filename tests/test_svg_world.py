"""The pushing world: shapes, determinism, physics a student can see, and the BAIR folder format."""

import re

import numpy as np
import pytest

from course_kit.svg.data import (list_videos, load_split, read_video, split_videos,
                                 write_push_dataset)
from course_kit.svg.world import _World, simulate


def test_simulate_shapes_and_ranges():
    b = simulate(5, n_frames=12, seed=3)
    assert b.frames.shape == (5, 12, 64, 64, 3) and b.frames.dtype == np.uint8
    assert b.actions.shape == (5, 12, 4) and b.positions.shape == (5, 12, 3)
    assert (b.positions[..., :2] > 0).all() and (b.positions[..., :2] < 1).all()
    assert set(np.unique(b.actions[..., 3])) <= {0.0, 1.0}


def test_same_seed_same_bytes_other_seed_other_videos():
    a, b, c = simulate(3, 8, seed=1), simulate(3, 8, seed=1), simulate(3, 8, seed=2)
    assert np.array_equal(a.frames, b.frames) and np.array_equal(a.actions, b.actions)
    assert not np.array_equal(a.frames, c.frames)


def test_actions_move_the_end_effector():
    """Action t (dx, dy) leads from position t to t+1, except where the wall stops the gripper."""
    b = simulate(20, 16, seed=0)
    step = b.positions[:, 1:, :2] - b.positions[:, :-1, :2]
    agree = np.isclose(step, b.actions[:, :-1, :2], atol=1e-4).all(-1)
    assert agree.mean() > 0.8


def test_pucks_get_pushed_and_keep_sliding_by_hidden_friction():
    rng = np.random.default_rng(0)
    world = _World(60, 64, rng)
    start = world.obj.copy()
    for _ in range(30):
        world.step(world.plan(rng))
    moved = (np.linalg.norm(world.obj - start, axis=-1) > 2) & world.active
    assert 0.2 < moved[world.active].mean() < 1.0
    # A puck that never slides (friction 0) stops as soon as the push ends.
    world.slide[:] = 0.0
    world.vel[:] = 5.0
    world.step(np.zeros((60, 4), np.float32))
    assert np.abs(world.vel).max() == 0.0


@pytest.mark.parametrize("bad", [0, -1, 2.5])
def test_bad_sizes_are_named(bad):
    with pytest.raises(ValueError, match="n_videos"):
        simulate(bad)


@pytest.fixture
def tiny_dataset(tmp_path):
    return write_push_dataset(tmp_path / "push", n_videos=6, n_frames=5, seed=0, chunk=4)


def test_folder_format_round_trips(tiny_dataset):
    folders = list_videos(tiny_dataset)
    assert [f.name for f in folders] == [f"{i:05d}" for i in range(6)]
    assert sorted(p.name for p in folders[0].iterdir()) == sorted(
        [f"{t}.png" for t in range(5)] + ["actions.csv", "endeffector_positions.csv"])
    frames, actions, positions = read_video(folders[2])
    direct = simulate(4, n_frames=5, seed=0)       # the first chunk, simulated again
    assert np.array_equal(frames, direct.frames[2])
    assert np.allclose(actions, direct.actions[2], atol=1e-6)
    assert np.allclose(positions, direct.positions[2], atol=1e-6)


def test_splits_are_disjoint_and_seeded(tiny_dataset):
    videos = list_videos(tiny_dataset)
    a, b = split_videos(videos, seed=4), split_videos(videos, seed=4)
    assert a == b
    names = [v for part in a.values() for v in part]
    assert sorted(names) == sorted(videos) and all(a[k] for k in a)
    loaded = load_split(tiny_dataset, "test", seed=4, progress=False)
    assert loaded.names == [v.name for v in a["test"]]
    assert loaded.conditions.shape == (len(a["test"]), 5, 7)


def test_missing_frame_is_named(tiny_dataset):
    folder = list_videos(tiny_dataset)[1]
    (folder / "3.png").unlink()
    with pytest.raises(FileNotFoundError, match=r"3\.png"):
        read_video(folder)


def test_ragged_csv_is_named(tiny_dataset):
    folder = list_videos(tiny_dataset)[0]
    lines = (folder / "actions.csv").read_text().splitlines()
    lines[2] = "0.1,0.2,0.3"
    (folder / "actions.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"actions\.csv line 3 has 3 columns, expected 4"):
        read_video(folder)


def test_short_csv_and_header(tiny_dataset):
    folder = list_videos(tiny_dataset)[0]
    path = folder / "endeffector_positions.csv"
    rows = path.read_text().splitlines()
    path.write_text("x,y,z\n" + "\n".join(rows) + "\n")          # a header is fine
    assert read_video(folder)[2].shape == (5, 3)
    path.write_text("\n".join(rows[:-1]) + "\n")
    with pytest.raises(ValueError, match=r"endeffector_positions\.csv has 4 rows, expected one per frame \(5\)"):
        read_video(folder)


def test_missing_root_says_how_to_make_data(tmp_path):
    with pytest.raises(FileNotFoundError, match="make-data push"):
        list_videos(tmp_path / "nowhere")


def test_hidden_kicks_send_pucks_in_directions_the_context_cannot_show():
    plain = simulate(64, n_frames=6, seed=5, max_objects=1)
    kicked = simulate(64, n_frames=6, seed=5, kick_at=1, max_objects=1)
    assert np.array_equal(plain.frames[:, :2], kicked.frames[:, :2])      # the context is the same
    assert np.array_equal(plain.actions[:, :2], kicked.actions[:, :2])
    changed = np.abs(kicked.frames[:, 2:].astype(int) - plain.frames[:, 2:].astype(int)).max(axis=(1, 2, 3, 4))
    assert (changed > 60).mean() > 0.9                                    # the kick shows after the context
    assert np.array_equal(simulate(3, n_frames=4, seed=1).frames, simulate(3, n_frames=4, seed=1, kick_at=None).frames)


def test_kicked_pucks_glide_far_enough_to_see(monkeypatch):
    """The uncertainty must show in pixels: a kicked puck travels tens of pixels in 10 frames, not a few."""
    import course_kit.svg.world as world
    made, original = [], world._World.__init__

    def remember(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append((self, self.obj[:, 0].copy()))
    monkeypatch.setattr(world._World, "__init__", remember)
    travelled = {}
    for glide in (0.0, 0.9):
        world.simulate(32, n_frames=12, seed=3, kick_at=0, kick_glide=glide, max_objects=1)
        w, start = made[-1]
        travelled[glide] = np.median(np.linalg.norm(w.obj[:, 0] - start, axis=-1))
    assert travelled[0.9] > 15 > travelled[0.0]


@pytest.mark.parametrize("kwargs, message", [(dict(kick_at=6), "`kick_at` must be None or a frame index"),
                                             (dict(max_objects=0), "`max_objects` must be an integer in"),
                                             (dict(kick_glide=1.0), "`kick_glide` must be in [0, 1)")])
def test_bad_kicks_are_named(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        simulate(2, n_frames=6, **kwargs)
