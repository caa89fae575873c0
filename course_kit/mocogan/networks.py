"""MoCoGAN's networks: image generator G_I, image discriminator D_I, video discriminator D_V.

DCGAN-style stacks for 64x64 or 96x96 frames. G_I maps one latent vector
z = [z_C, z_M(t)] to one frame in [-1, 1] (tanh); a video is G_I applied to
every frame's vector. D_V uses 3D convolutions and is built for a clip
length T >= 8 fixed at construction; with ``n_classes`` it also predicts the
action (the conditional model's auxiliary classifier).

Both discriminators take ``norm`` ("batch": the paper's batch norm;
"spectral": spectral normalisation of every convolution and no batch norm,
as small GANs on little data are trained) and ``mbstd`` (a minibatch
standard-deviation channel before the head, Karras et al. 2018: a batch of
fakes that all look alike is then easy to tell from real ones, which is what
pushes a generator out of mode collapse). Neither changes the generator, so
any discriminator trains a G_I that loads anywhere.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

SUPPORTED_SIZES = (64, 96)
D_NORMS = ("batch", "spectral")


def _check_norm(norm: str, where: str) -> None:
    if norm not in D_NORMS:
        raise ValueError(f"{where}: `norm` must be one of {D_NORMS}, got {norm!r}")


def _conv(conv: nn.Module, norm: str) -> nn.Module:
    return nn.utils.parametrizations.spectral_norm(conv) if norm == "spectral" else conv


class MinibatchStd(nn.Module):
    """Appends one channel: the features' standard deviation across the batch, averaged (one number per batch)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[0] < 2:   # one sample has no spread; 0 keeps single-sample calls working
            std = torch.zeros((), dtype=x.dtype, device=x.device)
        else:
            std = x.float().var(0, unbiased=False).add(1e-8).sqrt().mean().to(x.dtype)
        return torch.cat([x, std.expand(x.shape[0], 1, *x.shape[2:])], 1)


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

    def __init__(self, ndf: int = 64, image_size: int = 64, channels: int = 3, noise: float = 0.0,
                 norm: str = "batch", mbstd: bool = False):
        super().__init__()
        base = _check_size(image_size, "ImageDiscriminator")
        _check_norm(norm, "ImageDiscriminator")

        def down(c_in, c_out, bn=True):
            return [GaussianNoise(noise), _conv(nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False), norm),
                    *([nn.BatchNorm2d(c_out)] if bn and norm == "batch" else []), nn.LeakyReLU(0.2, True)]

        self.main = nn.Sequential(
            *down(channels, ndf, bn=False), *down(ndf, ndf * 2), *down(ndf * 2, ndf * 4),
            *down(ndf * 4, ndf * 8), *([MinibatchStd()] if mbstd else []), GaussianNoise(noise),
            _conv(nn.Conv2d(ndf * 8 + int(mbstd), 1, base, 1, 0, bias=False), norm),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x).flatten()


class VideoDiscriminator(nn.Module):
    """D_V: (N, channels, T, S, S) -> (N,) logits [, (N, n_classes) action logits].

    Four Conv3d layers halve the frame size each time; time is halved by the
    middle two while it stays >= 2, so any T >= 8 fixed at construction works.
    """

    def __init__(self, n_frames: int = 16, ndf: int = 64, image_size: int = 64,
                 channels: int = 3, n_classes: int = 0, noise: float = 0.0, norm: str = "batch",
                 mbstd: bool = False):
        super().__init__()
        base = _check_size(image_size, "VideoDiscriminator")
        _check_norm(norm, "VideoDiscriminator")
        if not isinstance(n_frames, int) or n_frames < 8:
            raise ValueError(f"VideoDiscriminator: `n_frames` must be an int >= 8, got {n_frames!r}")
        self.n_frames, self.n_classes = n_frames, n_classes
        layers, t, c_in = [], n_frames, channels
        for k, c_out in enumerate((ndf, ndf * 2, ndf * 4, ndf * 8)):
            t_stride = 2 if k in (1, 2) else 1
            layers += [GaussianNoise(noise),
                       _conv(nn.Conv3d(c_in, c_out, (3, 4, 4), (t_stride, 2, 2), (1, 1, 1), bias=False), norm)]
            if k > 0 and norm == "batch":
                layers.append(nn.BatchNorm3d(c_out))
            layers.append(nn.LeakyReLU(0.2, True))
            t, c_in = (t - 1) // t_stride + 1, c_out
        if mbstd:
            layers.append(MinibatchStd())
        self.features = nn.Sequential(*layers)
        self.head = _conv(nn.Conv3d(c_in + int(mbstd), 1 + n_classes, (t, base, base), 1, 0, bias=False), norm)

    def forward(self, video: torch.Tensor):
        if video.dim() != 5 or video.shape[2] != self.n_frames:
            raise ValueError(f"VideoDiscriminator: `video` must be (N, C, {self.n_frames}, H, W), "
                             f"got {tuple(video.shape)}")
        out = self.head(self.features(video)).flatten(1)
        if self.n_classes:
            return out[:, 0], out[:, 1:]
        return out[:, 0]


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN initialisation: conv weights N(0, 0.02), batch-norm scale N(1, 0.02).

    A spectrally normalised convolution gets its raw (pre-normalisation) weight initialised.
    """
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d)):
            parametrized = nn.utils.parametrize.is_parametrized(m, "weight")
            nn.init.normal_(m.parametrizations.weight.original if parametrized else m.weight, 0.0, 0.02)
        elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm3d)) and m.affine:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
