"""``course-kit bench notebook``: the assignment notebook run top to bottom with the reference solutions.

Executes ``source/<assignment>/*.ipynb`` (the model answers, so every test
runs) in a fresh kernel exactly as a student would with *Run All*, and prints
the total seconds and the slowest cells. Target: under 60 s on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from . import BenchFailed
from ..course.nbgrader_run import nbgrader_env
from ..course.settings import find_course_root


def run(assignment: str = "mocogan", root: Path | None = None, timeout: int = 600) -> dict:
    import os
    root = find_course_root(root)
    source = root / "source" / assignment
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"bench notebook: no notebook in {source}")
    figures = {"cells": []}
    env_before = dict(os.environ)
    os.environ.update(nbgrader_env())
    try:
        with tempfile.TemporaryDirectory(prefix="course-kit-bench-nb-") as tmp:
            work = Path(tmp) / assignment
            shutil.copytree(source, work)
            total = 0.0
            for path in notebooks:
                nb = nbformat.read(work / path.name, as_version=4)
                client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                        resources={"metadata": {"path": str(work)}})
                start = time.perf_counter()
                with client.setup_kernel():
                    startup = time.perf_counter() - start
                    for index, cell in enumerate(nb.cells):
                        t0 = time.perf_counter()
                        client.execute_cell(cell, index)
                        figures["cells"].append((path.name, index, time.perf_counter() - t0))
                        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                        if errors:
                            raise BenchFailed(f"bench notebook: cell {index} of {path.name} failed: "
                                              f"{errors[0].get('ename')}: {errors[0].get('evalue')}")
                total += time.perf_counter() - start
                figures[f"kernel start {path.name}"] = startup
            figures["total seconds"] = total
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    return figures


def report(figures: dict) -> str:
    slowest = sorted(figures["cells"], key=lambda c: -c[2])[:5]
    lines = [f"source notebook run top to bottom (reference solutions): "
             f"{figures['total seconds']:.1f} s total (target < 60 s)"]
    lines += [f"  {k}: {v:.1f} s" for k, v in figures.items() if k.startswith("kernel start")]
    lines += [f"  cell {i:>2} of {name}: {s:.2f} s" for name, i, s in slowest]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course-kit bench notebook", description=__doc__.splitlines()[0])
    p.add_argument("assignment", nargs="?", default="mocogan")
    args = p.parse_args(argv)
    print(report(run(args.assignment)))
    return 0
