"""The motion decoder (SVGConfig.motion_layers): it moves the last context frame's pixels, and plugs into SVG unchanged."""

import numpy as np
import pytest
import torch

from course_kit.svg.model import SVG, Decoder, MotionDecoder, SVGConfig
from course_kit.svg.objective import training_loss
from course_kit.svg.train import load_weights, save_weights
from course_kit.svg.world import simulate

TINY = dict(nf=4, g_dim=16, z_dim=4, rnn_size=16, latent_rnn_size=8, n_past=2, n_future=3)


@pytest.fixture(scope="module")
def clips():
    b = simulate(3, n_frames=5, seed=0)
    video = torch.from_numpy(b.frames).permute(0, 4, 1, 2, 3).float() / 255
    return b, video, torch.from_numpy(np.concatenate([b.actions, b.positions], -1))


def test_a_mask_on_a_shifted_copy_moves_the_frame_by_that_many_pixels(clips):
    """Force the mask onto the first shifted copy and its shift to 8 px right: the output is the frame moved."""
    _, video, _ = clips
    frame = video[:1, :, 1]
    dec = MotionDecoder(g_dim=16, nf=4, layers=2)
    with torch.no_grad():
        dec.out.weight.zero_()
        dec.out.bias.copy_(torch.tensor([0, 0, 0, -50, -50, 50, -50.0]))   # drawn, unmoved, copy 1, copy 2
        dec.shift.weight.zero_()
        dec.shift.bias.copy_(torch.tensor([-8 / 32, 0, 0, 0]))           # grid_sample reads from x - 8 px
    g = torch.zeros(1, 16)
    skips = [torch.zeros(1, 4 * 2 ** i, 32 >> i, 32 >> i) for i in range(4)] + [frame]
    dec.eval()
    out = dec(g, skips)
    assert out.shape == frame.shape
    torch.testing.assert_close(out[..., 8:], frame[..., :-8], atol=1e-4, rtol=0)


def test_zero_motion_layers_is_the_dcgan_decoder_and_its_weights(clips):
    plain = SVG(SVGConfig(**TINY))
    assert type(plain.decoder) is Decoder and not plain.encoder.keep_frame
    moving = SVG(SVGConfig(**TINY, motion_layers=3))
    assert isinstance(moving.decoder, MotionDecoder) and moving.encoder.keep_frame
    plain_keys, moving_keys = set(plain.state_dict()), set(moving.state_dict())
    assert plain_keys - moving_keys == {"decoder.out.0.weight", "decoder.out.0.bias"}      # a sigmoid there
    assert moving_keys - plain_keys == {"decoder.out.weight", "decoder.out.bias",           # image + mask logits
                                        "decoder.shift.weight", "decoder.shift.bias"}


def test_an_svg_with_motion_layers_trains_generates_and_round_trips(tmp_path, clips):
    _, video, cond = clips
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY, motion_layers=2))
    out = training_loss(model, video, cond, beta=1e-4, generator=torch.Generator().manual_seed(0))
    out["loss"].backward()
    assert model.decoder.shift.weight.grad.abs().sum() > 0
    model.eval()
    pred = model.generate(video[:, :, :2], cond, 3, generator=torch.Generator().manual_seed(0))
    assert pred.shape == (3, 3, 3, 64, 64) and 0 <= pred.min() and pred.max() <= 1
    weights, config = save_weights(model, tmp_path / "m")
    import json
    again = load_weights(weights, json.loads(config.read_text()))
    assert again.config.motion_layers == 2
    torch.testing.assert_close(again.generate(video[:, :, :2], cond, 3, generator=torch.Generator().manual_seed(0)),
                               pred, atol=2e-2, rtol=0)


def test_negative_motion_layers_are_named():
    with pytest.raises(ValueError, match="motion_layers"):
        SVGConfig(motion_layers=-1)
