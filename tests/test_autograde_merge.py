"""Workers' gradebooks merge into one without losing or duplicating rows."""

import shutil

from nbgrader.api import Gradebook

from course_kit.course.autograde import merge_gradebooks
from course_kit.course.nbgrader_run import nbgrader_env


def test_merge_gradebooks_unions_students_and_submissions(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", nbgrader_env()["PATH"])  # a new gradebook runs `alembic`
    master = tmp_path / "master.db"
    with Gradebook(f"sqlite:///{master}", "course_kit") as gb:
        gb.add_assignment("a1")
        gb.add_notebook("nb", "a1")
    workers = []
    for k, student in enumerate(["ann", "bob"]):
        w = tmp_path / f"w{k}.db"
        shutil.copy(master, w)
        with Gradebook(f"sqlite:///{w}", "course_kit") as gb:
            gb.add_student(student)
            gb.add_submission("a1", student)
        workers.append(w)
    merge_gradebooks(master, workers)
    merge_gradebooks(master, workers)  # idempotent
    with Gradebook(f"sqlite:///{master}", "course_kit") as gb:
        assert sorted(s.id for s in gb.students) == ["ann", "bob"]
        assert len(gb.find_assignment("a1").submissions) == 2
