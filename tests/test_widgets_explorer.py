"""MoCoGANExplorer driven through its widget API, on a small fake model and on the real class."""

import numpy as np
import pytest
import torch

from course_kit.widgets import MoCoGANExplorer


class FakeMoCoGAN:
    """Follows the explorer's protocol; content sets the colour, motion the path of a square."""

    def __init__(self, actions=("wave", "bend"), size=16):
        self.actions = list(actions)
        self.size = size
        self.calls = []

    def generate(self, content_seeds, motion_seeds, action=None, n_frames=16):
        self.calls.append((list(content_seeds), list(motion_seeds), action, n_frames))
        videos = torch.zeros(len(content_seeds), n_frames, self.size, self.size, 3, dtype=torch.uint8)
        for i, (c, m) in enumerate(zip(content_seeds, motion_seeds)):
            colour = torch.tensor([(c * 37) % 256, (c * 91) % 256, 200], dtype=torch.uint8)
            for t in range(n_frames):
                x = (m + t) % (self.size - 4)
                videos[i, t, 4:8, x:x + 4] = colour
        return videos


def Explorer(*args, **kwargs):
    """The explorer without rendering ahead, so tests see exactly the calls a change makes."""
    kwargs.setdefault("prefetch", False)
    return MoCoGANExplorer(*args, **kwargs)


def test_starts_with_one_video_of_the_given_seeds():
    model = FakeMoCoGAN()
    explorer = Explorer(model, content_seed=3, motion_seed=5, n_frames=8)
    assert model.calls == [([3], [5], "wave", 8)]
    assert len(explorer.grid.videos) == 1 and explorer.grid.frame_count == 8
    assert explorer.grid.titles == ["content 3 \u00b7 motion 5"]
    assert "1 video of 8 frames" in explorer.status.value


def test_each_control_regenerates_with_the_right_seeds():
    model = FakeMoCoGAN()
    explorer = Explorer(model, grid_size=4)
    explorer.content_seed.value = 11
    assert model.calls[-1] == ([11], [0], "wave", 16)
    explorer.motion_seed.value = 2
    assert model.calls[-1] == ([11], [2], "wave", 16)
    explorer.action.value = "bend"
    assert model.calls[-1][2] == "bend"
    explorer.n_frames.value = 10
    assert model.calls[-1][3] == 10 and explorer.grid.frame_count == 10

    explorer.mode.value = "vary_motion"      # fix content, vary motion; (11, 2) is cached
    assert model.calls[-1][:2] == ([11] * 3, [3, 4, 5])
    videos = explorer.grid.videos
    assert len(videos) == 4 and explorer.grid.columns == 4
    assert all((v[0, 4:8].max(axis=(0, 1)) == videos[0][0, 4:8].max(axis=(0, 1))).all() for v in videos)
    assert explorer.grid.titles == ["motion 2", "motion 3", "motion 4", "motion 5"]

    explorer.mode.value = "vary_content"     # fix motion, vary content
    assert model.calls[-1][:2] == ([12, 13, 14], [2] * 3)
    assert explorer.grid.titles == [f"content {c}" for c in (11, 12, 13, 14)]
    assert explorer.last_update_seconds is not None and explorer.last_update_seconds < 1.0
    assert "4 videos of 10 frames in" in explorer.status.value


def test_seen_videos_come_from_the_cache():
    model = FakeMoCoGAN()
    explorer = Explorer(model, mode="vary_motion", grid_size=4)
    assert model.calls[-1][:2] == ([0] * 4, [0, 1, 2, 3])
    explorer.motion_seed.value = 1          # stepping the seed: only motion 4 is new
    assert model.calls[-1][:2] == ([0], [4])
    shown = [v.copy() for v in explorer.grid.videos]
    calls = len(model.calls)
    explorer.motion_seed.value = 0          # back: nothing to render
    explorer.motion_seed.value = 1
    assert len(model.calls) == calls
    for a, b in zip(shown, explorer.grid.videos):
        np.testing.assert_array_equal(a, b)
    explorer.n_frames.value = 8             # a new length is a new video
    assert model.calls[-1] == ([0] * 4, [1, 2, 3, 4], "wave", 8)
    explorer.cache_size = 2
    explorer.content_seed.value = 9
    assert explorer.error is None
    assert len(explorer._cache) == 4        # what is on screen stays; older entries go


def test_new_seed_buttons_are_reproducible():
    a, b = Explorer(FakeMoCoGAN(), seed=7), Explorer(FakeMoCoGAN(), seed=7)
    for explorer in (a, b):
        explorer.new_content.click()
        explorer.new_motion.click()
        explorer.new_content.click()
    assert (a.content_seed.value, a.motion_seed.value) == (b.content_seed.value, b.motion_seed.value)
    assert a.content_seed.value != 0 and a.motion_seed.value != 0
    assert a.model.calls[-1][:2] == ([a.content_seed.value], [a.motion_seed.value])


def test_unconditional_model_hides_the_action_menu():
    model = FakeMoCoGAN(actions=())
    explorer = Explorer(model)
    assert explorer.action.layout.display == "none"
    assert model.calls[-1][2] is None


def test_a_failing_model_shows_its_error_and_the_explorer_survives():
    model = FakeMoCoGAN()
    explorer = Explorer(model)
    shown = explorer.grid.videos[0].copy()

    def broken(*args, **kwargs):
        raise RuntimeError("shapes do not match")
    model.generate = broken
    explorer.content_seed.value = 4
    assert isinstance(explorer.error, RuntimeError)
    assert "RuntimeError: shapes do not match" in explorer.status.value
    np.testing.assert_array_equal(explorer.grid.videos[0], shown)   # the last good video stays
    model.generate = FakeMoCoGAN.generate.__get__(model)
    explorer.content_seed.value = 5
    assert explorer.error is None


def test_wrong_model_or_arguments_are_refused_clearly():
    with pytest.raises(TypeError, match="lacks generate"):
        Explorer(type("M", (), {"actions": []})())
    with pytest.raises(ValueError, match="`mode` must be one of"):
        Explorer(FakeMoCoGAN(), mode="grid")
    with pytest.raises(ValueError, match="`action` must be one of"):
        Explorer(FakeMoCoGAN(), action="jump")
    with pytest.raises(ValueError, match="`grid_size`"):
        Explorer(FakeMoCoGAN(), grid_size=1)


def test_mimebundle_carries_the_grid_fallback():
    explorer = Explorer(FakeMoCoGAN(), mode="vary_motion")
    data, metadata = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data and "image/png" in data
    assert data["text/plain"].startswith("MoCoGANExplorer(mode='vary_motion'")


def test_works_with_the_real_mocogan_class():
    from course_kit.mocogan import MoCoGAN, MoCoGANConfig
    torch.manual_seed(0)
    model = MoCoGAN(MoCoGANConfig(image_size=64, ngf=8, action_names=["wave", "bend"]))
    explorer = Explorer(model, n_frames=4, mode="vary_motion", grid_size=2)
    assert len(explorer.grid.videos) == 2 and explorer.grid.videos[0].shape == (4, 64, 64, 3)
    explorer.action.value = "bend"
    assert explorer.error is None and explorer.grid.frame_count == 4
    # Same content seed in both cells: the first frames differ only through motion.
    again = model.generate([0, 0], [0, 1], action="bend", n_frames=4).numpy()
    np.testing.assert_array_equal(explorer.grid.videos[1], again[1])


def test_buttons_and_seed_steps_are_rendered_ahead():
    model = FakeMoCoGAN()
    explorer = MoCoGANExplorer(model, mode="vary_motion", grid_size=4, seed=3)
    assert explorer.wait_prefetch(30)
    assert explorer.prefetch_keys() == []
    explorer.new_content.click()                 # its videos were rendered ahead
    assert explorer.last_model_seconds == 0.0 and explorer.error is None
    assert explorer.grid.titles == ["motion 0", "motion 1", "motion 2", "motion 3"]
    assert explorer.wait_prefetch(30)
    explorer.motion_seed.value += 1              # seed + 1: ready too
    assert explorer.last_model_seconds == 0.0
    assert explorer.wait_prefetch(30)
    explorer.new_motion.click()
    assert explorer.last_model_seconds == 0.0
    explorer.content_seed.value = 12345          # a typed seed nobody could guess is rendered now
    assert explorer.last_model_seconds > 0.0
    reference = Explorer(FakeMoCoGAN(), mode="vary_motion", grid_size=4, seed=3)
    reference.new_content.click()                # the same seeds as without rendering ahead
    first_content = reference.content_seed.value
    explorer_again = MoCoGANExplorer(FakeMoCoGAN(), mode="vary_motion", grid_size=4, seed=3)
    explorer_again.new_content.click()
    assert explorer_again.content_seed.value == first_content
    for e in (explorer, explorer_again):
        thread = e._prefetch._thread
        e.close()
        thread.join(5)
        assert not thread.is_alive()
