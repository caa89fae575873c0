"""Find each student's notebook in a folder or an LMS download zip.

Layouts understood:

- an LMS zip or folder of flat files named the Canvas way,
  ``smithjohn_12345_67890_mocogan.ipynb`` (``login[_LATE]_userid_submissionid_name``;
  a resubmission's ``mocogan-1.ipynb`` counts as ``mocogan.ipynb``);
- nbgrader's ``<student>/<assignment>/<notebook>.ipynb`` or ``<student>/<notebook>.ipynb``;
- a flat ``<student>.ipynb``.

A student whose only notebook has another name (``Untitled.ipynb``) is graded
with it, and told so; a student folder without any notebook is reported as
missing; a file that is not a valid notebook is reported as such. Nothing a
student submitted stops the others from being collected.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

CANVAS_NAME = re.compile(r"^(?P<login>[A-Za-z0-9.\-]+?)(?:_LATE)?_(?P<user>\d+)_(?P<sub>\d+)_(?P<name>.+)$")
RESUBMISSION = re.compile(r"-\d+(?=\.ipynb$)")
MAX_ZIP_BYTES = 2 * 1024 ** 3


@dataclass
class Submission:
    student: str
    files: dict[str, Path] = field(default_factory=dict)   # expected notebook name -> file
    status: str = "ok"          # ok | missing | invalid
    notes: list[str] = field(default_factory=list)


def safe_student_id(name: str) -> str:
    """A student id nbgrader accepts as a folder and database key."""
    cleaned = re.sub(r"[^A-Za-z0-9_\-]", "_", name).strip("_")
    return cleaned or "unnamed"


def extract_zip(path: Path, into: Path) -> Path:
    """Extract an LMS zip safely (no absolute or ``..`` paths, bounded size)."""
    with zipfile.ZipFile(path) as zf:
        total = sum(info.file_size for info in zf.infolist())
        if total > MAX_ZIP_BYTES:
            raise ValueError(f"collect: {path} would unpack to {total / 1e9:.1f} GB "
                             f"(limit {MAX_ZIP_BYTES / 1e9:.0f} GB)")
        for info in zf.infolist():
            parts = PurePosixPath(info.filename).parts
            if info.is_dir() or not parts or info.filename.startswith("/") or ".." in parts \
                    or parts[0] == "__MACOSX":
                continue
            target = into.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
    return into


def _owner_and_name(rel: PurePosixPath) -> tuple[str, str]:
    if len(rel.parts) >= 2:
        return rel.parts[0], rel.name
    match = CANVAS_NAME.match(rel.name)
    if match:
        return match["login"], RESUBMISSION.sub("", match["name"])
    return rel.stem, rel.name


def check_notebook(path: Path) -> str | None:
    """None if ``path`` is a readable notebook, else what is wrong with it."""
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as e:  # json errors, schema errors, binary junk
        return f"{path.name} is not a valid Jupyter notebook ({type(e).__name__}: {str(e)[:200]})"
    return None


def collect(folder: Path, expected: list[str]) -> list[Submission]:
    """One Submission per student found under ``folder`` (see the module notes)."""
    if not expected:
        raise ValueError("collect: `expected` must name at least one notebook, got none")
    by_student: dict[str, dict[str, list[Path]]] = {}
    for path in sorted(folder.rglob("*")):
        rel = PurePosixPath(path.relative_to(folder).as_posix())
        if ".ipynb_checkpoints" in rel.parts or rel.parts[0].startswith(("__MACOSX", ".")):
            continue
        if path.is_dir():
            if len(rel.parts) == 1:
                by_student.setdefault(rel.parts[0], {})
            continue
        owner, name = _owner_and_name(rel)
        files = by_student.setdefault(owner, {})
        if name.endswith(".ipynb"):
            files.setdefault(name, []).append(path)
    subs = []
    for owner, files in sorted(by_student.items()):
        sub = Submission(student=safe_student_id(owner))
        if sub.student != owner:
            sub.notes.append(f"student id {owner!r} stored as {sub.student!r}")
        for want in expected:
            found = files.get(want)
            if not found and len(expected) == 1 and len(files) == 1:
                (other, found), = files.items()
                sub.notes.append(f"graded {other} as {want} (it was the only notebook)")
            if not found:
                sub.status = "missing"
                sub.notes.append(f"no notebook named {want} was submitted"
                                 + (f" (found {sorted(files)})" if files else ""))
                continue
            path = found[-1]  # the latest resubmission sorts last
            problem = check_notebook(path)
            if problem:
                sub.status = "invalid"
                sub.notes.append(problem)
                continue
            sub.files[want] = path
        subs.append(sub)
    return subs
