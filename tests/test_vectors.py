"""Test vectors: deterministic, under the MP's key names, and correct by torch.nn."""

import json
import subprocess
import sys

import pytest
import torch
from torch import nn

from course_kit import checks
from course_kit.assignments.mocogan import layers
from course_kit.assignments.mocogan.vectors import dumps, load_vectors, make_vectors, write_vectors

REQUIRED_KEYS = {
    "linear_weight", "linear_bias", "linear_input", "linear_output",
    "lstmcell_weight_ih", "lstmcell_bias_ih", "lstmcell_weight_hh", "lstmcell_bias_hh",
    "lstmcell_input", "lstmcell_h", "lstmcell_c", "lstmcell_output", "lstmcell_cout",
    "lstm_forget_bias", "lstm_n_frames", "lstm_h", "lstm_c", "lstm_input", "lstm_output",
    "lstm_weight_ih", "lstm_linear_weight",
}


def test_same_seed_same_bytes_new_seed_new_numbers():
    assert dumps(make_vectors(3)) == dumps(make_vectors(3))
    a, b = make_vectors(3), make_vectors(4)
    for key in ("linear_weight", "lstmcell_output", "lstm_output", "lstm_h"):
        assert a[key] != b[key], key


def test_keys_and_awkward_sizes():
    v = make_vectors(0)
    assert REQUIRED_KEYS <= set(v)
    for prefix, second in (("linear", "output_size"), ("lstmcell", "hidden_size"), ("lstm", "hidden_size")):
        n_in, n_2 = v[f"{prefix}_input_size"], v[f"{prefix}_{second}"]
        batch = len(v[f"{prefix}_input"])
        assert len({n_in, n_2, batch}) == 3, (prefix, n_in, n_2, batch)


def _t(x):
    return torch.tensor(x, dtype=torch.float64)


def test_vectors_agree_with_torch_nn():
    """An independent oracle: torch's own modules reproduce the stored outputs."""
    v = make_vectors(11)
    ref = nn.Linear(v["linear_input_size"], v["linear_output_size"]).double()
    ref.load_state_dict({"weight": _t(v["linear_weight"]), "bias": _t(v["linear_bias"])})
    assert torch.allclose(ref(_t(v["linear_input"])), _t(v["linear_output"]), atol=1e-6)

    cell = nn.LSTMCell(v["lstmcell_input_size"], v["lstmcell_hidden_size"]).double()
    cell.load_state_dict({k: _t(v[f"lstmcell_{k}"]) for k in ("weight_ih", "bias_ih", "weight_hh", "bias_hh")})
    h, c = cell(_t(v["lstmcell_input"]), (_t(v["lstmcell_h"]), _t(v["lstmcell_c"])))
    assert torch.allclose(h, _t(v["lstmcell_output"]), atol=1e-6)
    assert torch.allclose(c, _t(v["lstmcell_cout"]), atol=1e-6)

    cell = nn.LSTMCell(v["lstm_input_size"], v["lstm_hidden_size"]).double()
    cell.load_state_dict({k: _t(v[f"lstm_{k}"]) for k in ("weight_ih", "bias_ih", "weight_hh", "bias_hh")})
    linear = nn.Linear(v["lstm_hidden_size"], v["lstm_input_size"]).double()
    linear.load_state_dict({"weight": _t(v["lstm_linear_weight"]), "bias": _t(v["lstm_linear_bias"])})
    bn = nn.BatchNorm1d(v["lstm_input_size"], affine=False).double()
    x, h, c = _t(v["lstm_input"]), _t(v["lstm_h"]), _t(v["lstm_c"])
    outs = []
    for _ in range(v["lstm_n_frames"]):
        h, c = cell(x, (h, c))
        outs.append(bn(linear(h)))
    assert torch.allclose(torch.stack(outs), _t(v["lstm_output"]), atol=1e-6)


def test_round_trip_through_file_and_reference_passes_every_check(tmp_path):
    path = write_vectors(5, tmp_path / "sub" / "solutions.json")
    v = load_vectors(path)
    assert v == json.loads(dumps(make_vectors(5)))
    results = checks.run_all(layers.MyLinear, layers.MyLSTMCell, layers.LSTM, v)
    assert [r for r in results if not r[1]] == []
    assert len(results) == 8


def test_load_vectors_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="course-kit vectors --out"):
        load_vectors(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_vectors(bad)
    with pytest.raises(ValueError, match="`seed` must be a non-negative int, got -1"):
        make_vectors(-1)


def test_cli_writes_identical_files_for_same_seed(tmp_path):
    for name in ("a.json", "b.json"):
        subprocess.run([sys.executable, "-m", "course_kit.cli", "vectors", "--seed", "9",
                        "--out", str(tmp_path / name)], check=True, capture_output=True)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert (tmp_path / "a.json").read_text() == dumps(make_vectors(9))
