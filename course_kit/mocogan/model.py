"""The MoCoGAN generator side: content code z_C, motion network R_M, image generator G_I.

A video is G_I([z_C, z_M(t)]) for t = 1..T: one content vector per video,
one motion code per frame from R_M, which computes exactly what the MP's
``LSTM`` computes (``motion.MotionLSTM``, same state-dict keys). Three motion-noise modes:

- ``same``:   one noise vector fed at every step (the original MP);
- ``fresh``:  new noise at every step (the paper);
- conditional models (``n_actions > 0``) also feed a one-hot action code
  z_A into R_M alongside the noise (the paper's best setting, z_A -> R_M).

Seeds make every video reproducible, and content and motion have separate
seeds, so "same content, different motion" is just a choice of seeds.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from .motion import MotionLSTM
from .networks import ImageGenerator, init_dcgan_weights

# The MP's LSTM keeps its state on the module (initHidden sets self.h/self.c;
# forward reads and updates them), so initHidden + forward must not interleave
# with another unroll of the same network: the explorer renders ahead on a
# background thread while notebook cells sample from the same model. One lock
# for all models, because models made by ``with_motion`` can share one network.
_STATEFUL_MOTION_LOCK = threading.Lock()

NOISE_MODES = ("same", "fresh")
# R_M's batch norm: "batch" is the MP (per-step batch statistics while training,
# running averages when sampling); "fixed" keeps it in eval mode throughout, so a
# code is computed the same way in training and in sampling (see MoCoGAN.train).
MOTION_NORMS = ("batch", "fixed")


@dataclass
class MoCoGANConfig:
    """Hyper-parameters of one MoCoGAN; the single source of truth for its shapes."""

    image_size: int = 64
    d_content: int = 50
    d_motion: int = 10
    motion_hidden: int = 100
    action_names: list[str] = field(default_factory=list)
    noise: str = "same"
    ngf: int = 64
    ndf: int = 64
    ndf_video: int | None = None  # D_V width (default: ndf); 3D convolutions dominate CPU time
    n_frames: int = 16  # clip length the video discriminator is built for
    motion_norm: str = "batch"

    def __post_init__(self):
        if self.noise not in NOISE_MODES:
            raise ValueError(f"MoCoGANConfig: `noise` must be one of {NOISE_MODES}, got {self.noise!r}")
        if self.motion_norm not in MOTION_NORMS:
            raise ValueError(f"MoCoGANConfig: `motion_norm` must be one of {MOTION_NORMS}, "
                             f"got {self.motion_norm!r}")
        self.action_names = list(self.action_names)

    @property
    def n_actions(self) -> int:
        return len(self.action_names)

    @property
    def motion_input(self) -> int:
        """R_M's input (and output) size: the noise plus the one-hot action."""
        return self.d_motion + self.n_actions

    @property
    def z_dim(self) -> int:
        return self.d_content + self.motion_input

    def to_dict(self) -> dict:
        return asdict(self)


def to_uint8_frames(video: torch.Tensor) -> torch.Tensor:
    """(N, C, T, H, W) in [-1, 1] -> (N, T, H, W, 3) uint8 (what files and widgets take)."""
    x = ((video.detach().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return x.permute(0, 2, 3, 4, 1).contiguous().cpu()


def from_uint8_frames(frames: torch.Tensor) -> torch.Tensor:
    """(N, T, H, W, 3) uint8 -> (N, 3, T, H, W) float in [-1, 1]."""
    return frames.permute(0, 4, 1, 2, 3).float().div(127.5).sub(1)


class MoCoGAN(nn.Module):
    """Generator and motion network of a MoCoGAN, with seeded sampling.

    ``generator`` is G_I, ``motion`` is R_M (a ``motion.MotionLSTM`` or a
    student's ``LSTM``, which share one API and one state dict), ``actions`` lists the action names.
    """

    def __init__(self, config: MoCoGANConfig, motion: nn.Module | None = None):
        super().__init__()
        self.config = config
        self.generator = ImageGenerator(config.z_dim, config.ngf, config.image_size)
        init_dcgan_weights(self.generator)
        # channels_last weights: oneDNN's transposed convolutions run ~1.7x faster
        # on CPU this way (course-kit bench sampling); loading a state dict keeps it.
        self.generator.to(memory_format=torch.channels_last)
        if motion is None:
            motion = MotionLSTM(config.motion_input, config.motion_hidden)
            motion.initWeight()
        self.motion = motion
        self.train(self.training)  # applies motion_norm to the new R_M

    @property
    def actions(self) -> list[str]:
        return list(self.config.action_names)

    def train(self, mode: bool = True) -> "MoCoGAN":
        """As ``nn.Module.train``; with ``motion_norm="fixed"`` R_M's batch norm stays in eval mode.

        The MP's one ``bn`` normalises every step of the unroll. In training
        mode it uses each step's own batch statistics, so the first steps
        (from a zero state, small) come out as large as the later ones; when
        sampling it uses running averages pooled over all steps, which leave
        those first codes small. A model trained that way fades its first
        frames in. Held in eval mode, with the running statistics it starts
        with (mean 0, variance 1), the norm is the same map in both.
        """
        super().train(mode)
        if self.config.motion_norm == "fixed":
            bn = getattr(self.motion, "bn", None)
            if isinstance(bn, nn.modules.batchnorm._BatchNorm):
                bn.eval()
        return self

    @property
    def device(self) -> torch.device:
        """Where G_I is (and content codes, and the videos it renders)."""
        return next(self.generator.parameters()).device

    @property
    def motion_device(self) -> torch.device:
        """Where R_M's parameters are: its noise goes there, its codes go on to G_I's device.

        Usually G_I's device. A student's R_M driving a pretrained model stays on
        the CPU (see ``with_motion``), where the MP's usual ``initHidden``
        (``torch.zeros(batch_size, hidden_size)``) makes its state.
        """
        parameter = next(self.motion.parameters(), None)
        return self.device if parameter is None else parameter.device

    # --- seeds -> latent codes ----------------------------------------------

    def _action_index(self, action, where: str) -> int:
        names = self.config.action_names
        if isinstance(action, str):
            if action not in names:
                raise ValueError(f"{where}: unknown action {action!r}; this model knows {names}")
            return names.index(action)
        if isinstance(action, int) and not isinstance(action, bool) and 0 <= action < len(names):
            return action
        raise ValueError(f"{where}: `action` must be one of {names} or an index below "
                         f"{len(names)}, got {action!r}")

    def _actions_for(self, action, motion_seeds, where: str) -> torch.Tensor | None:
        """One action index per video: the given one, or drawn from each motion seed."""
        if not self.config.n_actions:
            if action is not None:
                raise ValueError(f"{where}: this model is unconditional; `action` must be None, "
                                 f"got {action!r}")
            return None
        if action is None:
            idx = [int(torch.randint(self.config.n_actions, (1,), generator=_gen(s + 7919)))
                   for s in motion_seeds]
        elif isinstance(action, (list, tuple)):
            if len(action) != len(motion_seeds):
                raise ValueError(f"{where}: `action` list must have one entry per video "
                                 f"({len(motion_seeds)}), got {len(action)}")
            idx = [self._action_index(a, where) for a in action]
        else:
            idx = [self._action_index(action, where)] * len(motion_seeds)
        return torch.tensor(idx, dtype=torch.long)

    def content_codes(self, content_seeds: list[int]) -> torch.Tensor:
        """(n, d_C): z_C ~ N(0, I), one per seed."""
        d = self.config.d_content
        return torch.stack([torch.randn(d, generator=_gen(s)) for s in content_seeds]).to(self.device)

    def motion_noise(self, motion_seeds: list[int], n_frames: int) -> torch.Tensor:
        """(n, d_E) noise for the ``same`` mode, (n_frames, n, d_E) for ``fresh``."""
        d = self.config.d_motion
        if self.config.noise == "same":
            eps = [torch.randn(d, generator=_gen(s)) for s in motion_seeds]
            return torch.stack(eps).to(self.motion_device)
        eps = [torch.randn(n_frames, d, generator=_gen(s)) for s in motion_seeds]
        return torch.stack(eps, dim=1).to(self.motion_device)

    # --- latent codes -> videos (differentiable; used by training too) -------

    def motion_from_noise(self, eps: torch.Tensor, actions: torch.Tensor | None,
                          n_frames: int) -> torch.Tensor:
        """R_M: noise (+ one-hot action) -> motion codes z_M (n_frames, n, d_E + n_A).

        Runs on R_M's device (``motion_device``); the codes stay there.
        """
        eps = eps.to(self.motion_device)
        try:
            return self._unroll_motion(eps, actions, n_frames)
        except RuntimeError as e:
            if "device" not in str(e):
                raise
            raise RuntimeError(
                f"{type(self.motion).__name__} mixed devices ({e}). In initHidden, make the state "
                f"where the weights are: torch.zeros(batch_size, self.hidden_size, "
                f"device=self.lstm.weight_hh.device)") from e

    def _unroll_motion(self, eps: torch.Tensor, actions: torch.Tensor | None,
                       n_frames: int) -> torch.Tensor:
        fresh = self.config.noise == "fresh"
        n = eps.shape[1] if fresh else eps.shape[0]
        onehot = None
        if self.config.n_actions:
            onehot = nn.functional.one_hot(actions.to(eps.device), self.config.n_actions).to(eps.dtype)
        if not fresh:
            inputs = eps if onehot is None else torch.cat([eps, onehot], dim=1)
            with _STATEFUL_MOTION_LOCK:
                self.motion.initHidden(n)
                return self.motion(inputs, n_frames)
        # fresh noise: unroll the cell by hand, one input per step (the MP forward feeds one)
        m = self.motion
        h = eps.new_zeros(n, m.hidden_size)
        c = torch.zeros_like(h)
        codes = []
        for t in range(n_frames):
            x = eps[t] if onehot is None else torch.cat([eps[t], onehot], dim=1)
            h, c = m.lstm(x, (h, c))
            codes.append(m.bn(m.linear(h)))
        return torch.stack(codes)

    def render(self, z_content: torch.Tensor, z_motion: torch.Tensor) -> torch.Tensor:
        """G_I on every frame: z_C (n, d_C), z_M (T, n, d_M) -> video (n, 3, T, H, W) in [-1, 1]."""
        T, n, _ = z_motion.shape
        z_content, z_motion = z_content.to(self.device), z_motion.to(self.device)
        z = torch.cat([z_content.unsqueeze(0).expand(T, n, -1), z_motion], dim=2)
        frames = self.generator(z.reshape(T * n, -1))
        return frames.reshape(T, n, *frames.shape[1:]).permute(1, 2, 0, 3, 4)

    def forward(self, z_content: torch.Tensor, eps: torch.Tensor, actions: torch.Tensor | None,
                n_frames: int) -> torch.Tensor:
        """Latents -> video (n, 3, T, H, W) in [-1, 1]; what training differentiates."""
        return self.render(z_content, self.motion_from_noise(eps, actions, n_frames))

    # --- the public, seeded API --------------------------------------------

    @torch.no_grad()
    def motion_codes(self, motion_seeds: list[int], action=None, n_frames: int = 16) -> torch.Tensor:
        """z_M over time for each motion seed: (n_frames, n, d_E + n_A) float."""
        _check_frames(n_frames, "MoCoGAN.motion_codes")
        motion_seeds = _seed_list(motion_seeds, "motion_seeds", "MoCoGAN.motion_codes")
        was_training = self.training
        self.eval()
        try:
            actions = self._actions_for(action, motion_seeds, "MoCoGAN.motion_codes")
            return self.motion_from_noise(self.motion_noise(motion_seeds, n_frames), actions, n_frames)
        finally:
            self.train(was_training)

    @torch.no_grad()
    def generate(self, content_seeds: list[int], motion_seeds: list[int], action=None,
                 n_frames: int = 16) -> torch.Tensor:
        """Videos i = (content from content_seeds[i], motion from motion_seeds[i]).

        ``action``: None (drawn from the motion seed in conditional models), a
        name, an index, or one per video. Returns uint8 (n, n_frames, H, W, 3).
        """
        where = "MoCoGAN.generate"
        content_seeds = _seed_list(content_seeds, "content_seeds", where)
        motion_seeds = _seed_list(motion_seeds, "motion_seeds", where)
        if len(content_seeds) != len(motion_seeds):
            raise ValueError(f"{where}: `content_seeds` and `motion_seeds` must have the same "
                             f"length, got {len(content_seeds)} and {len(motion_seeds)}")
        _check_frames(n_frames, where)
        was_training = self.training
        self.eval()
        try:
            actions = self._actions_for(action, motion_seeds, where)
            z_m = self.motion_from_noise(self.motion_noise(motion_seeds, n_frames), actions, n_frames)
            return to_uint8_frames(self.render(self.content_codes(content_seeds), z_m))
        finally:
            self.train(was_training)

    def sample(self, n: int, n_frames: int = 16, action=None, seed: int | None = None) -> torch.Tensor:
        """``n`` random videos, uint8 (n, n_frames, H, W, 3); the same ``seed`` gives the same videos."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"MoCoGAN.sample: `n` must be a positive int, got {n!r}")
        if seed is None:
            seed = int(torch.randint(2 ** 31 - 1, (1,)))
        g = _gen(seed)
        seeds = torch.randint(2 ** 31 - 1, (2, n), generator=g).tolist()
        return self.generate(seeds[0], seeds[1], action=action, n_frames=n_frames)

    def with_motion(self, motion: nn.Module, load_weights: bool = True) -> "MoCoGAN":
        """A model sharing this generator but driven by ``motion`` (e.g. a student's LSTM).

        With ``load_weights`` the pretrained R_M weights are loaded into
        ``motion`` first (its state dict must match the MP API).

        ``motion`` stays on its own device (the CPU, for a class the student just
        made): codes travel to the generator, not the network to the GPU. A
        student's ``initHidden`` that passes the MP's tests may make its state
        with ``torch.zeros(batch_size, hidden_size)``, on the CPU; moved to a
        Colab GPU, the first matrix product would mix devices. R_M is tiny
        (16 steps of one LSTM cell), so the CPU costs nothing a student sees.
        """
        if load_weights:
            try:
                motion.load_state_dict(self.motion.state_dict())
            except Exception as e:
                raise ValueError(f"MoCoGAN.with_motion: could not load the pretrained motion "
                                 f"weights into {type(motion).__name__}: {e}") from None
        other = copy.copy(self)
        other._modules = dict(self._modules)
        other._modules["motion"] = motion
        return other


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(int(seed))


def _seed_list(seeds, name: str, where: str) -> list[int]:
    if isinstance(seeds, int):
        seeds = [seeds]
    try:
        seeds = [int(s) for s in seeds]
    except (TypeError, ValueError):
        raise ValueError(f"{where}: `{name}` must be a list of ints, got {seeds!r}") from None
    if not seeds:
        raise ValueError(f"{where}: `{name}` must not be empty")
    return seeds


def _check_frames(n_frames, where: str) -> None:
    if not isinstance(n_frames, int) or isinstance(n_frames, bool) or n_frames < 1:
        raise ValueError(f"{where}: `n_frames` must be a positive int, got {n_frames!r}")


def from_pretrained_state(config: dict, state: dict, device: torch.device) -> MoCoGAN:
    """The loader ``course_kit.load_pretrained`` uses for kind "mocogan"."""
    model = MoCoGAN(MoCoGANConfig(**config))
    model.load_state_dict(state)
    return model.to(device).eval()


def load_mocogan(spec: str, device: torch.device | str | None = None) -> MoCoGAN:
    """A shipped model by name ("weizmann-actions"), a checkpoint file, or a run folder.

    Checkpoints are the kit's own (``course_kit.mocogan.train``), read with
    ``weights_only`` so no arbitrary pickle runs; ``training_step`` tells how
    far that run had got.
    """
    from pathlib import Path

    from ..device import pick_device
    from ..pretrained import available, load_pretrained

    device = torch.device(device) if device is not None else pick_device()
    if spec in available():
        return load_pretrained(spec, device=device)
    path = Path(spec)
    if path.is_dir():
        path = path / "checkpoint.pt"
    if not path.is_file():
        raise FileNotFoundError(f"load_mocogan: `model` must be a shipped model name ({available()}) "
                                f"or a training checkpoint (a .pt file or a run folder), got {spec!r}")
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or "model" not in state or "model_config" not in state:
        got = sorted(state) if isinstance(state, dict) else type(state).__name__
        raise ValueError(f"load_mocogan: {path} is not a MoCoGAN training checkpoint (expected keys "
                         f"'model' and 'model_config', got {got})")
    model = MoCoGAN(MoCoGANConfig(**state["model_config"]))
    model.load_state_dict(state["model"])
    model.training_step = int(state.get("step", -1))
    return model.to(device).eval()
