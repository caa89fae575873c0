"""MoCoGAN training: the paper's alternating updates, resumable, single- or multi-process.

Each step updates D_I and D_V on a real and a generated batch, then G_I and
R_M against both discriminators (BCE with one-sided label smoothing: real
targets 0.9; or the hinge loss). Options from what small GANs on little data
need: an R1 penalty on real inputs (lazy, every ``r1_every`` steps), an
exponential moving average of G_I and R_M's weights (what sampling and
export use), a discriminator learning rate of its own, bfloat16 autocast on
CPU (``course-kit bench precision``). Conditional models add an auxiliary action classifier to D_V:
it learns the real videos' actions, and the generator is rewarded when D_V
recognises the action it was asked for. A frame-pair discriminator D_P
(``pair_d``; off by default) judges two frames of one clip side by side,
channel-stacked, as StyleGAN-V's discriminator judges sparse frames: real
pairs always share their content, so a generator whose shape changes colour
within a clip is told so directly, where D_V's few 3D filters did not.
Adam 2e-4, betas (0.5, 0.999).

Everything needed to continue is checkpointed atomically every
``checkpoint_every`` steps (weights, optimisers, RNG states, step), so a run
killed with ``kill -9`` resumes losing only the steps since that checkpoint.
Losses go to ``losses.csv``; sample GIFs from fixed seeds to ``samples/``;
the run's config to ``config.json`` (the run folder every trainer shares:
``course_kit.training.run``).
Run under ``torchrun`` for several processes (DistributedDataParallel; gloo
on CPU, nccl on CUDA).
"""

from __future__ import annotations

import copy
import gc
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn import functional as F

from ..data import VideoDataset, scan_class_folders, shape_motion_videos
from ..device import pick_device
from ..errors import CourseKitError
from ..media import tile_videos
from ..training.run import CHECKPOINT, MOCOGAN, RunFolder  # noqa: F401 (CHECKPOINT: re-exported)
from .augment import augment, parse_policy
from .model import MoCoGAN, MoCoGANConfig, from_uint8_frames, to_uint8_frames
from .networks import ImageDiscriminator, VideoDiscriminator, init_dcgan_weights

LOSSES = ("bce", "hinge")
LOSS_COLUMNS = ["step", "loss_d_image", "loss_d_video", "loss_g_image", "loss_g_video",
                "loss_d_action", "loss_g_action", "loss_d_pair", "loss_g_pair", "seconds"]
MAX_SKIPPED_IN_A_ROW = 20   # non-finite updates in a row (of D or of G) that end a run


class TrainingDiverged(CourseKitError, RuntimeError):
    """Gradients stayed non-finite for many steps in a row: the run cannot recover by skipping."""


@dataclass
class TrainConfig:
    """Everything a run needs; saved beside its checkpoints."""

    data: str = "shapes"          # a class-folder root, or "shapes" for the procedural set
    out: str = "runs/mocogan"
    steps: int = 2000
    video_batch: int = 16
    image_batch: int = 32
    stride: int = 2               # take every stride-th real frame (the usual recipe)
    lr: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    weight_decay: float = 1e-5
    real_label: float = 0.9       # one-sided label smoothing
    instance_noise: float = 0.0
    action_weight: float = 1.0
    conditional: bool = True      # use class folders as actions (z_A -> R_M)
    action_names: list[str] | None = None  # names for the class folders (default: folder names)
    procedural_videos: int = 2000
    max_videos_per_class: int | None = None  # load only the first N of each class (big sets)
    checkpoint_every: int = 200
    sample_every: int = 500
    log_every: int = 10
    seed: int = 0
    device: str | None = None
    amp: bool = True              # bfloat16 autocast on CUDA; ignored on CPU
    amp_cpu: bool = False         # bfloat16 autocast on CPU too (AVX-512 BF16 / AMX CPUs gain from it)
    loss: str = "bce"             # "bce" (the paper's) or "hinge"
    r1: float = 0.0               # R1 penalty weight gamma on real frames and clips (0: off)
    r1_every: int = 4             # lazy R1: the penalty every this many steps, scaled up to match
    ema: float = 0.0              # decay of the generator's weight average (0: off; e.g. 0.999)
    lr_d: float | None = None     # the discriminators' learning rate (default: lr)
    d_norm: str = "batch"         # the discriminators' normalisation: "batch" (the paper's) or "spectral"
    mbstd: bool = False           # a minibatch standard-deviation channel before each discriminator's head
    augment: str = ""             # DiffAugment policy for both discriminators' inputs, e.g. "color,translation,cutout"
    pair_d: float = 0.0           # weight of the frame-pair discriminator D_P in G's loss (0: no D_P)
    threads: int | None = None
    model: dict = field(default_factory=dict)  # MoCoGANConfig overrides

    def model_config(self, action_names: list[str]) -> MoCoGANConfig:
        kw = dict(self.model)
        if self.action_names is not None and len(self.action_names) != len(action_names):
            raise ValueError(f"TrainConfig: `action_names` must name all {len(action_names)} "
                             f"classes {action_names}, got {self.action_names}")
        kw.setdefault("action_names", (self.action_names or action_names) if self.conditional else [])
        return MoCoGANConfig(**kw)


class _Procedural:
    """The procedural shape-motion set with the VideoDataset batch interface."""

    def __init__(self, n: int, n_frames: int, stride: int, size: int, seed: int):
        span = (n_frames - 1) * stride + 1
        self.videos, labels = shape_motion_videos(n, seed=seed, n_frames=span, size=size)
        self.labels = labels
        self.class_names = ["up", "left"]
        self.stride = stride

    def __len__(self):
        return len(self.videos)

    def batch(self, size, rng):
        idx = rng.integers(0, len(self.videos), size=size)
        return self.videos[idx][:, ::self.stride], self.labels[idx]


def load_training_data(cfg: TrainConfig, n_frames: int, image_size: int, seed: int):
    if cfg.data == "shapes":
        return _Procedural(cfg.procedural_videos, n_frames, cfg.stride, image_size, seed)
    items, classes = scan_class_folders(cfg.data)
    if cfg.max_videos_per_class:
        kept: list = []
        for label in range(len(classes)):
            kept += [item for item in items if item[1] == label][:cfg.max_videos_per_class]
        items = kept
    data = VideoDataset(items=items, class_names=classes, n_frames=n_frames, stride=cfg.stride,
                        seed=seed)
    size = data.video(0).shape[1]
    if size != image_size:
        raise ValueError(f"train: the videos in {cfg.data} are {size}x{size}, but the model "
                         f"is configured for image_size={image_size}")
    return data


class Trainer:
    """Holds the networks, optimisers and data of one run (one process of it under DDP)."""

    def __init__(self, cfg: TrainConfig):
        self.cfg = cfg
        self.out = Path(cfg.out)
        self.run = RunFolder(self.out, MOCOGAN)
        self.distributed = dist.is_available() and "RANK" in os.environ and "WORLD_SIZE" in os.environ
        self._owns_process_group = self.distributed and not dist.is_initialized()
        if self._owns_process_group:
            backend = "nccl" if torch.cuda.is_available() and cfg.device != "cpu" else "gloo"
            dist.init_process_group(backend)
        self.rank = dist.get_rank() if self.distributed else 0
        self.world = dist.get_world_size() if self.distributed else 1
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        self.device = pick_device(cfg.device)
        if self.device.type == "cuda" and self.distributed:
            self.device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
            torch.cuda.set_device(self.device)

        torch.manual_seed(cfg.seed + 1000 * self.rank)
        self.rng = np.random.default_rng(cfg.seed + 1000 * self.rank)
        probe = MoCoGANConfig(**{k: v for k, v in cfg.model.items() if k != "action_names"})
        self.data = load_training_data(cfg, probe.n_frames, probe.image_size, cfg.seed)
        self.mcfg = cfg.model_config(self.data.class_names)
        m = self.mcfg
        self.model = MoCoGAN(m).to(self.device)
        d_kw = dict(noise=cfg.instance_noise, norm=cfg.d_norm, mbstd=cfg.mbstd)
        self.d_image = ImageDiscriminator(m.ndf, m.image_size, **d_kw).to(self.device)
        self.d_video = VideoDiscriminator(m.n_frames, m.ndf_video or m.ndf, m.image_size, n_classes=m.n_actions,
                                          **d_kw).to(self.device)
        init_dcgan_weights(self.d_image)
        init_dcgan_weights(self.d_video)
        if cfg.pair_d < 0:
            raise ValueError(f"TrainConfig: `pair_d` must be >= 0 (0: no frame-pair discriminator), "
                             f"got {cfg.pair_d!r}")
        self.d_pair = None
        if cfg.pair_d:  # the same stack as D_I, on two frames stacked as 6 channels
            self.d_pair = ImageDiscriminator(m.ndf, m.image_size, channels=6, **d_kw).to(self.device)
            init_dcgan_weights(self.d_pair)
        if self.distributed:
            from torch.nn.parallel import DistributedDataParallel as DDP
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.g_ddp = DDP(self.model, device_ids=ids)
            self.di_ddp = DDP(self.d_image, device_ids=ids)
            self.dv_ddp = DDP(self.d_video, device_ids=ids)
            self.dp_ddp = DDP(self.d_pair, device_ids=ids) if self.d_pair is not None else None
        else:
            self.g_ddp, self.di_ddp, self.dv_ddp = self.model, self.d_image, self.d_video
            self.dp_ddp = self.d_pair
        if cfg.loss not in LOSSES:
            raise ValueError(f"TrainConfig: `loss` must be one of {LOSSES}, got {cfg.loss!r}")
        self.augment = parse_policy(cfg.augment)
        if not 0 <= cfg.ema < 1:
            raise ValueError(f"TrainConfig: `ema` must be in [0, 1) (0: off), got {cfg.ema!r}")
        adam = dict(lr=cfg.lr, betas=tuple(cfg.betas), weight_decay=cfg.weight_decay)
        self.opt_g = torch.optim.Adam(self.model.parameters(), **adam)
        self.opt_d = torch.optim.Adam(self._d_parameters(), **{**adam, "lr": cfg.lr_d or cfg.lr})
        self.ema_model = copy.deepcopy(self.model).eval().requires_grad_(False) if cfg.ema else None
        self.step = 0
        self.skipped = 0          # updates skipped for non-finite gradients, over the whole run
        self._skipped_in_a_row = {"D": 0, "G": 0}
        self.sample_seeds = list(range(8))

    def close(self) -> None:
        """Release the DDP wrappers and the process group this trainer started (a no-op in one process).

        Call it on every rank when the run is over. A gloo process group that
        DDP still holds when the interpreter exits is torn down during
        finalisation, and its worker threads then abort the process
        ("terminate called without an active exception"), now and then, on
        an otherwise finished run.
        """
        self.g_ddp, self.di_ddp, self.dv_ddp, self.dp_ddp = self.model, self.d_image, self.d_video, self.d_pair
        if not (self.distributed and dist.is_initialized()):
            return
        gc.collect()  # drops the DDP reducers, the last holders of the group
        dist.barrier()
        if self._owns_process_group:
            dist.destroy_process_group()

    def _d_parameters(self) -> list:
        """Every discriminator's parameters (one optimiser steps them all)."""
        nets = [self.d_image, self.d_video] + ([self.d_pair] if self.d_pair is not None else [])
        return [p for net in nets for p in net.parameters()]

    # --- one step -------------------------------------------------------------

    def _fake(self, n: int):
        m = self.mcfg
        z_c = torch.randn(n, m.d_content, device=self.device)
        shape = (m.n_frames, n, m.d_motion) if m.noise == "fresh" else (n, m.d_motion)
        eps = torch.randn(*shape, device=self.device)
        actions = torch.randint(m.n_actions, (n,), device=self.device) if m.n_actions else None
        return self.g_ddp(z_c, eps, actions, m.n_frames), actions

    def _frames(self, video: torch.Tensor, n: int) -> torch.Tensor:
        """``n`` random single frames from a (B, C, T, H, W) batch, for D_I."""
        b, _, t = video.shape[:3]
        vi = torch.randint(b, (n,), device=video.device)
        ti = torch.randint(t, (n,), device=video.device)
        return video[vi, :, ti]

    def _pairs(self, video: torch.Tensor, n: int) -> torch.Tensor:
        """``n`` pairs of two different frames of one clip, from a (B, C, T, H, W) batch: (n, C, 2, H, W)."""
        b, _, t = video.shape[:3]
        vi = torch.randint(b, (n,), device=video.device)
        first = torch.randint(t, (n,), device=video.device)
        second = (first + torch.randint(1, t, (n,), device=video.device)) % t   # never the same frame
        return torch.stack([video[vi, :, first], video[vi, :, second]], dim=2)

    def _judge_pairs(self, pairs: torch.Tensor) -> torch.Tensor:
        """D_P's logits for (n, C, 2, H, W) pairs: augmented as 2-frame clips, then stacked as 2C channels."""
        return self.dp_ddp(self._aug(pairs).flatten(1, 2))

    def train_step(self) -> dict[str, float]:
        cfg, m = self.cfg, self.mcfg
        clips, labels = self.data.batch(cfg.video_batch, self.rng)
        real = from_uint8_frames(torch.from_numpy(np.ascontiguousarray(clips))).to(self.device)
        labels = torch.from_numpy(labels).to(self.device)
        real_img = self._frames(real, cfg.image_batch)
        real_pairs = self._pairs(real, cfg.image_batch) if self.d_pair is not None else None
        amp = torch.autocast(self.device.type, dtype=torch.bfloat16,
                             enabled=cfg.amp_cpu if self.device.type == "cpu" else cfg.amp)
        lazy_r1 = cfg.r1 > 0 and self.step % cfg.r1_every == 0
        if lazy_r1:
            real_img.requires_grad_(True), real.requires_grad_(True)
            if real_pairs is not None:
                real_pairs.requires_grad_(True)

        with amp:
            fake, actions = self._fake(cfg.video_batch)
            fake_img = self._frames(fake, cfg.image_batch)
            # discriminators (on augmented inputs with --augment: the same transforms for real and fake)
            di_real, di_fake = self.di_ddp(self._aug(real_img)), self.di_ddp(self._aug(fake_img.detach()))
            loss_di = self._d_loss(di_real, di_fake)
            dv_real, dv_fake = self.dv_ddp(self._aug(real)), self.dv_ddp(self._aug(fake.detach()))
            loss_d_action = torch.zeros((), device=self.device)
            if m.n_actions:
                (dv_real, cls_real), (dv_fake, _) = dv_real, dv_fake
                loss_d_action = F.cross_entropy(cls_real.float(), labels)
            loss_dv = self._d_loss(dv_real, dv_fake)
            loss_dp = torch.zeros((), device=self.device)
            if real_pairs is not None:
                fake_pairs = self._pairs(fake, cfg.image_batch)
                dp_real = self._judge_pairs(real_pairs)
                loss_dp = self._d_loss(dp_real, self._judge_pairs(fake_pairs.detach()))
        loss_d = loss_di + loss_dv + loss_dp + cfg.action_weight * loss_d_action
        if lazy_r1:   # gamma/2 * E ||grad_x D(x)||^2 on real inputs, times r1_every as the lazy recipe does
            outputs, inputs = [di_real.float().sum(), dv_real.float().sum()], [real_img, real]
            if real_pairs is not None:
                outputs.append(dp_real.float().sum()), inputs.append(real_pairs)
            grads = torch.autograd.grad(outputs, inputs, create_graph=True)
            loss_d = loss_d + cfg.r1 / 2 * cfg.r1_every * sum(g.pow(2).flatten(1).sum(1).mean() for g in grads)
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.float().backward()
        self._step_if_finite("D", self.opt_d, self._d_parameters())

        with amp:
            gi, gv = self.di_ddp(self._aug(fake_img)), self.dv_ddp(self._aug(fake))
            loss_g_action = torch.zeros((), device=self.device)
            if m.n_actions:
                gv, cls_fake = gv
                loss_g_action = F.cross_entropy(cls_fake.float(), actions)
            loss_gi, loss_gv = self._g_loss(gi), self._g_loss(gv)
            loss_gp = (self._g_loss(self._judge_pairs(fake_pairs)) if real_pairs is not None
                       else torch.zeros((), device=self.device))
        self.opt_g.zero_grad(set_to_none=True)
        (loss_gi + loss_gv + cfg.pair_d * loss_gp + cfg.action_weight * loss_g_action).float().backward()
        self._step_if_finite("G", self.opt_g, list(self.model.parameters()))
        if self.ema_model is not None:
            self._update_ema()
        self.step += 1
        return dict(loss_d_image=loss_di.item(), loss_d_video=loss_dv.item(),
                    loss_g_image=loss_gi.item(), loss_g_video=loss_gv.item(),
                    loss_d_action=loss_d_action.item(), loss_g_action=loss_g_action.item(),
                    loss_d_pair=loss_dp.item(), loss_g_pair=loss_gp.item())

    def _aug(self, x: torch.Tensor) -> torch.Tensor:
        """A discriminator's input through the run's DiffAugment policy (unchanged without one)."""
        return augment(x, self.augment) if self.augment else x

    def _step_if_finite(self, who: str, opt: torch.optim.Optimizer, params: list) -> None:
        """``opt.step()`` unless a gradient holds inf or NaN; then the update is skipped, as AMP's grad scaler does.

        bfloat16 autocast on CPU now and then yields a non-finite gradient
        (seen in D_V's batch-normalised 3D convolutions, at random: two or
        three tiny 6-step runs in ten); one such step would write NaN into every
        weight for good. In fp32 no step is ever skipped, so exact resumes
        are unchanged. Many skips in a row mean the run itself diverged.
        """
        grads = [p.grad for p in params if p.grad is not None]
        total = torch.stack([g.float().sum() for g in grads]).sum() if grads else torch.zeros(())
        if torch.isfinite(total):
            opt.step()
            self._skipped_in_a_row[who] = 0
            return
        opt.zero_grad(set_to_none=True)
        self.skipped += 1
        self._skipped_in_a_row[who] += 1
        if self._skipped_in_a_row[who] >= MAX_SKIPPED_IN_A_ROW:
            raise TrainingDiverged(f"train: {who}'s gradients were non-finite for {self._skipped_in_a_row[who]} "
                                   f"updates in a row at step {self.step} (loss {self.cfg.loss}, bf16 on CPU "
                                   f"{self.cfg.amp_cpu}); lower --lr or --lr-d, or train without --amp-cpu")

    def _d_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """The discriminator's loss on its real and fake logits."""
        real, fake = real.float(), fake.float()
        if self.cfg.loss == "hinge":
            return F.relu(1 - real).mean() + F.relu(1 + fake).mean()
        bce = F.binary_cross_entropy_with_logits
        return bce(real, torch.full_like(real, self.cfg.real_label)) + bce(fake, torch.zeros_like(fake))

    def _g_loss(self, fake: torch.Tensor) -> torch.Tensor:
        """The generator's loss on the discriminator's logits for its fakes."""
        fake = fake.float()
        if self.cfg.loss == "hinge":
            return -fake.mean()
        return F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))

    @torch.no_grad()
    def _update_ema(self) -> None:
        """ema <- decay * ema + (1 - decay) * weights; buffers (batch-norm statistics) are copied.

        The decay warms up as min(ema, (1 + step) / (10 + step)): a fixed 0.999
        would still hold a third of the untrained weights after 1000 steps,
        which on a CPU budget of a few thousand steps is most of the run.
        """
        decay = min(self.cfg.ema, (1 + self.step) / (10 + self.step))
        for averaged, current in zip(self.ema_model.parameters(), self.model.parameters()):
            averaged.lerp_(current, 1 - decay)
        for averaged, current in zip(self.ema_model.buffers(), self.model.buffers()):
            averaged.copy_(current)

    @property
    def sampler(self) -> MoCoGAN:
        """The generator that samples and exports: the weight average when there is one."""
        return self.ema_model if self.ema_model is not None else self.model

    # --- checkpoints ------------------------------------------------------------

    def state(self) -> dict:
        """``model``: the weights to sample from (the average with ``ema``); ``model_trained``: the raw ones."""
        extra = {} if self.ema_model is None else {"model_trained": self.model.state_dict()}
        return dict(step=self.step, model=self.sampler.state_dict(), **extra, d_image=self.d_image.state_dict(),
                    d_video=self.d_video.state_dict(),
                    **({} if self.d_pair is None else {"d_pair": self.d_pair.state_dict()}), opt_g=self.opt_g.state_dict(),
                    opt_d=self.opt_d.state_dict(), torch_rng=torch.get_rng_state(),
                    numpy_rng=self.rng.bit_generator.state,
                    config=asdict(self.cfg), model_config=self.mcfg.to_dict(),
                    world_size=self.world, skipped=self.skipped)

    def save_checkpoint(self) -> Path:
        """Atomic: write a temporary file, fsync, then rename over the old one."""
        return self.run.save_checkpoint(self.state())

    def load_checkpoint(self) -> bool:
        # Our own file, written by save_checkpoint; weights_only keeps it pickle-free.
        s = self.run.load_checkpoint(map_location=self.device)
        if s is None:
            return False
        self.model.load_state_dict(s.get("model_trained", s["model"]))
        if self.ema_model is not None:
            self.ema_model.load_state_dict(s["model"])
        self.d_image.load_state_dict(s["d_image"])
        self.d_video.load_state_dict(s["d_video"])
        if (self.d_pair is None) != ("d_pair" not in s):
            raise ValueError(f"train: the checkpoint in {self.out} was written "
                             f"{'with' if 'd_pair' in s else 'without'} a frame-pair discriminator, "
                             f"but this run has --pair-d {self.cfg.pair_d}: resume with the run's own "
                             f"options (its config.json), or start a new --out")
        if self.d_pair is not None:
            self.d_pair.load_state_dict(s["d_pair"])
        self.opt_g.load_state_dict(s["opt_g"])
        self.opt_d.load_state_dict(s["opt_d"])
        torch.set_rng_state(s["torch_rng"])
        self.rng.bit_generator.state = s["numpy_rng"]
        self.step = int(s["step"])
        self.skipped = int(s.get("skipped", 0))
        return True

    # --- outputs ----------------------------------------------------------------

    def write_samples(self) -> Path:
        m = self.mcfg
        seeds = self.sample_seeds
        if m.n_actions:  # one row per action
            k = max(1, len(seeds) // m.n_actions)
            actions = [a for a in range(m.n_actions) for _ in range(k)]
            videos = self.sampler.generate(list(range(len(actions))), list(range(100, 100 + len(actions))),
                                         action=actions, n_frames=m.n_frames)
            grid = tile_videos(videos, columns=k)
        else:
            videos = self.sampler.generate(seeds, [s + 100 for s in seeds], n_frames=m.n_frames)
            grid = tile_videos(videos, columns=4)
        return self.run.write_sample(self.step, grid, fps=8)


def train(cfg: TrainConfig, progress: bool = True) -> Trainer:
    """Run (or resume) training to ``cfg.steps``; returns the trainer."""
    from tqdm.auto import tqdm

    trainer = Trainer(cfg)
    run = trainer.run
    main_process = trainer.rank == 0
    if main_process:
        run.mkdir().write_config(asdict(cfg))
    if trainer.distributed:
        dist.barrier()
    resumed = trainer.load_checkpoint()
    seconds_before = 0.0
    if main_process:
        if resumed:
            run.trim_logs(trainer.step)
            seconds_before = run.logged_seconds()   # the log's clock runs on across resumes
        run.start_log(LOSS_COLUMNS)
    bar = tqdm(total=cfg.steps, initial=trainer.step, disable=not (progress and main_process),
               desc="MoCoGAN", unit="step", dynamic_ncols=True)
    start = time.perf_counter()
    while trainer.step < cfg.steps:
        losses = trainer.train_step()
        bar.update(1)
        if main_process and (trainer.step % cfg.log_every == 0 or trainer.step == cfg.steps):
            bar.set_postfix(d=f"{losses['loss_d_video']:.2f}", g=f"{losses['loss_g_video']:.2f}")
            run.log(LOSS_COLUMNS, {"step": trainer.step, **{c: f"{losses[c]:.5f}" for c in LOSS_COLUMNS[1:-1]},
                                   "seconds": f"{seconds_before + time.perf_counter() - start:.2f}"})
        if main_process and cfg.sample_every and trainer.step % cfg.sample_every == 0:
            trainer.write_samples()
        if trainer.step % cfg.checkpoint_every == 0 or trainer.step == cfg.steps:
            if main_process:
                trainer.save_checkpoint()
            if trainer.distributed:
                dist.barrier()
    bar.close()
    if trainer.distributed:
        dist.barrier()
    return trainer
