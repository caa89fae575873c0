"""What students' typical mistakes compute, so that a test can name the mistake it sees.

Instructor side: each candidate below is the correct layer with one thing
changed (a gate order, an activation, a missing term, the state handling), so
the module holds the reference computations themselves. ``vectors.py`` stores
the candidates' outputs on the public vectors (``*_mistakes`` keys) for the
visible checks to match against; the hidden checks compute them afresh on
their hidden inputs. Keys are the names ``course_kit.checks.HINTS`` explains.
"""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F

GATE_ORDER = ("i", "f", "g", "o")


def linear_candidates(x, weight, bias) -> dict[str, torch.Tensor]:
    """MyLinear.forward done wrong: no bias, bias subtracted, an activation after it."""
    y = x @ weight.T
    return {"no_bias": y, "bias_subtracted": y - bias, "relu": torch.relu(y + bias),
            "sigmoid": torch.sigmoid(y + bias), "bias_twice": y + 2 * bias}


def _cell(x, h, c, w_ih, b_ih, w_hh, b_hh, order=GATE_ORDER, act_g=torch.tanh,
          act_gate=torch.sigmoid, tanh_c=True, h_uses_old_c=False, use_h=True, use_c=True):
    pre = x @ w_ih.T + (b_ih if b_ih is not None else 0)
    if use_h:
        pre = pre + h @ w_hh.T
    pre = pre + (b_hh if b_hh is not None else 0)
    parts = dict(zip(order, pre.chunk(4, dim=1)))
    i, f, g, o = (parts[k] for k in GATE_ORDER)
    c_new = (act_gate(f) * c if use_c else 0) + act_gate(i) * act_g(g)
    shown = c if h_uses_old_c else c_new
    h_new = act_gate(o) * (torch.tanh(shown) if tanh_c else shown)
    return h_new, c_new


def cell_candidates(x, h, c, w_ih, b_ih, w_hh, b_hh) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """MyLSTMCell.forward done wrong; each value is (h_out, c_out)."""
    args = (x, h, c, w_ih, b_ih, w_hh, b_hh)
    out = {}
    for order in itertools.permutations(GATE_ORDER):
        if order != GATE_ORDER:
            out["order_" + "".join(order)] = _cell(*args, order=order)
    out.update(
        sigmoid_g=_cell(*args, act_g=torch.sigmoid),
        no_tanh_g=_cell(*args, act_g=lambda t: t),
        tanh_gates=_cell(*args, act_gate=torch.tanh),
        no_sigmoid_gates=_cell(*args, act_gate=lambda t: t),
        no_tanh_c=_cell(*args, tanh_c=False),
        h_from_old_c=_cell(*args, h_uses_old_c=True),
        no_b_hh=_cell(x, h, c, w_ih, b_ih, w_hh, None),
        no_b_ih=_cell(x, h, c, w_ih, None, w_hh, b_hh),
        no_biases=_cell(x, h, c, w_ih, None, w_hh, None),
        no_h_term=_cell(*args, use_h=False),
        no_c_term=_cell(*args, use_c=False),
    )
    h_ref, c_ref = _cell(*args)
    out["returns_c_h"] = (c_ref, h_ref)
    return out


def _lstm(x, h, c, cell_params, lin_w, lin_b, n_frames, *, reset=False, carry_h=True,
          carry_c=True, feed_back=False, bn="frame", skip_first=False):
    if reset:
        h, c = torch.zeros_like(h), torch.zeros_like(c)
    h0, c0 = h, c
    codes, inp = [], x
    for t in range(n_frames + (1 if skip_first else 0)):
        h_new, c_new = _cell(inp, h, c, *cell_params)
        h = h_new if carry_h else h0
        c = c_new if carry_c else c0
        y = h_new @ lin_w.T + lin_b
        codes.append(y)
        if feed_back:
            inp = F.batch_norm(y, None, None, training=True)
    codes = torch.stack(codes[1:] if skip_first else codes)
    if bn == "frame":
        return torch.stack([F.batch_norm(y, None, None, training=True) for y in codes])
    if bn == "all":
        T, B, n = codes.shape
        return F.batch_norm(codes.reshape(T * B, n), None, None, training=True).reshape(T, B, n)
    return codes  # bn == "none": no batch norm (or one in eval mode with fresh statistics)


def lstm_candidates(x, h, c, cell_params, lin_w, lin_b, n_frames) -> dict[str, torch.Tensor]:
    """LSTM.forward done wrong; each value is the (n_frames, B, I) output."""
    args = (x, h, c, cell_params, lin_w, lin_b, n_frames)
    return {"resets_state": _lstm(*args, reset=True), "bn_all_frames": _lstm(*args, bn="all"),
            "no_bn": _lstm(*args, bn="none"), "state_not_carried": _lstm(*args, carry_h=False, carry_c=False),
            "c_not_carried": _lstm(*args, carry_c=False), "h_not_carried": _lstm(*args, carry_h=False),
            "feeds_output_back": _lstm(*args, feed_back=True), "one_step_late": _lstm(*args, skip_first=True)}


def lstm_final_state(x, h, c, cell_params, n_frames) -> tuple[torch.Tensor, torch.Tensor]:
    """(h, c) after ``n_frames`` steps: what forward must leave in self.h, self.c."""
    for _ in range(n_frames):
        h, c = _cell(x, h, c, *cell_params)
    return h, c
