"""Where the repository's address shows outside release/: the README's table and notebooks/.

`CourseKit.repository_url` in nbgrader_config.py is the one source of the
repository's address. `course-kit release` fills each released notebook's
badge and install cell from it, and with this module also rewrites the
README's "Open in Colab" table (between two marker comments) and the badge
and install cells of the lecture notebooks in notebooks/, so every link a
student clicks points at the same place. Tests fail when either is stale.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from .release import BADGE, render_course_cells
from .settings import load_settings

BEGIN = "<!-- course-kit: colab badges (written by `course-kit release`; edit nbgrader_config.py) -->"
END = "<!-- /course-kit: colab badges -->"


def colab_notebooks(root: Path) -> list[Path]:
    """Released assignments, then the lecture notebooks: what a student opens."""
    return sorted(root.glob("release/*/*.ipynb")) + sorted(root.glob("notebooks/*.ipynb"))


def badge_table(root: Path, repository_url: str | None = None) -> str:
    settings = load_settings(root, repository_url=repository_url)
    rows = ["| notebook | open it |", "|---|---|"]
    for nb in colab_notebooks(root):
        rel = nb.relative_to(root).as_posix()
        rows.append(f"| `{rel}` | {BADGE.format(url=settings.colab_url(rel))} |")
    return "\n".join(rows)


def render(readme: str, table: str, where: str = "README.md") -> str:
    """``readme`` with the text between the markers replaced by ``table``."""
    if readme.count(BEGIN) != 1 or readme.count(END) != 1 or readme.index(BEGIN) > readme.index(END):
        raise ValueError(f"{where}: expected one {BEGIN!r} line followed by one {END!r} line "
                         f"around the Colab table; found {readme.count(BEGIN)} and {readme.count(END)}")
    head, rest = readme.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


def update_readme(root: Path, repository_url: str | None = None) -> bool:
    """Rewrite the README's table from the settings; True if it changed."""
    path = root / "README.md"
    if not path.is_file():
        return False
    old = path.read_text()
    new = render(old, badge_table(root, repository_url), str(path))
    if new != old:
        path.write_text(new)
    return new != old


def update_lecture_notebooks(root: Path, repository_url: str | None = None) -> list[Path]:
    """Fill notebooks/*.ipynb badge and install cells from the settings; returns those changed.

    Only the tagged cells' sources change: outputs (what nbval compares) stay.
    """
    settings, changed = load_settings(root, repository_url=repository_url), []
    for path in sorted(root.glob("notebooks/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if render_course_cells(nb, settings, path.relative_to(root).as_posix()):
            nbformat.write(nb, path)
            changed.append(path)
    return changed
