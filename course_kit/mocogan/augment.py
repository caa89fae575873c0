"""Differentiable augmentation for the discriminators (Zhao et al., "Differentiable Augmentation for
Data-Efficient GAN Training", NeurIPS 2020).

Why: with 72 Weizmann videos, D_I and D_V soon tell the real clips apart by
heart and the generator collapses onto a few of them. Showing both
discriminators real *and* generated inputs through the same random, differentiable
transforms (in the D step and in the G step alike) lets D see more than the
training set without the generator learning to produce the transforms.

Videos are augmented per clip: every frame of a clip gets the same shift,
cut-out and colour change, so D_V still sees a clip that is consistent in
time (what it judges). Inputs are in [-1, 1], (N, C, H, W) frames or
(N, C, T, H, W) clips. The randomness comes from ``generator`` (or torch's
global one), so a seeded run repeats.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["POLICIES", "parse_policy", "augment"]

POLICIES = ("color", "translation", "cutout")


def parse_policy(policy: str) -> tuple[str, ...]:
    """'color,translation' -> ('color', 'translation'); '' -> () (off). Unknown names are an error."""
    parts = tuple(p.strip() for p in policy.split(",") if p.strip()) if policy else ()
    unknown = [p for p in parts if p not in POLICIES]
    if unknown:
        raise ValueError(f"augment: policy must be a comma-separated subset of {', '.join(POLICIES)} "
                         f"(or empty for none), got {policy!r}")
    return parts


def _draw_device(generator, device):
    """Where to draw: a generator draws on its own device (then the numbers move to ``device``)."""
    return generator.device if generator is not None else device


def _per_sample(x: torch.Tensor, generator) -> torch.Tensor:
    """One uniform number in [0, 1) per sample, shaped to broadcast over x's other dimensions."""
    u = torch.rand(x.shape[0], generator=generator, device=_draw_device(generator, x.device))
    return u.to(x.device, x.dtype).view(-1, *[1] * (x.dim() - 1))


def _color(x, generator):
    x = x + (_per_sample(x, generator) - 0.5)                                   # brightness
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (_per_sample(x, generator) * 2) + mean                     # saturation
    mean = x.mean(dim=tuple(range(1, x.dim())), keepdim=True)
    return (x - mean) * (_per_sample(x, generator) + 0.5) + mean               # contrast


def _rand_ints(n, low, high, generator, device):
    """n integers in [low, high] (inclusive)."""
    return torch.randint(low, high + 1, (n,), generator=generator, device=_draw_device(generator, device)).to(device)


def _translation(x, generator, ratio: float = 0.125):
    """Shift every sample by up to ``ratio`` of its size; what moves in from the edge is zero (grey)."""
    n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
    rh, rw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy, dx = _rand_ints(n, -rh, rh, generator, x.device), _rand_ints(n, -rw, rw, generator, x.device)
    flat = x.reshape(n, -1, h, w)
    padded = F.pad(flat, [rw, rw, rh, rh])
    rows = (torch.arange(h, device=x.device)[None] + dy[:, None] + rh)           # (n, h)
    cols = (torch.arange(w, device=x.device)[None] + dx[:, None] + rw)           # (n, w)
    out = padded[torch.arange(n, device=x.device)[:, None, None], :, rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2).reshape(x.shape)


def _cutout(x, generator, ratio: float = 0.5):
    """Zero a square of ``ratio`` of the size at a random place (cut at the edges)."""
    n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = _rand_ints(n, 0, h - ch % 2, generator, x.device)     # the square's centre; an even square may
    cx = _rand_ints(n, 0, w - cw % 2, generator, x.device)     # sit half off the far edge, as in DiffAugment
    ys = torch.arange(h, device=x.device)[None] - (cy[:, None] - ch // 2)        # (n, h)
    xs = torch.arange(w, device=x.device)[None] - (cx[:, None] - cw // 2)
    inside = ((ys >= 0) & (ys < ch))[:, :, None] & ((xs >= 0) & (xs < cw))[:, None, :]   # (n, h, w)
    keep = (~inside).to(x.dtype).view(n, *[1] * (x.dim() - 3), h, w)
    return x * keep


_OPS = {"color": _color, "translation": _translation, "cutout": _cutout}


def augment(x: torch.Tensor, policy: tuple[str, ...], generator: torch.Generator | None = None) -> torch.Tensor:
    """``x`` (N, C, H, W) or (N, C, T, H, W) through ``policy``'s transforms, one draw per sample (clip)."""
    if x.dim() not in (4, 5):
        raise ValueError(f"augment: `x` must be frames (N, C, H, W) or clips (N, C, T, H, W), got shape "
                         f"{tuple(x.shape)}")
    for name in policy:
        x = _OPS[name](x, generator)
    return x
