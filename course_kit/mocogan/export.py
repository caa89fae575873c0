"""Turn a training run into a shipped model: fp16 safetensors, sha256 manifest, model card.

The card (the kit's template, ``course_kit.training.card``) states what a user
needs to trust the model: the data and its credit, the recipe (from the run's
checkpoint), how far it trained, and the metrics measured by ``course-kit
evaluate mocogan`` beside the real held-out reference, including where they
fall short of the targets.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..pretrained import PRETRAINED_DIR, save_pretrained
from ..training.card import CREDITS, render_card
from ..training.run import MOCOGAN, RunFolder

DATA_CREDITS = {name: CREDITS[name] for name in ("weizmann", "shapes", "procedural")}  # --credit's choices


def train_command(cfg: dict, mcfg: dict, step: int) -> str:
    """The `course-kit train mocogan` line that repeats a run, every recipe flag included.

    ``cfg`` is the run's TrainConfig (as saved), ``mcfg`` the MoCoGANConfig it built, ``step``
    how far it went; the flags come from the config dataclasses (course_kit.mocogan.commands).
    """
    from .commands import MODEL_OPTIONS, train_argv
    model = {name: mcfg.get(name) for name in MODEL_OPTIONS.names}
    model["ndf_video"] = mcfg.get("ndf_video") or mcfg["ndf"]   # D_V's width, resolved
    argv = train_argv({**cfg, "steps": step, "model": model})
    return shlex.join(["course-kit", "train", "mocogan", *argv])


def _regularisers(cfg: dict) -> str:
    """The small-data options of a run in words (runs saved before an option existed did not use it)."""
    from dataclasses import asdict
    from .train import TrainConfig
    cfg = {**asdict(TrainConfig()), **cfg}   # a missing key: the default, i.e. the option was off
    parts = [f"{cfg['loss']} loss"]
    if cfg["r1"]:
        parts.append(f"R1 penalty gamma {cfg['r1']} every {cfg['r1_every']} steps")
    if cfg["mbstd"]:
        parts.append("minibatch-std discriminators")
    if cfg["d_norm"] == "spectral":
        parts.append("spectral norm in D_I and D_V")
    if cfg["augment"]:
        parts.append(f"differentiable augmentation ({cfg['augment']}) of both discriminators' inputs, one draw per clip")
    if cfg["pair_d"]:
        parts.append(f"a frame-pair discriminator (two frames of one clip, weight {cfg['pair_d']})")
    if cfg["lr_d"]:
        parts.append(f"discriminator lr {cfg['lr_d']}")
    if cfg["ema"]:
        parts.append(f"the shipped weights are the generator's weight average (EMA decay {cfg['ema']})")
    if cfg["amp_cpu"]:
        parts.append("bfloat16 autocast on CPU")
    return "; ".join(parts)


def model_card(name: str, run: dict, step: int, data_credit: str, metrics_table: str | None,
               notes: str = "") -> str:
    """The card of a MoCoGAN checkpoint ``run`` (its dict) trained ``step`` steps, in the kit's card template."""
    cfg, mcfg = run["config"], run["model_config"]
    actions = ", ".join(mcfg["action_names"]) or "none (unconditional)"
    intro = (f"A MoCoGAN generator (G_I + R_M) at {mcfg['image_size']}x{mcfg['image_size']}. The motion "
             f"network R_M is the MP's `LSTM({mcfg['d_motion'] + len(mcfg['action_names'])}, "
             f"{mcfg['motion_hidden']})`, so a student's LSTM class loads its weights "
             f"(`model.with_motion(MyLSTM(...))`).")
    usage = ["import course_kit", f"model = course_kit.load_pretrained({name!r})",
             "videos = model.sample(8, n_frames=16, seed=0)  # uint8 (8, 16, H, W, 3)"]
    recipe = "\n".join([
        f"- actions (z_A -> R_M): {actions}",
        f"- z_C {mcfg['d_content']}, z_M noise {mcfg['d_motion']} ({mcfg['noise']} noise every step), "
        f"R_M hidden {mcfg['motion_hidden']}"
        + ("; R_M's batch norm held fixed (eval mode) in training too, so training and sampling "
           "compute the same motion codes" if mcfg.get("motion_norm", "batch") == "fixed" else ""),
        f"- widths: G_I ngf {mcfg['ngf']}, D_I ndf {mcfg['ndf']}, D_V ndf {mcfg.get('ndf_video') or mcfg['ndf']}; "
        f"clips of {mcfg['n_frames']} frames, real-frame stride {cfg['stride']}",
        f"- video batch {cfg['video_batch']}, image batch {cfg['image_batch']}, Adam lr {cfg['lr']} "
        f"betas {tuple(cfg['betas'])}, weight decay {cfg['weight_decay']}, real label {cfg['real_label']}, "
        f"instance noise {cfg['instance_noise']}",
        f"- losses and regularisers: {_regularisers(cfg)}",
        f"- trained {step} steps (seed {cfg['seed']})",
        f"- reproduce: `{train_command(cfg, mcfg, step)}`", "",
        "Weights are stored in float16 (loaded as float32).",
    ])
    measured = f"```\n{metrics_table}\n```" if metrics_table else ""
    return render_card(name, intro, usage, recipe=recipe, measured=measured, data=data_credit, notes=notes)


def export_run(run_dir: str | Path, name: str, data_credit: str, metrics_table: str | None = None,
               notes: str = "", directory: str | Path = PRETRAINED_DIR,
               action_names: list[str] | None = None) -> Path:
    """Ship the generator and motion network of ``run_dir``'s checkpoint as ``name``.

    ``action_names`` renames the actions (class folders are often numbers).
    """
    run = RunFolder(run_dir, MOCOGAN)
    state = run.load_checkpoint(map_location="cpu")
    if state is None:
        raise FileNotFoundError(f"export_run: {run.checkpoint} is missing (is {run_dir} a training run folder?)")
    if action_names is not None:
        old = state["model_config"]["action_names"]
        if len(action_names) != len(old):
            raise ValueError(f"export_run: `action_names` must name all {len(old)} actions "
                             f"{old}, got {action_names}")
        state["model_config"]["action_names"] = list(action_names)
    card = model_card(name, state, int(state["step"]), data_credit, metrics_table, notes)
    return save_pretrained(name, "mocogan", state["model"], state["model_config"], card,
                           directory=directory)


def export_main(argv: list[str]) -> int:
    """`course-kit export mocogan --run RUN --name NAME [--evaluate DATA]`."""
    import argparse
    p = argparse.ArgumentParser(prog="course-kit export mocogan", description=__doc__)
    p.add_argument("--run", required=True, help="training run folder (holds checkpoint.pt)")
    p.add_argument("--name", required=True, help="shipped model name, e.g. weizmann-actions")
    p.add_argument("--credit", default=None, choices=sorted(DATA_CREDITS),
                   help="whose data it was trained on (default: guessed from the run's --data)")
    p.add_argument("--evaluate", default=None, metavar="DATA",
                   help="run `course-kit evaluate mocogan` on DATA and put the table in the card")
    p.add_argument("--action-names", default=None,
                   help="comma-separated names for the actions, in class-folder order")
    p.add_argument("--notes", default="", help="free text for the card's Notes section")
    p.add_argument("--directory", default=str(PRETRAINED_DIR), help="where the package's models live")
    a = p.parse_args(argv)
    cfg = RunFolder(a.run, MOCOGAN).read_config()
    credit = a.credit or ("procedural" if cfg["data"] == "shapes" else
                          "shapes" if "shape" in cfg["data"] else "weizmann")
    table = None
    if a.evaluate:
        from .evaluate import evaluate_mocogan, format_table
        table = format_table(evaluate_mocogan(a.run, a.evaluate), model_label=a.name)
        print(table)
    names = a.action_names.split(",") if a.action_names else None
    path = export_run(a.run, a.name, DATA_CREDITS[credit], table, a.notes, a.directory, names)
    print(f"wrote {path} and its model card; manifest updated")
    return 0
