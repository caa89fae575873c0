"""Whether SVG's latent is used: free bits, the KL per step, and the evaluation columns that see collapse."""

import numpy as np
import pytest
import torch

from course_kit.cli import main
from course_kit.svg.evaluate import evaluate, kl_per_step
from course_kit.svg.free_bits import free_bits_kl
from course_kit.svg.losses import gaussian_kl
from course_kit.svg.model import SVG, SVGConfig
from course_kit.svg.data import write_push_dataset
from course_kit.svg.world import simulate

TINY = dict(nf=4, g_dim=16, z_dim=4, rnn_size=16, latent_rnn_size=8, n_past=2, n_future=3)


def _gaussians(seed=0, batch=5, z=4):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(batch, z, generator=g) * s for s in (1.0, 0.3, 1.0, 0.3)]


def test_free_bits_zero_is_the_plain_kl_and_the_floor_holds():
    mu_q, lv_q, mu_p, lv_p = _gaussians()
    plain = gaussian_kl(mu_q, lv_q, mu_p, lv_p).mean()
    assert torch.allclose(free_bits_kl(0.0)(mu_q, lv_q, mu_p, lv_p).mean(), plain)
    # q == p: every dimension is below any floor, so the loss is z * lam and has no gradient.
    mu = mu_q.clone().requires_grad_()
    kl = free_bits_kl(0.5)
    floored = kl(mu, lv_q, mu_q, lv_q).mean()
    assert floored.item() == pytest.approx(4 * 0.5)
    floored.backward()
    assert mu.grad is None or torch.all(mu.grad == 0)
    assert kl.raw[-1].item() == pytest.approx(0.0, abs=1e-6)   # the true KL is what the log reports


def test_free_bits_rejects_a_negative_floor():
    with pytest.raises(ValueError, match="`lam` must be >= 0"):
        free_bits_kl(-0.1)


def test_kl_per_step_sums_to_the_training_kl():
    from course_kit.svg.objective import training_loss
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY)).eval()
    batch = simulate(3, n_frames=5, seed=0, kick_at=1)
    video = torch.from_numpy(batch.frames).permute(0, 4, 1, 2, 3).float() / 255
    cond = torch.from_numpy(np.concatenate([batch.actions, batch.positions], -1))
    per_step = kl_per_step(model, video, cond, torch.Generator().manual_seed(0))
    assert per_step.shape == (3, 4) and torch.all(per_step >= 0)
    with torch.no_grad():
        total = training_loss(model, video, cond, tf_ratio=1.0, generator=torch.Generator().manual_seed(0))["kl"]
    assert per_step.sum(1).mean().item() == pytest.approx(total.item(), rel=1e-5)


@pytest.fixture(scope="module")
def kicked(tmp_path_factory):
    return write_push_dataset(tmp_path_factory.mktemp("kick") / "push", n_videos=8, n_frames=5, seed=0, kick_at=1)


def test_a_collapsed_model_scores_zero_spread_and_gain(kicked):
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY)).eval()
    with torch.no_grad():      # a prior that always says N(0, 0.0): every sample is the same
        for lstm in (model.prior, model.posterior):
            lstm.logvar.weight.zero_(), lstm.logvar.bias.fill_(-60.0)
            lstm.mu.weight.zero_(), lstm.mu.bias.zero_()
    report = evaluate(model, kicked, split="all", n_samples=4, progress=False)
    assert max(report.columns["svg best-of-4 gain"]) < 1e-3
    assert max(report.columns["svg moving std"]) < 0.5
    assert max(report.columns["svg kl"]) < 1e-3
    # A model whose every draw is a different future: the same columns see it.
    torch.manual_seed(0)
    noisy = evaluate(_NoisyFutures(SVGConfig(**TINY)).eval(), kicked, split="all", n_samples=4, progress=False)
    assert min(noisy.columns["svg best-of-4 gain"]) > 1e-4 and min(noisy.columns["svg moving std"]) > 20


class _NoisyFutures(SVG):
    """Each call draws uniform noise frames: the most diverse (and worst) predictor there is."""

    def generate(self, context, cond, n_future, generator=None):
        B, C, _, H, W = context.shape
        return torch.rand(B, C, n_future, H, W, generator=generator)


def test_make_data_kick_at_cli(tmp_path, capsys):
    args = ["make-data", "push", "--videos", "3", "--frames", "4", "--max-objects", "1"]
    assert main([*args, "--out", str(tmp_path / "plain")]) == 0
    assert main([*args, "--out", str(tmp_path / "kick"), "--kick-at", "1"]) == 0
    from course_kit.svg.data import load_split
    plain, kick = (load_split(tmp_path / n, "all", progress=False) for n in ("plain", "kick"))
    assert np.array_equal(plain.frames[:, :2], kick.frames[:, :2])        # the same world up to the kick
    assert not np.array_equal(plain.frames[:, 3], kick.frames[:, 3])      # then the pucks go elsewhere


def _kicked_batch(n=4, frames=5):
    batch = simulate(n, n_frames=frames, seed=0, kick_at=1, max_objects=1)
    video = torch.from_numpy(batch.frames).permute(0, 4, 1, 2, 3).float() / 255
    return video, torch.from_numpy(np.concatenate([batch.actions, batch.positions], -1))


class _PaintFromCode(torch.nn.Module):
    """A decoder that paints every pixel from the code (an untrained DCGAN decoder barely moves with g)."""

    def __init__(self, g_dim):
        super().__init__()
        self.paint = torch.nn.Linear(g_dim, 3 * 64 * 64)

    def forward(self, g, skips):
        return self.paint(g).sigmoid().view(-1, 3, 64, 64)


def test_z_use_sees_a_predictor_that_ignores_a_busy_posterior():
    from course_kit.svg.evaluate import latent_use
    video, cond = _kicked_batch()
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY)).eval()
    g_dim, z_dim = TINY["g_dim"], TINY["z_dim"]
    model.decoder = _PaintFromCode(g_dim)
    with torch.no_grad():   # a posterior that tells the clips apart, far from the prior
        model.posterior.embed.weight.mul_(200)
        model.posterior.mu.weight.mul_(50)
    read = latent_use(model, video, cond)
    assert read.shape == (4, TINY["n_future"]) and read.abs().min() > 1e-5     # the predictor reads it
    with torch.no_grad():   # now the predictor's weights on z are 0
        model.frame_predictor.embed.weight[:, g_dim:g_dim + z_dim] = 0
    assert kl_per_step(model, video, cond).mean() > 10       # a KL that looks like a used latent...
    assert torch.all(latent_use(model, video, cond) == 0)    # ...that the predictor never reads


def test_z_use_needs_two_clips_and_shows_in_the_report(kicked):
    from course_kit.svg.evaluate import latent_use
    video, cond = _kicked_batch(n=1)
    with pytest.raises(ValueError, match="at least 2 clips"):
        latent_use(SVG(SVGConfig(**TINY)).eval(), video, cond)
    torch.manual_seed(0)
    report = evaluate(SVG(SVGConfig(**TINY)).eval(), kicked, split="all", n_samples=2, progress=False)
    assert len(report.columns["svg z use"]) == TINY["n_future"]
    assert "The posterior's z is worth" in report.markdown()


def test_a_sample_seed_changes_the_noise_not_the_videos(kicked):
    """--sample-seed: other latent draws on the same held-out clips (copy-last, a property of the videos, stays)."""
    torch.manual_seed(0)
    model = SVG(SVGConfig(**TINY)).eval()
    g = TINY["g_dim"]
    with torch.no_grad():                    # an untrained predictor barely reads z: make it listen
        model.frame_predictor.embed.weight[:, g:g + TINY["z_dim"]] *= 300
    a, b, c = (evaluate(model, kicked, split="all", n_samples=2, progress=False, sample_seed=s) for s in (None, 0, 5))
    assert a.columns == b.columns
    assert c.columns["copy-last psnr"] == a.columns["copy-last psnr"]
    assert c.columns["svg mean psnr"] != a.columns["svg mean psnr"]
