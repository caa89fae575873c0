"""SVG-LP (Denton & Fergus 2018) conditioned on robot actions and end-effector positions.

Networks, as in edenton/svg's DCGAN-64 variant, with widths set by
:class:`SVGConfig` so the model can be shrunk for CPU training:

- ``Encoder``: frame (3, 64, 64) -> code g (g_dim,) plus four skip maps;
  with ``keypoints`` K > 0 the last 2K numbers of g are the (x, y) of K
  learned keypoints (a spatial softmax, see :class:`Encoder`);
- ``Decoder``: code g + skips of the last context frame -> frame; with
  ``motion_layers`` > 0, ``MotionDecoder`` instead composes the drawn frame
  with shifted copies of the last context frame (see its docstring);
- ``frame_predictor``: a stacked LSTM over [g_{t-1}, z_t, c_{t-1}, c_t] -> g_t;
- ``posterior`` q(z_t | x_{1:t}) and learned ``prior`` p(z_t | x_{1:t-1}):
  Gaussian LSTMs that output (mu, logvar).

c_t is the 7-d condition of frame t (4 action + 3 position numbers),
standardised with the training set's mean and std kept in the config.
``z_dim = 0`` gives the deterministic baseline: the same network without a
latent. Videos enter as (B, 3, T, 64, 64) floats in [0, 1].
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn


__all__ = ["SVGConfig", "SVG", "Encoder", "Decoder", "MotionDecoder", "StackedLSTM", "GaussianLSTM", "ChangePosterior",
           "from_pretrained_state"]


# The model's Gaussian sample comes from torch.distributions, not from the assignment's
# reference solutions (``course_kit.svg.losses``, instructor side): students write
# reparameterize, the Gaussian LSTM step and the loss themselves, and this module ships to them.
def _draw_latent(mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """z ~ N(mu, exp(logvar)), differentiable in mu and logvar, on ``generator``'s noise."""
    noise = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
    return torch.distributions.transforms.AffineTransform(mu, logvar.mul(0.5).exp())(noise)


@dataclass
class SVGConfig:
    """Every hyper-parameter that fixes the network's shape and its input scaling."""
    image_size: int = 64
    channels: int = 3
    nf: int = 16                 # encoder/decoder base width (edenton/svg: 64)
    g_dim: int = 128             # frame code size (BAIR recipe: 128)
    z_dim: int = 16              # latent size; 0 = deterministic baseline (BAIR recipe: 64)
    rnn_size: int = 128          # frame predictor LSTM width (recipe: 256)
    predictor_layers: int = 2
    latent_rnn_size: int = 64    # posterior and prior LSTM width (recipe: 256)
    motion_layers: int = 0       # shifted copies of the last context frame the decoder composes (0: draw only)
    keypoints: int = 0           # spatial-softmax keypoints whose (x, y) end the code g (0: none)
    posterior_change: float = 0.0  # > 0: the posterior also reads this gain times g_t - g_(t-1) (0: g_t only)
    cond_dim: int = 7            # actions (4) + end-effector positions (3)
    n_past: int = 2
    n_future: int = 10
    cond_mean: list = field(default_factory=lambda: [0.0] * 7)
    cond_std: list = field(default_factory=lambda: [1.0] * 7)

    def __post_init__(self):
        if self.image_size != 64:
            raise ValueError(f"SVGConfig: `image_size` must be 64 (DCGAN-64 encoder), got {self.image_size}")
        for name in ("nf", "g_dim", "rnn_size", "predictor_layers", "latent_rnn_size", "n_past", "n_future"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"SVGConfig: `{name}` must be >= 1, got {getattr(self, name)!r}")
        if self.motion_layers < 0:
            raise ValueError(f"SVGConfig: `motion_layers` must be >= 0 (0 = the DCGAN-64 decoder alone), "
                             f"got {self.motion_layers}")
        if self.keypoints < 0 or 2 * self.keypoints >= self.g_dim:
            raise ValueError(f"SVGConfig: `keypoints` must be >= 0 and leave room in the code (2 * keypoints < "
                             f"g_dim={self.g_dim}), got {self.keypoints}")
        if self.posterior_change < 0:
            raise ValueError(f"SVGConfig: `posterior_change` must be >= 0 (0 = the posterior reads g_t only), "
                             f"got {self.posterior_change}")
        if self.z_dim < 0:
            raise ValueError(f"SVGConfig: `z_dim` must be >= 0 (0 = deterministic), got {self.z_dim}")
        for name in ("cond_mean", "cond_std"):
            if len(getattr(self, name)) != self.cond_dim:
                raise ValueError(f"SVGConfig: `{name}` must have cond_dim={self.cond_dim} numbers, "
                                 f"got {len(getattr(self, name))}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "SVGConfig":
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**known)


# Heatmap logits are the 1x1 convolution times this gain, so that an untrained map (weights of
# order 1/sqrt(3) on pixels in [0, 1]) already peaks on what differs in colour instead of
# averaging the whole frame (gain 1: a ridge read-out of the kick from 8 maps gives R^2 0.05; 10-100: 0.5-0.65).
_KEYPOINT_GAIN = 30.0


def _down(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 4, 2, 1), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2, inplace=True))


def _up(cin, cout):
    return nn.Sequential(nn.ConvTranspose2d(cin, cout, 4, 2, 1), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2, inplace=True))


class Encoder(nn.Module):
    """DCGAN-64 encoder: (N, 3, 64, 64) -> (g (N, g_dim), [skips at 32, 16, 8, 4 px]).

    With ``keep_frame`` the input frame itself ends the skip list, for a
    :class:`MotionDecoder`, which moves its pixels.

    With ``keypoints`` K > 0, the last 2K numbers of g are where K learned
    colour maps of the frame itself peak: a 1x1 convolution of the 64 px
    pixels gives K heatmaps, and each one's spatial softmax an expected
    (x, y) in [-1, 1] (Finn et al. 2016, "Deep spatial autoencoders for
    visuomotor learning"). A convolutional code tells only roughly where a
    small puck is; the posterior, which sees a frame only through its code,
    then cannot tell which way a hidden kick sent it. Coordinates say it
    outright, and their change between two frames is the kick. The maps read
    pixels, not deep features, so that they find a bright puck from the first
    step (a ridge read-out of the kick's direction from the change of 8
    untrained maps: R^2 0.6; from 16 px features they stay diffuse until the
    posterior is useful, which it cannot be before they are sharp).
    """

    def __init__(self, g_dim: int, nf: int, channels: int = 3, keep_frame: bool = False, keypoints: int = 0):
        super().__init__()
        self.keep_frame, self.keypoints = keep_frame, keypoints
        self.blocks = nn.ModuleList([_down(channels, nf), _down(nf, 2 * nf), _down(2 * nf, 4 * nf),
                                     _down(4 * nf, 8 * nf)])
        self.out = nn.Sequential(nn.Conv2d(8 * nf, g_dim - 2 * keypoints, 4, 1, 0),
                                 nn.BatchNorm2d(g_dim - 2 * keypoints), nn.Tanh())
        if keypoints:
            self.heatmaps = nn.Conv2d(channels, keypoints, 1)

    def forward(self, x):
        skips, frame = [], x
        for block in self.blocks:
            x = block(x)
            skips.append(x)
        g = self.out(x).flatten(1)
        if self.keypoints:
            g = torch.cat([g, self.where(frame)], 1)
        return g, skips + [frame] if self.keep_frame else skips

    def where(self, frame: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) frames in [0, 1] -> (N, 2K): each keypoint's softmax-weighted x, then y, in [-1, 1]."""
        logits = self.heatmaps(frame) * _KEYPOINT_GAIN
        n, k, h, w = logits.shape
        weights = logits.flatten(2).softmax(-1).view(n, k, h, w)
        xs = torch.linspace(-1 + 1 / w, 1 - 1 / w, w, dtype=weights.dtype, device=weights.device)
        ys = torch.linspace(-1 + 1 / h, 1 - 1 / h, h, dtype=weights.dtype, device=weights.device)
        return torch.cat([(weights.sum(2) * xs).sum(-1), (weights.sum(3) * ys).sum(-1)], 1)


class Decoder(nn.Module):
    """DCGAN-64 decoder with U-Net skips: (g, skips) -> (N, 3, 64, 64) in [0, 1]."""

    def __init__(self, g_dim: int, nf: int, channels: int = 3):
        super().__init__()
        self.inp = nn.Sequential(nn.ConvTranspose2d(g_dim, 8 * nf, 4, 1, 0), nn.BatchNorm2d(8 * nf),
                                 nn.LeakyReLU(0.2, inplace=True))
        self.blocks = nn.ModuleList([_up(16 * nf, 4 * nf), _up(8 * nf, 2 * nf), _up(4 * nf, nf)])
        self.out = nn.Sequential(nn.ConvTranspose2d(2 * nf, channels, 4, 2, 1), nn.Sigmoid())

    def forward(self, g, skips):
        return self.out(self.features(g, skips))

    def features(self, g, maps):
        """The last layer's input: g upsampled through the blocks, each joined by its skip map (32 px last)."""
        x = self.inp(g[:, :, None, None])
        for block, skip in zip(self.blocks, reversed(maps[1:])):
            x = block(torch.cat([x, skip], 1))
        return torch.cat([x, maps[0]], 1)


class MotionDecoder(Decoder):
    """A decoder that moves pixels: (g, skips + [last context frame]) -> (N, 3, 64, 64) in [0, 1].

    Drawing a puck that moved, from a code and skip maps that show it where
    it was, is what a small DCGAN decoder fails at (the svg-push card
    measures it). So, as in the spatial-transformer predictor of Finn et al.
    (2016), the code g also sets ``layers`` translations of the last context
    frame, and the decoder outputs, besides its drawn frame, a per-pixel
    softmax mask over the drawn frame, the unmoved frame and the shifted
    copies. A latent that knows where a hidden kick sends a puck then only
    has to say by how much to shift it.
    """

    def __init__(self, g_dim: int, nf: int, channels: int = 3, layers: int = 4):
        super().__init__(g_dim, nf, channels)
        self.layers = layers
        self.out = nn.ConvTranspose2d(2 * nf, channels + layers + 2, 4, 2, 1)
        self.shift = nn.Linear(g_dim, 2 * layers)
        nn.init.normal_(self.shift.weight, std=0.01)
        nn.init.zeros_(self.shift.bias)

    def forward(self, g, skips):
        *maps, frame = skips
        out = self.out(self.features(g, maps))
        channels = frame.shape[1]
        drawn, mask = out[:, :channels].sigmoid(), out[:, channels:].softmax(1)
        n = g.shape[0]
        theta = torch.zeros(n * self.layers, 2, 3, dtype=g.dtype, device=g.device)
        theta[:, 0, 0] = theta[:, 1, 1] = 1
        theta[:, :, 2] = self.shift(g).view(n * self.layers, 2)   # in half-widths of the frame
        copies = frame[:, None].expand(-1, self.layers, -1, -1, -1).reshape(n * self.layers, *frame.shape[1:])
        grid = nn.functional.affine_grid(theta, list(copies.shape), align_corners=False)
        moved = nn.functional.grid_sample(copies, grid, padding_mode="border", align_corners=False)
        stack = torch.cat([drawn[:, None], frame[:, None], moved.view(n, self.layers, *frame.shape[1:])], 1)
        return (mask[:, :, None] * stack).sum(1)


class StackedLSTM(nn.Module):
    """Linear embed -> ``layers`` LSTM cells -> Linear -> tanh (the frame predictor)."""

    def __init__(self, input_size: int, output_size: int, hidden_size: int, layers: int):
        super().__init__()
        self.embed = nn.Linear(input_size, hidden_size)
        self.cells = nn.ModuleList([nn.LSTMCell(hidden_size, hidden_size) for _ in range(layers)])
        self.out = nn.Sequential(nn.Linear(hidden_size, output_size), nn.Tanh())

    def zero_state(self, batch: int, like: torch.Tensor):
        z = like.new_zeros(batch, self.cells[0].hidden_size)
        return [(z, z) for _ in self.cells]

    def forward(self, x, state):
        h = self.embed(x)
        new_state = []
        for cell, hc in zip(self.cells, state):
            hc = cell(h, hc)
            new_state.append(hc)
            h = hc[0]
        return self.out(h), new_state


class GaussianLSTM(nn.Module):
    """Linear embed -> one LSTM cell -> (mu, logvar) heads -> a sample: the posterior and the learned prior.

    The interface a replacement (the assignment's ``MyGaussianLSTM``) must
    keep, so that ``SVG(config, gaussian_lstm=MyGaussianLSTM)`` loads the
    kit's state dicts: ``__init__(input_size, z_dim, hidden_size)``; members
    ``embed`` (Linear input -> hidden), ``cell`` (LSTMCell hidden -> hidden),
    ``mu`` and ``logvar`` (Linear hidden -> z_dim); ``zero_state(batch,
    like)``; ``forward(x, state, generator=None)`` -> ``(z, mu, logvar,
    (h, c))`` with z drawn from N(mu, exp(logvar)) on one
    ``torch.randn(mu.shape, generator=generator)`` draw.
    """

    def __init__(self, input_size: int, z_dim: int, hidden_size: int):
        super().__init__()
        self.embed = nn.Linear(input_size, hidden_size)
        self.cell = nn.LSTMCell(hidden_size, hidden_size)
        self.mu = nn.Linear(hidden_size, z_dim)
        self.logvar = nn.Linear(hidden_size, z_dim)

    def zero_state(self, batch: int, like: torch.Tensor):
        z = like.new_zeros(batch, self.cell.hidden_size)
        return (z, z)

    def forward(self, x, state, generator: torch.Generator | None = None):
        new_state = self.cell(self.embed(x), state)
        mean, log_variance = self.mu(new_state[0]), self.logvar(new_state[0])
        return _draw_latent(mean, log_variance, generator), mean, log_variance, new_state


class ChangePosterior(nn.Module):
    """A posterior that reads how the frame's code changed: [g_t, gain * (g_t - g_(t-1))] -> its Gaussian LSTM.

    What a hidden cause did between two frames (which way a kick sent a
    puck) is in the change of the code, not in the code itself. With
    ``keypoints`` K > 0 the change of the keypoints' 2K coordinates (the
    code's last 2K numbers) also reaches the mean of z through ``read``, a
    linear map started as the identity onto z's first 2K numbers, and the
    Gaussian LSTM's log-variance starts at ``start_logvar`` (sigma 0.14).
    Why: a posterior whose z starts as noise that tells the frame predictor
    nothing is ignored, and then never learns to say anything (the svg-push
    card measures it: z use 0 dB with or without the change, with free bits,
    even with beta 0); a z that says where the keypoints went from the first step is
    used within a thousand steps. ``read`` is trained with the rest.

    Calls and states are as for the plain posterior, so
    ``model.posterior(codes[t], state)`` reads the same in every loop; the
    state also carries the last code read (None before the first step,
    when the change counts as 0). The inner network keeps the plain
    posterior's members, so a student's Gaussian LSTM class plugs in.
    """

    start_logvar = -4.0

    def __init__(self, net: nn.Module, gain: float, z_dim: int, keypoints: int = 0):
        super().__init__()
        self.net, self.gain, self.width = net, float(gain), 2 * keypoints
        if self.width:
            self.read = nn.Linear(self.width, z_dim, bias=False)
            with torch.no_grad():
                self.read.weight.copy_(torch.eye(z_dim, self.width))
                net.logvar.bias.fill_(self.start_logvar)

    def zero_state(self, batch: int, like: torch.Tensor):
        return self.net.zero_state(batch, like), None

    def forward(self, x, state, generator: torch.Generator | None = None):
        inner, last = state
        change = self.gain * (torch.zeros_like(x) if last is None else x - last)
        z, mean, log_variance, inner = self.net(torch.cat([x, change], 1), inner, generator)
        if self.width:
            moved = self.read(change[:, -self.width:])
            z, mean = z + moved, mean + moved
        return z, mean, log_variance, (inner, x)


class SVG(nn.Module):
    """SVG with a learned prior (or, with z_dim = 0, its deterministic twin).

    ``gaussian_lstm`` is the class built for the posterior and the prior
    (default :class:`GaussianLSTM`; any class with its interface plugs in).
    The training objective lives on the instructor side
    (``course_kit.svg.objective``): students write it in the assignment.
    """

    def __init__(self, config: SVGConfig | None = None, gaussian_lstm: type | None = None):
        super().__init__()
        self.config = cfg = config or SVGConfig()
        self.encoder = Encoder(cfg.g_dim, cfg.nf, cfg.channels, keep_frame=cfg.motion_layers > 0,
                               keypoints=cfg.keypoints)
        self.decoder = (MotionDecoder(cfg.g_dim, cfg.nf, cfg.channels, cfg.motion_layers) if cfg.motion_layers
                        else Decoder(cfg.g_dim, cfg.nf, cfg.channels))
        self.frame_predictor = StackedLSTM(cfg.g_dim + cfg.z_dim + 2 * cfg.cond_dim, cfg.g_dim,
                                           cfg.rnn_size, cfg.predictor_layers)
        if cfg.z_dim:
            make = gaussian_lstm or GaussianLSTM
            if cfg.posterior_change:
                self.posterior = ChangePosterior(make(2 * cfg.g_dim, cfg.z_dim, cfg.latent_rnn_size),
                                                 cfg.posterior_change, cfg.z_dim, cfg.keypoints)
            else:
                self.posterior = make(cfg.g_dim, cfg.z_dim, cfg.latent_rnn_size)
            self.prior = make(cfg.g_dim, cfg.z_dim, cfg.latent_rnn_size)
        self.register_buffer("cond_mean", torch.tensor(cfg.cond_mean, dtype=torch.float32))
        self.register_buffer("cond_std", torch.tensor(cfg.cond_std, dtype=torch.float32))

    @property
    def stochastic(self) -> bool:
        return self.config.z_dim > 0

    def _check_inputs(self, where, video, cond, min_frames):
        cfg = self.config
        if not isinstance(video, torch.Tensor) or video.dim() != 5 or video.shape[1] != cfg.channels \
                or tuple(video.shape[3:]) != (cfg.image_size, cfg.image_size):
            shape = tuple(video.shape) if isinstance(video, torch.Tensor) else type(video).__name__
            raise ValueError(f"{where}: `video` must be a float tensor (batch, {cfg.channels}, time, "
                             f"{cfg.image_size}, {cfg.image_size}) in [0, 1], got {shape}")
        if video.shape[2] < min_frames:
            raise ValueError(f"{where}: `video` needs at least {min_frames} frames, got {video.shape[2]}")
        if not isinstance(cond, torch.Tensor) or cond.dim() != 3 or cond.shape[0] != video.shape[0] \
                or cond.shape[2] != cfg.cond_dim:
            shape = tuple(cond.shape) if isinstance(cond, torch.Tensor) else type(cond).__name__
            raise ValueError(f"{where}: `cond` must be (batch={video.shape[0]}, time, {cfg.cond_dim}) "
                             f"(actions then positions), got {shape}")

    def standardise(self, cond: torch.Tensor) -> torch.Tensor:
        """Raw conditions (B, T, 7) -> standardised with the training set's mean and std."""
        return (cond - self.cond_mean) / self.cond_std

    def encode_frames(self, video: torch.Tensor):
        """Encode every frame once: video (B, 3, T, 64, 64) -> (g (T, B, g_dim), skips).

        ``skips`` are the encoder's maps of the last context frame (frame
        n_past - 1), which the decoder reuses for every predicted frame.
        """
        cfg = self.config
        self._check_inputs("SVG.encode_frames", video, video.new_zeros(video.shape[0], 1, cfg.cond_dim), 1)
        B, _, T = video.shape[:3]
        flat = video.permute(2, 0, 1, 3, 4).reshape(T * B, cfg.channels, cfg.image_size, cfg.image_size)
        codes, maps = self.encoder(flat)
        last = min(cfg.n_past, T) - 1
        return codes.view(T, B, -1), [m.view(T, B, *m.shape[1:])[last] for m in maps]

    def zero_states(self, video: torch.Tensor):
        """Fresh recurrent states (frame predictor, posterior, prior) for a batch like ``video``."""
        B = video.shape[0]
        if not self.stochastic:
            return self.frame_predictor.zero_state(B, video), None, None
        return (self.frame_predictor.zero_state(B, video), self.posterior.zero_state(B, video),
                self.prior.zero_state(B, video))

    @torch.no_grad()
    def generate(self, context: torch.Tensor, cond: torch.Tensor, n_future: int,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """Predict ``n_future`` frames after the context.

        context (B, 3, n_past, 64, 64) in [0, 1]; cond (B, n_past + n_future, 7)
        raw. Latents of the context steps come from the posterior, later ones
        from the learned prior. Returns (B, 3, n_future, 64, 64) in [0, 1].
        """
        cfg = self.config
        self._check_inputs("SVG.generate", context, cond, 1)
        n_past = context.shape[2]
        if cond.shape[1] != n_past + n_future:
            raise ValueError(f"SVG.generate: `cond` must have n_past + n_future = {n_past + n_future} frames, "
                             f"got {cond.shape[1]}")
        B = context.shape[0]
        c = self.standardise(cond)
        frames = context.permute(2, 0, 1, 3, 4).reshape(n_past * B, cfg.channels, cfg.image_size, cfg.image_size)
        g_ctx, skips_ctx = self.encoder(frames)
        g_ctx = g_ctx.view(n_past, B, -1)
        skips = [s.view(n_past, B, *s.shape[1:])[n_past - 1] for s in skips_ctx]
        pred_state = self.frame_predictor.zero_state(B, context)
        if self.stochastic:
            post_state, prior_state = self.posterior.zero_state(B, context), self.prior.zero_state(B, context)
        out = []
        g_prev = g_ctx[0]
        for t in range(1, n_past + n_future):
            inputs = [g_prev]
            if self.stochastic:
                z_prior, _, _, prior_state = self.prior(g_prev, prior_state, generator)
                if t < n_past:   # the context's latents come from the posterior, which sees frame t
                    z_post, _, _, post_state = self.posterior(g_ctx[t], post_state, generator)
                    inputs.append(z_post)
                else:
                    inputs.append(z_prior)
            g_pred, pred_state = self.frame_predictor(torch.cat(inputs + [c[:, t - 1], c[:, t]], 1), pred_state)
            if t < n_past:
                g_prev = g_ctx[t]
            else:
                x = self.decoder(g_pred, skips)
                out.append(x)
                g_prev = self.encoder(x)[0]
        return torch.stack(out, 2)

    @torch.no_grad()
    def predict(self, context, actions, positions, n_future: int = 10, n_samples: int = 1,
                seed: int | None = None) -> np.ndarray:
        """Sample ``n_samples`` futures of one video, as uint8 frames.

        context: (n_past, 64, 64, 3) uint8 frames (numpy or torch);
        actions: (n_past + n_future, 4) and positions: (n_past + n_future, 3),
        raw values as in the CSV files (longer arrays are cut). Returns
        (n_samples, n_future, 64, 64, 3) uint8. The same ``seed`` gives the
        same frames; None draws fresh noise.
        """
        cfg = self.config
        ctx = _as_array("context", context, np.uint8)
        if ctx.ndim != 4 or ctx.shape[1:] != (cfg.image_size, cfg.image_size, 3) or ctx.shape[0] < 1:
            raise ValueError(f"SVG.predict: `context` must be (n_past, {cfg.image_size}, {cfg.image_size}, 3) uint8 "
                             f"frames, got shape {ctx.shape}")
        if not isinstance(n_future, int) or n_future < 1 or not isinstance(n_samples, int) or n_samples < 1:
            raise ValueError(f"SVG.predict: `n_future` and `n_samples` must be integers >= 1, "
                             f"got {n_future!r} and {n_samples!r}")
        need = ctx.shape[0] + n_future
        rows = []
        for name, value, width in (("actions", actions, 4), ("positions", positions, 3)):
            arr = _as_array(name, value, np.float32)
            if arr.ndim != 2 or arr.shape[1] != width or arr.shape[0] < need:
                raise ValueError(f"SVG.predict: `{name}` must be (n_past + n_future = {need}, {width}), one row "
                                 f"per frame, got shape {arr.shape}")
            rows.append(arr[:need])
        device = self.cond_mean.device
        cond = torch.from_numpy(np.concatenate(rows, 1)).to(device)[None].expand(n_samples, -1, -1)
        video = torch.from_numpy(ctx).to(device).permute(3, 0, 1, 2).float().div(255)[None]
        video = video.expand(n_samples, -1, -1, -1, -1).contiguous()
        generator = None if seed is None else torch.Generator(device=device).manual_seed(int(seed))
        was_training = self.training
        self.eval()
        frames = self.generate(video, cond, n_future, generator=generator)
        self.train(was_training)
        return (frames.clamp(0, 1) * 255 + 0.5).to(torch.uint8).permute(0, 2, 3, 4, 1).cpu().numpy()


def _as_array(name: str, value, dtype) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    arr = np.asarray(value)
    if dtype == np.uint8 and arr.dtype != np.uint8:
        raise ValueError(f"SVG.predict: `{name}` must be uint8 frames (0-255), got dtype {arr.dtype}")
    return arr.astype(dtype, copy=False)


def from_pretrained_state(config: dict, state: dict, device) -> SVG:
    """Build an SVG from a config dict and a float32 state dict (the pretrained registry's loader)."""
    model = SVG(SVGConfig.from_dict(config.get("config", config)))
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(f"from_pretrained_state: weights do not match the config: missing {missing[:5]}, "
                         f"unexpected {unexpected[:5]}")
    return model.to(device).eval()
