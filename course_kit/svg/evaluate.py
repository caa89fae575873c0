"""Held-out evaluation of SVG: PSNR and SSIM per future step against two baselines.

Compared on the first n_past + n_future frames of every video in a split:

- copy-last: repeat the last context frame (no model);
- deterministic: the same network trained without a latent (z_dim = 0);
- SVG, one sample: the mean over the K samples (what one draw scores on average);
- SVG, best of K: per video, the sample with the best mean score over the
  future steps, picked separately for PSNR and for SSIM (as in Denton & Fergus).

Three columns say whether the latent is used (a model whose posterior
collapsed scores ~0 on all three, and best of K = one sample):

- "svg spread": the mean absolute difference (0-255 grey levels) between each
  sample and the samples' mean, over all pixels;
- "svg moving std": the per-pixel standard deviation over the K samples
  (grey levels) where the truth moves (differs from the last context frame
  by more than 30), :func:`course_kit.svg.lab.spread`;
- "svg best-of-K gain": best of K minus one sample, PSNR dB;
- "svg kl": KL(q || p) in nats at that step on the true video (posterior on
  frame t, prior on frame t-1, as in training with teacher forcing).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from .data import load_split
from .lab import spread
from .metrics import best_of, psnr, ssim
from .model import SVG
from .train import _to_uint8, clips_to_tensor, load_weights
from .visual import comparison_grid, save_gif

__all__ = ["SVGReport", "evaluate", "load_model"]


def load_model(name_or_path: str) -> SVG:
    """A shipped model by name ("svg-push") or MODEL.safetensors with MODEL.json beside it."""
    path = Path(name_or_path)
    if path.suffix == ".safetensors" or path.exists():
        weights = path.with_suffix(".safetensors")
        config = path.with_suffix(".json")
        for p in (weights, config):
            if not p.is_file():
                raise FileNotFoundError(f"load_model: {p} is missing (a trained model is MODEL.safetensors "
                                        f"plus MODEL.json, as `course-kit train svg` writes them)")
        return load_weights(weights, json.loads(config.read_text()))
    from ..pretrained import load_pretrained
    return load_pretrained(str(name_or_path), device="cpu")


@dataclass
class SVGReport:
    """Per-future-step means over the evaluated videos; each list has n_future numbers."""
    n_videos: int
    n_samples: int
    columns: dict = field(default_factory=dict)     # name -> list of per-step means

    def beats(self, better: str, worse: str) -> bool:
        """True when column ``better`` is above ``worse`` at every future step."""
        return bool(np.all(np.asarray(self.columns[better]) > np.asarray(self.columns[worse])))

    def rows(self) -> list[dict]:
        n = len(next(iter(self.columns.values())))
        out = [{"step": t + 1, **{k: v[t] for k, v in self.columns.items()}} for t in range(n)]
        out.append({"step": "mean", **{k: float(np.mean(v)) for k, v in self.columns.items()}})
        return out

    def markdown(self) -> str:
        names = list(self.columns)
        lines = [f"Held-out videos: {self.n_videos}; SVG samples per video: {self.n_samples}", "",
                 "| step | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for row in self.rows():
            cells = [f"{row[n]:.3f}" if n.endswith(("ssim", "kl")) else f"{row[n]:.2f}" for n in names]
            lines.append(f"| {row['step']} | " + " | ".join(cells) + " |")
        lines.append("")
        if "svg mean psnr" in self.columns:
            lines.append(f"SVG (one sample, mean PSNR) beats copy-last at every step: "
                         f"{'yes' if self.beats('svg mean psnr', 'copy-last psnr') else 'no'}")
        if f"svg best-of-{self.n_samples} psnr" in self.columns and "deterministic psnr" in self.columns:
            best = f"svg best-of-{self.n_samples}"
            lines.append(f"SVG best of {self.n_samples} beats the deterministic baseline at every step: "
                         f"PSNR {'yes' if self.beats(best + ' psnr', 'deterministic psnr') else 'no'}, "
                         f"SSIM {'yes' if self.beats(best + ' ssim', 'deterministic ssim') else 'no'}")
        gain = f"svg best-of-{self.n_samples} gain"
        if gain in self.columns:
            lines.append(f"Best of {self.n_samples} above one sample at the last step: "
                         f"{self.columns[gain][-1]:.2f} dB (mean over steps {np.mean(self.columns[gain]):.2f} dB); "
                         f"samples differ where the truth moves by {np.mean(self.columns['svg moving std']):.1f} "
                         f"grey levels (std over samples); KL {np.sum(self.columns['svg kl']):.2f} nats over the "
                         f"future steps")
        if "svg z use" in self.columns:
            lines.append(f"The posterior's z is worth {self.columns['svg z use'][-1]:.2f} dB at the last step "
                         f"(teacher-forced PSNR with each clip's own z against another clip's; 0: z is ignored)")
        return "\n".join(lines)

    def save(self, folder: str | Path) -> list[Path]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        rows = self.rows()
        with open(folder / "svg_eval.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["step", *self.columns])
            w.writeheader()
            w.writerows(rows)
        (folder / "svg_eval.md").write_text(self.markdown() + "\n")
        return [folder / "svg_eval.csv", folder / "svg_eval.md"]


@torch.no_grad()
def evaluate(model: SVG, data: str | Path, deterministic: SVG | None = None, split: str = "test", seed: int = 0,
             n_samples: int = 10, limit: int | None = None, batch_size: int = 25, gif: str | Path | None = None,
             progress: bool = True, sample_seed: int | None = None) -> SVGReport:
    """Score ``model`` (and the baselines) per future step on ``split`` of the folders under ``data``.

    ``seed`` picks the split (as training did: keep it to stay on held-out
    videos) and, unless ``sample_seed`` is given, the latent noise.
    """
    if n_samples < 1:
        raise ValueError(f"evaluate: `n_samples` must be >= 1, got {n_samples}")
    cfg = model.config
    length = cfg.n_past + cfg.n_future
    videos = load_split(data, split, seed=seed, limit=limit, progress=progress)
    if videos.frames.shape[1] < length:
        raise ValueError(f"evaluate: videos have {videos.frames.shape[1]} frames, need n_past + n_future = {length}")
    model.eval()
    if deterministic is not None:
        deterministic.eval()
    g = torch.Generator().manual_seed(seed if sample_seed is None else sample_seed)
    scores: dict[str, list[torch.Tensor]] = {}

    def add(name, value):
        scores.setdefault(name, []).append(value)

    for start in tqdm(range(0, len(videos), batch_size), desc="evaluate svg", unit="batch", disable=not progress):
        frames = videos.frames[start:start + batch_size, :length]
        video = clips_to_tensor(frames).permute(0, 2, 1, 3, 4)                    # (B, T, 3, H, W)
        cond = torch.from_numpy(videos.conditions[start:start + batch_size, :length])
        truth, context = video[:, cfg.n_past:], video[:, :cfg.n_past].permute(0, 2, 1, 3, 4)
        last = video[:, cfg.n_past - 1:cfg.n_past].expand_as(truth)
        add("copy-last psnr", psnr(last, truth)), add("copy-last ssim", ssim(last, truth))
        if deterministic is not None:
            pred = deterministic.generate(context, cond, cfg.n_future).permute(0, 2, 1, 3, 4)
            add("deterministic psnr", psnr(pred, truth)), add("deterministic ssim", ssim(pred, truth))
        k_psnr, k_ssim, k_pred = [], [], []
        for _ in range(n_samples if model.stochastic else 1):
            pred = model.generate(context, cond, cfg.n_future, generator=g).permute(0, 2, 1, 3, 4)
            k_psnr.append(psnr(pred, truth)), k_ssim.append(ssim(pred, truth))
            k_pred.append(pred)
        k_psnr, k_ssim = torch.stack(k_psnr), torch.stack(k_ssim)                   # (K, B, T)
        k_pred = torch.stack(k_pred)                                                # (K, B, T, 3, H, W)
        add("svg spread", 255 * (k_pred - k_pred.mean(0)).abs().mean(dim=(0, 3, 4, 5)))
        samples = (k_pred.clamp(0, 1) * 255 + 0.5).to(torch.uint8).permute(1, 0, 2, 4, 5, 3).numpy()  # (B, K, T, H, W, 3)
        add("svg moving std", torch.tensor([[spread(samples[:, :, t:t + 1], frames[:, [cfg.n_past - 1, cfg.n_past + t]])
                                             ["moving"] for t in range(cfg.n_future)]]))
        add("svg mean psnr", k_psnr.mean(0)), add("svg mean ssim", k_ssim.mean(0))
        if model.stochastic:
            add(f"svg best-of-{n_samples} psnr", best_of(k_psnr)[0])
            add(f"svg best-of-{n_samples} ssim", best_of(k_ssim)[0])
            add(f"svg best-of-{n_samples} gain", best_of(k_psnr)[0] - k_psnr.mean(0))
            add("svg kl", kl_per_step(model, video.permute(0, 2, 1, 3, 4), cond, g)[:, cfg.n_past - 1:])
            if video.shape[0] > 1:
                add("svg z use", latent_use(model, video.permute(0, 2, 1, 3, 4), cond))
    if gif is not None:
        _write_gif(model, deterministic, videos, gif, seed)
    order = ["copy-last", "deterministic", "svg mean", f"svg best-of-{n_samples}"]
    columns = {f"{name} {metric}": torch.cat(scores[f"{name} {metric}"]).mean(0).tolist()
               for metric in ("psnr", "ssim") for name in order if f"{name} {metric}" in scores}
    for name in ("svg spread", "svg moving std", f"svg best-of-{n_samples} gain", "svg kl", "svg z use"):
        if name in scores:
            columns[name] = torch.cat(scores[name]).mean(0).tolist()
    return SVGReport(n_videos=len(videos), n_samples=n_samples if model.stochastic else 1, columns=columns)


@torch.no_grad()
def kl_per_step(model: SVG, video: torch.Tensor, cond: torch.Tensor,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """KL(q || p) in nats of each predicted frame of the true ``video``: (B, T - 1), column t-1 for frame t.

    video (B, 3, T, 64, 64) in [0, 1], cond (B, T, 7). The posterior reads
    frame t, the prior frame t-1, both along the true frames (teacher
    forcing), as training computes its KL term.
    """
    from .losses import gaussian_kl
    codes, _ = model.encode_frames(video)
    _, posterior_state, prior_state = model.zero_states(video)
    out = []
    for t in range(1, video.shape[2]):
        _, mu_q, logvar_q, posterior_state = model.posterior(codes[t], posterior_state, generator)
        _, mu_p, logvar_p, prior_state = model.prior(codes[t - 1], prior_state, generator)
        out.append(gaussian_kl(mu_q, logvar_q, mu_p, logvar_p))
    return torch.stack(out, 1)


@torch.no_grad()
def latent_use(model: SVG, video: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
    """What the posterior's z is worth to each clip: (B, n_future) PSNR gains in dB, B >= 2.

    Teacher-forced along the true frames (as in training), each future frame
    is predicted twice: with the posterior's mean for this clip, and with the
    mean another clip of the batch got (the next one, cyclically) at the
    same step. The difference is the information z carries that the
    predictor acts on. The KL cannot tell this: a posterior free to move
    (beta 0) runs up a large KL that the predictor ignores, and then this
    gain is 0.
    """
    if video.shape[0] < 2:
        raise ValueError(f"latent_use: `video` must hold at least 2 clips (each borrows another's z), "
                         f"got {video.shape[0]}")
    cfg = model.config
    codes, skips = model.encode_frames(video)
    c = model.standardise(cond)
    other = torch.roll(torch.arange(video.shape[0]), 1)
    own_state, posterior_state, _ = model.zero_states(video)
    borrowed_state = own_state
    gains = []
    for t in range(1, video.shape[2]):
        _, mu_q, _, posterior_state = model.posterior(codes[t], posterior_state)
        rest = [c[:, t - 1], c[:, t]]
        g_own, own_state = model.frame_predictor(torch.cat([codes[t - 1], mu_q, *rest], 1), own_state)
        g_borrowed, borrowed_state = model.frame_predictor(torch.cat([codes[t - 1], mu_q[other], *rest], 1),
                                                           borrowed_state)
        if t >= cfg.n_past:
            truth = video[:, :, t]
            gains.append(psnr(model.decoder(g_own, skips), truth) - psnr(model.decoder(g_borrowed, skips), truth))
    return torch.stack(gains, 1)


def _write_gif(model, deterministic, videos, path, seed, n_videos: int = 4, n_samples: int = 3):
    """Rows: test videos. Columns: truth, the deterministic baseline (if any), then SVG samples."""
    cfg = model.config
    length = cfg.n_past + cfg.n_future
    video = clips_to_tensor(videos.frames[:n_videos, :length])
    cond = torch.from_numpy(videos.conditions[:n_videos, :length])
    context = video[:, :, :cfg.n_past]
    g = torch.Generator().manual_seed(seed)
    columns = [] if deterministic is None else [_to_uint8(deterministic.generate(context, cond, cfg.n_future))]
    columns += [_to_uint8(model.generate(context, cond, cfg.n_future, generator=g)) for _ in range(n_samples)]
    return save_gif(path, comparison_grid(videos.frames[:n_videos, :length], columns, cfg.n_past))
