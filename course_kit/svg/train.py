"""Training SVG (or its deterministic twin) with resumable, atomic checkpoints.

Every random choice of step s (which clips, which windows, the coin flips of
scheduled sampling, the latent noise) comes from a generator seeded with
(seed, s), and the schedules are pure functions of s, so a run killed at any
point and started again with the same command continues exactly where its
last checkpoint left off and ends with the same weights as an uninterrupted
run. Outputs under ``out`` (the run folder every trainer shares: ``course_kit.training.run``):

    checkpoint.pt   model + optimizer + step (written to a temp file, then renamed)
    config.json     the TrainConfig (runs begun before it was named so keep their train_config.json)
    log.csv         step, epoch, loss, mse, kl, beta, tf_ratio, seconds
    val.csv         step, PSNR per future step on fixed validation clips
    samples/*.gif   ground truth beside sampled futures
    model.safetensors + model.json   the final weights (fp16) and config
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from ..training.run import CHECKPOINT, SVG as SVG_LAYOUT, RunFolder
from .data import PushVideos, clips_to_tensor, load_split
from .metrics import psnr
from .model import SVG, SVGConfig, from_pretrained_state
from .free_bits import free_bits_kl
from .objective import training_loss
from .schedules import kl_beta, teacher_forcing_ratio
from .visual import comparison_grid

__all__ = ["TrainConfig", "train", "clips_to_tensor", "save_weights", "load_weights", "export_checkpoint",
           "CHECKPOINT"]

LOG_FIELDS = ["step", "epoch", "loss", "mse", "kl", "beta", "tf_ratio", "seconds"]


@dataclass
class TrainConfig:
    """How to train; the network's shape lives in ``model`` (an SVGConfig as a dict)."""
    data: str = "push-data"
    out: str = "runs/svg"
    steps: int = 3000
    batch_size: int = 16
    lr: float = 2e-3
    seed: int = 0
    kl_schedule: str = "cyclical"
    beta_max: float = 1e-4
    kl_cycles: int = 4
    kl_ratio: float = 0.5
    kl_warmup: int = 0
    free_bits: float = 0.0
    bf16: bool = False
    tf_start_epoch: int = 8
    tf_decay_step: int = 2
    tf_decay_rate: float = 0.1
    tf_lower_bound: float = 0.6
    checkpoint_every: int = 50
    val_every: int = 250
    val_videos: int = 64
    sample_every: int = 500
    limit_videos: int | None = None
    model: dict = field(default_factory=dict)


def _to_uint8(video: torch.Tensor) -> np.ndarray:
    """(B, 3, T, H, W) in [0, 1] -> (B, T, H, W, 3) uint8."""
    return (video.clamp(0, 1) * 255 + 0.5).to(torch.uint8).permute(0, 2, 3, 4, 1).cpu().numpy()


def _step_generator(seed: int, step: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed * 1_000_003 + step)


def save_weights(model: SVG, prefix: str | Path, half: bool = True) -> tuple[Path, Path]:
    """Write ``prefix``.safetensors (fp16 unless ``half`` is False) and ``prefix``.json (the config)."""
    from safetensors.torch import save_file
    prefix = Path(prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    state = {k: (v.half() if half and v.is_floating_point() else v).contiguous().cpu()
             for k, v in model.state_dict().items()}
    weights, config = prefix.with_suffix(".safetensors"), prefix.with_suffix(".json")
    save_file(state, str(weights), metadata={"format": "pt", "kind": "svg"})
    config.write_text(json.dumps({"kind": "svg", "config": model.config.to_dict()}, indent=1) + "\n")
    return weights, config


def load_weights(weights: str | Path, config: dict) -> SVG:
    """Rebuild an SVG from a safetensors state dict and its config dict (fp16 weights become fp32)."""
    from safetensors.torch import load_file
    state = {k: v.float() if v.is_floating_point() else v for k, v in load_file(str(weights)).items()}
    return from_pretrained_state(config, state, "cpu")


def export_checkpoint(checkpoint: str | Path, prefix: str | Path) -> tuple[Path, Path]:
    """Weights of a (possibly unfinished) run's checkpoint as ``prefix``.safetensors + ``prefix``.json."""
    ck = torch.load(checkpoint, weights_only=True)
    model = SVG(SVGConfig.from_dict(ck["model_config"]))
    model.load_state_dict(ck["model"])
    return save_weights(model.eval(), prefix)


def _validation_batch(model: SVG, val: PushVideos, n_videos: int):
    """The first ``n_videos`` validation clips, cut to n_past + n_future: (video, conditions)."""
    length = model.config.n_past + model.config.n_future
    return (clips_to_tensor(val.frames[:n_videos, :length]),
            torch.from_numpy(val.conditions[:n_videos, :length]))


@torch.no_grad()
def validate(model: SVG, val: PushVideos, n_videos: int, seed: int = 0) -> list[float]:
    """Mean PSNR per future step of one prior sample on the first ``n_videos`` validation clips."""
    cfg = model.config
    video, cond = _validation_batch(model, val, n_videos)
    was_training = model.training
    model.eval()
    pred = model.generate(video[:, :, :cfg.n_past], cond, cfg.n_future, generator=torch.Generator().manual_seed(seed))
    model.train(was_training)
    scores = psnr(pred.permute(0, 2, 1, 3, 4), video[:, :, cfg.n_past:].permute(0, 2, 1, 3, 4))
    return scores.mean(0).tolist()


@torch.no_grad()
def write_samples(model: SVG, val: PushVideos, run: RunFolder, step: int, n_videos: int = 4, n_samples: int = 3,
                  seed: int = 0) -> Path:
    """``run``'s sample GIF of ``step``: each row a validation clip, columns the ground truth then ``n_samples`` futures."""
    cfg = model.config
    video, cond = _validation_batch(model, val, n_videos)
    was_training = model.training
    model.eval()
    g = torch.Generator().manual_seed(seed)
    samples = [_to_uint8(model.generate(video[:, :, :cfg.n_past], cond, cfg.n_future, generator=g))
               for _ in range(n_samples if model.stochastic else 1)]
    model.train(was_training)
    return run.write_sample(step, comparison_grid(val.frames[:n_videos, :video.shape[2]], samples, cfg.n_past),
                            fps=5, scale=2)


def _condition_stats(train: PushVideos) -> tuple[list, list]:
    c = train.conditions.reshape(-1, train.conditions.shape[-1]).astype(np.float64)
    return c.mean(0).tolist(), np.maximum(c.std(0), 1e-3).tolist()


def _beta(tc: TrainConfig, step: int) -> float:
    """The KL weight of ``step``: 0 for the first ``kl_warmup`` steps, then ``kl_schedule`` over the rest.

    Why a warm-up: Adam scales each parameter's step by its own gradient, so
    while the frame predictor does not yet use z, even beta = 1e-4 moves the
    posterior at the full learning rate towards the prior, and it has
    collapsed before the predictor could learn to read it (svg-push card).
    """
    if step < tc.kl_warmup:
        return 0.0
    return kl_beta(step - tc.kl_warmup, tc.kl_schedule, tc.beta_max, max(1, tc.steps - tc.kl_warmup), tc.kl_cycles,
                   tc.kl_ratio)


def train(tc: TrainConfig, progress: bool = True, stop_after: int | None = None) -> SVG:
    """Train (or resume) as ``tc`` says and return the model; see the module docstring for outputs.

    ``stop_after`` ends this call after that many steps (a checkpoint is
    written), as when a Colab session runs out: call again to continue.
    """
    run = RunFolder(tc.out, SVG_LAYOUT).mkdir()
    out, ckpt_path = run.out, run.checkpoint
    checkpoint = run.load_checkpoint()
    if checkpoint is not None:
        saved = checkpoint["train_config"]
        differ = {k: (saved.get(k), v) for k, v in asdict(tc).items()
                  if k not in ("out", "steps", "data", "checkpoint_every", "model")
                  and saved.get(k, getattr(TrainConfig(), k)) != v}
        if differ:
            raise ValueError(f"train: {ckpt_path} was made with other settings {differ} (saved, now); "
                             f"use another --out or delete the checkpoint to start afresh")

    train_set = load_split(tc.data, "train", seed=tc.seed, limit=tc.limit_videos, progress=progress)
    val_set = load_split(tc.data, "val", seed=tc.seed, limit=tc.val_videos, progress=progress)
    if checkpoint is not None:
        model_cfg = SVGConfig.from_dict(checkpoint["model_config"])
    else:
        mean, std = _condition_stats(train_set)
        model_cfg = SVGConfig.from_dict({**tc.model, "cond_mean": mean, "cond_std": std})
    length = model_cfg.n_past + model_cfg.n_future
    if train_set.frames.shape[1] < length:
        raise ValueError(f"train: videos in {tc.data} have {train_set.frames.shape[1]} frames, "
                         f"need n_past + n_future = {length}")
    torch.manual_seed(tc.seed)
    model = SVG(model_cfg)
    opt = torch.optim.Adam(model.parameters(), lr=tc.lr, betas=(0.9, 0.999))
    start, seconds_before = 0, 0.0
    if checkpoint is not None:
        model.load_state_dict(checkpoint["model"])
        opt.load_state_dict(checkpoint["optimizer"])
        start = int(checkpoint["step"])
        run.trim_logs(start)
        seconds_before = run.logged_seconds()   # the log's clock runs on across resumes
    run.write_config(asdict(tc))

    steps_per_epoch = max(1, math.ceil(len(train_set) / tc.batch_size))
    n_train, n_frames = train_set.frames.shape[:2]
    conditions = train_set.conditions
    model.train()
    bar = tqdm(total=tc.steps, initial=start, desc="train svg" if model.stochastic else "train deterministic",
               unit="step", disable=not progress)
    kl_fn = free_bits_kl(tc.free_bits)
    t0 = time.time()
    end = tc.steps if stop_after is None else min(tc.steps, start + stop_after)
    for step in range(start, end):
        g = _step_generator(tc.seed, step)
        epoch = step // steps_per_epoch
        beta = _beta(tc, step)
        tf = teacher_forcing_ratio(epoch, tc.tf_start_epoch, tc.tf_decay_step, tc.tf_decay_rate, tc.tf_lower_bound)
        idx = torch.randint(n_train, (tc.batch_size,), generator=g).numpy()
        first = torch.randint(n_frames - length + 1, (tc.batch_size,), generator=g).numpy()
        window = first[:, None] + np.arange(length)
        video = clips_to_tensor(train_set.frames[idx[:, None], window])
        cond = torch.from_numpy(conditions[idx[:, None], window])
        kl_fn.raw.clear()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=tc.bf16):   # README: bf16 on CPU
            result = training_loss(model, video, cond, beta=beta, tf_ratio=tf, generator=g, kl_fn=kl_fn)
        kl_true = float(sum(kl_fn.raw)) if kl_fn.raw else 0.0
        opt.zero_grad(set_to_none=True)
        result["loss"].backward()
        opt.step()
        done = step + 1
        run.log(LOG_FIELDS, {
            "step": done, "epoch": epoch, "loss": f"{result['loss'].item():.6f}", "mse": f"{result['mse'].item():.6f}",
            "kl": f"{kl_true:.4f}", "beta": f"{beta:.3g}", "tf_ratio": f"{tf:.2f}",
            "seconds": f"{seconds_before + time.time() - t0:.1f}"})
        bar.set_postfix(mse=f"{result['mse'].item():.4f}", kl=f"{kl_true:.1f}", tf=f"{tf:.1f}")
        bar.update(1)
        if done % tc.val_every == 0 or done == tc.steps:
            per_step = validate(model, val_set, tc.val_videos, seed=tc.seed)
            run.log(["step", "mean_psnr"] + [f"psnr_t{i + 1}" for i in range(len(per_step))],
                    {"step": done, "mean_psnr": f"{np.mean(per_step):.3f}",
                     **{f"psnr_t{i + 1}": f"{p:.3f}" for i, p in enumerate(per_step)}}, name="val.csv")
        if done % tc.sample_every == 0 or done == tc.steps:
            write_samples(model, val_set, run, done, seed=tc.seed)
        if done % tc.checkpoint_every == 0 or done == end:
            run.save_checkpoint({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": done,
                                 "train_config": asdict(tc), "model_config": model_cfg.to_dict()})
    bar.close()
    model.eval()
    if end == tc.steps:
        save_weights(model, out / "model")
    return model
