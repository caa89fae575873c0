"""The grading executor survives a dead kernel, a stuck cell and a flood of output."""

import nbformat
import pytest
from traitlets.config import Config

from course_kit.grading.execute import DIED_ENAME, ResilientExecute
from course_kit.course.nbgrader_run import nbgrader_env


def _grade_cell(source, gid):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "locked": True, "points": 1,
                                 "solution": False, "schema_version": 3}
    return cell


@pytest.mark.slow
def test_kernel_death_timeout_and_flood_cost_only_their_own_cells(tmp_path, monkeypatch):
    for k, v in nbgrader_env().items():
        monkeypatch.setenv(k, v)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("answer = 42"),
        _grade_cell("import os; os._exit(1)", "dies"),
        _grade_cell("assert answer == 42; print('after death', answer)", "after_death"),
        _grade_cell("while True:\n    try:\n        pass\n    except KeyboardInterrupt:\n        pass", "stuck"),
        _grade_cell("print('after stuck', answer)", "after_stuck"),
        nbformat.v4.new_code_cell("for _ in range(3000):\n    print('x' * 100_000)"),
        _grade_cell("print('done')", "last"),
    ])
    c = Config()
    c.ResilientExecute.timeout = 4
    c.ResilientExecute.max_output_chars = 50_000
    c.Sandbox.memory_mb = 3072
    ex = ResilientExecute(config=c)
    ex.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    outs = [c.outputs for c in nb.cells]
    assert any(o.get("ename") == DIED_ENAME for o in outs[1])
    assert "after death 42" in outs[2][0]["text"]
    assert any(o.get("ename") == "CellTimeoutError" for o in outs[3])
    assert "after stuck 42" in outs[4][0]["text"]
    flood = sum(len(o.get("text", "")) for o in outs[5])
    assert flood < 60_000 and any("output truncated" in o.get("text", "") for o in outs[5])
    assert outs[6][0]["text"] == "done\n"
