"""The MP's eight graded checks, with messages a student can act on.

Each ``check_*`` takes the student's class (not an instance) and, for forward
checks, a test-vector dict from :mod:`course_kit.vectors`. It returns a short
success string or raises ``AssertionError`` saying what was wrong: the shape,
the gate, the bias slice. Tolerances follow the original MP: forward outputs
pass at relative L1 error ``sum|out-ref| / sum|ref| < 0.04``; initWeight and
initHidden are checked exactly.

The hidden tests' side (fresh vectors, plain-Python references, the
integrity checks) is instructor-only: ``course_kit.instructor.hidden_checks``,
which loads a private copy of this file so that a student who monkeypatches
``course_kit.checks`` cannot force a pass.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn

REL_L1_TOLERANCE = 0.04
GATES = ("input", "forget", "cell", "output")


def relative_l1(out: torch.Tensor, ref: torch.Tensor) -> float:
    """sum|out - ref| / sum|ref|, the MP's error measure."""
    out = out.detach().double().cpu()
    ref = ref.detach().double().cpu()
    return float((out - ref).abs().sum() / ref.abs().sum().clamp_min(1e-12))


def _t(value) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float32)


def _param(value) -> nn.Parameter:
    return nn.Parameter(_t(value))


def _construct(cls, *args, what: str):
    try:
        return cls(*args)
    except Exception as e:  # the student's constructor crashed: say so plainly
        raise AssertionError(f"{what}({', '.join(map(str, args))}) raised "
                             f"{type(e).__name__}: {e}") from e


def _expect_parameter(module, name: str, shape: tuple, where: str) -> None:
    p = getattr(module, name, None)
    if p is None:
        raise AssertionError(f"{where}: no attribute `{name}`; create it in __init__ as "
                             f"nn.Parameter of shape {shape}")
    if not isinstance(p, nn.Parameter):
        raise AssertionError(f"{where}: `{name}` must be an nn.Parameter (so the optimizer "
                             f"sees it), got {type(p).__name__}")
    if tuple(p.shape) != shape:
        raise AssertionError(f"{where}: `{name}` must have shape {shape}, got {tuple(p.shape)}")


def _expect_close(name: str, out, ref: torch.Tensor, where: str) -> float:
    if not isinstance(out, torch.Tensor):
        raise AssertionError(f"{where}: {name} must be a torch.Tensor, got {type(out).__name__}")
    if tuple(out.shape) != tuple(ref.shape):
        raise AssertionError(f"{where}: {name} must have shape {tuple(ref.shape)}, "
                             f"got {tuple(out.shape)}")
    err = relative_l1(out, ref)
    if not err < REL_L1_TOLERANCE:
        raise AssertionError(f"{where}: {name} is wrong: relative L1 error {err:.4f} "
                             f"(must be < {REL_L1_TOLERANCE})")
    return err


def _call(fn, *args, where: str):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args)
    except AssertionError:
        raise
    except Exception as e:
        raise AssertionError(f"{where} raised {type(e).__name__}: {e}") from e


# --- MyLinear -----------------------------------------------------------------

def check_linear_init(MyLinear) -> str:  # noqa: N803 (student class names)
    n_in, n_out = 7, 3
    layer = _construct(MyLinear, n_in, n_out, what="MyLinear")
    for name, shape in (("weight", (n_out, n_in)), ("bias", (n_out,))):
        _expect_parameter(layer, name, shape, f"MyLinear({n_in}, {n_out})")
    return "MyLinear.__init__: parameters have the right names, types and shapes"


def check_linear_forward(MyLinear, v: dict) -> str:  # noqa: N803
    layer = _construct(MyLinear, v["linear_input_size"], v["linear_output_size"], what="MyLinear")
    layer.weight = _param(v["linear_weight"])
    layer.bias = _param(v["linear_bias"])
    out = _call(layer, _t(v["linear_input"]), where="MyLinear.forward")
    err = _expect_close("the output", out, _t(v["linear_output"]), "MyLinear.forward")
    return f"MyLinear.forward: relative L1 error {err:.2e}"


# --- MyLSTMCell ---------------------------------------------------------------

def check_lstmcell_init(MyLSTMCell) -> str:  # noqa: N803
    n_in, hid = 7, 3
    cell = _construct(MyLSTMCell, n_in, hid, what="MyLSTMCell")
    shapes = dict(weight_ih=(4 * hid, n_in), bias_ih=(4 * hid,),
                  weight_hh=(4 * hid, hid), bias_hh=(4 * hid,))
    for name, shape in shapes.items():
        _expect_parameter(cell, name, shape, f"MyLSTMCell({n_in}, {hid})")
    return "MyLSTMCell.__init__: parameters have the right names, types and shapes"


def check_lstmcell_forward(MyLSTMCell, v: dict) -> str:  # noqa: N803
    where = "MyLSTMCell.forward"
    cell = _construct(MyLSTMCell, v["lstmcell_input_size"], v["lstmcell_hidden_size"],
                      what="MyLSTMCell")
    for name in ("weight_ih", "bias_ih", "weight_hh", "bias_hh"):
        setattr(cell, name, _param(v[f"lstmcell_{name}"]))
    x, h, c = (_t(v[k]) for k in ("lstmcell_input", "lstmcell_h", "lstmcell_c"))
    out = _call(cell, x, (h, c), where=f"{where}(x, (h, c))")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise AssertionError(f"{where} must return a tuple (h_out, c_out), got "
                             f"{type(out).__name__}")
    err_c = _expect_close("c_out (the new cell state)", out[1], _t(v["lstmcell_cout"]), where)
    err_h = _expect_close("h_out (the new hidden state)", out[0], _t(v["lstmcell_output"]), where)
    return f"MyLSTMCell.forward: relative L1 error h {err_h:.2e}, c {err_c:.2e}"


# --- LSTM ---------------------------------------------------------------------

def check_lstm_init(LSTM, MyLinear, MyLSTMCell) -> str:  # noqa: N803
    n_in, hid = 7, 3
    where = f"LSTM({n_in}, {hid})"
    lstm = _construct(LSTM, n_in, hid, what="LSTM")
    for name, cls in (("lstm", MyLSTMCell), ("linear", MyLinear), ("bn", nn.BatchNorm1d)):
        member = getattr(lstm, name, None)
        if not isinstance(member, cls):
            raise AssertionError(f"{where}: `self.{name}` must be a {cls.__name__}, "
                                 f"got {type(member).__name__}")
    if getattr(lstm, "hidden_size", None) != hid:
        raise AssertionError(f"{where}: `self.hidden_size` must be {hid}, "
                             f"got {getattr(lstm, 'hidden_size', None)!r}")
    if lstm.bn.affine:
        raise AssertionError(f"{where}: `self.bn` must be BatchNorm1d({n_in}, affine=False)")
    if lstm.bn.num_features != n_in:
        raise AssertionError(f"{where}: `self.bn` must normalise {n_in} features (the input "
                             f"size), got {lstm.bn.num_features}")
    _expect_parameter(lstm.lstm, "weight_ih", (4 * hid, n_in), f"{where}.lstm")
    _expect_parameter(lstm.lstm, "weight_hh", (4 * hid, hid), f"{where}.lstm")
    _expect_parameter(lstm.linear, "weight", (n_in, hid),
                      f"{where}.linear (it maps hidden size {hid} back to input size {n_in})")
    return "LSTM.__init__: members have the right types and shapes"


def check_lstm_initweight(LSTM, forget_bias: float = 1.0) -> str:  # noqa: N803
    n_in, hid = 7, 3
    lstm = _construct(LSTM, n_in, hid, what="LSTM")
    _call(lstm.initWeight, forget_bias, where=f"LSTM.initWeight({forget_bias})")
    for name in ("bias_ih", "bias_hh"):
        bias = getattr(lstm.lstm, name).detach()
        for k, gate in enumerate(GATES):
            part = bias[k * hid:(k + 1) * hid]
            want = forget_bias if gate == "forget" else 0.0
            if not torch.all(part == want):
                raise AssertionError(
                    f"LSTM.initWeight({forget_bias}): lstm.{name}[{k * hid}:{(k + 1) * hid}] "
                    f"(the {gate} gate) must be exactly {want}, got {part.tolist()}")
    if not torch.all(lstm.linear.bias.detach() == 0):
        raise AssertionError(f"LSTM.initWeight: linear.bias must be all zeros, "
                             f"got {lstm.linear.bias.detach().tolist()}")
    return f"LSTM.initWeight: forget-gate bias {forget_bias} in both bias vectors, the rest zero"


def check_lstm_inithidden(LSTM, batch_size: int = 5) -> str:  # noqa: N803
    n_in, hid = 7, 3
    lstm = _construct(LSTM, n_in, hid, what="LSTM")
    lstm.h = torch.ones(batch_size, hid)
    lstm.c = torch.ones(batch_size, hid)
    _call(lstm.initHidden, batch_size, where=f"LSTM.initHidden({batch_size})")
    for name in ("h", "c"):
        state = getattr(lstm, name, None)
        if not isinstance(state, torch.Tensor) or tuple(state.shape) != (batch_size, hid):
            got = tuple(state.shape) if isinstance(state, torch.Tensor) else type(state).__name__
            raise AssertionError(f"LSTM.initHidden({batch_size}): self.{name} must be a tensor "
                                 f"of shape ({batch_size}, {hid}), got {got}")
        if torch.count_nonzero(state) != 0:
            raise AssertionError(f"LSTM.initHidden({batch_size}): self.{name} must be all "
                                 f"zeros, it has {int(torch.count_nonzero(state))} non-zero values")
    return "LSTM.initHidden: h and c are zero tensors of shape (batch, hidden)"


def check_lstm_forward(LSTM, v: dict) -> str:  # noqa: N803
    where = "LSTM.forward"
    lstm = _construct(LSTM, v["lstm_input_size"], v["lstm_hidden_size"], what="LSTM")
    for name in ("weight_ih", "bias_ih", "weight_hh", "bias_hh"):
        setattr(lstm.lstm, name, _param(v[f"lstm_{name}"]))
    lstm.linear.weight = _param(v["lstm_linear_weight"])
    lstm.linear.bias = _param(v["lstm_linear_bias"])
    lstm.train()
    lstm.h, lstm.c = _t(v["lstm_h"]), _t(v["lstm_c"])
    out = _call(lstm, _t(v["lstm_input"]), v["lstm_n_frames"], where=f"{where}(inputs, n_frames)")
    err = _expect_close("the output (n_frames, batch, input_size)", out, _t(v["lstm_output"]), where)
    return f"LSTM.forward: relative L1 error {err:.2e}"


def run_all(MyLinear, MyLSTMCell, LSTM, v: dict) -> list[tuple[str, bool, str]]:  # noqa: N803
    """Run the eight checks; returns (name, passed, message) for each."""
    checks = [
        ("linear_init", lambda: check_linear_init(MyLinear)),
        ("linear_forward", lambda: check_linear_forward(MyLinear, v)),
        ("lstmcell_init", lambda: check_lstmcell_init(MyLSTMCell)),
        ("lstmcell_forward", lambda: check_lstmcell_forward(MyLSTMCell, v)),
        ("lstm_init", lambda: check_lstm_init(LSTM, MyLinear, MyLSTMCell)),
        ("lstm_initweight", lambda: check_lstm_initweight(LSTM, v["lstm_forget_bias"])),
        ("lstm_inithidden", lambda: check_lstm_inithidden(LSTM)),
        ("lstm_forward", lambda: check_lstm_forward(LSTM, v)),
    ]
    results = []
    for name, fn in checks:
        try:
            results.append((name, True, fn()))
        except AssertionError as e:
            results.append((name, False, str(e)))
    return results
