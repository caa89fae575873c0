"""``course-kit release``: regenerate ``release/<assignment>`` from ``source/`` and prove it safe.

Steps, all in a scratch copy of the course until the last one:

1. write the visible test vectors (``solutions.json``, seed ``CourseKit.vectors_seed``, made
   by the assignment's registered vectors maker, see ``course_kit.assignments``)
   beside the source notebook, and fill the Colab badge and install cell from
   ``CourseKit.repository_url``;
2. ``nbgrader generate_assignment`` (solutions and hidden tests stripped);
3. refuse if any solution line or hidden-test line survives into the release;
4. autograde the source notebook (it must get full marks on every test) and
   the blank release (it must get zero on every test);
5. copy the release into the course (and update the course gradebook).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearOutput

from .. import assignments
from ..grading.markers import is_marker_line, leak_lines, region_lines
from ..vectors import dumps
from .nbgrader_run import run_nbgrader
from .settings import CourseSettings, load_settings
from .sources import ReleaseError, scratch_course, source_notebooks  # noqa: F401 (ReleaseError: re-exported)

BADGE_TAG = "course-kit-badge"
INSTALL_TAG = "course-kit-install"
VECTORS_FILE = "solutions.json"
BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


class ClearRunOutput(ClearOutput):
    """nbgrader's ClearOutput, plus what executing a notebook adds to its metadata.

    Source notebooks are committed executed (nbval checks them), so their
    metadata holds the saved widget state (megabytes of videos) and the
    executing kernel's ``language_info`` (its Python version), and cells may
    hold nbclient's execution timestamps: none of it belongs in the blank
    student release, and it would make ``release/`` depend on who executed
    ``source/`` last.
    """

    def preprocess_cell(self, cell, resources, index):
        cell, resources = super().preprocess_cell(cell, resources, index)
        cell.metadata.pop("execution", None)
        return cell, resources

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        nb.metadata.pop("widgets", None)
        language = nb.metadata.get("language_info")
        if language is not None:
            nb.metadata["language_info"] = {"name": language.get("name", "python")}
        return nb, resources


def release_preprocessors() -> list:
    """nbgrader's generate_assignment preprocessors with ClearOutput replaced by ClearRunOutput."""
    from nbgrader.converters import GenerateAssignment
    default = GenerateAssignment.class_traits()["preprocessors"].default()
    return [ClearRunOutput if p is ClearOutput else p for p in default]


@dataclass
class ReleaseReport:
    assignment: str
    notebooks: list[str] = field(default_factory=list)
    source_scores: dict = field(default_factory=dict)
    blank_scores: dict = field(default_factory=dict)
    release_dir: Path | None = None

    def summary(self) -> str:
        full = sum(s for s, _ in self.source_scores.values())
        top = sum(m for _, m in self.source_scores.values())
        blank = sum(s for s, _ in self.blank_scores.values())
        return (f"released {self.assignment}: {', '.join(self.notebooks)} -> {self.release_dir}\n"
                f"  source notebook (reference solutions): {full:g}/{top:g} autograded points\n"
                f"  blank release: {blank:g}/{top:g} autograded points\n"
                f"  no solution or hidden-test line in release/")


def render_course_cells(nb, settings: CourseSettings, notebook_path: str) -> bool:
    """Fill the badge and install cells from the settings; True if anything changed."""
    changed = False
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        new = cell.source
        if BADGE_TAG in tags:
            new = BADGE.format(url=settings.colab_url(notebook_path))
        elif INSTALL_TAG in tags:
            new = re.sub(r'^REPOSITORY_URL = "[^"]*"', f'REPOSITORY_URL = "{settings.repository_url}"',
                         cell.source, count=1, flags=re.M)
            new = re.sub(r'^BRANCH = "[^"]*"', f'BRANCH = "{settings.branch}"', new, count=1, flags=re.M)
        if new != cell.source:
            cell.source, changed = new, True
    return changed


def prepare_source(root: Path, assignment: str, settings: CourseSettings) -> list[Path]:
    """Step 1, in place in source/: vectors and settings-driven cells (idempotent)."""
    notebooks = source_notebooks(root, assignment)
    uses_vectors = False
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        uses_vectors |= VECTORS_FILE in path.read_text()
        if render_course_cells(nb, settings, f"release/{assignment}/{path.name}"):
            nbformat.write(nb, path)
    if uses_vectors:
        make_vectors = assignments.lookup(assignment).make_vectors
        if make_vectors is None:
            raise ReleaseError(f"release: {assignment} reads {VECTORS_FILE} but registers no vectors maker "
                               f"(Assignment.make_vectors in course_kit.assignments)")
        target = root / "source" / assignment / VECTORS_FILE
        text = dumps(make_vectors(settings.vectors_seed))
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    return notebooks


def secret_lines(source_nb) -> tuple[set[str], set[str]]:
    """(solution and hidden-test lines of a source notebook, its other lines), stripped."""
    secret, public = set(), set()
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution"):
            secret.update(line.strip() for line in cell.source.splitlines()
                          if not is_marker_line(line))
            continue
        hidden = region_lines(cell.source, "solution") + region_lines(cell.source, "hidden")
        secret.update(hidden)
        public.update(line.strip() for line in cell.source.splitlines() if line.strip() not in hidden)
    return leak_lines(secret, public), public


def notebook_lines(nb) -> set[str]:
    """Every stripped line of a notebook's cell sources and outputs."""
    lines = {line.strip() for cell in nb.cells for line in cell.source.splitlines()}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            lines.update(line.strip() for line in json.dumps(output).split("\\n"))
            texts = [output.get("text", ""), "\n".join(output.get("traceback", []))]
            texts += [v if isinstance(v, str) else json.dumps(v) for v in output.get("data", {}).values()]
            lines.update(line.strip() for text in texts for line in text.splitlines())
    return lines


def find_leaks(source_nb, release_nb) -> list[str]:
    """Solution and hidden-test lines of the source that appear in the release."""
    return sorted(secret_lines(source_nb)[0] & notebook_lines(release_nb))


def build_release(root: Path, assignment: str, scratch: Path,
                  settings: CourseSettings | None = None) -> Path:
    """Steps 1-3 in ``scratch``; returns the scratch release folder."""
    settings = settings or load_settings(root)
    notebooks = prepare_source(root, assignment, settings)
    course = scratch_course(root, assignment, scratch)
    run_nbgrader(course, "generate_assignment", assignment, "--force")
    release_dir = course / "release" / assignment
    for path in notebooks:
        leaks = find_leaks(nbformat.read(path, as_version=4),
                           nbformat.read(release_dir / path.name, as_version=4))
        if leaks:
            raise ReleaseError(f"release: {len(leaks)} solution or hidden-test line(s) of "
                               f"{path.name} would be released, e.g. {leaks[:3]}; check the "
                               f"BEGIN/END SOLUTION and HIDDEN TESTS markers")
    return release_dir


def verify_release(root: Path, assignment: str, scratch: Path, report: ReleaseReport,
                   jobs: int = 2) -> None:
    """Step 4: the source gets every test point, the blank release none."""
    from .autograde import autograde
    release_dir = scratch / "release" / assignment
    subs = scratch / "self-check"
    for who, folder in (("reference", root / "source" / assignment), ("blank", release_dir)):
        for nb in folder.glob("*.ipynb"):
            (subs / who).mkdir(parents=True, exist_ok=True)
            shutil.copy(nb, subs / who / nb.name)
    from ..grading.setup_error import GradingSetupError
    try:
        result = autograde(root, assignment, subs, out=scratch / "self-check-graded", jobs=jobs,
                           progress=False)
    except GradingSetupError as e:
        raise ReleaseError(f"release: the grading set-up cannot grade this assignment: {e}") from None
    by_student = {s.student: s for s in result.students}
    ref, blank = by_student["reference"], by_student["blank"]
    report.source_scores, report.blank_scores = ref.tests, blank.tests
    failed = [name for name, (score, top) in ref.tests.items() if score < top]
    if failed or not ref.tests:
        raise ReleaseError(f"release: the source notebook fails its own tests {failed or '(none ran)'}"
                           f" ({ref.note}); fix the solution or the tests first")
    passed = [name for name, (score, _) in blank.tests.items() if score > 0]
    if passed:
        raise ReleaseError(f"release: the blank release passes {passed}; those tests would give "
                           f"points for no work")


def release_settings(root: str | Path | None, repository_url: str | None = None,
                     allow_placeholder: bool = False) -> CourseSettings:
    """The settings a release (or publish) writes into notebooks; refuses the placeholder URL.

    ``allow_placeholder`` is for the kit's own template release only (its
    committed release/ keeps the placeholder, for each instructor to replace).
    """
    settings = load_settings(root, repository_url=repository_url)
    if not allow_placeholder:
        try:
            settings.require_repository("release")
        except ValueError as e:
            raise ReleaseError(str(e)) from None
    return settings


def release(root: str | Path | None = None, assignment: str = assignments.DEFAULT, verify: bool = True,
            jobs: int = 2, repository_url: str | None = None,
            allow_placeholder: bool = False) -> ReleaseReport:
    """Regenerate ``release/<assignment>`` (see the module notes); raises ReleaseError if unsafe.

    The badge and install cell point at ``repository_url`` (default:
    ``CourseKit.repository_url``), which must not be the kit's placeholder.
    """
    settings = release_settings(root, repository_url, allow_placeholder)
    root = settings.root
    report = ReleaseReport(assignment)
    with tempfile.TemporaryDirectory(prefix="course-kit-release-") as tmp:
        scratch = Path(tmp)
        release_dir = build_release(root, assignment, scratch, settings)
        if verify:
            verify_release(root, assignment, scratch, report, jobs=jobs)
        # The course itself: release/ and its gradebook, from the same inputs as the scratch copy.
        run_nbgrader(root, "generate_assignment", assignment, "--force")
        target = root / "release" / assignment
        for path in release_dir.rglob("*"):
            if path.is_file() and (target / path.relative_to(release_dir)).read_bytes() != path.read_bytes():
                raise ReleaseError(f"release: {target} differs from the verified scratch release "
                                   f"({path.name}); run course-kit release again")
        report.notebooks = sorted(p.name for p in target.glob("*.ipynb"))
        report.release_dir = target
    return report
