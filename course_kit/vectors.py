"""Reading the MP's test vectors (``solutions.json``) in a student's notebook.

The vectors are made on the instructor's side (``course_kit.instructor.vectors``,
with the reference layers); this module only reads them, so the student
package needs no reference solution. ``dumps`` is the file's one canonical
layout, shared by both sides.
"""

from __future__ import annotations

import json
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
