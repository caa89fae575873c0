"""`course-kit bench precision`: both models step in both precisions and the report gives the ratio."""

import re

from course_kit.bench import precision
from course_kit.cli import main


def test_bench_precision_times_both_models_in_both_precisions(monkeypatch, capsys):
    small = dict(repeats=1, svg_nf=4, svg_batch=2, ngf=8, ndf=8, ndf_video=4)
    monkeypatch.setattr(precision, "run", lambda repeats, _run=precision.run: _run(**small))
    assert main(["bench", "precision", "--threads", "1", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(r"(svg|mocogan) \(.*\): fp32 ([0-9.]+) s, bf16 ([0-9.]+) s, bf16 speed-up ([0-9.]+)x", out)
    assert [r[0] for r in rows] == ["svg", "mocogan"]
    assert all(float(fp32) > 0 and float(bf16) > 0 for _, fp32, bf16, _ in rows)
