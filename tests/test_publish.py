"""course-kit publish: exactly the student tree, nothing that refuses to be, and no placeholder URL."""

import subprocess
import sys
import tomllib

import nbformat
import pytest

from course_kit.course import publish as pub
from course_kit.course.release import ReleaseError, release

from student_repo import ROOT, released_copy


@pytest.fixture()
def target(tmp_path):
    return tmp_path / "student-repository"


@pytest.fixture()
def course(tmp_path, target):
    return released_copy(tmp_path / "course", target.as_uri())


def test_publish_writes_exactly_the_student_tree(course, target):
    report = pub.publish(course, target)
    written = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    package = sorted(f"course_kit/{p.as_posix()}" for p in pub.student_package_files(pub.PACKAGE_DIR))
    expected = sorted(package + ["README.md", "pyproject.toml"]
                      + [p.relative_to(course).as_posix() for p in course.glob("release/*/*")]
                      + [p.relative_to(course).as_posix() for p in course.glob("notebooks/*.ipynb")])
    assert written == expected == report.files
    assert {p.name for p in target.iterdir()} == set(pub.PUBLISHED)
    for instructor_only in ("source", "gradebook.db", "nbgrader_config.py", "course_kit/assignments/mocogan",
                            "course_kit/course", "course_kit/sandbox", "course_kit/grading", "course_kit/bench",
                            "course_kit/demo",
                            "course_kit/cli.py", "course_kit/layers.py", "course_kit/svg/losses.py",
                            "course_kit/svg/schedules.py", "course_kit/svg/metrics.py", "tests"):
        assert not (target / instructor_only).exists(), instructor_only
    readme = (target / "README.md").read_text()
    for nb in course.glob("release/*/*.ipynb"):
        assert f"]({target.as_uri()}/{nb.relative_to(course).as_posix()})" in readme
    assert f'pip install "git+{target.as_uri()}@main"' in readme
    project = tomllib.loads((target / "pyproject.toml").read_text())["project"]
    assert "ipywidgets>=7.7" in project["dependencies"] and "optional-dependencies" not in project
    assert not any(d.startswith(("nbgrader", "jupyterlab", "imageio-ffmpeg", "nbval")) for d in project["dependencies"])
    assert "scripts" not in project


def test_publish_replaces_its_own_output_and_keeps_git(course, target):
    pub.publish(course, target)
    (target / ".git").mkdir()
    (target / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (target / "course_kit" / "stale.py").write_text("x = 1\n")
    pub.publish(course, target)
    assert (target / ".git" / "HEAD").is_file() and not (target / "course_kit" / "stale.py").exists()
    (target / "notes.txt").write_text("mine\n")
    with pytest.raises(pub.PublishError, match=r"holds \['notes.txt'\], which publish did not write"):
        pub.publish(course, target)


def test_publish_refuses_notebooks_released_for_another_repository(course, tmp_path):
    with pytest.raises(pub.PublishError, match="point at another repository.*--repository-url"):
        pub.publish(course, tmp_path / "elsewhere", repository_url="https://github.com/uni/other-course")
    assert not (tmp_path / "elsewhere").exists()


def test_release_and_publish_refuse_the_placeholder(tmp_path):
    course = released_copy(tmp_path / "course")  # the kit's own config: the placeholder URL
    before = (course / "source/mocogan/mocogan.ipynb").read_bytes()
    with pytest.raises(ReleaseError, match=r"placeholder 'https://github.com/ORG/course_kit'; "
                                           r"set c.CourseKit.repository_url in .*nbgrader_config.py"):
        release(course, "mocogan", verify=False)
    assert (course / "source/mocogan/mocogan.ipynb").read_bytes() == before  # refused before any work
    with pytest.raises(pub.PublishError, match=r"publish: CourseKit.repository_url is still the kit's placeholder"):
        pub.publish(course, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    for command in (["release", "mocogan", "--no-verify"], ["publish", str(tmp_path / "out")]):
        run = subprocess.run([sys.executable, "-m", "course_kit.cli", *command, "--course-dir", str(course)],
                             capture_output=True, text=True)
        assert run.returncode == 1 and "refused" in run.stderr and "--repository-url" in run.stderr, run.stderr


def test_publish_refuses_answers(course, target, monkeypatch):
    """A student module holding an answer line stops publish, and nothing stays published."""
    monkeypatch.setattr(pub, "STUDENT_MODULES", pub.STUDENT_MODULES + ("course_kit.assignments.mocogan.layers",))
    with pytest.raises(pub.PublishError, match=r"answers would reach students: .*assignments/mocogan/layers.py"):
        pub.publish(course, target)
    assert not any(target.iterdir())


def test_publish_refuses_a_student_module_that_imports_the_instructor_side(course, target, monkeypatch):
    monkeypatch.setattr(pub, "STUDENT_MODULES", tuple(m for m in pub.STUDENT_MODULES if m != "course_kit.mocogan.motion"))
    with pytest.raises(pub.PublishError, match=r"imports the instructor side: \{'course_kit.mocogan.model': "
                                               r"\['course_kit.mocogan.motion'\]\}"):
        pub.publish(course, target)


def test_a_notebook_importing_the_instructor_side_is_refused(course, target):
    path = course / "release/mocogan/mocogan.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("from course_kit.assignments.mocogan.layers import LSTM"))
    nbformat.write(nb, path)
    with pytest.raises(pub.PublishError, match=r"mocogan.ipynb imports \['course_kit.assignments.mocogan.layers'\]"):
        pub.publish(course, target)


def test_committed_notebooks_point_at_the_configured_repository():
    assert pub.check_links(ROOT, pub.release_settings(ROOT, allow_placeholder=True)) == []
