"""The instructor's course settings, read from the course's ``nbgrader_config.py``.

One file holds every setting an instructor changes: nbgrader's own sections
(timeouts, ignore patterns) and a ``CourseKit`` section for this kit
(repository URL behind the Colab badge and the install cell, the seed of the
visible test vectors, whether feedback shows hidden-test details). Reading it
with traitlets' own loader means ``nbgrader`` and ``course-kit`` see the same
values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"
PLACEHOLDER_URL = "https://github.com/ORG/course_kit"


@dataclass(frozen=True)
class CourseSettings:
    root: Path
    repository_url: str = PLACEHOLDER_URL
    branch: str = "main"
    vectors_seed: int = 0
    show_hidden_details: bool = False
    cell_timeout: int = 30

    @property
    def is_placeholder(self) -> bool:
        return self.repository_url.rstrip("/") == PLACEHOLDER_URL

    def require_repository(self, where: str) -> None:
        """Refuse the kit's placeholder URL: a release pointing at it gives students a failing first cell."""
        if self.is_placeholder:
            raise ValueError(
                f"{where}: CourseKit.repository_url is still the kit's placeholder {PLACEHOLDER_URL!r}; "
                f"set c.CourseKit.repository_url in {self.root / CONFIG_FILE} to the public student "
                f"repository that `course-kit publish` fills (e.g. https://github.com/your-org/your-course), "
                f"or pass --repository-url URL")

    @property
    def package_requirement(self) -> str:
        """What the released install cell hands to pip: the student package of the published repository.

        pip's plain ``git+URL@BRANCH`` form: older pips (23.x) reject ``course_kit @ git+file:///...``.
        """
        return f"git+{self.repository_url}@{self.branch}"

    @property
    def on_github(self) -> bool:
        return self.repository_url.startswith("https://github.com/")

    @property
    def repository_path(self) -> str:
        """'owner/name' for github.com URLs (what Colab's /github/ links need)."""
        url = self.repository_url.rstrip("/")
        if url.endswith(".git"):
            url = url[:-4]
        prefix = "https://github.com/"
        if not url.startswith(prefix):
            raise ValueError(f"CourseKit.repository_url must start with {prefix} for the Colab "
                             f"badge, got {self.repository_url!r}")
        return url[len(prefix):]

    def colab_url(self, notebook: str) -> str:
        """Colab link to ``notebook`` (a path relative to the course root) on the branch.

        Colab opens notebooks from GitHub only; for any other repository (a local
        ``file://`` one in the demo and tests) the badge links the file itself.
        """
        if not self.on_github and "://" in self.repository_url:
            return f"{self.repository_url.rstrip('/')}/{notebook}"
        return (f"https://colab.research.google.com/github/{self.repository_path}/blob/"
                f"{self.branch}/{notebook}")


#: The ``c.CourseKit.*`` settings: every field but the folder and nbgrader's cell timeout.
COURSE_KIT_FIELDS = tuple(f.name for f in fields(CourseSettings) if f.name not in ("root", "cell_timeout"))


def find_course_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding nbgrader_config.py."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise FileNotFoundError(f"no {CONFIG_FILE} found in {here} or any parent folder; run this "
                            f"inside the course directory or pass --course-dir")


def default_course_root() -> Path:
    """The course around the working directory, else the checkout this package lives in."""
    try:
        return find_course_root()
    except FileNotFoundError:
        return find_course_root(Path(__file__).resolve().parents[2])


def load_settings(root: str | Path | None = None, repository_url: str | None = None) -> CourseSettings:
    """Read the CourseKit and Execute sections of ``root/nbgrader_config.py``.

    ``repository_url`` overrides ``CourseKit.repository_url`` (``--repository-url``).
    """
    settings = _read_settings(root)
    if repository_url is not None:
        if not isinstance(repository_url, str) or "://" not in repository_url:
            raise ValueError(f"load_settings: `repository_url` must be a URL such as "
                             f"https://github.com/your-org/your-course or file:///path, got {repository_url!r}")
        settings = replace(settings, repository_url=repository_url.rstrip("/"))
    return settings


def _read_settings(root: str | Path | None) -> CourseSettings:
    root = find_course_root(root)
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    kit = config.get("CourseKit", {})
    known = set(COURSE_KIT_FIELDS)
    unknown = set(kit) - known
    if unknown:
        raise ValueError(f"{root / CONFIG_FILE}: unknown CourseKit setting(s) {sorted(unknown)}; "
                         f"expected some of {sorted(known)}")
    timeout = config.get("Execute", {}).get("timeout", 30)
    return CourseSettings(root=root, cell_timeout=int(timeout),
                          **{k: kit[k] for k in known if k in kit})
