"""The small-GAN recipe options of MoCoGAN training: hinge loss, lazy R1, a weight average, CPU bf16,
spectrally normalised discriminators with a minibatch standard-deviation channel."""

import pytest
import torch
from torch import nn

from course_kit.mocogan.augment import augment, parse_policy
from course_kit.mocogan.model import load_mocogan
from course_kit.mocogan.networks import ImageDiscriminator, MinibatchStd, VideoDiscriminator
from course_kit.mocogan.train import MAX_SKIPPED_IN_A_ROW, Trainer, TrainConfig, TrainingDiverged, train

TINY = dict(data="shapes", procedural_videos=16, video_batch=2, image_batch=4, stride=1, threads=1, seed=3,
            log_every=1, sample_every=0, device="cpu", model=dict(ngf=8, ndf=8, n_frames=8))
RECIPE = dict(loss="hinge", r1=1.0, r1_every=2, ema=0.9, lr_d=4e-4)
# bf16 autocast on CPU is left out of the exact-resume test: oneDNN's bf16 kernels do not repeat bit for bit
# (two identical runs differ by ~1e-3 after a few steps), so a bf16 run is reproducible only to that rounding.


def _run(tmp_path, name, steps, **kw):
    cfg = TrainConfig(**{**TINY, **kw, "out": str(tmp_path / name), "steps": steps, "checkpoint_every": 3})
    return train(cfg, progress=False)


def _straight_and_resumed(tmp_path, steps, **recipe):
    """The checkpoints of a run straight to ``steps`` and of one stopped at step 3 and resumed to ``steps``."""
    _run(tmp_path, "straight", steps, **recipe)
    _run(tmp_path, "resumed", 3, **recipe)
    _run(tmp_path, "resumed", steps, **recipe)
    return (torch.load(tmp_path / "straight" / "checkpoint.pt", weights_only=True),
            torch.load(tmp_path / "resumed" / "checkpoint.pt", weights_only=True))


def test_recipe_trains_and_samples_from_the_weight_average(tmp_path):
    trainer = _run(tmp_path, "run", 6, **RECIPE, amp_cpu=True)
    state = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=True)
    assert set(state) >= {"model", "model_trained"}
    averaged, trained = state["model"], state["model_trained"]
    assert any(not torch.equal(averaged[k], trained[k]) for k in averaged)   # the average lags the weights
    loaded = load_mocogan(str(tmp_path / "run"), device="cpu").state_dict()
    assert all(torch.equal(loaded[k], averaged[k]) for k in averaged)        # sampling uses the average
    assert trainer.sampler is trainer.ema_model


def test_recipe_resumes_exactly(tmp_path):
    a, b = _straight_and_resumed(tmp_path, 6, **RECIPE)
    for key in ("model", "model_trained", "d_image", "d_video"):
        assert all(torch.equal(a[key][k], b[key][k]) for k in a[key]), key


def test_spectral_discriminators_with_minibatch_std_train_and_resume_exactly(tmp_path):
    recipe = dict(loss="hinge", d_norm="spectral", mbstd=True, ema=0.9)
    a, b = _straight_and_resumed(tmp_path, 4, **recipe)
    assert any("parametrizations" in k for k in a["d_image"])        # the spectral norm is in the state
    for key in ("model", "d_image", "d_video"):
        assert all(torch.equal(a[key][k], b[key][k]) for k in a[key]), key


def test_minibatch_std_sees_a_batch_of_look_alikes():
    alike = torch.randn(1, 5, 4, 4).expand(6, -1, -1, -1)
    varied = torch.randn(6, 5, 4, 4)
    assert MinibatchStd()(alike)[:, -1].abs().max() < 1e-3              # a collapsed batch: no spread
    assert MinibatchStd()(varied)[:, -1].min() > 0.5                    # real-like variety: spread near 1
    assert MinibatchStd()(varied[:1]).shape == (1, 6, 4, 4)             # one sample still runs


@pytest.mark.parametrize("size", [64, 96])
def test_spectral_discriminators_have_no_batch_norm(size):
    d_image = ImageDiscriminator(8, size, norm="spectral", mbstd=True)
    d_video = VideoDiscriminator(8, 8, size, n_classes=2, norm="spectral", mbstd=True)
    for d in (d_image, d_video):
        assert not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in d.modules())
    assert d_image(torch.randn(3, 3, size, size)).shape == (3,)
    logits, classes = d_video(torch.randn(3, 3, 8, size, size))
    assert logits.shape == (3,) and classes.shape == (3, 2)


def test_an_update_with_a_non_finite_gradient_is_skipped():
    """bf16 on CPU now and then gives a NaN gradient; one applied step would poison every weight."""
    trainer = Trainer(TrainConfig(**{**TINY, "out": "unused"}))
    poisoned = trainer.d_video.head.weight
    poisoned.register_hook(lambda grad: grad * float("nan"))
    before = [p.detach().clone() for p in trainer.d_video.parameters()]
    generator_before = [p.detach().clone() for p in trainer.model.parameters()]
    trainer.train_step()
    assert trainer.skipped == 1                                             # D's update, not G's
    assert all(torch.equal(a, b) for a, b in zip(before, trainer.d_video.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(generator_before, trainer.model.parameters()))
    with pytest.raises(TrainingDiverged, match="D's gradients were non-finite for 20 updates in a row"):
        for _ in range(MAX_SKIPPED_IN_A_ROW):
            trainer.train_step()


def test_default_recipe_checkpoint_is_unchanged(tmp_path):
    _run(tmp_path, "plain", 3)
    state = torch.load(tmp_path / "plain" / "checkpoint.pt", weights_only=True)
    assert "model_trained" not in state


def test_hinge_losses():
    trainer = Trainer(TrainConfig(**{**TINY, "out": "unused", "loss": "hinge"}))
    sure = trainer._d_loss(torch.full((4,), 2.0), torch.full((4,), -2.0))
    unsure = trainer._d_loss(torch.zeros(4), torch.zeros(4))
    assert sure.item() == 0.0 and unsure.item() == 2.0
    assert trainer._g_loss(torch.full((4,), 3.0)).item() == -3.0


@pytest.mark.parametrize("kw, message", [(dict(loss="wgan"), "`loss` must be one of"),
                                         (dict(ema=1.0), "`ema` must be in [0, 1)"),
                                         (dict(d_norm="layer"), "`norm` must be one of"),
                                         (dict(augment="color,flip"), "subset of color, translation, cutout"),
                                         (dict(pair_d=-1.0), "`pair_d` must be >= 0")])
def test_bad_recipe_options_are_named(kw, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        Trainer(TrainConfig(**{**TINY, "out": "unused", **kw}))


def test_the_weight_average_warms_up():
    """Early on the average follows the weights closely; later it moves by (1 - ema) per step."""
    trainer = Trainer(TrainConfig(**{**TINY, "out": "unused", "ema": 0.999}))
    first = next(trainer.ema_model.parameters())
    with torch.no_grad():
        first.zero_(), next(trainer.model.parameters()).fill_(1.0)
    trainer._update_ema()                       # step 0: decay 1/10
    assert torch.allclose(first, torch.full_like(first, 0.9))
    trainer.step = 100_000
    with torch.no_grad():
        first.zero_()
    trainer._update_ema()                       # late: decay 0.999
    assert torch.allclose(first, torch.full_like(first, 0.001))


def _shifted(frame, dy, dx, r):
    """``frame`` (..., H, W) moved by (dy, dx) with zeros coming in, as the translation draws it."""
    h, w = frame.shape[-2:]
    return nn.functional.pad(frame, [r, r, r, r])[..., r + dy:r + dy + h, r + dx:r + dx + w]


def test_augmentation_treats_a_clip_as_one_picture():
    """D_V judges consistency in time: every frame of a clip gets the same shift, cut-out and colour change."""
    torch.manual_seed(0)
    clips = torch.rand(12, 3, 5, 16, 16) * 2 - 1
    shifted = augment(clips, ("translation",))
    shifts = set()
    for clip, out in zip(clips, shifted):
        found = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if torch.equal(_shifted(clip, dy, dx, 2), out)]
        assert len(found) >= 1
        shifts.add(found[0])
    assert len(shifts) > 3                                  # clips are shifted independently
    cut = augment(clips, ("cutout",))
    zeroed = (cut == 0).all(dim=1)                          # (N, T, H, W): the cut-out square
    assert torch.equal(zeroed, zeroed[:, :1].expand_as(zeroed)) and zeroed.any()
    still = clips[:, :, :1].expand_as(clips).contiguous()  # clips whose frames are all the same picture
    for policy in (("color",), ("color", "translation", "cutout")):
        out = augment(still, policy)
        assert torch.allclose(out, out[:, :, :1].expand_as(out), atol=1e-6), policy   # ...stay so
    brightness = augment(still, ("color",)).mean(dim=(1, 2, 3, 4))
    assert brightness.std() > 0.05                          # drawn afresh for each clip


def test_augmentation_is_differentiable_and_seeded():
    x = (torch.rand(4, 3, 8, 8) * 2 - 1).requires_grad_(True)
    policy = parse_policy("color, translation,cutout")
    assert policy == ("color", "translation", "cutout") and parse_policy("") == ()
    y = augment(x, policy, torch.Generator().manual_seed(5))
    y.square().sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0    # the generator learns through it
    assert torch.equal(y, augment(x, policy, torch.Generator().manual_seed(5)))
    with pytest.raises(ValueError, match=r"frames \(N, C, H, W\) or clips"):
        augment(torch.zeros(3, 8, 8), policy)


def test_augmented_training_resumes_exactly(tmp_path):
    recipe = dict(augment="color,translation,cutout", ema=0.9)
    a, b = _straight_and_resumed(tmp_path, 4, **recipe)
    plain = _run(tmp_path, "plain", 4, ema=0.9)
    c = torch.load(tmp_path / "plain" / "checkpoint.pt", weights_only=True)
    for key in ("model", "d_image", "d_video"):
        assert all(torch.equal(a[key][k], b[key][k]) for k in a[key]), key
    assert not all(torch.equal(a["d_image"][k], c["d_image"][k]) for k in a["d_image"])   # it did augment
    assert a["config"]["augment"] == "color,translation,cutout"


def test_the_card_says_the_small_data_recipe_in_words():
    from dataclasses import asdict
    from course_kit.mocogan.export import _regularisers
    cfg = asdict(TrainConfig(r1=1.0, mbstd=True, augment="color,cutout", ema=0.999, amp_cpu=True, pair_d=0.5))
    words = _regularisers(cfg)
    for part in ("bce loss", "R1 penalty gamma 1.0 every 4 steps", "minibatch-std", "(color,cutout)",
                 "a frame-pair discriminator (two frames of one clip, weight 0.5)",
                 "weight average (EMA decay 0.999)", "bfloat16"):
        assert part in words, part
    assert _regularisers({"stride": 2}) == "bce loss"     # a run saved before these options existed


def test_frame_pairs_are_two_different_frames_of_one_clip():
    trainer = Trainer(TrainConfig(**{**TINY, "out": "unused", "pair_d": 1.0}))
    t = 5
    clips = torch.arange(3 * t, dtype=torch.float32).reshape(3, 1, t, 1, 1).expand(3, 3, t, 2, 2)
    pairs = trainer._pairs(clips, 200)                        # frame value = 5 * clip + time
    assert pairs.shape == (200, 3, 2, 2, 2)
    first, second = pairs[:, 0, 0, 0, 0], pairs[:, 0, 1, 0, 0]
    assert torch.equal(first // t, second // t)              # the same clip
    assert (first != second).all()                           # never one frame twice
    assert len(set((second - first).tolist())) == 2 * (t - 1)   # every other frame, before and after


def test_the_pair_discriminator_catches_content_that_changes_within_a_clip(tmp_path):
    """D_P, trained on real pairs (one colour per clip) against pairs whose second frame has another colour."""
    torch.manual_seed(0)
    trainer = Trainer(TrainConfig(**{**TINY, "out": "unused", "pair_d": 1.0}))
    opt = torch.optim.Adam(trainer.d_pair.parameters(), lr=2e-4, betas=(0.5, 0.999))

    def clips(drift):
        colour = torch.rand(8, 3, 1, 1, 1) * 2 - 1
        video = colour.expand(8, 3, 8, 64, 64).clone()
        if drift:
            video[:, :, 4:] = torch.rand(8, 3, 1, 1, 1) * 2 - 1   # the content changes colour halfway
        return video

    for _ in range(100):
        loss = trainer._d_loss(trainer._judge_pairs(trainer._pairs(clips(False), 16)),
                               trainer._judge_pairs(trainer._pairs(clips(True), 16)))
        opt.zero_grad(), loss.backward(), opt.step()
    with torch.no_grad():   # judged as in training: real and fake batches apart, batch norm on each
        same, drifted = clips(False)[:, :, [0, 7]], clips(True)[:, :, [0, 7]]
        assert trainer._judge_pairs(same).mean() > trainer._judge_pairs(drifted).mean() + 1.0


def test_pair_discriminator_training_resumes_exactly_and_is_checked_on_resume(tmp_path):
    recipe = dict(pair_d=0.5, r1=1.0, r1_every=2, ema=0.9)
    a, b = _straight_and_resumed(tmp_path, 4, **recipe)
    for key in ("model", "d_image", "d_video", "d_pair"):
        assert all(torch.equal(a[key][k], b[key][k]) for k in a[key]), key
    rows = (tmp_path / "straight" / "losses.csv").read_text().splitlines()
    assert rows[0].split(",")[-3:] == ["loss_d_pair", "loss_g_pair", "seconds"]
    assert float(rows[-1].split(",")[-3]) > 0                  # D_P was trained
    with pytest.raises(ValueError, match="written with a frame-pair discriminator, but this run has --pair-d 0.0"):
        _run(tmp_path, "straight", 6, r1=1.0, r1_every=2, ema=0.9)
