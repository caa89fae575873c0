"""Encoder keypoints (SVGConfig.keypoints): the code ends with where learned maps peak, and it plugs into SVG unchanged."""

import json

import numpy as np
import pytest
import torch

from course_kit.svg.model import SVG, Encoder, SVGConfig
from course_kit.svg.objective import training_loss
from course_kit.svg.train import load_weights, save_weights
from course_kit.svg.world import simulate

TINY = dict(nf=4, g_dim=16, z_dim=4, rnn_size=16, latent_rnn_size=8, n_past=2, n_future=3)


def test_a_keypoint_follows_a_bright_puck_across_the_frame():
    """A map that reads the red channel puts the keypoint on a red puck: moving it right moves x, not y."""
    enc = Encoder(g_dim=16, nf=4, keypoints=1)
    frames = torch.zeros(2, 3, 64, 64)
    frames[0, 0, 16:20, 12:16] = frames[1, 0, 16:20, 48:52] = 1.0     # a red square at columns 12-15, then 48-51
    with torch.no_grad():
        enc.heatmaps.weight.zero_()
        enc.heatmaps.weight[0, 0] = 1.0                            # red; the kit's gain makes the softmax sharp
        enc.heatmaps.bias.zero_()
    x, y = enc.where(frames).T
    centre = lambda first: -1 + (2 * first + 4) / 64               # the centre of pixels first..first+3 in [-1, 1]
    torch.testing.assert_close(x, torch.tensor([centre(12), centre(48)]), atol=1e-3, rtol=0)
    torch.testing.assert_close(y, torch.tensor([centre(16), centre(16)]), atol=1e-3, rtol=0)


def test_untrained_keypoints_already_see_which_way_a_kick_went():
    """Why the maps read pixels: before any training, their change between two frames tells the kick's direction."""
    n, seed = 400, 3
    clips = simulate(n, n_frames=3, seed=seed, kick_at=1, max_objects=1)
    angle = np.random.default_rng([seed, 1]).uniform(0, 2 * np.pi, (n, 3))[:, 0]   # simulate's own kick stream
    target = np.stack([np.cos(angle), np.sin(angle)], 1)
    torch.manual_seed(0)
    enc = Encoder(g_dim=32, nf=4, keypoints=8)
    frames = torch.from_numpy(clips.frames).float().div(255).permute(0, 1, 4, 2, 3)
    with torch.no_grad():
        change = (enc.where(frames[:, 2]) - enc.where(frames[:, 1])).numpy()
    features = np.c_[change, np.ones(n)]
    fit, held = slice(0, 300), slice(300, None)
    w = np.linalg.lstsq(features[fit], target[fit], rcond=None)[0]
    residual = ((features[held] @ w - target[held]) ** 2).sum()
    r2 = 1 - residual / ((target[held] - target[held].mean(0)) ** 2).sum()
    assert r2 > 0.3, f"untrained keypoints explain only R^2={r2:.2f} of the kick direction"


def test_the_code_keeps_its_size_and_ends_with_coordinates():
    enc = Encoder(g_dim=16, nf=4, keypoints=3).eval()
    g, skips = enc(torch.rand(2, 3, 64, 64))
    assert g.shape == (2, 16) and len(skips) == 4
    assert (g[:, -6:].abs() <= 1).all()


def test_zero_keypoints_is_the_dcgan_encoder_and_its_weights():
    plain, pointed = SVG(SVGConfig(**TINY)), SVG(SVGConfig(**TINY, keypoints=2))
    assert set(pointed.state_dict()) - set(plain.state_dict()) == {"encoder.heatmaps.weight", "encoder.heatmaps.bias"}
    assert pointed.encoder.out[0].out_channels == 16 - 4


def test_an_svg_with_keypoints_trains_generates_and_round_trips(tmp_path):
    b = simulate(3, n_frames=5, seed=0)
    video = torch.from_numpy(b.frames).permute(0, 4, 1, 2, 3).float() / 255
    cond = torch.from_numpy(np.concatenate([b.actions, b.positions], -1))
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY, keypoints=2, motion_layers=2))
    training_loss(model, video, cond, beta=1e-4, generator=torch.Generator().manual_seed(0))["loss"].backward()
    assert model.encoder.heatmaps.weight.grad.abs().sum() > 0
    model.eval()
    pred = model.generate(video[:, :, :2], cond, 3, generator=torch.Generator().manual_seed(0))
    weights, config = save_weights(model, tmp_path / "m")
    again = load_weights(weights, json.loads(config.read_text()))
    assert again.config.keypoints == 2
    torch.testing.assert_close(again.generate(video[:, :, :2], cond, 3, generator=torch.Generator().manual_seed(0)),
                               pred, atol=2e-2, rtol=0)


@pytest.mark.parametrize("k", [-1, 8])
def test_keypoints_that_do_not_fit_the_code_are_named(k):
    with pytest.raises(ValueError, match="keypoints.*g_dim=16"):
        SVGConfig(**TINY, keypoints=k)
