"""SVGConfig.posterior_change: the posterior reads how the frame's code changed, in every loop that calls it."""

import pytest
import torch

from course_kit.svg.evaluate import latent_use
from course_kit.svg.model import SVG, ChangePosterior, GaussianLSTM, SVGConfig
from course_kit.svg.objective import training_loss

TINY = dict(nf=4, g_dim=16, z_dim=4, rnn_size=16, latent_rnn_size=8, n_past=2, n_future=3)


class _Recording(GaussianLSTM):
    """The kit's Gaussian LSTM, keeping every input it was given."""
    seen: list

    def forward(self, x, state, generator=None):
        type(self).seen.append(x.detach().clone())
        return super().forward(x, state, generator)


def _batch(b=3, t=5):
    torch.manual_seed(1)
    return torch.rand(b, 3, t, 64, 64), torch.randn(b, t, 7)


def test_the_posterior_reads_the_code_and_its_change_times_the_gain():
    _Recording.seen = []
    model = SVG(SVGConfig(**TINY, posterior_change=3.0), gaussian_lstm=_Recording).eval()
    video, cond = _batch()
    with torch.no_grad():
        codes, _ = model.encode_frames(video)
        training_loss(model, video, cond)
    posterior_inputs = _Recording.seen[0::2]            # per step the posterior reads first, then the prior
    assert len(posterior_inputs) == video.shape[2] - 1
    g = model.config.g_dim
    for t, x in enumerate(posterior_inputs, start=1):
        assert x.shape == (3, 2 * g)
        torch.testing.assert_close(x[:, :g], codes[t])
        expected = torch.zeros_like(codes[t]) if t == 1 else 3.0 * (codes[t] - codes[t - 1])
        torch.testing.assert_close(x[:, g:], expected)


def test_zero_gain_is_the_plain_posterior_and_its_weights():
    plain, changed = SVG(SVGConfig(**TINY)), SVG(SVGConfig(**TINY, posterior_change=2.0))
    assert not isinstance(plain.posterior, ChangePosterior) and isinstance(changed.posterior, ChangePosterior)
    renamed = {k.replace("posterior.net.", "posterior.") for k in changed.state_dict()}
    assert renamed == set(plain.state_dict())
    assert changed.posterior.net.embed.in_features == 2 * plain.posterior.embed.in_features


def test_a_change_posterior_trains_generates_and_is_measured():
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY, posterior_change=4.0))
    video, cond = _batch()
    out = training_loss(model, video, cond, generator=torch.Generator().manual_seed(0))
    out["loss"].backward()
    assert model.posterior.net.embed.weight.grad.abs().sum() > 0
    model.eval()
    frames = model.generate(video[:, :, :2], cond, 3, generator=torch.Generator().manual_seed(0))
    assert frames.shape == (3, 3, 3, 64, 64)
    assert latent_use(model, video, cond).shape == (3, 3)


def test_a_negative_gain_is_refused_by_name():
    with pytest.raises(ValueError, match="posterior_change"):
        SVGConfig(**TINY, posterior_change=-1.0)


def test_with_keypoints_z_starts_out_saying_where_the_keypoints_went():
    """The read path starts as the identity: z's first 2K means are the Gaussian LSTM's plus the keypoints' change."""
    torch.manual_seed(0)
    model = SVG(SVGConfig(**{**TINY, "z_dim": 6}, keypoints=2, posterior_change=4.0)).eval()
    video, _ = _batch()
    inner = model.posterior.net
    with torch.no_grad():
        codes, _ = model.encode_frames(video)
        _, state, _ = model.zero_states(video)
        inner_state = inner.zero_state(3, video)
        for t in (1, 2):
            _, mean, logvar, state = model.posterior(codes[t], state)
            change = torch.zeros_like(codes[t]) if t == 1 else 4.0 * (codes[t] - codes[t - 1])
            _, inner_mean, _, inner_state = inner(torch.cat([codes[t], change], 1), inner_state)
            expected = inner_mean + torch.nn.functional.pad(change[:, -4:], (0, 2))
            torch.testing.assert_close(mean, expected)
    assert torch.allclose(logvar, torch.full_like(logvar, ChangePosterior.start_logvar), atol=0.5)
    assert "read.weight" in dict(model.posterior.named_parameters())
