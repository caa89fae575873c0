"""MoCoGAN's networks: image generator G_I, image discriminator D_I, video discriminator D_V.

DCGAN-style stacks for 64x64 or 96x96 frames. G_I maps one latent vector
z = [z_C, z_M(t)] to one frame in [-1, 1] (tanh); a video is G_I applied to
every frame's vector. D_V uses 3D convolutions and is built for a clip
length T >= 8 fixed at construction; with ``n_classes`` it also predicts the
action (the conditional model's auxiliary classifier).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

SUPPORTED_SIZES = (64, 96)


def _check_size(image_size: int, where: str) -> int:
    if image_size not in SUPPORTED_SIZES:
        raise ValueError(f"{where}: `image_size` must be one of {SUPPORTED_SIZES}, got {image_size!r}")
    return 4 if image_size == 64 else 6  # spatial size after the first layer / before the last


class ImageGenerator(nn.Module):
    """G_I: (N, z_dim) -> (N, channels, S, S) in [-1, 1]."""

    def __init__(self, z_dim: int, ngf: int = 64, image_size: int = 64, channels: int = 3):
        super().__init__()
        base = _check_size(image_size, "ImageGenerator")
        self.z_dim, self.image_size = z_dim, image_size

        def up(c_in, c_out):
            return [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False),
                    nn.BatchNorm2d(c_out), nn.ReLU(True)]

        self.main = nn.Sequential(
            nn.ConvTranspose2d(z_dim, ngf * 8, base, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
            *up(ngf * 8, ngf * 4), *up(ngf * 4, ngf * 2), *up(ngf * 2, ngf),
            nn.ConvTranspose2d(ngf, channels, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() != 2 or z.shape[1] != self.z_dim:
            raise ValueError(f"ImageGenerator: `z` must have shape (N, {self.z_dim}), "
                             f"got {tuple(z.shape)}")
        if self.training or torch.is_grad_enabled():
            return self.main(z[:, :, None, None])
        return self._inference_stack()(z[:, :, None, None])

    def _inference_stack(self) -> nn.Sequential:
        """``main`` with each BatchNorm folded into its convolution, for sampling.

        Eval-mode BatchNorm is a per-channel affine map, so folding it changes
        nothing but the time (about a tenth of a CPU forward). The copy is
        rebuilt whenever a weight or running statistic changed in place.
        """
        key = tuple((id(t), t._version) for t in (*self.parameters(), *self.buffers()))
        cached = getattr(self, "_fused", None)
        if cached is None or cached[0] != key:
            layers, modules = [], list(self.main)
            for i, layer in enumerate(modules):
                if isinstance(layer, nn.BatchNorm2d):
                    continue
                nxt = modules[i + 1] if i + 1 < len(modules) else None
                if isinstance(layer, nn.ConvTranspose2d) and isinstance(nxt, nn.BatchNorm2d):
                    layer = fuse_conv_bn_eval(layer, nxt, transpose=True)
                layers.append(layer)
            stack = nn.Sequential(*layers).to(memory_format=torch.channels_last)
            object.__setattr__(self, "_fused", (key, stack))  # not a submodule: no state_dict entry
            cached = self._fused
        return cached[1]


class GaussianNoise(nn.Module):
    """Instance noise (sigma fixed at construction), active in training only."""

    def __init__(self, sigma: float = 0.0):
        super().__init__()
        self.sigma = sigma

    def forward(self, x):
        if self.training and self.sigma > 0:
            return x + self.sigma * torch.randn_like(x)
        return x


class ImageDiscriminator(nn.Module):
    """D_I: (N, channels, S, S) -> (N,) logits, real vs generated frame."""

    def __init__(self, ndf: int = 64, image_size: int = 64, channels: int = 3, noise: float = 0.0):
        super().__init__()
        base = _check_size(image_size, "ImageDiscriminator")

        def down(c_in, c_out, norm=True):
            return [GaussianNoise(noise), nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False),
                    *([nn.BatchNorm2d(c_out)] if norm else []), nn.LeakyReLU(0.2, True)]

        self.main = nn.Sequential(
            *down(channels, ndf, norm=False), *down(ndf, ndf * 2), *down(ndf * 2, ndf * 4),
            *down(ndf * 4, ndf * 8), GaussianNoise(noise), nn.Conv2d(ndf * 8, 1, base, 1, 0, bias=False),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x).flatten()


class VideoDiscriminator(nn.Module):
    """D_V: (N, channels, T, S, S) -> (N,) logits [, (N, n_classes) action logits].

    Four Conv3d layers halve the frame size each time; time is halved by the
    middle two while it stays >= 2, so any T >= 8 fixed at construction works.
    """

    def __init__(self, n_frames: int = 16, ndf: int = 64, image_size: int = 64,
                 channels: int = 3, n_classes: int = 0, noise: float = 0.0):
        super().__init__()
        base = _check_size(image_size, "VideoDiscriminator")
        if not isinstance(n_frames, int) or n_frames < 8:
            raise ValueError(f"VideoDiscriminator: `n_frames` must be an int >= 8, got {n_frames!r}")
        self.n_frames, self.n_classes = n_frames, n_classes
        layers, t, c_in = [], n_frames, channels
        for k, c_out in enumerate((ndf, ndf * 2, ndf * 4, ndf * 8)):
            t_stride = 2 if k in (1, 2) else 1
            layers += [GaussianNoise(noise),
                       nn.Conv3d(c_in, c_out, (3, 4, 4), (t_stride, 2, 2), (1, 1, 1), bias=False)]
            if k > 0:
                layers.append(nn.BatchNorm3d(c_out))
            layers.append(nn.LeakyReLU(0.2, True))
            t, c_in = (t - 1) // t_stride + 1, c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Conv3d(c_in, 1 + n_classes, (t, base, base), 1, 0, bias=False)

    def forward(self, video: torch.Tensor):
        if video.dim() != 5 or video.shape[2] != self.n_frames:
            raise ValueError(f"VideoDiscriminator: `video` must be (N, C, {self.n_frames}, H, W), "
                             f"got {tuple(video.shape)}")
        out = self.head(self.features(video)).flatten(1)
        if self.n_classes:
            return out[:, 0], out[:, 1:]
        return out[:, 0]


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN initialisation: conv weights N(0, 0.02), batch-norm scale N(1, 0.02)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm3d)) and m.affine:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
