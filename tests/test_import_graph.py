"""The modules of course_kit import each other without a cycle.

Every ``import`` statement counts, at module level or inside a function: a
lazy import hides a cycle from Python's start-up, not from a reader. Read
with ``ast``, nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "course_kit"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """{module: the course_kit modules it imports}, for every .py file under ``package``."""
    files = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        here = module.split(".") if is_package else module.split(".")[:-1]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here[:len(here) - node.level + 1]
                    base = ".".join(parent + ([node.module] if node.module else []))
                names = [f"{base}.{a.name}" for a in node.names]
                found.update(n for n in names if n in files)     # `from pkg import submodule`
                if not all(n in files for n in names):
                    found.add(base)                              # `from module import name`
        graph[module] = {m for m in found if m in files and m != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}          # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_relative_lazy_and_package_imports(tmp_path):
    pkg = tmp_path / "course_kit"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .sub import b\n")
    (pkg / "sub" / "__init__.py").write_text("from .b import thing\n")
    (pkg / "sub" / "b.py").write_text("from .. import a\nthing = 1\n")
    graph = import_graph(pkg)
    assert graph["course_kit.a"] == {"course_kit.sub.b"}
    assert graph["course_kit.sub"] == {"course_kit.sub.b"}
    assert graph["course_kit.sub.b"] == {"course_kit.a"}
    assert find_cycle(graph) == ["course_kit.a", "course_kit.sub.b", "course_kit.a"]


def test_course_kit_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle among course_kit modules: " + " -> ".join(cycle)
