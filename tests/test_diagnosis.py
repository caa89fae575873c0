"""The visible checks name the mistakes students make, and still pass unusual correct solutions.

Each mutant below is written the way a student would write the mistake (not
with the kit's candidates), so a test fails when a message stops naming it.
"""

import pytest
import torch
from torch import nn

from course_kit import checks
from course_kit.assignments.mocogan import layers
from course_kit.assignments.mocogan.vectors import make_vectors

V = make_vectors(1)


def _linear(forward):
    return type("MyLinear", (layers.MyLinear,), {"forward": forward})


def _cell(order="ifgo", act_g=torch.tanh, gate=torch.sigmoid, tanh_c=True, b_hh=True, swap=False):
    def forward(self, x, hx):
        h, c = hx
        pre = x @ self.weight_ih.T + self.bias_ih + h @ self.weight_hh.T + (self.bias_hh if b_hh else 0)
        parts = dict(zip(order, pre.chunk(4, 1)))
        c2 = gate(parts["f"]) * c + gate(parts["i"]) * act_g(parts["g"])
        h2 = gate(parts["o"]) * (torch.tanh(c2) if tanh_c else c2)
        return (c2, h2) if swap else (h2, c2)
    return type("MyLSTMCell", (layers.MyLSTMCell,), {"forward": forward})


def _lstm(forward=None, **members):
    body = dict(members)
    if forward is not None:
        body["forward"] = forward
    return type("LSTM", (layers.LSTM,), body)


def _resets(self, inputs, n_frames):
    self.initHidden(inputs.shape[0])
    return layers.LSTM.forward(self, inputs, n_frames)


def _bn_all(self, inputs, n_frames):
    codes = []
    for _ in range(n_frames):
        self.h, self.c = self.lstm(inputs, (self.h, self.c))
        codes.append(self.linear(self.h))
    T, B = n_frames, inputs.shape[0]
    return self.bn(torch.cat(codes)).reshape(T, B, -1)


def _no_writeback(self, inputs, n_frames):
    h, c, out = self.h, self.c, []
    for _ in range(n_frames):
        h, c = self.lstm(inputs, (h, c))
        out.append(self.bn(self.linear(h)))
    return torch.stack(out)


def _stack_dim1(self, inputs, n_frames):
    return layers.LSTM.forward(self, inputs, n_frames).transpose(0, 1)


def _no_xavier(self, init_forget_bias=1):
    H = self.hidden_size
    with torch.no_grad():
        for bias in (self.lstm.bias_ih, self.lstm.bias_hh):
            bias.zero_()
            bias[H:2 * H] = init_forget_bias
        self.linear.bias.zero_()


def _xavier_normal(self, init_forget_bias=1):
    _no_xavier(self, init_forget_bias)
    with torch.no_grad():
        for w in (self.lstm.weight_ih, self.lstm.weight_hh, self.linear.weight):
            nn.init.xavier_normal_(w)


def _with_cell(cell_cls):
    def __init__(self, n_in, hid):
        layers.LSTM.__init__(self, n_in, hid)
        self.lstm = cell_cls(n_in, hid)
    return type("LSTM", (layers.LSTM,), {"__init__": __init__})


CASES = [
    ("linear_forward", dict(MyLinear=_linear(lambda self, x: x @ self.weight.T)), "the bias is missing"),
    ("linear_forward", dict(MyLinear=_linear(lambda self, x: torch.relu(x @ self.weight.T + self.bias))),
     "a ReLU is applied"),
    ("linear_forward", dict(MyLinear=_linear(lambda self, x: (x @ self.weight.T + self.bias).T)),
     "it is transposed"),
    ("linear_forward", dict(MyLinear=_linear(lambda self, x: x @ self.weight + self.bias)),
     r"multiply by its transpose, x @ W.T"),
    ("lstmcell_forward", dict(MyLSTMCell=_cell(order="ifog")),
     r"gates are read in the order \(i \(input\), f \(forget\), o \(output\), g \(candidate\)\)"),
    ("lstmcell_forward", dict(MyLSTMCell=_cell(act_g=torch.sigmoid)), "g goes through sigmoid"),
    ("lstmcell_forward", dict(MyLSTMCell=_cell(b_hh=False)), "bias_hh is missing"),
    ("lstmcell_forward", dict(MyLSTMCell=_cell(tanh_c=False)), "missing the tanh on the cell state"),
    ("lstmcell_forward", dict(MyLSTMCell=_cell(gate=torch.tanh)), "the gates i, f, o go through tanh"),
    ("lstmcell_forward", dict(MyLSTMCell=_cell(swap=True)), r"wrong order: return \(h_out, c_out\)"),
    ("lstm_forward", dict(LSTM=_lstm(_resets)), "forward starts from a zero state"),
    ("lstm_forward", dict(LSTM=_lstm(_bn_all)), "batch norm is applied to all frames at once"),
    ("lstm_forward", dict(LSTM=_lstm(_no_writeback)), "self.h is not written back"),
    ("lstm_forward", dict(LSTM=_lstm(_stack_dim1)), "frames are stacked on dim 1"),
    ("lstm_forward", dict(LSTM=_with_cell(_cell(order="ifog")), MyLSTMCell=_cell(order="ifog")),
     "self.lstm .* fails its own test, fix it first"),
    ("lstm_initweight", dict(LSTM=_lstm(initWeight=_no_xavier)), "re-draw it with nn.init.xavier_uniform_"),
    ("lstm_initweight", dict(LSTM=_lstm(initWeight=_xavier_normal)), "not xavier_normal_"),
]


def _run(name, classes):
    cls = {**dict(MyLinear=layers.MyLinear, MyLSTMCell=layers.MyLSTMCell, LSTM=layers.LSTM), **classes}
    results = {n: (ok, msg) for n, ok, msg in checks.run_all(cls["MyLinear"], cls["MyLSTMCell"],
                                                             cls["LSTM"], V)}
    return results[name]


@pytest.mark.parametrize("name, classes, pattern", CASES, ids=[c[2][:30] for c in CASES])
def test_each_mistake_is_named(name, classes, pattern):
    ok, message = _run(name, classes)
    assert not ok
    assert "\n" not in message
    assert pytest.importorskip("re").search(pattern, message), message


def test_an_unknown_mistake_names_the_first_wrong_value():
    ok, message = _run("lstmcell_forward", {"MyLSTMCell": _cell(act_g=lambda t: 0.5 * torch.tanh(t))})
    assert not ok and "first wrong value at [0, 0] (batch row 0, hidden unit 0)" in message, message


def test_unusual_correct_solutions_still_pass():
    class EinsumCell(layers.MyLSTMCell):  # one fused matrix, einsum, gates by index
        def forward(self, x, hx):
            h, c = hx
            w = torch.cat([self.weight_ih, self.weight_hh], 1)
            pre = torch.einsum("bk,gk->bg", torch.cat([x, h], 1), w) + self.bias_ih + self.bias_hh
            H = self.hidden_size
            i, f, g, o = (pre[:, k * H:(k + 1) * H] for k in range(4))
            c2 = torch.addcmul(f.sigmoid() * c, i.sigmoid(), g.tanh())
            return o.sigmoid() * c2.tanh(), c2

    class ManualXavier(_with_cell(EinsumCell)):
        def initWeight(self, init_forget_bias=1):
            _no_xavier(self, init_forget_bias)
            with torch.no_grad():
                for w in (self.lstm.weight_ih, self.lstm.weight_hh, self.linear.weight):
                    a = (6 / sum(w.shape)) ** 0.5
                    w.copy_(torch.rand_like(w) * 2 * a - a)

    results = checks.run_all(layers.MyLinear, EinsumCell, ManualXavier, V)
    assert [r for r in results if not r[1]] == []


# --- the hidden checks say the same, on their own inputs --------------------------------------

def _notebook_classes(**edits):
    """The source notebook's solution classes, with (grade_id, old, new) edits, as a student has them."""
    from course_kit.course.examples import reference_solutions
    sources = reference_solutions()
    ns = {"torch": torch, "nn": nn, "__name__": "__main__"}
    for gid in ("MyLinear", "MyLSTMCell", "LSTM"):
        src = sources[gid]
        for old, new in edits.get(gid, ()):
            assert old in src, old
            src = src.replace(old, new)
        exec(src, ns)  # noqa: S102 (the test's own notebook source)
    return {k: ns[k] for k in ("MyLinear", "MyLSTMCell", "LSTM")}


HIDDEN_CASES = [
    ("lstmcell_forward", {"MyLSTMCell": [("i, f, g, o = gates.chunk", "i, f, o, g = gates.chunk")]},
     r"order \(i \(input\), f \(forget\), o \(output\), g \(candidate\)\)"),
    ("lstmcell_forward", {"MyLSTMCell": [("+ h @ self.weight_hh.T + self.bias_hh", "+ h @ self.weight_hh.T")]},
     "bias_hh is missing"),
    ("lstm_forward", {"MyLSTMCell": [("torch.tanh(g)", "torch.sigmoid(g)")]},
     "self.lstm fails its own hidden test, fix it first: .*g goes through sigmoid"),
    ("linear_forward", {"MyLinear": [("return inputs @ self.weight.T + self.bias", "return inputs @ self.weight.T")]},
     "the bias is missing"),
    ("lstm_forward", {"LSTM": [("        outputs = []\n", "        outputs, h, c = [], self.h, self.c\n"),
                               ("self.h, self.c = self.lstm(inputs, (self.h, self.c))", "h, c = self.lstm(inputs, (h, c))"),
                               ("self.bn(self.linear(self.h))", "self.bn(self.linear(h))")]},
     "the outputs are right but self.h is not written back"),
    ("lstm_forward", {"LSTM": [("        outputs = []\n", "        self.initHidden(inputs.shape[0])\n        outputs = []\n")]},
     "forward starts from a zero state"),
    ("lstm_initweight", {"LSTM": [("nn.init.xavier_uniform_(weight)", "pass")]},
     "re-draw it with nn.init.xavier_uniform_"),
]


@pytest.mark.parametrize("name, edits, pattern", HIDDEN_CASES, ids=[c[0] + "-" + c[2][:20] for c in HIDDEN_CASES])
def test_hidden_checks_name_the_mistake(name, edits, pattern):
    import re

    from course_kit.assignments.mocogan import hidden_checks
    fresh = hidden_checks.load_fresh()
    classes = _notebook_classes(**edits)
    with pytest.raises(AssertionError) as info:
        fresh.hidden_check(name, 4821, **classes)
    assert re.search(pattern, str(info.value)), str(info.value)


def test_hidden_checks_pass_the_notebook_solution():
    from course_kit.assignments.mocogan import hidden_checks
    fresh = hidden_checks.load_fresh()
    classes = _notebook_classes()
    for name in fresh.HIDDEN_CHECKS:
        fresh.hidden_check(name, 4821, **classes)
