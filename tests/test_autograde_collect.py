"""Collecting submissions: Canvas names, nbgrader folders, zips, misnamed, missing, invalid."""

import zipfile

import nbformat
import pytest

from course_kit.course.collect import collect, extract_zip, safe_student_id


def _notebook(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    return path


def test_canvas_names_resubmissions_folders_misnamed_missing_invalid(tmp_path):
    _notebook(tmp_path / "smithjohn_12345_67890_mocogan.ipynb")
    _notebook(tmp_path / "doejane_LATE_222_333_mocogan-1.ipynb")
    _notebook(tmp_path / "leeanna_444_555_Untitled (2).ipynb")
    (tmp_path / "brokenbob_666_777_mocogan.ipynb").write_text('{"cells": [')
    _notebook(tmp_path / "carol" / "mocogan" / "mocogan.ipynb")
    (tmp_path / "dave").mkdir()
    (tmp_path / "dave" / "notes.txt").write_text("forgot")
    subs = {s.student: s for s in collect(tmp_path, ["mocogan.ipynb"])}
    assert sorted(subs) == ["brokenbob", "carol", "dave", "doejane", "leeanna", "smithjohn"]
    assert subs["smithjohn"].status == "ok" and "mocogan.ipynb" in subs["smithjohn"].files
    assert subs["doejane"].status == "ok"
    assert subs["leeanna"].status == "ok" and "only notebook" in subs["leeanna"].notes[0]
    assert subs["brokenbob"].status == "invalid" and "not a valid Jupyter notebook" in subs["brokenbob"].notes[0]
    assert subs["carol"].status == "ok"
    assert subs["dave"].status == "missing" and "no notebook named mocogan.ipynb" in subs["dave"].notes[0]


def test_zip_is_extracted_without_escaping(tmp_path):
    z = tmp_path / "submissions.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("smithjohn_1_2_mocogan.ipynb", nbformat.writes(nbformat.v4.new_notebook()))
        zf.writestr("../evil.txt", "x")
        zf.writestr("__MACOSX/._junk", "x")
    out = extract_zip(z, tmp_path / "x")
    assert [p.name for p in out.rglob("*")] == ["smithjohn_1_2_mocogan.ipynb"]
    assert not (tmp_path / "evil.txt").exists()


def test_student_ids_are_made_safe():
    assert safe_student_id("o'brien sean") == "o_brien_sean"
    assert safe_student_id("../..") == "unnamed"


def test_collect_needs_an_expected_name(tmp_path):
    with pytest.raises(ValueError, match="`expected` must name at least one notebook"):
        collect(tmp_path, [])
