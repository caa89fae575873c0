"""Test vectors (``solutions.json``) for the MP, computed by the reference layers.

The key names are the original MP's (``linear_weight``, ``lstmcell_output``,
``lstm_forget_bias``, ...). Inputs and parameters are drawn from a seeded
generator and rounded, outputs are computed in float64 and rounded, so the
same seed gives the same bytes on every machine; a new seed each term gives
new numbers. Sizes are small enough to print in a notebook and pairwise
different, so a transposed weight or a swapped argument cannot pass.
Instructor side: it runs the reference solutions (students only read the file,
with ``course_kit.vectors.load_vectors``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ...vectors import FORMAT_VERSION, dumps, load_vectors  # noqa: F401 (one format for both sides)
from . import mistakes
from .layers import LSTM, MyLinear, MyLSTMCell

# (input, output, batch) for MyLinear; (input, hidden, batch) for the cell and
# the LSTM: all different within each layer, so transposes change the shape.
LINEAR_SIZES = dict(input_size=5, output_size=3, batch=4)
LSTMCELL_SIZES = dict(input_size=6, hidden_size=4, batch=3)
LSTM_SIZES = dict(input_size=3, hidden_size=5, batch=4, n_frames=6)
PARAM_DECIMALS = 4
OUTPUT_DECIMALS = 7


def _draw(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return np.round(rng.uniform(-scale, scale, size=shape), PARAM_DECIMALS)


def _out(t: torch.Tensor) -> list:
    return np.round(t.detach().double().numpy(), OUTPUT_DECIMALS).tolist()


def _set(module: torch.nn.Module, **params: np.ndarray) -> None:
    with torch.no_grad():
        for name, value in params.items():
            getattr(module, name).copy_(torch.from_numpy(value))


def make_vectors(seed: int) -> dict:
    """All MP test vectors for ``seed``, as a JSON-ready dict."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"make_vectors: `seed` must be a non-negative int, got {seed!r}")
    rng = np.random.default_rng(seed)
    v: dict = {"format_version": FORMAT_VERSION, "seed": seed}

    # MyLinear
    n_in, n_out, batch = LINEAR_SIZES["input_size"], LINEAR_SIZES["output_size"], LINEAR_SIZES["batch"]
    linear = MyLinear(n_in, n_out).double()
    params = dict(weight=_draw(rng, n_out, n_in), bias=_draw(rng, n_out))
    _set(linear, **params)
    x = _draw(rng, batch, n_in, scale=2.0)
    v.update(linear_input_size=n_in, linear_output_size=n_out,
             linear_weight=params["weight"].tolist(), linear_bias=params["bias"].tolist(),
             linear_input=x.tolist(), linear_output=_out(linear(torch.from_numpy(x))))
    v["linear_mistakes"] = {k: _out(o) for k, o in mistakes.linear_candidates(
        *(torch.from_numpy(a) for a in (x, params["weight"], params["bias"]))).items()}

    # MyLSTMCell
    n_in, hid, batch = (LSTMCELL_SIZES[k] for k in ("input_size", "hidden_size", "batch"))
    cell = MyLSTMCell(n_in, hid).double()
    params = dict(weight_ih=_draw(rng, 4 * hid, n_in), bias_ih=_draw(rng, 4 * hid),
                  weight_hh=_draw(rng, 4 * hid, hid), bias_hh=_draw(rng, 4 * hid))
    _set(cell, **params)
    x, h, c = _draw(rng, batch, n_in, scale=2.0), _draw(rng, batch, hid), _draw(rng, batch, hid)
    h_out, c_out = cell(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(c)))
    v.update(lstmcell_input_size=n_in, lstmcell_hidden_size=hid,
             **{f"lstmcell_{k}": p.tolist() for k, p in params.items()},
             lstmcell_input=x.tolist(), lstmcell_h=h.tolist(), lstmcell_c=c.tolist(),
             lstmcell_output=_out(h_out), lstmcell_cout=_out(c_out),
             lstmcell_h_init=h.tolist(), lstmcell_c_init=c.tolist())  # the MP's own names too
    cands = mistakes.cell_candidates(*(torch.from_numpy(a) for a in (x, h, c, *params.values())))
    v["lstmcell_mistakes"] = {k: {"h": _out(ho), "c": _out(co)} for k, (ho, co) in cands.items()}

    # LSTM (BatchNorm in train mode, h and c set directly, as the MP's test did)
    n_in, hid, batch, n_frames = (LSTM_SIZES[k] for k in ("input_size", "hidden_size", "batch", "n_frames"))
    forget_bias = float(np.round(rng.uniform(0.5, 2.0), 2))
    lstm = LSTM(n_in, hid).double()
    cell_params = dict(weight_ih=_draw(rng, 4 * hid, n_in), bias_ih=_draw(rng, 4 * hid),
                       weight_hh=_draw(rng, 4 * hid, hid), bias_hh=_draw(rng, 4 * hid))
    lin_params = dict(weight=_draw(rng, n_in, hid), bias=_draw(rng, n_in))
    _set(lstm.lstm, **cell_params)
    _set(lstm.linear, **lin_params)
    x, h, c = _draw(rng, batch, n_in, scale=2.0), _draw(rng, batch, hid), _draw(rng, batch, hid)
    lstm.train()
    lstm.h, lstm.c = torch.from_numpy(h), torch.from_numpy(c)
    out = lstm(torch.from_numpy(x), n_frames)
    h_final, c_final = lstm.h, lstm.c
    tensors = [torch.from_numpy(a) for a in (x, h, c)]
    cell_t = [torch.from_numpy(a) for a in cell_params.values()]
    lin_t = [torch.from_numpy(lin_params[k]) for k in ("weight", "bias")]
    v["lstm_mistakes"] = {k: _out(o) for k, o in mistakes.lstm_candidates(
        *tensors, cell_t, *lin_t, n_frames).items()}
    v.update(lstm_input_size=n_in, lstm_hidden_size=hid, lstm_forget_bias=forget_bias,
             **{f"lstm_{k}": p.tolist() for k, p in cell_params.items()},
             lstm_linear_weight=lin_params["weight"].tolist(),
             lstm_linear_bias=lin_params["bias"].tolist(),
             lstm_input=x.tolist(), lstm_n_frames=n_frames, lstm_h=h.tolist(), lstm_c=c.tolist(),
             lstm_output=_out(out), lstm_h_final=_out(h_final), lstm_c_final=_out(c_final),
             lstm_batch_size=batch, lstm_inputs=x.tolist())  # the MP's own names too
    return v


def write_vectors(seed: int, out: str | Path) -> Path:
    """Write ``make_vectors(seed)`` to ``out``; returns the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps(make_vectors(seed)))
    return out


