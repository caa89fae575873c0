"""`course-kit demo` end to end as a user runs it, its parts, and `course-kit lab`."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import free_port, stop_process

from course_kit.assignments import EXAMPLES
from course_kit.assignments.svg.examples import TYPICAL as SVG_TYPICAL
from course_kit.course.examples import write_examples
from course_kit.demo import EXAMPLES_PER_ASSIGNMENT, DemoResult
from course_kit.course.settings import load_settings
from course_kit.demo.course import copy_course, sandbox_choice

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _expected(assignment: str) -> dict[str, frozenset]:
    """login -> tests it must pass, for the examples the demo grades (write_examples' order)."""
    typical = EXAMPLES[assignment][1]
    names = list(typical)
    return {f"{names[k % len(names)]}{k:03d}": typical[names[k % len(names)]][1]
            for k in range(EXAMPLES_PER_ASSIGNMENT[assignment])}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`course-kit demo --out OUT` from a folder outside the course, as on a fresh machine."""
    cwd = tmp_path_factory.mktemp("elsewhere")
    out = cwd / "demo-output"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    before = _committed_course_state()
    start = time.monotonic()
    run = subprocess.run([str(BIN / "course-kit"), "demo", "--out", str(out)], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - start
    return out, run, seconds, before


def _committed_course_state() -> dict:
    """What the demo must leave alone: release/ and the course's gradebook, by mtime and size."""
    paths = [*sorted((ROOT / "release").rglob("*")), ROOT / "gradebook.db"]
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in paths}


@pytest.mark.slow
def test_demo_passes_and_lists_every_output(demo):
    out, run, seconds, _ = demo
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    stdout = run.stdout
    assert "8 passed, 0 failed" in stdout and "demo passed" in stdout
    listing = stdout[stdout.rindex("\noutputs:\n"):]
    paths = [Path(line.split()[-1]) for line in listing.splitlines()[2:] if line.startswith("  ")]
    assert all(p.exists() for p in paths), [p for p in paths if not p.exists()]
    wanted = [out / "solutions.json", out / "course" / "release" / "mocogan",
              out / "course" / "release" / "svg", out / "videos" / "videos.html",
              out / "videos" / "weizmann-actions.gif", out / "videos" / "shapes.gif",
              out / "student-repository"]
    assert (out / "student-repository" / "release" / "mocogan" / "solutions.json").is_file()
    assert not (out / "student-repository" / "source").exists()
    wanted += [out / "graded" / a / p for a in EXAMPLES_PER_ASSIGNMENT for p in ("grades.csv", "feedback")]
    assert set(wanted) <= set(paths), set(wanted) - set(paths)
    print(f"course-kit demo took {seconds:.0f} s")


@pytest.mark.slow
@pytest.mark.parametrize("assignment", sorted(EXAMPLES_PER_ASSIGNMENT))
def test_demo_grades_every_example_as_it_must(demo, assignment):
    out, run, _, _ = demo
    graded = out / "graded" / assignment
    with open(graded / "grades.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    expected = _expected(assignment)
    assert set(rows) == set(expected)
    tests = EXAMPLES[assignment][0]
    for login, passing in expected.items():
        row = rows[login]
        assert row["status"] == "graded", row
        assert {t for t in tests if float(row[t]) > 0} == set(passing), (login, row)
        assert (float(row["score"]) == float(row["max_score"])) == (passing == frozenset(tests))
        feedback = graded / "feedback" / f"{login}-{assignment}.html"
        assert feedback.stat().st_size > 1000 and "<html" in feedback.read_text()[:2000].lower()
    assert sorted((out / "course" / "release" / assignment).glob("*.ipynb"))  # released into the copy


@pytest.mark.slow
def test_demo_videos_decode_and_the_page_plays_without_a_kernel(demo):
    import imageio.v3 as iio
    from PIL import Image

    out, run, _, _ = demo
    for gif in ("weizmann-actions.gif", "shapes.gif"):
        frames = iio.imread(out / "videos" / gif, index=None)
        assert frames.shape[0] == 16 and frames.shape[-1] == 3
    html = (out / "videos" / "videos.html").read_text()
    images = re.findall(r'<img [^>]*src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 2                                   # one VideoGrid per shipped MoCoGAN
    for data in images:
        assert Image.open(io.BytesIO(base64.b64decode(data))).n_frames == 16   # animated, no script
    nb = json.loads((out / "videos" / "videos.ipynb").read_text())
    assert all(not o.get("output_type") == "error" for c in nb["cells"] for o in c.get("outputs", []))


@pytest.mark.slow
def test_demo_does_not_touch_the_committed_course(demo):
    assert _committed_course_state() == demo[3]


def test_sandbox_choice_says_in_one_line_when_it_grades_unsandboxed():
    unsandboxed, line = sandbox_choice("no-such-bwrap-here")
    assert unsandboxed and "WITHOUT a sandbox" in line and "\n" not in line


def test_copy_course_replaces_only_its_own_copy(tmp_path):
    (tmp_path / "mine").mkdir()
    with pytest.raises(FileExistsError, match="not a course copy made by the demo"):
        copy_course(tmp_path / "mine", ROOT)
    course = copy_course(tmp_path / "copy", ROOT)
    assert (course / "nbgrader_config.py").is_file() and (course / "source" / "svg" / "svg.ipynb").is_file()
    assert copy_course(tmp_path / "copy", ROOT) == course  # a second run replaces the first copy
    # it releases for the local student repository beside it, never the course's (placeholder) URL
    assert load_settings(course).repository_url == (tmp_path / "student-repository").as_uri()


def test_result_table_names_outputs_and_failures():
    r = DemoResult({"grades": Path("/x/grades.csv")}, ["svg example blank001 graded wrong"], 3.0)
    text = r.table()
    assert not r.ok and "/x/grades.csv" in text and "FAILED: svg example" in text and "demo FAILED" in text


def test_svg_examples_are_the_release_with_one_edit(tmp_path):
    expected = write_examples(tmp_path, 4, "svg", ROOT)
    assert list(expected) == ["reference000", "blank001", "expstd002", "meankl003"]
    assert expected["expstd002"] == SVG_TYPICAL["expstd"][1]
    text = next(tmp_path.glob("expstd002_*_svg.ipynb")).read_text()
    assert "torch.exp(logvar) * eps" in text and "BEGIN SOLUTION" not in text
    with pytest.raises(ValueError, match="`assignment` must be one of"):
        write_examples(tmp_path, 1, "nope")


@pytest.mark.slow
def test_autograde_unsandboxed_only_when_asked(tmp_path, monkeypatch):
    """Without bwrap on PATH grading is refused, unless unsandboxed=True (what the demo passes).

    The refusal is the set-up's, so it stops the run before any student: no CSV of zeros.
    """
    from course_kit.course.autograde import autograde
    from course_kit.grading.setup_error import GradingSetupError

    write_examples(tmp_path / "subs", 1, "svg", ROOT)            # the reference
    monkeypatch.setenv("PATH", str(BIN))                         # this Python, no bwrap
    with pytest.raises(GradingSetupError, match="could not be graded(.|\n)*Refusing to grade without a sandbox"):
        autograde(ROOT, "svg", tmp_path / "subs", out=tmp_path / "a", jobs=1, progress=False)
    assert not (tmp_path / "a").exists()
    allowed = autograde(ROOT, "svg", tmp_path / "subs", out=tmp_path / "b", jobs=1, progress=False,
                        unsandboxed=True)
    assert allowed.students[0].status == "graded" and allowed.students[0].score == 110


# --- course-kit lab ---------------------------------------------------------------------------

@pytest.mark.slow
def test_lab_serves_the_course_directory(tmp_path):
    port, token = free_port(), "course-kit-test"
    proc = subprocess.Popen([str(BIN / "course-kit"), "lab", "--port", str(port), "--no-browser",
                             f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"],
                            cwd=ROOT / "source", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        deadline, version = time.monotonic() + 120, None
        while version is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=5) as r:
                    version = json.load(r)["version"]
            except OSError:
                time.sleep(0.5)
        assert version, f"no answer on /api (exit {proc.poll()})"
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as r:
            names = {item["name"] for item in json.load(r)["content"]}
        assert {"nbgrader_config.py", "source", "release"} <= names   # the root is the course
    finally:
        stop_process(proc)


def test_lab_command_checks_the_port():
    from course_kit.course.lab import lab_command

    cmd = lab_command(ROOT, 8899, browser=False, extra=["--ServerApp.ip=0.0.0.0"])
    assert cmd[1:3] == ["-m", "jupyterlab"] and f"--ServerApp.root_dir={ROOT}" in cmd
    assert "--no-browser" in cmd and "--ServerApp.port=8899" in cmd and cmd[-1] == "--ServerApp.ip=0.0.0.0"
    with pytest.raises(ValueError, match="--port must be in 1..65535, got 70000"):
        lab_command(ROOT, 70000)
