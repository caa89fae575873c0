"""Ship a trained SVG inside the package: fp16 safetensors, sha256 manifest entry, model card.

The card (the kit's template, ``course_kit.training.card``) is assembled from
measured files only (the run folder's log.csv and config.json, or the
train_config.json of runs begun before that name, and the evaluation table),
so its numbers are the run's. ``course-kit export svg RUN --name NAME`` is
:func:`export_run`.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..pretrained import PRETRAINED_DIR, save_pretrained
from ..training.card import CREDITS, render_card
from ..training.run import SVG as SVG_LAYOUT, RunFolder
from .evaluate import load_model

__all__ = ["training_summary", "model_card", "publish", "train_command", "export_run"]


def training_summary(run: str | Path) -> dict:
    """Steps, wall seconds and the last logged losses of a training run folder."""
    folder = RunFolder(run, SVG_LAYOUT)
    rows = folder.read_log()
    if not rows:
        raise ValueError(f"training_summary: {folder.log_path} has no rows")
    last = rows[-50:]
    return {"steps": int(rows[-1]["step"]), "seconds": float(rows[-1]["seconds"]),
            "final_mse": sum(float(r["mse"]) for r in last) / len(last),
            "final_kl": sum(float(r["kl"]) for r in last) / len(last),
            "train_config": folder.read_config()}


def train_command(train_config: dict, threads: int | None = 1) -> str:
    """The `course-kit train svg` line of a run's saved TrainConfig (flags from the config dataclasses)."""
    from .flags import MODEL_OPTIONS, TRAIN_OPTIONS
    argv = (TRAIN_OPTIONS.argv(train_config, always=("data", "out", "steps"))
            + MODEL_OPTIONS.argv(train_config.get("model", {})))
    return shlex.join(["course-kit", "train", "svg", *(["--threads", str(threads)] if threads else []), *argv])


WORLD = ("a gripper pushing one to three pucks with hidden per-puck friction on a procedurally textured "
         "table")
KICKED_WORLD = (WORLD + "; right after the last context frame every puck gets a hidden kick (a push in a "
                "random direction, after which it glides), so the futures of one context diverge "
                "(`--kick-at 1`)")


def _extras(tc: dict) -> str:
    """The recipe's options beyond the paper's, as a sentence fragment ('' when none is on)."""
    parts = []
    if tc.get("free_bits"):
        parts.append(f"free bits {tc['free_bits']} nats per latent dimension (KL below that costs nothing)")
    if tc.get("bf16"):
        parts.append("bfloat16 autocast on CPU (a run repeats to bf16 rounding, not bit for bit)")
    return ("; " + "; ".join(parts)) if parts else ""


def _motion_text(cfg) -> str:
    """The network sentence's part on the motion decoder ('' without one)."""
    if not cfg.motion_layers:
        return ""
    return (f"; the decoder also shifts {cfg.motion_layers} copies of the last context frame (one translation "
            "each, set by the predicted code) and blends them with the unmoved frame and its drawn frame under "
            "a per-pixel softmax mask (`--motion-layers`; Finn et al. 2016's spatial-transformer predictor)")


def _latent_text(cfg) -> str:
    """The network sentence's part on what the posterior reads (keypoints, the change of the code)."""
    parts = []
    if cfg.keypoints:
        parts.append(f"the code's last {2 * cfg.keypoints} numbers are the (x, y) of {cfg.keypoints} learned "
                     "keypoints (a spatial softmax of 1x1-convolved pixels, `--keypoints`)")
    if cfg.z_dim and cfg.posterior_change:
        read = (", and the keypoints' change reaches z's mean through a linear map started as the identity"
                if cfg.keypoints else "")
        parts.append(f"the posterior reads [g_t, {cfg.posterior_change:g} * (g_t - g_(t-1))]{read} "
                     "(`--posterior-change`)")
    return ("; " + "; ".join(parts)) if parts else ""


def model_card(name: str, run: str | Path, table_md: str | None, recipe: str, hardware: str,
               deterministic_run: str | Path | None = None, limits: list[str] = (),
               world: str = WORLD, z_use: float | None = None) -> str:
    """Markdown model card for a trained SVG: what, how it was made, how well it does, credits.

    ``table_md``: ``course-kit evaluate svg``'s table (None or "": no Measured section).
    """
    model = load_model(Path(run) / "model.safetensors")
    cfg = model.config
    s = training_summary(run)
    tc = s["train_config"]
    params = sum(p.numel() for p in model.parameters())
    if model.stochastic:
        title = f"{name}: SVG with a learned prior on the kit's pushing world"
        what = ("Stochastic video prediction (Denton & Fergus, \"Stochastic Video Generation with a Learned "
                "Prior\", ICML 2018)")
        sampling = "each call samples a future from the learned prior (see Limits for how much they differ)"
    else:
        title = f"{name}: the deterministic baseline for svg-push"
        what = "The SVG network of svg-push without its latent (z_dim = 0): the deterministic baseline"
        sampling = "every call gives the same future"
    intro = (f"{what}, conditioned on robot actions and end-effector positions as in the course's BAIR lab. "
             f"From {cfg.n_past} context frames (64x64 RGB) and the 7-d condition of every frame it predicts the "
             f"next {cfg.n_future} frames; {sampling}.")
    usage = [
        "import course_kit",
        f"model = course_kit.load_pretrained(\"{name}\")",
        "frames = model.predict(context, actions, positions, n_future=10, n_samples=5, seed=0)",
        "# context (2, 64, 64, 3) uint8; actions (12, 4); positions (12, 3) -> (5, 10, 64, 64, 3) uint8",
    ]
    if model.stochastic:
        latent = (f"posterior and learned prior Gaussian LSTMs 1x{cfg.latent_rnn_size}; z_dim={cfg.z_dim}. The "
                  "predictor sees [g_(t-1), z_t, c_(t-1), c_t]")
        warmup = f"beta 0 for the first {tc['kl_warmup']} steps, then " if tc.get("kl_warmup") else ""
        loss = (f"loss = sum_t MSE + beta * KL(q || p); {warmup}KL annealing {tc['kl_schedule']} ({tc['kl_cycles']} "
                f"cycles, rising over the first {tc['kl_ratio']:.0%} of each) with beta capped at {tc['beta_max']}")
    else:
        latent = "no latent (z_dim=0). The predictor sees [g_(t-1), c_(t-1), c_t]"
        loss = "loss = sum_t MSE"
    network = (
        f"DCGAN-64 encoder/decoder with skips from the last context frame, base width nf={cfg.nf} "
        f"(edenton/svg: 64), g_dim={cfg.g_dim}{_motion_text(cfg)}{_latent_text(cfg)}; frame predictor LSTM "
        f"{cfg.predictor_layers}x{cfg.rnn_size}; {latent}, c = standardised (actions, positions). "
        f"{params:,} parameters, stored in fp16. Widths are reduced from the paper's so that it trains on one "
        "CPU core.")
    recipe_text = "\n".join([
        f"{s['steps']} steps of batch {tc['batch_size']} clips of {cfg.n_past + cfg.n_future} frames, Adam "
        f"lr {tc['lr']} (betas 0.9, 0.999), {loss}; teacher forcing 1.0 until epoch {tc['tf_start_epoch']}, then "
        f"-{tc['tf_decay_rate']} every {tc['tf_decay_step']} epochs down to {tc['tf_lower_bound']}{_extras(tc)}. "
        f"Seed {tc['seed']}. "
        f"Wall time {s['seconds'] / 60:.0f} min ({s['steps'] / max(s['seconds'], 1e-9):.2f} steps/s) on {hardware}. "
        f"Mean of the last 50 logged steps: "
        f"MSE {s['final_mse']:.5f} per pixel summed over frames, KL {s['final_kl']:.3f} nats.",
        "",
        "```bash",
        recipe.strip(),
        "```",
    ])
    measured = ""
    if table_md:
        measured = "\n".join([
            "PSNR (dB) and SSIM per future step on the held-out test split, first 12 frames of each test video. "
            "\"svg mean\" is the "
            "average over the K samples (what one sample scores on average); \"best-of-K\" picks per video the "
            "sample with the best mean score (for PSNR and SSIM separately), as in the paper. The deterministic "
            "baseline is the same network with z_dim=0"
            + (f", trained {training_summary(deterministic_run)['steps']} steps" if deterministic_run else "")
            + "; copy-last repeats the last context frame.",
            "",
            table_md.strip(),
        ])
    notes = ["A synthetic world: it will not predict real robot videos (train on converted BAIR folders for that)."]
    if cfg.motion_layers:
        notes.append("Reduced widths and a short CPU budget: the table and the pucks that stay put are copied "
                     "sharp from the last context frame, but a puck the gripper pushes, and the gripper itself "
                     "after a few steps, are blended from shifted copies and leave faint ghosts.")
    else:
        notes += [
            "Reduced widths and a short CPU budget: predictions blur pucks after a few steps, especially "
            "after pushes; the gripper follows the conditioning positions more faithfully than pucks follow "
            "physics.",
            "SSIM stays below copy-last: the table's per-pixel grain is finer than the 32x32 skip maps can carry, "
            "so the re-drawn background is slightly smooth (PSNR barely notices, SSIM does)."]
    if model.stochastic and z_use is not None:
        if z_use < 0.1:
            notes.append(f"The latent is nearly unused (posterior collapse): the posterior's z is worth {z_use:.2f} dB "
                         "at the last step (\"svg z use\"), so samples differ little and best of K adds little over "
                         "one sample, whatever the KL says.")
    elif model.stochastic and s["final_kl"] < 1.0:
        notes.append(f"The latent is nearly unused (posterior collapse): KL(q || p) ended at {s['final_kl']:.3f} "
                     "nats per clip, and samples differ by a small fraction of a grey level (\"svg spread\"), "
                     "so best of K adds little over one sample. A longer run, a smaller beta or a wider "
                     "network are the usual cures; this short CPU budget did not reach that regime.")
    return render_card(title, intro, usage, network=network, recipe=recipe_text, measured=measured,
                       data=CREDITS["push"].format(world=world), limits=[*notes, *limits])


def publish(name: str, run: str | Path, card: str, directory: str | Path = PRETRAINED_DIR) -> Path:
    """Copy a run's model.safetensors into the package's pretrained folder under ``name``."""
    model = load_model(Path(run) / "model.safetensors")
    return save_pretrained(name, "svg", model.state_dict(), {"config": model.config.to_dict()}, card,
                           directory=directory)


def export_run(run: str | Path, name: str, evaluate_data: str | Path | None = None,
               deterministic_run: str | Path | None = None, samples: int = 10, limit: int | None = None,
               recipe: str | None = None, hardware: str = "the training machine", limits: list[str] = (),
               world: str = WORLD, directory: str | Path = PRETRAINED_DIR) -> Path:
    """Ship the finished run ``run`` (its model.safetensors) as ``name`` with its model card.

    ``evaluate_data``: score it with ``course-kit evaluate svg`` on that data's test split (beside the
    deterministic baseline of ``deterministic_run``, when given) and put the table in the card.
    ``recipe``: the card's commands (default: the run's own `course-kit train svg` line).
    """
    run = Path(run)
    if not (run / "model.safetensors").exists():
        raise FileNotFoundError(f"export svg: {run / 'model.safetensors'} is missing; a run writes it when "
                                f"it finishes (run `course-kit train svg` with the same options again)")
    table = z_use = None
    if evaluate_data is not None:
        from .evaluate import evaluate
        baseline = load_model(Path(deterministic_run) / "model.safetensors") if deterministic_run else None
        report = evaluate(load_model(run / "model.safetensors"), evaluate_data, deterministic=baseline,
                          n_samples=samples, limit=limit, progress=False)
        table = report.markdown()
        z_use = report.columns["svg z use"][-1] if "svg z use" in report.columns else None
    if recipe is None:
        recipe = train_command(training_summary(run)["train_config"])
    card = model_card(name, run, table, recipe, hardware, deterministic_run=deterministic_run, limits=limits,
                      world=world, z_use=z_use)
    return publish(name, run, card, directory=directory)
