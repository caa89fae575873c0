"""The MP's eight graded checks, with messages a student can act on.

Each ``check_*`` takes the student's class (not an instance) and, for forward
checks, a test-vector dict from :mod:`course_kit.vectors`. It returns a short
success string or raises ``AssertionError`` saying what was wrong: the shape,
the gate, the bias slice. Tolerances follow the original MP: forward outputs
pass at relative L1 error ``sum|out-ref| / sum|ref| < 0.04``; initWeight and
initHidden are checked exactly.

Hidden tests call :func:`hidden_check` from a private copy of this module
(see :func:`load_fresh`) and compare against values computed here in plain
Python, so a student who monkeypatches ``course_kit.checks``, ``torch`` or
the kit's layers in their own cells cannot force a pass.
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


# --- hidden checks: independent of anything a student's cell can patch -----------
#
# A submission runs in the same kernel as its tests, so it can replace any
# Python attribute: ``course_kit.checks.check_linear_forward``, ``torch.allclose``,
# ``torch.Tensor.sum``, the kit's reference layers. Hidden tests therefore
#   1. load this file afresh (``load_fresh``), not the patchable module object;
#   2. check that the builtins, ``math`` and torch machinery they rely on are
#      the genuine ones (``verify_untampered``), before and after student code;
#   3. check that the graded classes were written in the notebook, not
#      imported from (or built on) ``course_kit.layers``;
#   4. draw inputs with their own integer generator and compute the expected
#      outputs in plain Python (``math.exp``/``math.tanh``), then read the
#      student's output through the immutable C type ``torch._C.TensorBase``.

_SOURCE_FILE = __file__
_BUILTIN_FUNCTIONS = ("abs", "all", "any", "getattr", "hasattr", "isinstance", "issubclass",
                      "len", "max", "min", "range", "repr", "setattr", "sum", "zip", "print",
                      "round", "iter", "next", "callable", "vars", "id", "sorted", "enumerate")
_BUILTIN_TYPES = {"float": type(0.0), "int": type(0), "list": type([]), "tuple": type(()),
                  "str": type(""), "bool": type(True), "dict": type({}), "type": type(type(0)),
                  "object": type(0).__mro__[-1]}
_MATH_FUNCTIONS = ("exp", "tanh", "sqrt", "fsum", "isfinite")
_TORCH_FUNCTIONS = ("sigmoid", "tanh", "addmm", "stack", "zeros", "zeros_like", "tensor",
                    "all", "count_nonzero", "batch_norm", "cat", "matmul", "empty", "ones")


def load_fresh():
    """A private copy of this module, executed again from its file.

    Hidden test cells call this through ``importlib`` directly, so replacing
    attributes of the imported ``course_kit.checks`` changes nothing here.
    """
    import importlib.util
    spec = importlib.util.spec_from_file_location("_course_kit_checks_fresh", _SOURCE_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tampered(what: str) -> AssertionError:
    return AssertionError(f"grading integrity: {what} was replaced in this notebook; "
                          f"remove the code that modifies it and run the tests again")


def verify_untampered() -> None:
    """Raise AssertionError if a builtin, math, torch or check helper was monkeypatched."""
    import builtins
    import math
    import types
    import torch as _torch
    for name in _BUILTIN_FUNCTIONS:
        f = getattr(builtins, name, None)
        if type(f) is not types.BuiltinFunctionType or f.__name__ != name \
                or f.__self__ is not builtins:
            if not (name == "range" and f is type(range(0))) \
                    and not (name in ("zip", "enumerate") and type(f) is type(type(0))
                             and f.__module__ == "builtins" and f.__name__ == name
                             and type(f).__module__ == "builtins"):
                raise _tampered(f"the builtin `{name}`")
    for name, cls in _BUILTIN_TYPES.items():
        if getattr(builtins, name, None) is not cls:
            raise _tampered(f"the builtin `{name}`")
    for name in _MATH_FUNCTIONS:
        f = getattr(math, name, None)
        if type(f) is not types.BuiltinFunctionType or f.__name__ != name:
            raise _tampered(f"`math.{name}`")
    functions = _torch._C._VariableFunctions
    for name in _TORCH_FUNCTIONS:
        if getattr(_torch, name, None) is not getattr(functions, name):
            raise _tampered(f"`torch.{name}`")
    # Methods on the Python classes must come from torch's own files.
    torch_dir = _torch.__path__[0]
    for cls in (_torch.Tensor, nn.Module, nn.Parameter, nn.BatchNorm1d,
                nn.modules.batchnorm._BatchNorm, nn.modules.batchnorm._NormBase):
        for name, attr in vars(cls).items():
            code = getattr(getattr(attr, "__func__", attr), "__code__", None)
            if isinstance(attr, property):
                code = getattr(attr.fget, "__code__", None)
            if code is not None and not code.co_filename.startswith(torch_dir):
                raise _tampered(f"`{cls.__name__}.{name}`")
    if getattr(nn.functional, "batch_norm").__code__.co_filename != \
            _torch.nn.functional.__file__:
        raise _tampered("`torch.nn.functional.batch_norm`")
    # The importable check helpers must be this file's.
    import sys
    public = sys.modules.get("course_kit.checks")
    if public is not None:
        for name, value in dict(globals()).items():
            code = getattr(value, "__code__", None)
            if code is None or name.startswith("__"):
                continue
            mine = getattr(public, name, None)
            if getattr(mine, "__code__", None) is None \
                    or mine.__code__.co_code != code.co_code:
                raise _tampered(f"`course_kit.checks.{name}`")


def verify_own_class(cls, name: str) -> None:
    """The graded class must be written in the notebook, not taken from course_kit.layers."""
    if not isinstance(cls, type):
        raise AssertionError(f"`{name}` must be a class, got {type(cls).__name__}")
    if cls.__name__ != name:
        raise AssertionError(f"`{name}` must be the class you wrote, named {name}; "
                             f"got a class named {cls.__name__}")
    for base in cls.__mro__:
        if base.__module__.startswith("course_kit"):
            raise AssertionError(f"`{name}` must be your own implementation written in the "
                                 f"notebook; it uses {base.__module__}.{base.__name__}")


class _Draw:
    """A small seeded generator in plain integers (a 64-bit LCG), immune to patching."""

    def __init__(self, seed: int):
        self.state = (int(seed) * 6364136223846793005 + 1442695040888963407) % 2 ** 64

    def uniform(self, low: float, high: float) -> float:
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2 ** 64
        return round(low + (high - low) * (self.state >> 11) / 2 ** 53, 4)

    def matrix(self, rows: int, cols: int, scale: float = 1.0) -> list:
        return [[self.uniform(-scale, scale) for _ in range(cols)] for _ in range(rows)]

    def vector(self, n: int, scale: float = 1.0) -> list:
        return [self.uniform(-scale, scale) for _ in range(n)]


def _py_affine(x: list, weight: list, bias: list) -> list:
    """Rows of x (B, I) times weight^T (O, I) plus bias (O,), in plain Python."""
    import math
    return [[math.fsum([b] + [xi * wi for xi, wi in zip(row, wrow)])
             for wrow, b in zip(weight, bias)] for row in x]


def _py_sigmoid(v: float) -> float:
    import math
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))


def _py_lstmcell(x, h, c, w_ih, b_ih, w_hh, b_hh):
    import math
    H = len(h[0])
    a = _py_affine(x, w_ih, b_ih)
    b = _py_affine(h, w_hh, b_hh)
    h_out, c_out = [], []
    for row_a, row_b, c_row in zip(a, b, c):
        g = [u + v for u, v in zip(row_a, row_b)]
        c_new = [_py_sigmoid(g[H + k]) * c_row[k]
                 + _py_sigmoid(g[k]) * math.tanh(g[2 * H + k]) for k in range(H)]
        h_out.append([_py_sigmoid(g[3 * H + k]) * math.tanh(c_new[k]) for k in range(H)])
        c_out.append(c_new)
    return h_out, c_out


def _py_batchnorm_train(y: list, eps: float = 1e-5) -> list:
    """BatchNorm1d(affine=False) in train mode: per-feature batch mean and biased variance."""
    import math
    B, F = len(y), len(y[0])
    out = [[0.0] * F for _ in range(B)]
    for k in range(F):
        col = [y[b][k] for b in range(B)]
        mean = math.fsum(col) / B
        var = math.fsum([(v - mean) ** 2 for v in col]) / B
        for b in range(B):
            out[b][k] = (col[b] - mean) / math.sqrt(var + eps)
    return out


def _student_values(out, shape: tuple, what: str) -> list:
    """The numbers in the student's tensor, read through torch's immutable C type."""
    if type(out) is not torch.Tensor and type(out) is not nn.Parameter:
        raise AssertionError(f"{what} must be a plain torch.Tensor, got {type(out).__name__}")
    got = tuple(torch._C.TensorBase.size(out))
    if got != shape:
        raise AssertionError(f"{what} must have shape {shape}, got {got}")
    return torch._C.TensorBase.tolist(torch._C.TensorBase.detach(out).double().cpu())


def _flat(values) -> list:
    if isinstance(values, list):
        return [v for item in values for v in _flat(item)]
    return [float(values)]


def _py_expect_close(what: str, got: list, want: list, where: str) -> float:
    import math
    g, w = _flat(got), _flat(want)
    if not all(math.isfinite(v) for v in g):
        raise AssertionError(f"{where}: {what} contains NaN or infinity")
    err = math.fsum(abs(a - b) for a, b in zip(g, w)) / max(math.fsum(abs(b) for b in w), 1e-12)
    if not err < REL_L1_TOLERANCE:
        raise AssertionError(f"{where}: {what} is wrong on the hidden test vectors: relative "
                             f"L1 error {err:.4f} (must be < {REL_L1_TOLERANCE})")
    return err


def _hidden_linear_forward(MyLinear, seed: int) -> str:  # noqa: N803
    where = "MyLinear.forward (hidden test)"
    r = _Draw(seed)
    n_in, n_out, batch = 6, 4, 5
    w, b, x = r.matrix(n_out, n_in), r.vector(n_out), r.matrix(batch, n_in, 2.0)
    want = _py_affine(x, w, b)
    layer = _construct(MyLinear, n_in, n_out, what="MyLinear")
    layer.weight, layer.bias = _param(w), _param(b)
    out = _call(layer, _t(x), where=where)
    verify_untampered()
    err = _py_expect_close("the output", _student_values(out, (batch, n_out), f"{where}: the output"),
                           want, where)
    return f"{where}: relative L1 error {err:.2e}"


def _hidden_lstmcell_forward(MyLSTMCell, seed: int) -> str:  # noqa: N803
    where = "MyLSTMCell.forward (hidden test)"
    r = _Draw(seed)
    n_in, hid, batch = 5, 3, 4
    p = dict(weight_ih=r.matrix(4 * hid, n_in), bias_ih=r.vector(4 * hid),
             weight_hh=r.matrix(4 * hid, hid), bias_hh=r.vector(4 * hid))
    x, h, c = r.matrix(batch, n_in, 2.0), r.matrix(batch, hid), r.matrix(batch, hid)
    want_h, want_c = _py_lstmcell(x, h, c, p["weight_ih"], p["bias_ih"], p["weight_hh"], p["bias_hh"])
    cell = _construct(MyLSTMCell, n_in, hid, what="MyLSTMCell")
    for name, value in p.items():
        setattr(cell, name, _param(value))
    out = _call(cell, _t(x), (_t(h), _t(c)), where=f"{where}(x, (h, c))")
    verify_untampered()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise AssertionError(f"{where} must return a tuple (h_out, c_out)")
    err_c = _py_expect_close("c_out", _student_values(out[1], (batch, hid), f"{where}: c_out"),
                             want_c, where)
    err_h = _py_expect_close("h_out", _student_values(out[0], (batch, hid), f"{where}: h_out"),
                             want_h, where)
    return f"{where}: relative L1 error h {err_h:.2e}, c {err_c:.2e}"


def _hidden_lstm_forward(LSTM, seed: int) -> str:  # noqa: N803
    where = "LSTM.forward (hidden test)"
    r = _Draw(seed)
    n_in, hid, batch, n_frames = 4, 6, 5, 7
    p = dict(weight_ih=r.matrix(4 * hid, n_in), bias_ih=r.vector(4 * hid),
             weight_hh=r.matrix(4 * hid, hid), bias_hh=r.vector(4 * hid))
    lw, lb = r.matrix(n_in, hid), r.vector(n_in)
    x, h, c = r.matrix(batch, n_in, 2.0), r.matrix(batch, hid), r.matrix(batch, hid)
    want, hh, cc = [], h, c
    for _ in range(n_frames):
        hh, cc = _py_lstmcell(x, hh, cc, p["weight_ih"], p["bias_ih"], p["weight_hh"], p["bias_hh"])
        want.append(_py_batchnorm_train(_py_affine(hh, lw, lb)))
    lstm = _construct(LSTM, n_in, hid, what="LSTM")
    for name, value in p.items():
        setattr(lstm.lstm, name, _param(value))
    lstm.linear.weight, lstm.linear.bias = _param(lw), _param(lb)
    lstm.train()
    lstm.h, lstm.c = _t(h), _t(c)
    out = _call(lstm, _t(x), n_frames, where=f"{where}(inputs, n_frames)")
    verify_untampered()
    err = _py_expect_close("the output", _student_values(out, (n_frames, batch, n_in),
                                                         f"{where}: the output"), want, where)
    return f"{where}: relative L1 error {err:.2e}"


def _hidden_initweight(LSTM, seed: int) -> str:  # noqa: N803
    forget_bias = 0.25 * (2 + seed % 9)  # 0.5 .. 2.5, exact in float32
    message = check_lstm_initweight(LSTM, forget_bias)
    verify_untampered()
    n_in, hid = 7, 3
    lstm = _construct(LSTM, n_in, hid, what="LSTM")
    _call(lstm.initWeight, forget_bias, where="LSTM.initWeight (hidden test)")
    verify_untampered()
    for name in ("bias_ih", "bias_hh"):
        values = _student_values(getattr(lstm.lstm, name), (4 * hid,), f"lstm.{name}")
        want = [forget_bias if hid <= k < 2 * hid else 0.0 for k in range(4 * hid)]
        if values != want:
            raise AssertionError(f"LSTM.initWeight({forget_bias}) (hidden test): lstm.{name} "
                                 f"must be {want}, got {values}")
    return message


def _hidden_inithidden(LSTM, seed: int) -> str:  # noqa: N803
    batch = 2 + seed % 7
    message = check_lstm_inithidden(LSTM, batch)
    verify_untampered()
    n_in, hid = 4, 6
    lstm = _construct(LSTM, n_in, hid, what="LSTM")
    lstm.h = lstm.c = _t([[1.0] * hid] * batch)
    _call(lstm.initHidden, batch, where=f"LSTM.initHidden({batch}) (hidden test)")
    verify_untampered()
    for name in ("h", "c"):
        values = _flat(_student_values(getattr(lstm, name, None), (batch, hid), f"self.{name}"))
        if any(v != 0.0 for v in values):
            raise AssertionError(f"LSTM.initHidden({batch}) (hidden test): self.{name} must be "
                                 f"all zeros")
    return message


HIDDEN_CHECKS = ("linear_init", "linear_forward", "lstmcell_init", "lstmcell_forward",
                 "lstm_init", "lstm_initweight", "lstm_inithidden", "lstm_forward")


def hidden_check(name: str, seed: int, MyLinear=None, MyLSTMCell=None, LSTM=None) -> str:  # noqa: N803
    """Run hidden check ``name`` on fresh vectors drawn from ``seed``; see the notes above."""
    if name not in HIDDEN_CHECKS:
        raise ValueError(f"hidden_check: `name` must be one of {HIDDEN_CHECKS}, got {name!r}")
    verify_untampered()
    given = {"MyLinear": MyLinear, "MyLSTMCell": MyLSTMCell, "LSTM": LSTM}
    for cls_name, cls in given.items():
        if cls is not None:
            verify_own_class(cls, cls_name)
    if name == "linear_init":
        message = check_linear_init(MyLinear)
    elif name == "linear_forward":
        message = _hidden_linear_forward(MyLinear, seed)
    elif name == "lstmcell_init":
        message = check_lstmcell_init(MyLSTMCell)
    elif name == "lstmcell_forward":
        message = _hidden_lstmcell_forward(MyLSTMCell, seed)
    elif name == "lstm_init":
        message = check_lstm_init(LSTM, MyLinear, MyLSTMCell)
    elif name == "lstm_initweight":
        message = _hidden_initweight(LSTM, seed)
    elif name == "lstm_inithidden":
        message = _hidden_inithidden(LSTM, seed)
    else:
        message = _hidden_lstm_forward(LSTM, seed)
    verify_untampered()
    return message
