"""The grading and notebook benchmarks run end to end and report their figures."""

import pytest

from course_kit.bench import grading, notebook
from course_kit.cli import build_parser


def test_cli_lists_release_autograde_and_benches():
    help_text = build_parser().format_help()
    assert "release" in help_text and "autograde" in help_text


@pytest.mark.slow
def test_grading_bench_small():
    figures = grading.run(n=2, jobs=(1,), cell_timeout=30)
    assert figures["wrong grades jobs=1"] == 0 and figures["per submission jobs=1"] > 0
    assert "--jobs 1:" in grading.report(figures, (1,))


@pytest.mark.slow
def test_notebook_bench_runs_the_source_notebook():
    figures = notebook.run("mocogan")
    assert figures["total seconds"] > 0 and len(figures["cells"]) > 20
    assert "s total (target < 60 s)" in notebook.report(figures)
