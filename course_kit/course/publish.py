"""``course-kit publish DIR``: write the public student repository, and nothing else.

Students install the kit and open notebooks from a public repository; the
course repository (this one) also holds source/ with its model answers and
hidden tests, the gradebook, the reference solutions (each registered
assignment's ``reference_code``, see ``course_kit.assignments``) and the
grading machinery. ``publish`` writes only:

- ``course_kit/``: the student side, the modules in ``STUDENT_MODULES`` and
  the package data a notebook reads (pretrained weights, widget front ends);
- ``pyproject.toml``: the student package, with the course's own
  ``dependencies`` (no extras, no command line);
- ``release/``: the released assignments (notebooks and visible vectors);
- ``notebooks/``: the lecture notebooks;
- ``README.md``: how to start, with an "Open in Colab" badge per notebook.

It refuses the placeholder repository URL, notebooks released for another
repository than the one published, and a student module that imports a
module outside the student side.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import assignments
from ..errors import CourseKitError
from .links import colab_notebooks
from ..grading.markers import BEGIN_SOLUTION, leak_lines
from .release import BADGE, notebook_lines, render_course_cells, release_settings, secret_lines
from .settings import CourseSettings

# The student side: what a released or lecture notebook imports, and what that imports.
STUDENT_MODULES = (
    "course_kit", "course_kit.checks", "course_kit.device", "course_kit.errors", "course_kit.media",
    "course_kit.forget_bias", "course_kit.payoff", "course_kit.pretrained", "course_kit.student", "course_kit.vectors",
    "course_kit.data", "course_kit.data.dataset", "course_kit.data.readers", "course_kit.data.shapes",
    "course_kit.mocogan", "course_kit.mocogan.classifier", "course_kit.mocogan.evaluate",
    "course_kit.mocogan.live", "course_kit.mocogan.metrics", "course_kit.mocogan.model",
    "course_kit.mocogan.motion", "course_kit.mocogan.networks", "course_kit.mocogan.noise_modes",
    "course_kit.mocogan.augment", "course_kit.mocogan.train",
    "course_kit.training", "course_kit.training.card", "course_kit.training.run",
    "course_kit.svg", "course_kit.svg.data", "course_kit.svg.lab", "course_kit.svg.model", "course_kit.svg.world",
    "course_kit.widgets", "course_kit.widgets.colab", "course_kit.widgets.encode",
    "course_kit.widgets.diagram", "course_kit.widgets.explorer", "course_kit.widgets.export",
    "course_kit.widgets.figures", "course_kit.widgets.grid", "course_kit.widgets.states",
    "course_kit.widgets.player", "course_kit.widgets.plots", "course_kit.widgets.video",
)
# Package data the student side reads, relative to course_kit/.
STUDENT_DATA = ("pretrained/*.safetensors", "pretrained/*.md", "pretrained/manifest.json",
                "widgets/*.js", "widgets/*.css")
PUBLISHED = ("course_kit", "pyproject.toml", "release", "notebooks", "README.md")
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the installed course_kit/ publish copies from


class PublishError(CourseKitError, RuntimeError):
    """The student repository would be wrong or leak instructor material; nothing was written."""


@dataclass
class PublishReport:
    out: Path
    files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        top = sorted({f.split("/")[0] for f in self.files})
        return f"published the student repository to {self.out}: {len(self.files)} files ({', '.join(top)})"


def module_path(package_dir: Path, module: str) -> Path:
    """course_kit.a.b -> <package_dir>/a/b.py or <package_dir>/a/b/__init__.py."""
    parts = module.split(".")[1:]
    plain = package_dir.joinpath(*parts).with_suffix(".py") if parts else None
    if plain is not None and plain.is_file():
        return plain
    return package_dir.joinpath(*parts, "__init__.py")


def kit_imports(path: Path, module: str) -> set[str]:
    """The course_kit modules ``path`` (module ``module``) imports, anywhere in its code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and re.fullmatch(r"course_kit(\.\w+)*(:\w+)?", node.value):
            found.add(node.value.split(":")[0])  # importlib by name: "course_kit.mocogan.model:loader"
    return {m for m in found if m == "course_kit" or m.startswith("course_kit.")}


def is_module(package_dir: Path, name: str) -> bool:
    return module_path(package_dir, name).is_file()


def instructor_imports(package_dir: Path) -> dict[str, list[str]]:
    """Student modules that import a course_kit module outside the student side: {module: [imports]}."""
    bad = {}
    for module in STUDENT_MODULES:
        outside = sorted(m for m in kit_imports(module_path(package_dir, module), module)
                         if is_module(package_dir, m) and m not in STUDENT_MODULES)
        if outside:
            bad[module] = outside
    return bad


def notebook_imports(nb) -> set[str]:
    """The course_kit modules a notebook's code cells import (``from x import y`` counts x.y if a module)."""
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            for m in re.finditer(r"\b(?:from|import)\s+(course_kit[\w.]*)(?:\s+import\s+([\w, ]+))?", line):
                found.add(m.group(1))
                found.update(f"{m.group(1)}.{n.strip()}" for n in (m.group(2) or "").split(",") if n.strip())
    return found


def student_package_files(package_dir: Path) -> list[Path]:
    """Every file of the student package, relative to ``package_dir`` (course_kit/)."""
    files = {module_path(package_dir, m).relative_to(package_dir) for m in STUDENT_MODULES}
    for pattern in STUDENT_DATA:
        files.update(p.relative_to(package_dir) for p in package_dir.glob(pattern) if p.is_file())
    return sorted(files)


def _project(distribution: str) -> dict:
    """name, version, description, requires-python and dependencies (no extras) of the kit:
    from pyproject.toml in a checkout (always current), else from the installed metadata."""
    pyproject = PACKAGE_DIR.parent / "pyproject.toml"
    if pyproject.is_file():
        import tomllib
        project = tomllib.loads(pyproject.read_text())["project"]
        info = {k: project[k] for k in ("name", "version", "description", "requires-python", "dependencies")}
        return {**info, "license": project.get("license", {}).get("text", "")}
    meta = importlib.metadata.metadata(distribution)
    return {"name": meta["Name"], "version": meta["Version"], "description": meta["Summary"],
            "requires-python": meta["Requires-Python"], "license": meta.get("License") or "",
            "dependencies": [r for r in importlib.metadata.requires(distribution) or [] if "extra ==" not in r]}


def student_pyproject(distribution: str = "course_kit") -> str:
    """The student package's pyproject.toml: the kit's name, version and dependencies, no extras."""
    project = _project(distribution)
    deps = "".join(f'    "{r}",\n' for r in project["dependencies"])
    data = ", ".join(f'"{p}"' for p in STUDENT_DATA)
    return (f'# The student package of the course kit, written by `course-kit publish`.\n'
            f'[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "{project["name"]}"\nversion = "{project["version"]}"\n'
            f'description = "{project["description"]}"\nreadme = "README.md"\n'
            f'requires-python = "{project["requires-python"]}"\n'
            + (f'license = {{ text = "{project["license"]}" }}\n' if project["license"] else "")
            + f'dependencies = [\n{deps}]\n\n'
            f'[tool.setuptools.packages.find]\ninclude = ["course_kit*"]\n\n'
            f'[tool.setuptools.package-data]\ncourse_kit = [{data}]\n')


def student_readme(settings: CourseSettings, notebooks: list[str]) -> str:
    """The public repository's README: what it is, the badges, how to install elsewhere."""
    rows = "\n".join(f"| `{nb}` | {BADGE.format(url=settings.colab_url(nb))} |" for nb in notebooks)
    return (f"# Video generation with MoCoGAN: the course notebooks\n\n"
            f"Open a notebook in Google Colab and run its first cell: it installs the course's\n"
            f"student package from this repository (it only adds packages to Colab's own) and, for\n"
            f"an assignment, fetches its test values. Work in the cells marked `YOUR CODE HERE`,\n"
            f"then submit the `.ipynb` file as your instructor asks.\n\n"
            f"| notebook | open it |\n|---|---|\n{rows}\n\n"
            f"## Elsewhere (JupyterLab, VS Code, a laptop)\n\n"
            f"```\npip install \"{settings.package_requirement}\"\n```\n\n"
            f"then open the notebooks from `release/` and `notebooks/` of a clone of this repository.\n")


_UNGRADED = {"reset_parameters", "extra_repr"}  # helpers of the reference classes no student writes


def _computing(body: list):
    """The statements of ``body`` that compute something: not docstrings, argument checks, raises,
    imports, ``super().__init__()`` or plain copies of a name or constant (the public API's shape)."""
    for k, stmt in enumerate(body):
        if k == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # docstring
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            if stmt.name not in _UNGRADED:
                yield from _computing(stmt.body)
        elif isinstance(stmt, ast.If) and isinstance(stmt.body[-1], ast.Raise):
            yield from _computing(stmt.orelse)  # an argument check
        elif isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            for part in ("body", "orelse", "finalbody"):
                yield from _computing(getattr(stmt, part, []))
            for handler in getattr(stmt, "handlers", []):
                yield from _computing(handler.body)
        elif isinstance(stmt, (ast.Raise, ast.Pass, ast.Import, ast.ImportFrom)):
            continue
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.Name, ast.Constant)) \
                and all(isinstance(target, (ast.Name, ast.Attribute)) for target in stmt.targets):
            continue
        elif isinstance(stmt, ast.Expr) and "super()" in ast.unparse(stmt):
            continue
        else:
            yield stmt


def definition_lines(path: Path, names: tuple[str, ...]) -> set[str]:
    """The lines (stripped, long enough to tell) that compute something in the top-level
    definitions ``names`` of ``path``: the substance of a reference solution."""
    text = path.read_text()
    lines, found, missing = text.splitlines(), set(), set(names)
    for node in ast.parse(text, str(path)).body:
        if getattr(node, "name", None) in missing:
            missing.discard(node.name)
            for stmt in _computing(node.body):
                found.update(line.strip() for line in lines[stmt.lineno - 1:stmt.end_lineno])
    if missing:
        raise ValueError(f"definition_lines: {path} has no top-level {sorted(missing)} (an Assignment.reference_code in course_kit.assignments is stale)")
    return leak_lines(found, set())


def _plain_solution_lines(nb) -> set[str]:
    """Lines of solution code cells that compute nothing (``for _ in range(n):``, ``self.x = x``)."""
    plain = set()
    for cell in nb.cells:
        if cell.cell_type != "code" or BEGIN_SOLUTION not in cell.source:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        lines = cell.source.splitlines()
        computing = {line.strip() for stmt in _computing(tree.body)
                     for line in lines[stmt.lineno - 1:stmt.end_lineno]}
        plain |= {line.strip() for line in lines} - computing
    return plain


def answer_lines(root: Path, package_dir: Path = PACKAGE_DIR) -> set[str]:
    """Every line that would give an answer away: the source notebooks' solutions and hidden tests,
    and the reference code, less what the student sees anyway (stubs, visible tests, text)."""
    answers, public = set(), set()
    for path in sorted(root.glob("source/*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        secret, seen = secret_lines(nb)
        answers |= secret - _plain_solution_lines(nb)
        public |= seen
    for rel, names in assignments.reference_code().items():
        answers |= definition_lines(package_dir / rel, names) - public
    return answers


def file_lines(path: Path) -> set[str]:
    """The stripped lines of a published file (a notebook's sources and outputs); none for binaries."""
    if path.suffix == ".ipynb":
        return notebook_lines(nbformat.read(path, as_version=4))
    try:
        return {line.strip() for line in path.read_text().splitlines()}
    except UnicodeDecodeError:  # weights
        return set()


def find_answers(folder: Path, answers: set[str]) -> dict[str, list[str]]:
    """{file: answer lines in it} for every file under ``folder``."""
    found = {}
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and ".git" not in p.parts):
        hits = file_lines(path) & answers
        if hits:
            found[path.relative_to(folder).as_posix()] = sorted(hits)
    return found


def check_links(root: Path, settings: CourseSettings) -> list[str]:
    """Notebooks whose badge or install cell points at another repository than ``settings``."""
    stale = []
    for path in colab_notebooks(root):
        rel = path.relative_to(root).as_posix()
        if render_course_cells(nbformat.read(path, as_version=4), settings, rel):
            stale.append(rel)
    return stale


def _clear(out: Path) -> None:
    """Remove what an earlier publish wrote; refuse a folder holding anything else (but .git)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise PublishError(f"publish: `out` must be a folder, got the file {out}")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in PUBLISHED and p.name != ".git")
    if foreign:
        raise PublishError(f"publish: {out} holds {foreign}, which publish did not write; give an empty "
                           f"folder, a clone of the student repository, or one an earlier publish wrote")
    for name in PUBLISHED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def publish(root: str | Path | None, out: str | Path, repository_url: str | None = None) -> PublishReport:
    """Write the student repository for ``repository_url`` (default: CourseKit.repository_url) to ``out``."""
    try:
        settings = release_settings(root, repository_url)
    except RuntimeError as e:
        raise PublishError(str(e).replace("release:", "publish:", 1)) from None
    root, out = settings.root, Path(out).resolve()
    if out == root or root in out.parents:
        raise PublishError(f"publish: `out` must be outside the course, got {out}")
    package = PACKAGE_DIR
    bad = instructor_imports(package)
    if bad:
        raise PublishError(f"publish: the student side imports the instructor side: {bad}; move the "
                           f"code or add the module to STUDENT_MODULES in {Path(__file__).name}")
    notebooks = colab_notebooks(root)
    if not any(p.parts[-3] == "release" for p in notebooks):
        raise PublishError(f"publish: nothing released in {root / 'release'}; run `course-kit release` first")
    for path in notebooks:
        outside = sorted(m for m in notebook_imports(nbformat.read(path, as_version=4))
                         if is_module(package, m) and m not in STUDENT_MODULES)
        if outside:
            raise PublishError(f"publish: {path.relative_to(root)} imports {outside}, which students do not get")
    stale = check_links(root, settings)
    if stale:
        raise PublishError(f"publish: {stale} point at another repository than {settings.repository_url}; "
                           f"run `course-kit release ASSIGNMENT --repository-url {settings.repository_url}` "
                           f"for each assignment first")
    _clear(out)
    report = PublishReport(out)
    for rel in student_package_files(package):
        _copy(package / rel, out / "course_kit" / rel, report, out)
    for path in notebooks:
        _copy(path, out / path.relative_to(root), report, out)
    for vectors in sorted(root.glob("release/*/*.json")):
        _copy(vectors, out / vectors.relative_to(root), report, out)
    rel_notebooks = [p.relative_to(root).as_posix() for p in notebooks]
    _write(out / "pyproject.toml", student_pyproject(), report, out)
    _write(out / "README.md", student_readme(settings, rel_notebooks), report, out)
    leaks = find_answers(out, answer_lines(root, package))
    if leaks:
        _clear(out)
        raise PublishError(f"publish: answers would reach students: {leaks}; nothing was published")
    report.files.sort()
    return report


def _copy(src: Path, dst: Path, report: PublishReport, out: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    report.files.append(dst.relative_to(out).as_posix())


def _write(dst: Path, text: str, report: PublishReport, out: Path) -> None:
    dst.write_text(text)
    report.files.append(dst.relative_to(out).as_posix())
