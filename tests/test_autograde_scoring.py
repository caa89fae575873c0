"""A test cell's score depends on its assertions: stderr never costs points, errors still do."""

import nbformat

from course_kit.grading.scoring import cell_score, scored_view


def _test_cell(*outputs):
    cell = nbformat.v4.new_code_cell("print(checks.check_linear_forward(MyLinear, solutions))")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "locked": True, "points": 10,
                                 "solution": False, "schema_version": 3}
    cell.outputs = list(outputs)
    return cell


def _stream(name, text):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_stderr_of_any_kind_keeps_full_marks():
    for text in ("debug line\n", "WARNING:root:logged\n", "frames: 100%|##########| 16/16\n",
                 "UserWarning: something\n"):
        assert cell_score(_test_cell(_stream("stdout", "ok\n"), _stream("stderr", text))) == (10.0, 10.0)


def test_an_error_still_scores_zero_with_or_without_stderr():
    error = nbformat.v4.new_output("error", ename="AssertionError", evalue="c_out is wrong",
                                   traceback=["AssertionError: c_out is wrong"])
    assert cell_score(_test_cell(_stream("stderr", "noise\n"), error)) == (0.0, 10.0)
    assert cell_score(_test_cell(error)) == (0.0, 10.0)


def test_partial_credit_and_the_cell_itself_are_untouched():
    partial = nbformat.v4.new_output("execute_result", data={"text/plain": "4.5"}, execution_count=1)
    cell = _test_cell(_stream("stderr", "noise\n"), partial)
    assert cell_score(cell) == (4.5, 10.0)
    assert [o.get("name") for o in cell.outputs] == ["stderr", None]   # nothing removed
    assert [o.get("name") for o in scored_view(cell).outputs] == [None]
