"""Reading the MP's test vectors (``solutions.json``) in a student's notebook.

The vectors are made on the instructor's side (``course_kit.assignments.mocogan.vectors``,
with the reference layers); this module only reads them (and, on Colab,
downloads them from the course's public repository), so the student package
needs no reference solution. ``dumps`` is the file's one canonical
layout, shared by both sides.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

FORMAT_VERSION = 1


def dumps(vectors: dict) -> str:
    """Canonical JSON text: sorted keys, fixed layout, trailing newline."""
    return json.dumps(vectors, sort_keys=True, indent=1) + "\n"



def load_vectors(path: str | Path) -> dict:
    """Read a solutions.json written by :func:`write_vectors`."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"load_vectors: no test-vector file at {path}; "
                                f"the instructor makes one with `course-kit vectors --out {path}`; on Colab, run the notebook's setup cell") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"load_vectors: {path} is not valid JSON ({e})") from None
    if data.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"load_vectors: {path} has format_version "
                         f"{data.get('format_version')!r}, expected {FORMAT_VERSION}")
    return data


def raw_file_url(repository_url: str, branch: str, path: str) -> str:
    """Where ``path`` of the published repository downloads from (GitHub's raw host, or a file:// folder)."""
    url = repository_url.rstrip("/")
    url = url[:-4] if url.endswith(".git") else url
    if url.startswith("https://github.com/"):
        return f"https://raw.githubusercontent.com/{url[len('https://github.com/'):]}/{branch}/{path}"
    if url.startswith("file://"):
        return f"{url}/{path}"
    raise ValueError(f"raw_file_url: `repository_url` must be https://github.com/OWNER/NAME or a "
                     f"file:// folder, got {repository_url!r}")


def fetch_vectors(repository_url: str, branch: str, path: str, out: str | Path = "solutions.json") -> Path:
    """Download the released ``solutions.json`` at ``path`` of the course repository to ``out``, checked."""
    url = raw_file_url(repository_url, branch, path)
    out = Path(out)
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            text = response.read().decode()
    except OSError as e:
        raise OSError(f"fetch_vectors: could not download the test vectors from {url} ({e}); "
                      f"check the notebook's REPOSITORY_URL and BRANCH, or ask your instructor") from None
    out.write_text(text)
    load_vectors(out)  # a clear error now, not a KeyError in the first test cell
    return out
