"""The two probabilistic pieces of SVG's loss: the reparameterisation trick and the Gaussian KL.

These are the reference solutions for the SVG assignment; students write the
same functions. Shapes: B = batch, Z = latent size.
"""

from __future__ import annotations

import torch

__all__ = ["reparameterize", "gaussian_kl"]


def _check_pair(where: str, names: tuple[str, str], a, b) -> None:
    for name, t in zip(names, (a, b)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{where}: `{name}` must be a torch.Tensor, got {type(t).__name__}")
    if a.shape != b.shape:
        raise ValueError(f"{where}: `{names[0]}` and `{names[1]}` must have the same shape, "
                         f"got {tuple(a.shape)} and {tuple(b.shape)}")


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Sample z ~ N(mu, exp(logvar)) so that gradients flow to mu and logvar.

    z = mu + exp(logvar / 2) * eps with eps ~ N(0, I) drawn independently of
    the parameters. mu, logvar: (B, Z); returns (B, Z). ``generator`` makes
    the noise reproducible.
    """
    _check_pair("reparameterize", ("mu", "logvar"), mu, logvar)
    eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
    return mu + torch.exp(0.5 * logvar) * eps


def gaussian_kl(mu_q: torch.Tensor, logvar_q: torch.Tensor,
                mu_p: torch.Tensor, logvar_p: torch.Tensor) -> torch.Tensor:
    """KL(q || p) between diagonal Gaussians, summed over the latent dimension.

    KL = 1/2 sum_z [ logvar_p - logvar_q + (exp(logvar_q) + (mu_q - mu_p)^2) / exp(logvar_p) - 1 ].
    All four inputs (B, Z); returns (B,), one KL per sample (>= 0, 0 iff q == p).
    With mu_p = logvar_p = 0 it is the usual VAE term against N(0, I).
    """
    _check_pair("gaussian_kl", ("mu_q", "logvar_q"), mu_q, logvar_q)
    _check_pair("gaussian_kl", ("mu_p", "logvar_p"), mu_p, logvar_p)
    _check_pair("gaussian_kl", ("mu_q", "mu_p"), mu_q, mu_p)
    per_dim = logvar_p - logvar_q + (torch.exp(logvar_q) + (mu_q - mu_p) ** 2) / torch.exp(logvar_p) - 1
    return 0.5 * per_dim.sum(dim=-1)
