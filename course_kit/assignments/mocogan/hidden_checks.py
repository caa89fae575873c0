"""The hidden tests of the MoCoGAN assignment: fresh vectors checked against plain-Python references.

Instructor side: the plain-Python LSTM here is a reference solution, so this
module never reaches students (``course-kit publish`` leaves
``course_kit.assignments.mocogan`` out). The source notebook's hidden test cells load
this file afresh and call :func:`hidden_check`; it uses a private copy of
``course_kit.checks`` for the visible checks it repeats.
"""

from __future__ import annotations

import importlib.util

import torch
from torch import nn

from course_kit.assignments.mocogan import mistakes


def _fresh_module(name: str):
    """A private copy of module ``name``, executed again from its file (immune to patching)."""
    spec = importlib.util.find_spec(name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_checks = _fresh_module("course_kit.checks")
REL_L1_TOLERANCE = _checks.REL_L1_TOLERANCE
_t, _param, _construct, _call = _checks._t, _checks._param, _checks._construct, _checks._call
check_linear_init, check_lstmcell_init = _checks.check_linear_init, _checks.check_lstmcell_init
check_lstm_init, check_lstm_initweight = _checks.check_lstm_init, _checks.check_lstm_initweight
check_lstm_inithidden = _checks.check_lstm_inithidden

# --- hidden checks: independent of anything a student's cell can patch -----------
#
# A submission runs in the same kernel as its tests, so it can replace any
# Python attribute: ``course_kit.checks.check_linear_forward``, ``torch.allclose``,
# ``torch.Tensor.sum``, the kit's reference layers. Hidden tests therefore
#   1. load this file afresh (``load_fresh``), not the patchable module object;
#   2. check that the builtins, ``math`` and torch machinery they rely on are
#      the genuine ones (``verify_untampered``), before and after student code;
#   3. check that the graded classes were written in the notebook, not
#      imported from (or built on) the kit's reference layers;
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

    Hidden test cells do the same through ``importlib`` directly, so replacing
    attributes of the imported ``course_kit.checks`` changes nothing here.
    """
    spec = importlib.util.spec_from_file_location("_course_kit_hidden_checks_fresh", _SOURCE_FILE)
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
    # The importable check helpers must be the files' own.
    import sys
    for module_name, own in (("course_kit.checks", vars(_checks)),
                             ("course_kit.assignments.mocogan.hidden_checks", globals())):
        public = sys.modules.get(module_name)
        if public is None:
            continue
        for name, value in dict(own).items():
            code = getattr(value, "__code__", None)
            if code is None or name.startswith("__"):
                continue
            mine = getattr(public, name, None)
            if getattr(mine, "__code__", None) is None \
                    or mine.__code__.co_code != code.co_code:
                raise _tampered(f"`{module_name}.{name}`")


def verify_own_class(cls, name: str) -> None:
    """The graded class must be written in the notebook, not taken from the kit."""
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


def _d(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def _named(error: AssertionError, where: str, got: dict, want: dict, candidates, axes,
           partial=None) -> AssertionError:
    """``error`` with the mistake named (the visible checks' words); the grade is already decided."""
    try:
        return _checks.diagnosed(error, where, {k: _d(v) for k, v in got.items()},
                                 {k: _d(v) for k, v in want.items()}, candidates(), axes, partial)
    except Exception:  # noqa: BLE001 (a diagnosis that fails must not hide the failure)
        return error


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
    got = _student_values(out, (batch, n_out), f"{where}: the output")
    try:
        err = _py_expect_close("the output", got, want, where)
    except AssertionError as e:
        raise _named(e, where, {"out": got}, {"out": want},
                     lambda: mistakes.linear_candidates(_d(x), _d(w), _d(b)),
                     ("batch row", "output")) from None
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
    got_c = _student_values(out[1], (batch, hid), f"{where}: c_out")
    got_h = _student_values(out[0], (batch, hid), f"{where}: h_out")
    try:
        err_c = _py_expect_close("c_out", got_c, want_c, where)
        err_h = _py_expect_close("h_out", got_h, want_h, where)
    except AssertionError as e:
        def candidates():
            cands = mistakes.cell_candidates(*(_d(a) for a in (x, h, c, *p.values())))
            return {k: {"h": hc[0], "c": hc[1]} for k, hc in cands.items()}
        raise _named(e, where, {"c": got_c, "h": got_h}, {"c": want_c, "h": want_h}, candidates,
                     ("batch row", "hidden unit"), _checks.CELL_PARTIAL) from None
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
    got = _student_values(out, (n_frames, batch, n_in), f"{where}: the output")
    try:
        err = _py_expect_close("the output", got, want, where)
    except AssertionError as e:
        for member, check in (("lstm", _hidden_lstmcell_forward), ("linear", _hidden_linear_forward)):
            try:
                check(type(getattr(lstm, member)), seed)
            except AssertionError as part:
                raise AssertionError(f"{where}: self.{member} fails its own hidden test, fix it "
                                     f"first: {part}") from None
            except Exception:  # noqa: BLE001 (not a usable layer: report the LSTM's error)
                break
        raise _named(e, where, {"out": got}, {"out": want},
                     lambda: mistakes.lstm_candidates(_d(x), _d(h), _d(c), [_d(p[k]) for k in p],
                                                      _d(lw), _d(lb), n_frames),
                     ("frame", "batch row", "feature")) from None
    for name, final, start in (("h", hh, h), ("c", cc, c)):
        state = _student_values(getattr(lstm, name, None), (batch, hid), f"{where}: self.{name} after forward")
        try:
            _py_expect_close(f"self.{name} after forward (the last step's state)", state, final, where)
        except AssertionError as e:
            if _flat(state) == _flat(_student_values(_t(start), (batch, hid), "start")):
                raise AssertionError(f"{where}: the outputs are right but self.{name} is not written "
                                     f"back: assign the cell's state, self.h, self.c = "
                                     f"self.lstm(inputs, (self.h, self.c))") from None
            raise e from None
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


# The visible checks that take vectors get a stronger variant here, on fresh vectors drawn from the
# seed; the others are repeated as they are. Names and order are the visible checks' (checks.CHECKS).
_STRONGER = {
    _checks.check_linear_forward: _hidden_linear_forward,
    _checks.check_lstmcell_forward: _hidden_lstmcell_forward,
    _checks.check_lstm_initweight: _hidden_initweight,
    _checks.check_lstm_inithidden: _hidden_inithidden,
    _checks.check_lstm_forward: _hidden_lstm_forward,
}
HIDDEN_CHECKS = tuple(_checks.CHECKS)
assert all(fn in _STRONGER for fn, _, vectors in _checks.CHECKS.values() if vectors is not None), \
    "every visible check that reads the vectors needs a hidden variant in _STRONGER"


def hidden_check(name: str, seed: int, MyLinear=None, MyLSTMCell=None, LSTM=None) -> str:  # noqa: N803
    """Run hidden check ``name`` on fresh vectors drawn from ``seed``; see the notes above."""
    if name not in HIDDEN_CHECKS:
        raise ValueError(f"hidden_check: `name` must be one of {HIDDEN_CHECKS}, got {name!r}")
    verify_untampered()
    given = {"MyLinear": MyLinear, "MyLSTMCell": MyLSTMCell, "LSTM": LSTM}
    for cls_name, cls in given.items():
        if cls is not None:
            verify_own_class(cls, cls_name)
    visible, takes, _ = _checks.CHECKS[name]
    stronger = _STRONGER.get(visible)
    message = stronger(given[takes[0]], seed) if stronger else visible(*(given[c] for c in takes))
    verify_untampered()
    return message
