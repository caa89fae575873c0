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


def test_a_keypoint_follows_a_bright_blob_across_the_frame():
    """A heat map that is the blob's brightness puts the keypoint on the blob: moving it right moves x, not y."""
    enc = Encoder(g_dim=16, nf=4, keypoints=1)
    features = torch.zeros(2, 8, 16, 16)
    features[0, 0, 4, 3] = features[1, 0, 4, 12] = 1.0         # the blob at column 3, then column 12, row 4
    with torch.no_grad():
        enc.heatmaps.weight.zero_()
        enc.heatmaps.weight[0, 0] = 40.0                        # a sharp softmax on channel 0
        enc.heatmaps.bias.zero_()
    x, y = enc.where(features).T
    centre = lambda i: -1 + (2 * i + 1) / 16                    # pixel i's centre in [-1, 1]
    torch.testing.assert_close(x, torch.tensor([centre(3), centre(12)]), atol=1e-3, rtol=0)
    torch.testing.assert_close(y, torch.tensor([centre(4), centre(4)]), atol=1e-3, rtol=0)


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
