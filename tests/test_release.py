"""course-kit release: committed release/ is up to date, nothing secret leaks, badge and vectors."""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from course_kit.course import release as rel
from course_kit.course.settings import CourseSettings, load_settings
from course_kit.assignments.mocogan.vectors import make_vectors

ROOT = Path(__file__).resolve().parents[1]
RELEASED = ROOT / "release" / "mocogan" / "mocogan.ipynb"


def _strip(nb):
    for c in nb.cells:
        c.pop("id", None)
    return nb


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    """release/ rebuilt from source/ now, in a scratch copy of the course (nothing is written here)."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / "mocogan", course / "source" / "mocogan")
    return rel.build_release(course, "mocogan", tmp_path_factory.mktemp("scratch"))


def test_committed_release_is_up_to_date_with_source(fresh_release):
    committed = nbformat.read(RELEASED, as_version=4)
    rebuilt = nbformat.read(fresh_release / "mocogan.ipynb", as_version=4)
    assert _strip(committed) == _strip(rebuilt), "release/ is stale: run `course-kit release mocogan`"
    assert (ROOT / "release/mocogan/solutions.json").read_text() == \
        (fresh_release / "solutions.json").read_text()


def test_release_has_no_solution_or_hidden_test():
    text = RELEASED.read_text()
    source = nbformat.read(ROOT / "source/mocogan/mocogan.ipynb", as_version=4)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "hidden_check" not in text
    assert "4821" not in text  # the hidden-test seed
    assert rel.find_leaks(source, nbformat.read(RELEASED, as_version=4)) == []


def test_leak_detector_finds_a_pasted_solution_line():
    source = nbformat.read(ROOT / "source/mocogan/mocogan.ipynb", as_version=4)
    leaky = nbformat.read(RELEASED, as_version=4)
    leaky.cells[-1].source += "\n        i, f, g, o = gates.chunk(4, dim=1)"
    assert rel.find_leaks(source, leaky) == ["i, f, g, o = gates.chunk(4, dim=1)"]


def test_released_badge_install_cell_and_vectors_follow_the_settings():
    settings = load_settings(ROOT)
    text = RELEASED.read_text()
    assert settings.colab_url("release/mocogan/mocogan.ipynb") in text
    assert f'REPOSITORY_URL = \\"{settings.repository_url}\\"' in text
    data = json.loads((ROOT / "release/mocogan/solutions.json").read_text())
    assert data == make_vectors(settings.vectors_seed)


def test_render_course_cells_uses_one_setting():
    nb = nbformat.read(ROOT / "source/mocogan/mocogan.ipynb", as_version=4)
    settings = CourseSettings(root=ROOT, repository_url="https://github.com/uni/ece417-kit")
    assert rel.render_course_cells(nb, settings, "release/mocogan/mocogan.ipynb")
    text = "\n".join(c.source for c in nb.cells)
    assert "https://colab.research.google.com/github/uni/ece417-kit/blob/main/release/mocogan/mocogan.ipynb" in text
    assert 'REPOSITORY_URL = "https://github.com/uni/ece417-kit"' in text
    assert "colab-badge.svg" in text


def test_settings_reject_unknown_keys(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseKit.repo_url = 'x'\n")
    with pytest.raises(ValueError, match="unknown CourseKit setting"):
        load_settings(tmp_path)


def test_readme_colab_table_follows_the_settings():
    """The README's badges come from CourseKit.repository_url, like the notebooks' own badge."""
    from course_kit.course import links as readme_badges
    readme = (ROOT / "README.md").read_text()
    assert readme_badges.render(readme, readme_badges.badge_table(ROOT)) == readme, \
        "README's Colab table is stale: run `course-kit release`"
    settings = load_settings(ROOT)
    for nb in ("release/mocogan/mocogan.ipynb", "release/svg/svg.ipynb"):
        assert settings.colab_url(nb) in readme


def test_readme_colab_table_rewrites_only_between_its_markers(tmp_path):
    from course_kit.course import links as readme_badges
    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseKit.repository_url = "https://github.com/uni/ece417-kit"\n')
    (tmp_path / "release" / "mocogan").mkdir(parents=True)
    (tmp_path / "release" / "mocogan" / "mocogan.ipynb").write_text("{}")
    text = f"intro\n{readme_badges.BEGIN}\nold\n{readme_badges.END}\noutro\n"
    (tmp_path / "README.md").write_text(text)
    assert readme_badges.update_readme(tmp_path)
    new = (tmp_path / "README.md").read_text()
    assert new.startswith("intro\n") and new.endswith("\noutro\n") and "old" not in new
    assert "github/uni/ece417-kit/blob/main/release/mocogan/mocogan.ipynb" in new
    assert not readme_badges.update_readme(tmp_path)  # idempotent
    (tmp_path / "README.md").write_text("no markers\n")
    with pytest.raises(ValueError, match="README.md: expected one"):
        readme_badges.update_readme(tmp_path)


def test_lecture_notebooks_badge_and_install_cell_follow_the_settings():
    from course_kit.course import links
    settings = load_settings(ROOT)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        rel_path = path.relative_to(ROOT).as_posix()
        tagged = {t for c in nb.cells for t in c.metadata.get("tags", [])}
        assert {rel.BADGE_TAG, rel.INSTALL_TAG} <= tagged, f"{rel_path}: no tagged badge/install cell"
        assert not rel.render_course_cells(nb, settings, rel_path), \
            f"{rel_path} is stale: run `course-kit release`"
        assert settings.colab_url(rel_path) in path.read_text()
    assert links.update_lecture_notebooks(ROOT) == []
