"""The MoCoGAN networks and the seeded model API students and widgets use."""

import pytest
import torch

from course_kit.assignments.mocogan.layers import LSTM
from course_kit.mocogan.motion import MotionLSTM
from course_kit.mocogan import (ImageDiscriminator, ImageGenerator, MoCoGAN, MoCoGANConfig,
                                VideoDiscriminator)
from course_kit.pretrained import PretrainedError, load_pretrained, save_pretrained


def tiny(**kw):
    kw.setdefault("ngf", 8)
    return MoCoGAN(MoCoGANConfig(**kw))


@pytest.mark.parametrize("size", [64, 96])
def test_networks_shapes_for_64_and_96(size):
    g = ImageGenerator(60, ngf=8, image_size=size)
    frames = g(torch.randn(3, 60))
    assert frames.shape == (3, 3, size, size) and frames.abs().max() <= 1
    assert ImageDiscriminator(8, size)(frames).shape == (3,)
    for t in (8, 12, 16, 32):
        dv = VideoDiscriminator(t, 8, size, n_classes=4)
        logit, cls = dv(torch.randn(2, 3, t, size, size))
        assert logit.shape == (2,) and cls.shape == (2, 4)


def test_network_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"`image_size` must be one of \(64, 96\), got 32"):
        ImageGenerator(60, image_size=32)
    with pytest.raises(ValueError, match=r"`n_frames` must be an int >= 8, got 4"):
        VideoDiscriminator(4)
    with pytest.raises(ValueError, match=r"must be \(N, C, 16, H, W\), got \(1, 3, 8, 64, 64\)"):
        VideoDiscriminator(16, 8)(torch.zeros(1, 3, 8, 64, 64))


def test_motion_network_is_the_mp_lstm():
    m = tiny(action_names=["a", "b", "c"])
    assert isinstance(m.motion, MotionLSTM) and not isinstance(m.motion, LSTM)  # no answer in it
    assert m.motion.lstm.weight_ih.shape == (4 * 100, 13)  # d_E 10 + 3 actions
    assert torch.all(m.motion.lstm.bias_hh[100:200] == 1)  # the forget gate, not the reset gate


def test_sample_is_uint8_seeded_and_any_length():
    m = tiny()
    a, b = m.sample(3, n_frames=5, seed=4), m.sample(3, n_frames=5, seed=4)
    assert a.dtype == torch.uint8 and a.shape == (3, 5, 64, 64, 3)
    assert torch.equal(a, b) and not torch.equal(a, m.sample(3, n_frames=5, seed=5))
    assert m.sample(1, n_frames=40, seed=0).shape[1] == 40


def test_content_and_motion_seeds_are_independent():
    m = tiny(noise="fresh")
    v = m.generate([1, 1, 2], [7, 8, 7], n_frames=6)
    assert not torch.equal(v[0], v[1])  # same content, other motion
    assert not torch.equal(v[0], v[2])  # same motion, other content
    # a video depends only on its own seeds, not on its neighbours in the batch
    assert torch.equal(m.generate([1], [7], n_frames=6)[0], v[0])


def test_noise_modes_differ_in_their_inputs():
    same, fresh = tiny(noise="same"), tiny(noise="fresh")
    assert same.motion_noise([1, 2], 6).shape == (2, 10)
    assert fresh.motion_noise([1, 2], 6).shape == (6, 2, 10)
    assert same.motion_codes([1, 2], n_frames=6).shape == (6, 2, 10)
    assert fresh.motion_codes([1, 2], n_frames=6).shape == (6, 2, 10)


def test_conditional_actions():
    m = tiny(action_names=["wave1", "wave2", "jack", "bend"])
    assert m.actions == ["wave1", "wave2", "jack", "bend"]
    by_name = m.generate([3], [4], action="jack", n_frames=4)
    assert torch.equal(by_name, m.generate([3], [4], action=2, n_frames=4))
    assert not torch.equal(by_name, m.generate([3], [4], action="bend", n_frames=4))
    assert m.generate([1, 2], [3, 4], action=["wave1", 3], n_frames=2).shape[0] == 2
    with pytest.raises(ValueError, match=r"unknown action 'run'; this model knows \['wave1'"):
        m.sample(1, action="run")
    with pytest.raises(ValueError, match="unconditional; `action` must be None"):
        tiny().sample(1, action=0)


def test_fixed_motion_norm_codes_are_the_same_in_training_and_sampling():
    def train_mode_codes(model, eps, actions):
        model.train()
        with torch.no_grad():
            return model.motion_from_noise(eps, actions, 6)

    eps, actions = torch.randn(8, 10), torch.arange(8) % 2
    # the MP's norm: a training batch's first codes are normalised per step, sampling's are not
    mp = tiny(action_names=["up", "left"])
    trained = train_mode_codes(mp, eps, actions)
    mp.eval()
    assert not torch.allclose(trained[0], mp.motion_from_noise(eps, actions, 6)[0], atol=1e-2)
    # fixed: the same map in both modes, for a batch of 8 and for one video alone
    fixed = tiny(action_names=["up", "left"], motion_norm="fixed")
    assert not fixed.motion.bn.training
    trained = train_mode_codes(fixed, eps, actions)
    assert not fixed.motion.bn.training and fixed.motion.bn.running_var.eq(1).all()
    fixed.eval()
    assert torch.allclose(trained, fixed.motion_from_noise(eps, actions, 6), atol=1e-6)
    assert torch.allclose(trained[:, 3], fixed.motion_from_noise(eps[3:4], actions[3:4], 6)[:, 0],
                          atol=1e-6)
    # a student's LSTM plugged in follows the model's setting
    driven = fixed.with_motion(LSTM(12, 100)).train()
    assert driven.training and not driven.motion.bn.training
    with pytest.raises(ValueError, match=r"`motion_norm` must be one of \('batch', 'fixed'\), got 'layer'"):
        MoCoGANConfig(motion_norm="layer")


def test_with_motion_drives_the_generator_with_a_students_lstm():
    class StudentLSTM(LSTM):
        calls = 0

        def forward(self, inputs, n_frames):
            StudentLSTM.calls += 1
            return super().forward(inputs, n_frames)

    m = tiny(action_names=["a", "b"])
    student = StudentLSTM(12, 100)
    driven = m.with_motion(student)
    assert driven.motion is student and m.motion is not student
    assert torch.equal(driven.generate([1], [2], action="b", n_frames=5),
                       m.generate([1], [2], action="b", n_frames=5))
    assert StudentLSTM.calls == 1

    class WrongLSTM(LSTM):
        pass

    with pytest.raises(ValueError, match="could not load the pretrained motion weights into WrongLSTM"):
        m.with_motion(WrongLSTM(12, 50))


def test_pretrained_round_trip_and_corruption(tmp_path):
    m = tiny(action_names=["a", "b"])
    path = save_pretrained("toy", "mocogan", m.state_dict(), m.config.to_dict(), "# toy\n",
                           directory=tmp_path)
    loaded = load_pretrained("toy", device="cpu", directory=tmp_path)
    assert loaded.actions == ["a", "b"]
    # fp16 storage: videos agree up to rounding
    diff = (loaded.sample(2, 4, seed=1).int() - m.sample(2, 4, seed=1).int()).abs().float().mean()
    assert diff < 2
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(PretrainedError, match="corrupted or was modified"):
        load_pretrained("toy", directory=tmp_path)
    with pytest.raises(PretrainedError, match="unknown model 'nope'"):
        load_pretrained("nope", directory=tmp_path)


def test_sampling_folds_batchnorm_and_follows_weight_changes():
    """The no-grad eval path (BatchNorm folded into G_I's convolutions) matches training maths."""
    torch.manual_seed(0)
    g = ImageGenerator(z_dim=12, ngf=8).eval()
    for bn in (m for m in g.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.data.uniform_(0.5, 1.5)
    z = torch.randn(6, 12)
    with torch.no_grad():
        fast = g(z)
    with torch.enable_grad():
        plain = g(z).detach()
    assert torch.allclose(fast, plain, atol=1e-5)
    with torch.no_grad():  # an in-place change (an optimizer step, load_state_dict) rebuilds the fold
        g.main[0].weight.mul_(2)
        changed = g(z)
    with torch.enable_grad():
        assert torch.allclose(changed, g(z).detach(), atol=1e-5)
    assert not torch.allclose(changed, fast, atol=1e-3)
    assert not any("_fused" in k for k in g.state_dict())


def test_motion_codes_are_thread_safe_with_the_stateful_mp_lstm():
    """The explorer renders ahead on a thread while cells sample the same model: the MP LSTM's
    state (self.h, self.c) must not be shared between two unrolls of different batch sizes."""
    import threading

    m = tiny(action_names=["a", "b"]).eval()
    expected = {n: m.motion_codes(list(range(n)), action=[0] * n) for n in (1, 4)}
    errors, wrong = [], []

    def hammer(n):
        try:
            for _ in range(200):
                if not torch.equal(m.motion_codes(list(range(n)), action=[0] * n), expected[n]):
                    wrong.append(n)
        except Exception as e:  # noqa: BLE001 - the failure this test exists to catch
            errors.append(e)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in (1, 4, 1, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and not wrong, (errors[:1], wrong[:5])


def test_the_mp_lstm_loads_the_kits_motion_network_and_computes_the_same_codes():
    """A student's LSTM (here the reference) takes R_M's state dict unchanged, and gives the same
    motion codes and gradients bit for bit, from the same seeded initial weights."""
    torch.manual_seed(3)
    kit = MotionLSTM(13, 20)
    kit.initWeight()
    torch.manual_seed(3)
    mp = LSTM(13, 20)
    mp.initWeight()
    assert kit.state_dict().keys() == mp.state_dict().keys()
    assert all(torch.equal(kit.state_dict()[k], v) for k, v in mp.state_dict().items())
    LSTM(13, 100).load_state_dict(tiny(action_names=["a", "b", "c"]).motion.state_dict())  # strict
    x = torch.randn(6, 13)
    for net in (kit, mp):
        net.train()
        net.initHidden(6)
    out_kit, out_mp = kit(x, 9), mp(x, 9)
    assert torch.equal(out_kit, out_mp)
    (out_kit ** 2).sum().backward()
    (out_mp ** 2).sum().backward()
    grads = dict(kit.named_parameters())
    assert all(torch.equal(grads[name].grad, p.grad) for name, p in mp.named_parameters())
