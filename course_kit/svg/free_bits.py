"""Free bits (Kingma et al. 2016): a floor under the KL that keeps SVG's latent in use.

Without it, the first steps of training find it cheaper to ignore z (the KL
falls to 0 and never comes back: posterior collapse). With a floor of
``lam`` nats per latent dimension, the part of each dimension's KL (averaged
over the batch) below ``lam`` costs nothing, so the posterior can carry the
world's hidden causes (the pushing world's kicks) before the weight on the KL
makes the prior learn them. A training option, not part of the assignment:
``training_loss`` takes it as its ``kl_fn``.
"""

from __future__ import annotations

import torch

__all__ = ["free_bits_kl"]


def free_bits_kl(lam: float):
    """A ``kl_fn`` for :func:`course_kit.svg.objective.training_loss`: KL(q || p) with a floor of ``lam`` nats per dimension.

    Returns a function of (mu_q, logvar_q, mu_p, logvar_p), each (B, Z), that
    gives (B,) values whose mean is sum_z max(lam, mean_B KL_z): the loss the
    trainer minimises. ``lam`` = 0 is the plain KL's batch mean. The true KL
    of each call (no floor) is appended to the function's ``raw`` list.
    """
    if not lam >= 0:
        raise ValueError(f"free_bits_kl: `lam` must be >= 0 nats per dimension, got {lam!r}")

    def kl(mu_q: torch.Tensor, logvar_q: torch.Tensor, mu_p: torch.Tensor, logvar_p: torch.Tensor) -> torch.Tensor:
        per_dim = 0.5 * (logvar_p - logvar_q + (torch.exp(logvar_q) + (mu_q - mu_p) ** 2) / torch.exp(logvar_p) - 1)
        kl.raw.append(per_dim.detach().sum(-1).mean())
        floored = per_dim.mean(0).clamp(min=lam).sum()
        return floored.expand(mu_q.shape[0])

    kl.raw = []   # the true batch-mean KL of each call since the last reset: what the log reports
    return kl
