"""The reference layers: agreement with torch.nn, gradients, and the MP API."""

import pytest
import torch
from torch import nn

from course_kit.assignments.mocogan.layers import LSTM, MyLinear, MyLSTMCell


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


@pytest.mark.parametrize("n_in,n_out,batch", [(5, 3, 4), (1, 7, 2), (16, 16, 1)])
def test_linear_matches_torch_linear(n_in, n_out, batch):
    ours, ref = MyLinear(n_in, n_out).double(), nn.Linear(n_in, n_out).double()
    with torch.no_grad():
        ref.weight.copy_(ours.weight)
        ref.bias.copy_(ours.bias)
    x = torch.randn(batch, n_in, dtype=torch.float64)
    assert torch.allclose(ours(x), ref(x), atol=1e-10, rtol=0)
    x3 = torch.randn(2, batch, n_in, dtype=torch.float64)  # extra leading dims work too
    assert torch.allclose(ours(x3), ref(x3), atol=1e-10, rtol=0)


@pytest.mark.parametrize("n_in,hid,batch", [(6, 4, 3), (10, 100, 16), (1, 2, 5)])
def test_lstmcell_matches_torch_lstmcell(n_in, hid, batch):
    ours, ref = MyLSTMCell(n_in, hid).double(), nn.LSTMCell(n_in, hid).double()
    ref.load_state_dict(ours.state_dict())  # same parameter names and gate order
    x = torch.randn(batch, n_in, dtype=torch.float64)
    h, c = torch.randn(batch, hid, dtype=torch.float64), torch.randn(batch, hid, dtype=torch.float64)
    for _ in range(3):  # a few steps, so errors would compound
        (h1, c1), (h2, c2) = ours(x, (h, c)), ref(x, (h, c))
        assert torch.allclose(h1, h2, atol=1e-10, rtol=0)
        assert torch.allclose(c1, c2, atol=1e-10, rtol=0)
        h, c = h1, c1


def test_default_init_follows_torch_ranges():
    lin, cell = MyLinear(25, 4), MyLSTMCell(3, 16)
    assert lin.weight.abs().max() <= 1 / 5 and lin.bias.abs().max() <= 1 / 5
    assert all(p.abs().max() <= 1 / 4 for p in cell.parameters())
    assert lin.weight.std() > 0 and cell.weight_hh.std() > 0


def test_gradcheck_linear_and_cell():
    lin = MyLinear(4, 3).double()
    x = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, w, b: _with(lin, weight=w, bias=b)(x),
                                    (x, lin.weight, lin.bias))
    cell = MyLSTMCell(3, 5).double()
    h = torch.randn(2, 5, dtype=torch.float64, requires_grad=True)
    c = torch.randn(2, 5, dtype=torch.float64, requires_grad=True)
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, h, c: cell(x, (h, c)), (x, h, c))
    assert torch.autograd.gradcheck(
        lambda w_ih, w_hh, b_ih, b_hh: _with(cell, weight_ih=w_ih, weight_hh=w_hh,
                                             bias_ih=b_ih, bias_hh=b_hh)(x, (h, c)),
        (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh))


def test_gradcheck_lstm_network():
    lstm = LSTM(3, 4).double()
    lstm.initWeight()
    x = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)

    def run(x):
        lstm.initHidden(5)
        return lstm(x, 4)

    assert torch.autograd.gradcheck(run, (x,))


def _with(module, **params):
    """Functional call with the given parameters, for gradcheck."""
    return lambda *args: torch.func.functional_call(module, params, args)


def test_lstm_members_and_shapes():
    lstm = LSTM(10, 100)
    assert isinstance(lstm.lstm, MyLSTMCell) and isinstance(lstm.linear, MyLinear)
    assert isinstance(lstm.bn, nn.BatchNorm1d) and not lstm.bn.affine
    assert lstm.bn.num_features == 10 and lstm.hidden_size == 100
    assert lstm.lstm.weight_ih.shape == (400, 10) and lstm.lstm.weight_hh.shape == (400, 100)
    assert lstm.linear.weight.shape == (10, 100) and lstm.linear.bias.shape == (10,)


@pytest.mark.parametrize("forget_bias", [1, 0.5, 2.0])
def test_initweight_sets_forget_slices_of_both_biases(forget_bias):
    H = 6
    lstm = LSTM(4, H)
    lstm.initWeight(forget_bias)
    for bias in (lstm.lstm.bias_ih, lstm.lstm.bias_hh):
        assert torch.all(bias[:H] == 0) and torch.all(bias[2 * H:] == 0)
        assert torch.all(bias[H:2 * H] == forget_bias)
    assert torch.all(lstm.linear.bias == 0)
    # Xavier-uniform bound for the (4H, I) input weights
    bound = (6 / (4 * H + 4)) ** 0.5
    assert lstm.lstm.weight_ih.abs().max() <= bound and lstm.lstm.weight_ih.std() > 0


def test_initweight_default_forget_bias_is_one():
    lstm = LSTM(4, 3)
    lstm.initWeight()
    assert torch.all(lstm.lstm.bias_hh[3:6] == 1) and torch.all(lstm.lstm.bias_ih[3:6] == 1)


def test_inithidden_zeroes_state_with_right_shape():
    lstm = LSTM(4, 3)
    lstm.h = torch.ones(2, 3)
    lstm.initHidden(7)
    assert lstm.h.shape == (7, 3) and lstm.c.shape == (7, 3)
    assert torch.count_nonzero(lstm.h) == 0 and torch.count_nonzero(lstm.c) == 0


def test_lstm_forward_shape_and_same_input_each_step():
    lstm = LSTM(3, 8)
    lstm.initWeight()
    lstm.initHidden(4)
    x = torch.randn(4, 3)
    out = lstm(x, 6)
    assert out.shape == (6, 4, 3)
    # batch norm per frame (train mode): every frame is normalised over the batch
    assert torch.allclose(out.mean(dim=1), torch.zeros(6, 3), atol=1e-5)
    # the recurrence is driven by the same input: recompute it by hand
    lstm.initHidden(4)
    h = c = torch.zeros(4, 8)
    for t in range(6):
        h, c = lstm.lstm(x, (h, c))
        assert torch.allclose(out[t], lstm.bn(lstm.linear(h)), atol=1e-6)


def test_lstm_state_dict_loads_into_a_fresh_copy():
    a, b = LSTM(10, 100), LSTM(10, 100)
    a.initWeight()
    b.load_state_dict(a.state_dict())
    assert set(a.state_dict()) == {
        "lstm.weight_ih", "lstm.bias_ih", "lstm.weight_hh", "lstm.bias_hh",
        "linear.weight", "linear.bias", "bn.running_mean", "bn.running_var",
        "bn.num_batches_tracked"}


def test_linear_rejects_wrong_input_size():
    with pytest.raises(ValueError, match=r"`inputs` must have last dimension input_size=5, got \(2, 4\)"):
        MyLinear(5, 3)(torch.zeros(2, 4))


def test_cell_rejects_h_c_passed_separately():
    cell = MyLSTMCell(3, 4)
    x, h = torch.zeros(2, 3), torch.zeros(2, 4)
    with pytest.raises(TypeError, match=r"`hx` must be a tuple \(h, c\).*cell\(x, \(h, c\)\)"):
        cell(x, h)
    with pytest.raises(TypeError):
        cell(x, h, h)  # the MP's classic (x, h, c) call


@pytest.mark.parametrize("bad,match", [
    ((torch.zeros(2, 5), (torch.zeros(2, 4), torch.zeros(2, 4))), r"`x` must have shape \(batch, 3\), got \(2, 5\)"),
    ((torch.zeros(2, 3), (torch.zeros(2, 3), torch.zeros(2, 4))), r"`h` must have shape \(batch, 4\), got \(2, 3\)"),
    ((torch.zeros(2, 3), (torch.zeros(2, 4), torch.zeros(1, 4))), r"share the batch size"),
])
def test_cell_rejects_wrong_shapes(bad, match):
    with pytest.raises(ValueError, match=match):
        MyLSTMCell(3, 4)(*bad)


def test_lstm_errors_name_the_problem():
    lstm = LSTM(3, 4)
    with pytest.raises(RuntimeError, match=r"call initHidden\(2\) before forward"):
        lstm(torch.zeros(2, 3), 5)
    lstm.initHidden(2)
    with pytest.raises(ValueError, match=r"`n_frames` must be a positive int, got 0"):
        lstm(torch.zeros(2, 3), 0)
    with pytest.raises(ValueError, match=r"`inputs` must have shape \(batch, 3\), got \(2, 4\)"):
        lstm(torch.zeros(2, 4), 5)
    with pytest.raises(ValueError, match=r"`batch_size` must be a positive int, got -1"):
        lstm.initHidden(-1)
