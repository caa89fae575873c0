"""The README's "Open in Colab" table, written from the same setting as the notebooks' badges.

`CourseKit.repository_url` in nbgrader_config.py is the one source of the
repository's address: `course-kit release` fills each released notebook's
badge and install cell from it, and rewrites the README's table between two
marker comments so the links students click there point at the same place.
A test fails when the committed README is out of date with the settings.
"""

from __future__ import annotations

from pathlib import Path

from .release import BADGE
from .settings import load_settings

BEGIN = "<!-- course-kit: colab badges (written by `course-kit release`; edit nbgrader_config.py) -->"
END = "<!-- /course-kit: colab badges -->"


def colab_notebooks(root: Path) -> list[Path]:
    """Released assignments, then the lecture notebooks: what a student opens."""
    return sorted(root.glob("release/*/*.ipynb")) + sorted(root.glob("notebooks/*.ipynb"))


def badge_table(root: Path) -> str:
    settings = load_settings(root)
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


def update_readme(root: Path) -> bool:
    """Rewrite the README's table from the settings; True if it changed."""
    path = root / "README.md"
    if not path.is_file():
        return False
    old = path.read_text()
    new = render(old, badge_table(root), str(path))
    if new != old:
        path.write_text(new)
    return new != old
