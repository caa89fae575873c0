"""The whole corpus through `course-kit autograde` from an LMS zip: each gets exactly its grade."""

import csv
import sys
from pathlib import Path

import pytest

from course_kit.course.autograde import autograde

sys.path.insert(0, str(Path(__file__).parent))
from submissions import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graded(tmp_path_factory, monkeypatch_module):
    # Small limits keep CI fast: an infinite loop costs 15 s, the memory bomb stops at 3 GB.
    monkeypatch_module.setenv("COURSE_KIT_KERNEL_MEMORY_MB", "3072")
    tmp = tmp_path_factory.mktemp("corpus")
    zip_path = corpus.write_zip(corpus.write_corpus(tmp / "lms"), tmp / "submissions.zip")
    return autograde(ROOT, "mocogan", zip_path, out=tmp / "graded", jobs=2, cell_timeout=15,
                     progress=False)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


ALL_STUDENTS = [*corpus.SUBMISSIONS, *corpus.BROKEN, corpus.MISNAMED]


@pytest.mark.slow
@pytest.mark.parametrize("student", ALL_STUDENTS)
def test_each_submission_gets_exactly_its_grade(graded, student):
    result = {r.student: r for r in graded.students}[student]
    assert result.status == corpus.expected_status(student), result.note
    got = {t: result.tests[t][0] for t in corpus.TESTS}
    assert got == corpus.expected_scores(student), result.note


@pytest.mark.slow
def test_outputs_csv_feedback_gradebook(graded):
    rows = {r["student"]: r for r in csv.DictReader(open(graded.out / "grades.csv"))}
    assert sorted(rows) == sorted(ALL_STUDENTS)
    assert rows["reference"]["score"] == "80" and rows["reference"]["answer_forget_bias (manual)"] == "pending"
    assert rows["invalidjson"]["status"] == "invalid" and rows["invalidjson"]["score"] == "0"
    assert "only notebook" in rows["misnamed"]["note"]
    leaks = ("BEGIN HIDDEN TESTS", "hidden_check", "BEGIN SOLUTION")
    for r in graded.students:
        if r.status == "graded":
            html = r.feedback[0].read_text()
            # A student's own code may mention these names (the check-patching submission
            # does); what must never appear is what the student did not write.
            own = "".join(p.read_text(errors="replace")
                          for p in (graded.out.parent / "lms").glob(f"{r.student}_*"))
            assert own, f"no submitted file found for {r.student}"
            for leak in leaks:
                assert leak in own or leak not in html, (r.student, leak)
    flood = graded.out / "autograded" / "flood" / "mocogan" / "mocogan.ipynb"
    assert flood.stat().st_size < 2_000_000
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{graded.out / 'gradebook.db'}", "course_kit") as gb:
        graded_ids = {r.student for r in graded.students if r.status == "graded"}
        assert {s.id for s in gb.students} >= graded_ids
        assert gb.find_submission("mocogan", "reference").score == 80
    assert "autograded mocogan" in graded.summary()


@pytest.mark.slow
@pytest.mark.parametrize("student, text", [("stderrprint", "debug: MyLinear.forward got"),
                                           ("logging", "cell step"), ("tqdm", "frames")])
def test_stderr_costs_nothing_and_stays_visible(graded, student, text):
    import nbformat
    result = {r.student: r for r in graded.students}[student]
    assert result.score == result.max_score == 80
    nb = nbformat.read(graded.out / "autograded" / student / "mocogan" / "mocogan.ipynb", as_version=4)
    stderr = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
                     if o.get("output_type") == "stream" and o.get("name") == "stderr")
    assert text in stderr                          # kept in the graded notebook, as stderr
    assert text in result.feedback[0].read_text()  # and in the student's feedback
