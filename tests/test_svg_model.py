"""SVG networks: shapes, the deterministic twin, learning on a tiny batch, predict() and saved weights."""

import numpy as np
import pytest
import torch

from course_kit.svg.model import SVG, GaussianLSTM, SVGConfig
from course_kit.svg.objective import training_loss
from course_kit.svg.train import load_weights, save_weights
from course_kit.svg.world import simulate

TINY = dict(nf=4, g_dim=16, z_dim=4, rnn_size=16, latent_rnn_size=8, n_past=2, n_future=3)


@pytest.fixture(scope="module")
def clips():
    b = simulate(4, n_frames=5, seed=0)
    video = torch.from_numpy(b.frames).permute(0, 4, 1, 2, 3).float() / 255
    cond = torch.from_numpy(np.concatenate([b.actions, b.positions], -1))
    return b, video, cond


def test_shapes_and_losses(clips):
    _, video, cond = clips
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY))
    out = training_loss(model, video, cond, beta=1e-4, generator=torch.Generator().manual_seed(0))
    assert out["loss"].dim() == 0 and out["mse"] > 0 and out["kl"] > 0
    model.eval()
    pred = model.generate(video[:, :, :2], cond, 3, generator=torch.Generator().manual_seed(0))
    assert pred.shape == (4, 3, 3, 64, 64) and 0 <= pred.min() and pred.max() <= 1


def test_deterministic_twin_has_no_latent(clips):
    _, video, cond = clips
    det = SVG(SVGConfig(**{**TINY, "z_dim": 0}))
    assert not det.stochastic and not hasattr(det, "prior")
    assert training_loss(det, video, cond)["kl"] == 0.0
    det.eval()
    assert torch.equal(det.generate(video[:, :, :2], cond, 3), det.generate(video[:, :, :2], cond, 3))


@pytest.mark.slow
def test_learns_a_tiny_batch(clips):
    _, video, cond = clips
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    losses = []
    for step in range(40):
        out = training_loss(model, video, cond, beta=1e-4, tf_ratio=0.5, generator=torch.Generator().manual_seed(step))
        opt.zero_grad()
        out["loss"].backward()
        opt.step()
        losses.append(out["mse"].item())
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])


def test_bad_inputs_are_named(clips):
    _, video, cond = clips
    model = SVG(SVGConfig(**TINY))
    with pytest.raises(ValueError, match=r"`video` must be a float tensor \(batch, 3, time, 64, 64\)"):
        training_loss(model, video[:, :, :, :32], cond)
    with pytest.raises(ValueError, match=r"`cond` must be \(batch=4, time, 7\)"):
        training_loss(model, video, cond[..., :4])
    with pytest.raises(ValueError, match="image_size"):
        SVGConfig(image_size=128)


def test_predict_returns_seeded_uint8_samples(clips):
    b, _, _ = clips
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY)).eval()
    with torch.no_grad():        # make the latent matter so samples differ visibly
        model.frame_predictor.embed.weight.mul_(20)
    args = (b.frames[0, :2], b.actions[0], b.positions[0])
    out = model.predict(*args, n_future=3, n_samples=2, seed=7)
    assert out.shape == (2, 3, 64, 64, 3) and out.dtype == np.uint8
    assert np.array_equal(out, model.predict(*args, n_future=3, n_samples=2, seed=7))
    assert not np.array_equal(out[0], out[1])
    assert model.predict(torch.from_numpy(b.frames[0, :2]), *args[1:], n_future=3).shape == (1, 3, 64, 64, 3)
    with pytest.raises(ValueError, match=r"`actions` must be \(n_past \+ n_future = 5, 4\)"):
        model.predict(b.frames[0, :2], b.actions[0, :4], b.positions[0], n_future=3)
    with pytest.raises(ValueError, match="uint8"):
        model.predict(b.frames[0, :2].astype(np.float32), b.actions[0], b.positions[0], n_future=3)


def test_fp16_weights_round_trip(tmp_path, clips):
    b, _, _ = clips
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY)).eval()
    weights, config = save_weights(model, tmp_path / "tiny")
    assert weights.stat().st_size < 0.6 * sum(p.numel() * 4 for p in model.state_dict().values())
    loaded = load_weights(weights, __import__("json").loads(config.read_text()))
    a = model.predict(b.frames[1, :2], b.actions[1], b.positions[1], n_future=3, seed=1).astype(int)
    c = loaded.predict(b.frames[1, :2], b.actions[1], b.positions[1], n_future=3, seed=1).astype(int)
    assert np.abs(a - c).mean() < 1.0


class _OwnGaussianLSTM(torch.nn.Module):
    """A replacement written from the documented interface alone (as the assignment's MyGaussianLSTM)."""

    def __init__(self, input_size, z_dim, hidden_size):
        super().__init__()
        self.embed = torch.nn.Linear(input_size, hidden_size)
        self.cell = torch.nn.LSTMCell(hidden_size, hidden_size)
        self.mu = torch.nn.Linear(hidden_size, z_dim)
        self.logvar = torch.nn.Linear(hidden_size, z_dim)

    def zero_state(self, batch, like):
        return (like.new_zeros(batch, self.cell.hidden_size),) * 2

    def forward(self, x, state, generator=None):
        h, c = self.cell(self.embed(x), state)
        mu, logvar = self.mu(h), self.logvar(h)
        eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
        return mu + torch.exp(0.5 * logvar) * eps, mu, logvar, (h, c)


def test_a_gaussian_lstm_with_the_interface_plugs_in_and_loads_the_kits_weights(clips):
    b, video, cond = clips
    torch.manual_seed(0)
    kit = SVG(SVGConfig(**TINY)).eval()
    own = SVG(SVGConfig(**TINY), gaussian_lstm=_OwnGaussianLSTM).eval()
    own.load_state_dict(kit.state_dict())
    assert type(own.prior) is _OwnGaussianLSTM and isinstance(kit.prior, GaussianLSTM)
    args = (b.frames[0, :2], b.actions[0], b.positions[0])
    assert np.array_equal(own.predict(*args, n_future=3, n_samples=2, seed=3),
                          kit.predict(*args, n_future=3, n_samples=2, seed=3))
    g = torch.Generator().manual_seed(1)
    assert torch.allclose(training_loss(own.train(), video, cond, generator=g)["loss"],
                          training_loss(kit.train(), video, cond, generator=torch.Generator().manual_seed(1))["loss"])
