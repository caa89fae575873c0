"""The payoff's verdict compares motion codes, and student errors become one line."""

import torch

from course_kit import payoff
from course_kit.assignments.mocogan import layers


def test_verdict_matches_differs_and_shape():
    g = torch.Generator().manual_seed(0)
    ref = torch.randn(16, 3, 14, generator=g)
    assert payoff.motion_verdict(ref + 1e-7, ref) == \
        "your LSTM matches the reference R_M: motion codes agree to within 1e-05"
    small = payoff.motion_verdict(0.3 * ref, ref)
    assert "differs from the reference R_M by 70%" in small and "0.30x the reference's" in small, small
    assert "shape (3, 16, 14), the reference's (16, 3, 14)" in payoff.motion_verdict(ref.transpose(0, 1), ref)


def test_skips_while_grading(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert payoff.compare_with_reference(layers.LSTM) is None
    assert "Skipped while grading" in capsys.readouterr().out


def test_a_crashing_lstm_is_one_line_and_the_reference_still_plays(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    class Crashes(layers.LSTM):
        def forward(self, inputs, n_frames):
            raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (3x14 and 100x400)\nmore")
    result = payoff.compare_with_reference(Crashes)
    out = capsys.readouterr().out
    assert result is not None and result.mine is None and result.reference is not None
    line = [l for l in out.splitlines() if l.startswith("Your LSTM could not")]
    assert line and "RuntimeError: mat1 and mat2 shapes cannot be multiplied" in line[0], out
    assert "more" not in out and "Traceback" not in out
