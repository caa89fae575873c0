"""The five functions students write in the SVG assignment, checked against independent references."""

import math

import pytest
import torch

from course_kit.svg.losses import gaussian_kl, reparameterize
from course_kit.svg.metrics import best_of, psnr, ssim
from course_kit.svg.schedules import kl_beta, teacher_forcing_ratio


def test_reparameterize_moments_and_gradients():
    mu = torch.full((20000, 3), 2.0, requires_grad=True)
    logvar = torch.log(torch.full((20000, 3), 0.25)).requires_grad_()
    z = reparameterize(mu, logvar, generator=torch.Generator().manual_seed(0))
    assert z.shape == (20000, 3)
    assert abs(z.mean().item() - 2.0) < 0.02 and abs(z.std().item() - 0.5) < 0.02
    z.sum().backward()
    assert torch.allclose(mu.grad, torch.ones_like(mu)) and logvar.grad.abs().sum() > 0


def test_reparameterize_seeded_and_checked():
    mu, logvar = torch.zeros(2, 4), torch.zeros(2, 4)
    a = reparameterize(mu, logvar, torch.Generator().manual_seed(5))
    b = reparameterize(mu, logvar, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)
    with pytest.raises(ValueError, match="same shape"):
        reparameterize(mu, torch.zeros(2, 3))


def test_gaussian_kl_matches_torch_distributions():
    g = torch.Generator().manual_seed(1)
    mu_q, lv_q, mu_p, lv_p = (torch.randn(6, 5, generator=g) for _ in range(4))
    ours = gaussian_kl(mu_q, lv_q, mu_p, lv_p)
    q = torch.distributions.Normal(mu_q, torch.exp(0.5 * lv_q))
    p = torch.distributions.Normal(mu_p, torch.exp(0.5 * lv_p))
    assert ours.shape == (6,)
    assert torch.allclose(ours, torch.distributions.kl_divergence(q, p).sum(-1), atol=1e-5)
    assert torch.allclose(gaussian_kl(mu_q, lv_q, mu_q, lv_q), torch.zeros(6), atol=1e-6)


def test_kl_beta_schedules():
    assert kl_beta(0, "constant", beta_max=1e-3) == 1e-3
    mono = [kl_beta(s, "monotonic", 1.0, total_steps=100, ratio=0.5) for s in (0, 25, 50, 99, 500)]
    assert mono == [0.0, 0.5, 1.0, 1.0, 1.0]
    cyc = [kl_beta(s, "cyclical", 1.0, total_steps=100, n_cycles=4, ratio=0.5) for s in (0, 6, 13, 24, 25, 31, 99, 100)]
    assert cyc == pytest.approx([0.0, 0.48, 1.0, 1.0, 0.0, 0.48, 1.0, 1.0])
    assert max(kl_beta(s, "cyclical", 2e-4, 1000) for s in range(1000)) == pytest.approx(2e-4)
    with pytest.raises(ValueError, match="schedule"):
        kl_beta(0, "linear")


def test_teacher_forcing_ratio_schedule():
    r = [teacher_forcing_ratio(e, start_epoch=3, decay_step=2, decay_rate=0.25, lower_bound=0.3) for e in range(10)]
    assert r == pytest.approx([1, 1, 1, 0.75, 0.75, 0.5, 0.5, 0.3, 0.3, 0.3])
    with pytest.raises(ValueError, match="decay_step"):
        teacher_forcing_ratio(1, decay_step=0)


def test_psnr_by_hand():
    target = torch.zeros(2, 3, 3, 8, 8)
    pred = target + 0.1
    assert psnr(pred, target).shape == (2, 3)
    assert torch.allclose(psnr(pred, target), torch.full((2, 3), 20.0), atol=1e-4)
    assert psnr(target, target).max().item() == pytest.approx(100.0)
    with pytest.raises(ValueError, match="same shape"):
        psnr(pred[0], target)


def test_ssim_properties():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(4, 3, 32, 32, generator=g)
    assert torch.allclose(ssim(x, x), torch.ones(4), atol=1e-5)
    noisy = (x + 0.1 * torch.randn(x.shape, generator=g)).clamp(0, 1)
    noisier = (x + 0.3 * torch.randn(x.shape, generator=g)).clamp(0, 1)
    assert (ssim(noisy, x) > ssim(noisier, x)).all() and (ssim(noisier, x) < 0.9).all()
    # Constant images: SSIM reduces to the luminance term, computable by hand.
    a, b = torch.full((1, 1, 16, 16), 0.2), torch.full((1, 1, 16, 16), 0.6)
    c1 = 0.01 ** 2
    assert ssim(a, b).item() == pytest.approx((2 * 0.2 * 0.6 + c1) / (0.04 + 0.36 + c1), rel=1e-4)


def test_best_of_picks_per_video():
    scores = torch.tensor([[[1.0, 1.0], [5.0, 5.0]],
                           [[3.0, -2.0], [4.0, 9.0]]])       # (K=2, N=2, T=2)
    other = -scores
    best, best_other, choice = best_of(scores, other)
    assert choice.tolist() == [0, 1]
    assert best.tolist() == [[1.0, 1.0], [4.0, 9.0]] and best_other.tolist() == [[-1.0, -1.0], [-4.0, -9.0]]
    assert math.isclose(best.mean().item(), 3.75)
