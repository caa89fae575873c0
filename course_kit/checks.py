"""The MP's eight graded checks, with messages a student can act on.

Each ``check_*`` takes the student's class (not an instance) and, for forward
checks, a test-vector dict from :mod:`course_kit.vectors`. It returns a short
success string or raises ``AssertionError`` saying what was wrong: the shape,
the gate, the bias slice. Tolerances follow the original MP: forward outputs
pass at relative L1 error ``sum|out-ref| / sum|ref| < 0.04``; initWeight and
initHidden are checked exactly.

The hidden tests' side (fresh vectors, plain-Python references, the
integrity checks) is instructor-only: ``course_kit.assignments.mocogan.hidden_checks``,
which loads a private copy of this file so that a student who monkeypatches
``course_kit.checks`` cannot force a pass.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn

REL_L1_TOLERANCE = 0.04
GATES = ("input", "forget", "cell", "output")
CELL_PARTIAL = {"h": "c_out is right but h_out is wrong: check h' = sigmoid(o) * tanh(c'), "
                     "with o the slice [3H:4H]",
                "c": "h_out is right but c_out is wrong: return the new cell state c' as c_out"}


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


def _expect_close(name: str, out, ref: torch.Tensor, where: str, shapes: dict | None = None) -> float:
    """Pass when ``out`` is within the MP's tolerance of ``ref``; else say what kind of wrong it is."""
    if isinstance(out, (list, tuple)) and out and all(isinstance(o, torch.Tensor) for o in out):
        raise AssertionError(f"{where}: {name} must be one torch.Tensor, got a {type(out).__name__} "
                             f"of {len(out)} tensors: combine them with torch.stack(..., dim=0)")
    if not isinstance(out, torch.Tensor):
        raise AssertionError(f"{where}: {name} must be a torch.Tensor, got {type(out).__name__}")
    if tuple(out.shape) != tuple(ref.shape):
        hint = (shapes or {}).get(tuple(out.shape), "")
        raise AssertionError(f"{where}: {name} must have shape {tuple(ref.shape)}, "
                             f"got {tuple(out.shape)}" + (f": {hint}" if hint else ""))
    err = relative_l1(out, ref)
    if not err < REL_L1_TOLERANCE:
        raise AssertionError(f"{where}: {name} is wrong: relative L1 error {err:.4f} "
                             f"(must be < {REL_L1_TOLERANCE})")
    return err


# --- naming the mistake ---------------------------------------------------------
#
# The vectors carry, beside each expected output, what the typical mistakes
# output on the same inputs (``linear_mistakes``, ``lstmcell_mistakes``,
# ``lstm_mistakes``, made on the instructor's side). A wrong output that
# matches one of them gets that mistake's hint; any other gets the place of
# its first wrong number. Only the message depends on this, never the grade.

MATCH_TOLERANCE = 1e-3
_GATE_NAMES = dict(i="i (input)", f="f (forget)", g="g (candidate)", o="o (output)")
HINTS = {
    "no_bias": "the bias is missing: return inputs @ self.weight.T + self.bias",
    "bias_subtracted": "the bias is subtracted: add it, inputs @ self.weight.T + self.bias",
    "bias_twice": "the bias is added twice: add it once",
    "relu": "a ReLU is applied after the layer: a linear layer returns inputs @ weight.T + bias, "
            "with no activation",
    "sigmoid": "a sigmoid is applied after the layer: a linear layer returns inputs @ weight.T + bias, "
               "with no activation",
    "sigmoid_g": "g goes through sigmoid: the candidate g takes tanh (only i, f and o take sigmoid)",
    "no_tanh_g": "g is used without tanh: c' = sigmoid(f) * c + sigmoid(i) * tanh(g)",
    "tanh_gates": "the gates i, f, o go through tanh: they take sigmoid (only g and c' take tanh)",
    "no_sigmoid_gates": "the gates i, f, o are used without sigmoid: each gate is sigmoid(...)",
    "no_tanh_c": "h' is missing the tanh on the cell state: h' = sigmoid(o) * tanh(c')",
    "h_from_old_c": "h' uses the old cell state c: use the new one, h' = sigmoid(o) * tanh(c')",
    "no_b_hh": "bias_hh is missing: the gates are x W_ih^T + b_ih + h W_hh^T + b_hh (both biases)",
    "no_b_ih": "bias_ih is missing: the gates are x W_ih^T + b_ih + h W_hh^T + b_hh (both biases)",
    "no_biases": "both biases are missing: the gates are x W_ih^T + b_ih + h W_hh^T + b_hh",
    "no_h_term": "the h W_hh^T term is missing: the gates read the previous hidden state h too",
    "no_c_term": "c' forgets the old cell state entirely: c' = sigmoid(f) * c + sigmoid(i) * tanh(g)",
    "returns_c_h": "h_out and c_out are returned in the wrong order: return (h_out, c_out)",
    "resets_state": "forward starts from a zero state: start from self.h, self.c as they are "
                    "(initHidden resets them; forward must not)",
    "bn_all_frames": "batch norm is applied to all frames at once: normalise each frame's (B, I) "
                     "codes on their own, self.bn(self.linear(h)) inside the loop",
    "no_bn": "batch norm is missing (or in eval mode): apply self.bn to each frame's linear output",
    "state_not_carried": "every step starts from the first (h, c): carry the state, "
                         "self.h, self.c = self.lstm(inputs, (self.h, self.c))",
    "c_not_carried": "the cell state c is not carried from step to step: keep the c the cell returns",
    "h_not_carried": "the hidden state h is not carried from step to step: keep the h the cell returns",
    "feeds_output_back": "each step reads the previous output: R_M feeds the same `inputs` at every step",
    "one_step_late": "the outputs are one step late (an extra step before the first output): "
                     "output one frame per step, starting with the first",
}


def hint(key: str) -> str:
    """The one-line explanation of mistake ``key`` (gate orders are spelled out)."""
    if key.startswith("order_"):
        order = ", ".join(_GATE_NAMES[k] for k in key[len("order_"):])
        return (f"the gates are read in the order ({order}): slice the (B, 4H) pre-activations as "
                f"[0:H] i, [H:2H] f, [2H:3H] g, [3H:4H] o (torch.nn.LSTMCell's order)")
    return HINTS[key]


def matching_mistake(got: dict, candidates: dict | None) -> str | None:
    """The key of the candidate that every output in ``got`` matches, or None."""
    best, best_err = None, MATCH_TOLERANCE
    for key, outputs in (candidates or {}).items():
        outputs = outputs if isinstance(outputs, dict) else {"out": outputs}
        errs = []
        for name, value in got.items():
            cand = _t(outputs[name]) if not isinstance(outputs[name], torch.Tensor) else outputs[name]
            if not isinstance(value, torch.Tensor) or tuple(value.shape) != tuple(cand.shape):
                break
            errs.append(relative_l1(value, cand))
        else:
            if errs and max(errs) < best_err:
                best, best_err = key, max(errs)
    return best


def first_wrong(out: torch.Tensor, ref: torch.Tensor, axes: tuple[str, ...]) -> str:
    """Where the first number off by more than the tolerance's share sits, named by ``axes``."""
    out, ref = out.detach().double().cpu(), ref.detach().double().cpu()
    scale = ref.abs().mean().clamp_min(1e-12)
    bad = ((out - ref).abs() > REL_L1_TOLERANCE * scale).nonzero()
    if len(bad) == 0:
        bad = ((out - ref).abs() == (out - ref).abs().max()).nonzero()
    index = tuple(int(k) for k in bad[0])
    place = ", ".join(f"{axis} {k}" for axis, k in zip(axes, index))
    return (f"first wrong value at [{', '.join(map(str, index))}] ({place}): "
            f"got {float(out[index]):.4f}, expected {float(ref[index]):.4f}")


def diagnosed(error: AssertionError, where: str, got: dict, refs: dict, candidates: dict | None,
              axes: tuple[str, ...], partial: dict | None = None) -> AssertionError:
    """``error`` again, its message saying which mistake it is, or where the output goes wrong.

    ``got``/``refs``: output name -> tensor; ``partial``: output name -> hint for the
    case where that output alone is wrong and every other is right.
    """
    message = str(error)
    if "is wrong" not in message:
        return error
    key = matching_mistake(got, candidates)
    if key is not None:
        return AssertionError(f"{where}: {hint(key)} ({message.split(': ', 1)[1]})")
    wrong = [n for n in got if not relative_l1(got[n], refs[n]) < REL_L1_TOLERANCE]
    if partial and len(wrong) == 1 and wrong[0] in partial:
        return AssertionError(f"{where}: {partial[wrong[0]]}; {first_wrong(got[wrong[0]], refs[wrong[0]], axes)}")
    return AssertionError(f"{message}; {first_wrong(got[wrong[0]], refs[wrong[0]], axes)}")


def _check_outputs(where: str, named: dict, candidates, axes, partial=None, shapes=None) -> list[float]:
    """_expect_close for each key -> (label, out, ref) of ``named``, diagnosed together when one is wrong."""
    errs = []
    try:
        for label, out, ref in named.values():
            errs.append(_expect_close(label, out, ref, where, shapes))
    except AssertionError as e:
        got = {k: out for k, (_, out, _) in named.items()}
        refs = {k: ref for k, (_, _, ref) in named.items()}
        if all(isinstance(got[k], torch.Tensor) and got[k].shape == refs[k].shape for k in got):
            raise diagnosed(e, where, got, refs, candidates, axes, partial) from None
        raise
    return errs


def _call(fn, *args, where: str):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args)
    except AssertionError:
        raise
    except Exception as e:
        text = str(e).strip().splitlines()[0] if str(e).strip() else ""
        fix = next((h for pattern, h in _ERROR_HINTS if pattern in text), "")
        raise AssertionError(f"{where} raised {type(e).__name__}: {text}"
                             + (f" ({fix})" if fix else "")) from e


# Exceptions students' code raises most often, and which way the fix goes.
_ERROR_HINTS = (
    ("shapes cannot be multiplied", "a weight is (out_features, in_features): multiply by "
                                    "its transpose, x @ W.T"),
    ("positional argument", "forward's arguments are (x, (h, c)): one input and one tuple"),
    ("cannot unpack", "forward's arguments are (x, (h, c)) and it returns (h_out, c_out)"),
    ("must match the size of tensor", "a shape mismatch: print the shapes of the tensors you combine"),
    ("NoneType", "something is None: did initHidden or __init__ set it?"),
)


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
    ref = _t(v["linear_output"])
    B, O = ref.shape
    (err,) = _check_outputs("MyLinear.forward", {"out": ("the output", out, ref)},
                            v.get("linear_mistakes"), ("batch row", "output"),
                            shapes={(O, B): "it is transposed: compute inputs @ self.weight.T, "
                                            "one row per input row"})
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
    err_c, err_h = _check_outputs(
        where, {"c": ("c_out (the new cell state)", out[1], _t(v["lstmcell_cout"])),
                "h": ("h_out (the new hidden state)", out[0], _t(v["lstmcell_output"]))},
        v.get("lstmcell_mistakes"), ("batch row", "hidden unit"), partial=CELL_PARTIAL)
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
    _expect_xavier(LSTM, forget_bias)
    return (f"LSTM.initWeight: Xavier-uniform weights, forget-gate bias {forget_bias} in both "
            f"bias vectors, the rest zero")


XAVIER_SIZES = (16, 48)  # (input, hidden): matrices big enough to measure their spread


def _expect_xavier(LSTM, forget_bias: float) -> None:  # noqa: N803
    """initWeight re-draws the three weights Xavier-uniform: within the bound, with its spread."""
    n_in, hid = XAVIER_SIZES
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        lstm = _construct(LSTM, n_in, hid, what="LSTM")
        weights = {"lstm.weight_ih": lambda: lstm.lstm.weight_ih,
                   "lstm.weight_hh": lambda: lstm.lstm.weight_hh, "linear.weight": lambda: lstm.linear.weight}
        before = {k: w().detach().clone() for k, w in weights.items()}
        _call(lstm.initWeight, forget_bias, where=f"LSTM.initWeight({forget_bias})")
    for name, get in weights.items():
        w = get().detach().double()
        fan_out, fan_in = w.shape
        bound = (6.0 / (fan_in + fan_out)) ** 0.5
        where = f"LSTM({n_in}, {hid}).initWeight: {name} ({fan_out}x{fan_in})"
        if tuple(w.shape) == tuple(before[name].shape) and torch.equal(w, before[name].double()):
            raise AssertionError(f"{where} is left as __init__ made it: re-draw it with "
                                 f"nn.init.xavier_uniform_")
        if float(w.abs().max()) > bound * (1 + 1e-5):
            raise AssertionError(f"{where} has values up to {float(w.abs().max()):.3f}, beyond the "
                                 f"Xavier-uniform bound sqrt(6 / (fan_in + fan_out)) = {bound:.3f}: "
                                 f"use nn.init.xavier_uniform_ (not xavier_normal_ or randn)")
        std, want = float(w.std()), bound / 3 ** 0.5
        if abs(std / want - 1) > 0.15:
            raise AssertionError(f"{where} has standard deviation {std:.3f}; Xavier-uniform gives "
                                 f"{want:.3f}: use nn.init.xavier_uniform_ with its default gain")


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
    ref = _t(v["lstm_output"])
    T, B, n = ref.shape
    shapes = {(B, T, n): "frames are stacked on dim 1: torch.stack(outputs, dim=0) gives (n_frames, B, I)",
              (T * B, n): "torch.cat joins the frames: torch.stack(outputs) keeps them apart",
              (B, n): "only one frame is returned: stack one output per step, n_frames in all"}
    try:
        (err,) = _check_outputs(where, {"out": ("the output (n_frames, batch, input_size)", out, ref)},
                                v.get("lstm_mistakes"), ("frame", "batch row", "feature"), shapes=shapes)
    except AssertionError as e:
        raise _blame_parts(lstm, v, where) or e from None
    if "lstm_h_final" in v:
        _expect_state_written(lstm, _t(v["lstm_h_final"]), _t(v["lstm_c_final"]),
                              {"h": _t(v["lstm_h"]), "c": _t(v["lstm_c"])}, where)
    return f"LSTM.forward: relative L1 error {err:.2e}"


def _blame_parts(lstm, v: dict, where: str) -> AssertionError | None:
    """When the LSTM is wrong because the student's cell or linear layer is, say that instead."""
    for member, check in (("lstm", check_lstmcell_forward), ("linear", check_linear_forward)):
        try:
            check(type(getattr(lstm, member)), v)
        except AssertionError as e:
            return AssertionError(f"{where}: self.{member} ({type(getattr(lstm, member)).__name__}) "
                                  f"fails its own test, fix it first: {e}")
        except Exception:  # noqa: BLE001 (the member is not a usable layer: report the LSTM's error)
            return None
    return None


def _expect_state_written(lstm, h_final, c_final, start: dict, where: str) -> None:
    """After forward, self.h and self.c hold the last step's state (the next call continues from it)."""
    for name, want in (("h", h_final), ("c", c_final)):
        state = getattr(lstm, name, None)
        if not isinstance(state, torch.Tensor) or tuple(state.shape) != tuple(want.shape):
            got = tuple(state.shape) if isinstance(state, torch.Tensor) else type(state).__name__
            raise AssertionError(f"{where}: after forward, self.{name} must be the last step's state "
                                 f"of shape {tuple(want.shape)}, got {got}")
        if not relative_l1(state, want) < REL_L1_TOLERANCE:
            if relative_l1(state, start[name]) < 1e-6:
                raise AssertionError(f"{where}: the outputs are right but self.{name} is not written "
                                     f"back: assign the cell's state, self.h, self.c = "
                                     f"self.lstm(inputs, (self.h, self.c)), so the next call continues")
            raise AssertionError(f"{where}: after forward, self.{name} must be the last step's "
                                 f"state: relative L1 error {relative_l1(state, want):.4f}")


# The checks, in notebook order; a check's name is its function's, less "check_". Each entry:
# (the check, the graded classes it takes, what it takes from the vectors: None nothing,
# "" all of them, else one key).
_TABLE = (
    (check_linear_init, ("MyLinear",), None),
    (check_linear_forward, ("MyLinear",), ""),
    (check_lstmcell_init, ("MyLSTMCell",), None),
    (check_lstmcell_forward, ("MyLSTMCell",), ""),
    (check_lstm_init, ("LSTM", "MyLinear", "MyLSTMCell"), None),
    (check_lstm_initweight, ("LSTM",), "lstm_forget_bias"),
    (check_lstm_inithidden, ("LSTM",), None),
    (check_lstm_forward, ("LSTM",), ""),
)
CHECKS = {fn.__name__.removeprefix("check_"): (fn, classes, vectors) for fn, classes, vectors in _TABLE}


def run_check(name: str, classes: dict, v: dict | None = None) -> str:
    """Run check ``name`` on ``classes`` ({"MyLinear": ..., ...}) and the vectors ``v``."""
    if name not in CHECKS:
        raise ValueError(f"run_check: `name` must be one of {tuple(CHECKS)}, got {name!r}")
    fn, takes, key = CHECKS[name]
    args = [classes.get(c) for c in takes]
    if key is not None:
        args.append(v if key == "" else v[key])
    return fn(*args)


def run_all(MyLinear, MyLSTMCell, LSTM, v: dict) -> list[tuple[str, bool, str]]:  # noqa: N803
    """Run the eight checks; returns (name, passed, message) for each."""
    classes = {"MyLinear": MyLinear, "MyLSTMCell": MyLSTMCell, "LSTM": LSTM}
    results = []
    for name in CHECKS:
        try:
            results.append((name, True, run_check(name, classes, v)))
        except AssertionError as e:
            results.append((name, False, str(e)))
    return results
