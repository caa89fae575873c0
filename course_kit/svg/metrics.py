"""Frame-quality metrics for video prediction: PSNR, SSIM, per future step and best of K.

Images are float tensors in [0, 1] shaped (..., C, H, W); every metric
returns one number per image, shaped (...).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["psnr", "ssim", "best_of"]


def _check(where, pred, target):
    for name, t in (("pred", pred), ("target", target)):
        if not isinstance(t, torch.Tensor) or t.dim() < 3:
            shape = tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__
            raise ValueError(f"{where}: `{name}` must be a float tensor (..., C, H, W) in [0, 1], got {shape}")
    if pred.shape != target.shape:
        raise ValueError(f"{where}: `pred` and `target` must have the same shape, "
                         f"got {tuple(pred.shape)} and {tuple(target.shape)}")


def psnr(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Peak signal-to-noise ratio in dB per image: 10 * log10(1 / MSE).

    pred, target: (..., C, H, W) floats in [0, 1] (peak 1); the MSE is the
    mean over C, H and W. Returns (...). Identical images would give
    infinity; the MSE is floored at 1e-10, so the ceiling is 100 dB.
    """
    _check("psnr", pred, target)
    mse = ((pred.float() - target.float()) ** 2).mean(dim=(-3, -2, -1))
    return 10 * torch.log10(1.0 / mse.clamp_min(1e-10))


def _gaussian_window(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    g = torch.exp(-x ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    return g[:, None] * g[None, :]


def ssim(pred: torch.Tensor, target: torch.Tensor, window: int = 11, sigma: float = 1.5) -> torch.Tensor:
    """Structural similarity (Wang et al. 2004) per image, averaged over channels and positions.

    Gaussian window ``window`` x ``window`` with ``sigma`` (the paper's 11 and
    1.5), no padding, K1 = 0.01, K2 = 0.03, data range 1. pred, target:
    (..., C, H, W) in [0, 1]; returns (...), 1 for identical images.
    """
    _check("ssim", pred, target)
    lead, (C, H, W) = pred.shape[:-3], pred.shape[-3:]
    if min(H, W) < window:
        raise ValueError(f"ssim: images must be at least {window}x{window} for the window, got {H}x{W}")
    x = pred.float().reshape(-1, C, H, W)
    y = target.float().reshape(-1, C, H, W)
    w = _gaussian_window(window, sigma).to(x.device).expand(C, 1, window, window)
    blur = lambda a: F.conv2d(a, w, groups=C)          # noqa: E731
    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x ** 2
    var_y = blur(y * y) - mu_y ** 2
    cov = blur(x * y) - mu_x * mu_y
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x ** 2 + mu_y ** 2 + c1) * (var_x + var_y + c2))
    return s.mean(dim=(-3, -2, -1)).reshape(lead)


def best_of(scores: torch.Tensor, *others: torch.Tensor):
    """Pick, per video, the sample whose mean score over future steps is highest.

    scores: (K, N, T) one score per sample, video and step (e.g. PSNR).
    others: more (K, N, T) tensors to pick from with the same choice (e.g. SSIM).
    Returns (best scores (N, T), *best others (N, T)) and the chosen index (N,)
    last. This is the "best of K samples" of SVG's evaluation.
    """
    if scores.dim() != 3:
        raise ValueError(f"best_of: `scores` must be (samples, videos, steps), got {tuple(scores.shape)}")
    choice = scores.mean(dim=2).argmax(dim=0)                         # (N,)
    idx = choice[None, :, None].expand(1, *scores.shape[1:])
    picked = [t.gather(0, idx)[0] for t in (scores, *others)]
    return (*picked, choice)
