"""Command-line options come from the config dataclasses: flags, and a card's reproduce line, round-trip."""

import re
import shlex
from dataclasses import asdict, replace

import pytest

from course_kit.mocogan.commands import PLACE, parse_train_config, train_argv
from course_kit.mocogan.export import train_command
from course_kit.mocogan.model import MoCoGANConfig
from course_kit.mocogan.train import TrainConfig
from course_kit.options import Options
from course_kit.pretrained import model_card
from course_kit.svg import commands as svg_commands
from course_kit.svg.train import TrainConfig as SVGTrainConfig

# What the shipped cards' reproduce lines meant to the hand-written parser they were made for.
SHIPPED_MOCOGAN = {
    "shapes": TrainConfig(
        data="../shared/data/mocogan-shapes", steps=7250, video_batch=8, image_batch=16, stride=2, lr=0.0002,
        seed=0, instance_noise=0.1, max_videos_per_class=1000, action_names=["up", "left"], amp_cpu=True,
        r1=1.0, ema=0.999, mbstd=True, pair_d=3.0,
        model=dict(image_size=64, n_frames=16, noise="same", ngf=16, ndf=16, ndf_video=16, motion_norm="fixed")),
    "weizmann-actions": TrainConfig(
        data="../shared/data/weizmann-actions-64", steps=5300, video_batch=8, image_batch=16, stride=2,
        lr=0.0002, seed=0,
        model=dict(image_size=64, n_frames=16, noise="same", ngf=32, ndf=32, ndf_video=16, motion_norm="batch")),
}
DEFAULT_MODEL = dict(image_size=64, n_frames=16, noise="same", ngf=64, ndf=64, ndf_video=None, motion_norm="batch")


def _reproduce_line(name: str, command: str = "course-kit train mocogan") -> list[str]:
    line = re.search(rf"reproduce: `{command} (.*)`", model_card(name)).group(1)
    return shlex.split(line)


@pytest.mark.parametrize("name", sorted(SHIPPED_MOCOGAN))
def test_the_shipped_cards_reproduce_lines_parse_to_their_configs(name):
    cfg = parse_train_config(_reproduce_line(name))
    assert asdict(cfg) == asdict(SHIPPED_MOCOGAN[name])
    # written again from that config, the line still means the same run
    assert parse_train_config(train_argv(cfg)) == cfg


def test_a_line_in_the_old_hand_written_order_parses_the_same():
    """A reproduce line written before the flags were generated (every recipe flag, its own order)."""
    old = ("--data x --steps 77 --image-size 96 --noise fresh --motion-norm fixed --ngf 64 --ndf 64 "
           "--ndf-video 4 --frames 16 --stride 2 --video-batch 16 --image-batch 32 --lr 0.0002 --seed 0 "
           "--instance-noise 0.2 --max-videos-per-class 5 --unconditional")
    expected = TrainConfig(data="x", steps=77, instance_noise=0.2, max_videos_per_class=5, conditional=False,
                           model={**DEFAULT_MODEL, "image_size": 96, "noise": "fresh", "motion_norm": "fixed",
                                  "ndf_video": 4})
    assert parse_train_config(shlex.split(old)) == expected
    assert parse_train_config([]) == TrainConfig(model=DEFAULT_MODEL)
    assert parse_train_config(["--no-amp", "--action-names", "a,b"]) == TrainConfig(
        amp=False, action_names=["a", "b"], model=DEFAULT_MODEL)


RUNS = [
    TrainConfig(model=DEFAULT_MODEL),
    TrainConfig(data="../videos", steps=10, video_batch=2, image_batch=4, stride=1, lr=1e-3, instance_noise=0.05,
                conditional=False, action_names=["wave", "walk"], max_videos_per_class=7, seed=5, amp=False,
                model={**DEFAULT_MODEL, "n_frames": 8, "image_size": 96, "noise": "fresh", "motion_norm": "fixed",
                       "ngf": 8, "ndf": 4, "ndf_video": 2}),
    TrainConfig(data="shapes", procedural_videos=16, action_names=["up", "left"], model={**DEFAULT_MODEL, "ngf": 16}),
]


@pytest.mark.parametrize("cfg", RUNS)
def test_config_to_command_line_to_config_round_trips(cfg):
    argv = train_argv(cfg)
    assert not {a for a in argv if a.startswith("--")} & {"--out", "--device", "--threads", "--log-every"}
    assert parse_train_config(argv) == cfg
    # where a run is kept is not its recipe: it never reaches the line
    placed = replace(cfg, out="elsewhere", checkpoint_every=3, sample_every=0, log_every=1, threads=2, device="cpu")
    assert train_argv(placed) == argv
    assert set(PLACE) <= set(asdict(cfg))


@pytest.mark.parametrize("cfg", RUNS)
def test_the_card_line_rebuilds_the_run_from_its_checkpoint(cfg):
    """train_command reads a checkpoint's config and model config, as export_run passes them."""
    mcfg = MoCoGANConfig(**cfg.model, action_names=cfg.action_names or ["a", "b"]).to_dict()
    line = train_command(asdict(cfg), mcfg, step=123)
    assert line.startswith("course-kit train mocogan --data ")
    for flag in ("--steps 123", "--image-size", "--noise", "--ngf", "--ndf", "--ndf-video", "--frames",
                 "--stride", "--video-batch", "--image-batch", "--lr", "--seed"):   # the recipe, always
        assert flag in line, flag
    again = parse_train_config(shlex.split(line)[3:])
    resolved = {**cfg.model, "ndf_video": cfg.model["ndf_video"] or cfg.model["ndf"]}
    assert again == replace(cfg, steps=123, model=resolved)


SHIPPED_SVG = {
    "--threads 1 --data push-kicked --out runs/svg --steps 5000 --nf 8 --motion-layers 4 --keypoints 8 "
    "--posterior-change 4 --kl-warmup 1000 --beta-max 1e-6":
        SVGTrainConfig(data="push-kicked", out="runs/svg", steps=5000, kl_warmup=1000, beta_max=1e-6,
                       model=dict(nf=8, g_dim=128, z_dim=16, rnn_size=128, predictor_layers=2,
                                  latent_rnn_size=64, n_past=2, n_future=10, motion_layers=4, keypoints=8,
                                  posterior_change=4.0)),
    "--threads 1 --data push-kicked --out runs/det --steps 5000 --nf 8 --z-dim 0 --motion-layers 4 --keypoints 8":
        SVGTrainConfig(data="push-kicked", out="runs/det", steps=5000,
                       model=dict(nf=8, g_dim=128, z_dim=0, rnn_size=128, predictor_layers=2,
                                  latent_rnn_size=64, n_past=2, n_future=10, motion_layers=4, keypoints=8,
                                  posterior_change=0.0)),
}


def test_the_svg_cards_commands_parse_to_their_configs():
    for name in ("svg-push", "svg-push-deterministic"):
        lines = re.findall(r"^course-kit train svg (.*)$", model_card(name), flags=re.M)
        assert sorted(lines) == sorted(SHIPPED_SVG), name
    for line, expected in SHIPPED_SVG.items():
        args = svg_commands.train_parser().parse_args(shlex.split(line))
        assert svg_commands.train_config(args) == expected and args.threads == 1


def test_svg_config_to_command_line_to_config_round_trips():
    tc = SVGTrainConfig(data="d", steps=7, lr=1e-3, kl_schedule="monotonic", free_bits=0.5, bf16=True,
                        limit_videos=3, model=dict(nf=4, g_dim=8, z_dim=0, rnn_size=8, predictor_layers=1,
                                                   latent_rnn_size=8, n_past=2, n_future=3, motion_layers=0, keypoints=2,
                                                   posterior_change=3.0), kl_warmup=5)
    argv = svg_commands.TRAIN_OPTIONS.argv(tc) + svg_commands.MODEL_OPTIONS.argv(tc.model)
    assert "--bf16" in argv and "--z-dim" in argv
    assert svg_commands.train_config(svg_commands.train_parser().parse_args(argv)) == tc
    assert "--no-bf16" in svg_commands.TRAIN_OPTIONS.argv(replace(tc, bf16=False), always=("bf16",))


def test_options_refuse_what_they_cannot_spell():
    with pytest.raises(ValueError, match=r"no field\(s\) \['nope'\]"):
        Options(TrainConfig, {"nope": {}}, skip=("betas", "model"))
    with pytest.raises(TypeError, match="no command-line form"):
        Options(TrainConfig, skip=("model",))           # betas is a tuple
    with pytest.raises(ValueError, match="unknown key"):
        Options(MoCoGANConfig, {"ngf": {"helps": "x"}}, only=("ngf",))


def test_a_subset_of_options_keeps_their_flags_help_and_defaults():
    """`course-kit bench training` exposes some of train mocogan's flags, spelled and described as there."""
    import argparse
    from course_kit.mocogan.commands import TRAIN_OPTIONS
    part = TRAIN_OPTIONS.subset(("r1", "mbstd"))
    assert part.names == ["r1", "mbstd"] and TRAIN_OPTIONS.names != part.names
    assert part.values(part.add_to(argparse.ArgumentParser()).parse_args(["--r1", "2", "--mbstd"])) == \
        {"r1": 2.0, "mbstd": True}
    with pytest.raises(ValueError, match=r"have no \['nope'\]"):
        TRAIN_OPTIONS.subset(("r1", "nope"))
