"""`course-kit bench sandbox` grades in both arms, reports an overhead, and the grades agree."""

import pytest

from course_kit.cli import main
from course_kit.grading import detect


@pytest.mark.slow
@pytest.mark.skipif(not detect().ok, reason=f"no sandbox here: {detect().reason}")
def test_bench_sandbox_reports_overhead_and_identical_grades(capsys):
    assert main(["bench", "sandbox", "--submissions", "1"]) == 0
    out = capsys.readouterr().out
    assert "overhead:" in out and "% (target < 20%)" in out
    assert "grades identical in both arms: yes (scores seen: [3.0])" in out
