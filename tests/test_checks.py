"""The graded checks pass the reference and catch the MP's typical mistakes."""

import pytest
import torch
from torch import nn

from course_kit import checks
from course_kit.assignments.mocogan import layers
from course_kit.assignments.mocogan.vectors import make_vectors

V = make_vectors(1)


class TransposedLinear(layers.MyLinear):
    def __init__(self, n_in, n_out):
        super().__init__(n_in, n_out)
        self.weight = nn.Parameter(torch.zeros(n_in, n_out))


class GatesIFOG(layers.MyLSTMCell):
    """Uses the gates in (i, f, o, g) order instead of torch's (i, f, g, o)."""

    def forward(self, x, hx):
        h, c = hx
        i, f, o, g = (x @ self.weight_ih.T + self.bias_ih + h @ self.weight_hh.T + self.bias_hh).chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


class SeparateArgsCell(layers.MyLSTMCell):
    def forward(self, x, h, c):  # the classic (x, h, c) mistake
        return super().forward(x, (h, c))


class ForgetBiasOnOneVector(layers.LSTM):
    def initWeight(self, init_forget_bias=1):
        super().initWeight(init_forget_bias)
        with torch.no_grad():
            self.lstm.bias_hh.zero_()


class HiddenNotReset(layers.LSTM):
    def initHidden(self, batch_size):
        pass


def test_reference_passes_all_checks():
    assert all(ok for _, ok, _ in checks.run_all(layers.MyLinear, layers.MyLSTMCell, layers.LSTM, V))


def test_transposed_weight_names_shape():
    with pytest.raises(AssertionError, match=r"`weight` must have shape \(3, 7\), got \(7, 3\)"):
        checks.check_linear_init(TransposedLinear)


def test_wrong_gate_order_fails_forward():
    with pytest.raises(AssertionError, match="relative L1 error"):
        checks.check_lstmcell_forward(GatesIFOG, V)


def test_separate_h_c_arguments_are_reported():
    with pytest.raises(AssertionError, match=r"MyLSTMCell.forward\(x, \(h, c\)\) raised TypeError"):
        checks.check_lstmcell_forward(SeparateArgsCell, V)


def test_forget_bias_on_one_vector_names_the_slice():
    with pytest.raises(AssertionError, match=r"lstm.bias_hh\[3:6\] \(the forget gate\) must be exactly 1.0"):
        checks.check_lstm_initweight(ForgetBiasOnOneVector, 1.0)


def test_hidden_not_reset_is_caught():
    with pytest.raises(AssertionError, match=r"self.h must be all zeros"):
        checks.check_lstm_inithidden(HiddenNotReset)


def test_relative_l1():
    assert checks.relative_l1(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0])) == 0
    assert checks.relative_l1(torch.tensor([1.1, 2.0]), torch.tensor([1.0, 2.0])) == pytest.approx(0.1 / 3)
