"""The payoff on a GPU: a student's LSTM whose initHidden makes its state on the CPU drives a
pretrained generator that lives elsewhere.

CI has no GPU, so PyTorch's ``meta`` device stands in for it: any tensor there
mixed with a CPU tensor in one operation raises, exactly as CUDA does
("Tensor on device cpu is not on the expected device meta!").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from torch import nn

import course_kit
from course_kit import checks
from course_kit.student import mocogan_with_student_lstm
from course_kit.mocogan.model import MoCoGAN, MoCoGANConfig

ROOT = Path(__file__).resolve().parent.parent


# -- what a student may well write: every MP test passes, the state is made on the CPU -----

class MyLinear(nn.Module):
    def __init__(self, input_size, output_size):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(output_size, input_size) * 0.1)
        self.bias = nn.Parameter(torch.zeros(output_size))

    def forward(self, inputs):
        return inputs @ self.weight.T + self.bias


class MyLSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.weight_ih = nn.Parameter(torch.randn(4 * hidden_size, input_size) * 0.1)
        self.bias_ih = nn.Parameter(torch.zeros(4 * hidden_size))
        self.weight_hh = nn.Parameter(torch.randn(4 * hidden_size, hidden_size) * 0.1)
        self.bias_hh = nn.Parameter(torch.zeros(4 * hidden_size))

    def forward(self, x, state):
        h, c = state
        gates = x @ self.weight_ih.T + self.bias_ih + h @ self.weight_hh.T + self.bias_hh
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.lstm = MyLSTMCell(input_size, hidden_size)
        self.linear = MyLinear(hidden_size, input_size)
        self.bn = nn.BatchNorm1d(input_size, affine=False)

    def initWeight(self, init_forget_bias=1):  # noqa: N802 (MP API)
        for name, p in self.named_parameters():
            if "weight" in name:
                nn.init.xavier_uniform_(p)
            else:
                nn.init.zeros_(p)
        H = self.hidden_size
        for bias in (self.lstm.bias_ih, self.lstm.bias_hh):
            bias.data[H:2 * H] = init_forget_bias

    def initHidden(self, batch_size):  # noqa: N802 (MP API)
        self.h = torch.zeros(batch_size, self.hidden_size)   # on the CPU, whatever the weights
        self.c = torch.zeros(batch_size, self.hidden_size)

    def forward(self, inputs, n_frames):
        outputs = []
        for _ in range(n_frames):
            self.h, self.c = self.lstm(inputs, (self.h, self.c))
            outputs.append(self.bn(self.linear(self.h)))
        return torch.stack(outputs)


def test_this_student_code_passes_every_mp_check():
    vectors = json.loads((ROOT / "source" / "mocogan" / "solutions.json").read_text())
    results = checks.run_all(MyLinear, MyLSTMCell, LSTM, vectors)
    assert [name for name, passed, _ in results if not passed] == []


@pytest.mark.parametrize("noise", ["same", "fresh"])
def test_a_cpu_state_lstm_drives_a_generator_on_another_device(noise):
    model = MoCoGAN(MoCoGANConfig(ngf=8, noise=noise, action_names=["wave", "bend"])).eval()
    model.generator.to("meta")          # the GPU's stand-in; R_M's pretrained weights stay real
    mine = model.with_motion(LSTM(12, 100))
    codes = mine.motion_codes([0, 1], action="bend", n_frames=5)
    assert codes.device.type == "cpu" and codes.shape == (5, 2, 12)
    assert torch.allclose(codes, model.motion_codes([0, 1], action="bend", n_frames=5), atol=1e-5)
    video = mine(mine.content_codes([0, 1]), mine.motion_noise([0, 1], 5), torch.tensor([0, 1]), 5)
    assert video.device.type == "meta" and tuple(video.shape) == (2, 3, 5, 64, 64)


def test_the_payoff_helper_takes_that_lstm_with_the_model_on_another_device(monkeypatch, capsys):
    pretrained = course_kit.load_pretrained("weizmann-actions", device="cpu")
    pretrained.generator.to("meta")
    monkeypatch.setattr(course_kit, "load_pretrained", lambda name: pretrained)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    mine = mocogan_with_student_lstm(LSTM, MyLinear, MyLSTMCell)
    assert "Pretrained 'weizmann-actions' MoCoGAN" in capsys.readouterr().out
    assert mine is not None and isinstance(mine.motion, LSTM)
    z_m = mine.motion_codes([0, 1, 2], action=mine.actions[0], n_frames=16)
    frames = mine.render(mine.content_codes([0, 1, 2]), z_m)
    assert frames.device.type == "meta" and tuple(frames.shape) == (3, 3, 16, 64, 64)


def test_a_motion_network_that_mixes_devices_is_told_what_to_change():
    model = MoCoGAN(MoCoGANConfig(ngf=8, action_names=["wave", "bend"])).eval()
    mine = model.with_motion(LSTM(12, 100))
    mine.motion.to("meta")              # moved there by hand: its CPU state no longer fits
    with pytest.raises(RuntimeError, match=r"In initHidden, make the state where the weights are: "
                                           r"torch.zeros\(batch_size, self.hidden_size, device="):
        mine.motion_codes([0], n_frames=2)
