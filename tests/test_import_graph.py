"""The import graph of `translate_sum` has no circles and no arrow into the package root.

The graph is read from the source with `ast`, nothing is imported: every `.py` under
translate_sum/ is a node (a package is its `__init__`, named by the package), and every
`import` / `from ... import` that names a translate_sum module is an edge.

What counts as an edge, and why:
- Imports at module level **and inside functions** both count. A lazy import only
  defers a circle to the first call; the two modules still cannot be understood, or
  moved, one without the other.
- Imports under `if TYPE_CHECKING:` count as well. They never run, but a module
  whose hints name another's class still cannot be read or moved without it; the
  issue that asked for this test named such a circle (batch.discover's hints on
  batch.options, which imports discover). The way out is a small `Protocol` in the
  lower module, naming only the attributes it reads.
- `from a.b import c` is an edge to the module `a.b.c` when `a/b/c.py` (or the
  package `a/b/c/`) exists, else an edge to `a.b` (a name defined there).
- `import a.b.c` and `from a.b.c import x` are one edge, to `a.b.c`. Python also
  runs the parent packages' `__init__` first, but a submodule importing a sibling
  while its package initialises is the ordinary layout of a package, not a circle,
  so parents are not edges.

Limits: `importlib.import_module` is not read, so the package root's lazy attributes
(`translate_sum.load_translator` → pipeline) are no edges; the second test covers the
root instead: only the entry points may import it, so nothing can circle through it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "translate_sum"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

ROOT_IMPORTERS_ALLOWED = (f"{PACKAGE}.__main__", f"{PACKAGE}.cli")
"""The entry points, which may import the package root (for `__version__`): `__main__`
and the command line, a module or a package of modules (`cli.something` too). Every
other module reads the version from `translate_sum.version`."""


def may_import_root(name: str) -> bool:
    return any(name == allowed or name.startswith(f"{allowed}.") for allowed in ROOT_IMPORTERS_ALLOWED)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _resolve_base(name: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = name.split(".")
    # A module's relative imports start from its package; a package's from itself.
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The translate_sum modules that module `name` (at `path`) imports, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_base(name, path.name == "__init__.py", node)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    found.add(submodule)
                elif base in known:
                    found.add(base)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each translate_sum module → the translate_sum modules it imports."""
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected group of modules (Tarjan), as a path a → … → a."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_circle_through(group, graph) for group in groups]


def _circle_through(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    return group


def test_the_graph_sees_known_edges():
    # Guards the reader itself: a parser that found no edges would find no circles.
    graph = import_graph()
    assert "translate_sum.errors" in graph["translate_sum.writers"]
    assert "translate_sum.writers" in graph["translate_sum.batch.run"]  # `from translate_sum import writers`
    assert "translate_sum.reader" in graph["translate_sum.pipeline"]


def test_relative_and_type_checking_imports_are_edges(tmp_path: Path):
    source = tmp_path / "view.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import footer\n"
        "from ..batch.report import BatchReport\n"
        "if TYPE_CHECKING:\n    from translate_sum.pipeline import Translator\n"
        "def later():\n    import translate_sum.audit\n",
        encoding="utf-8",
    )
    known = {"translate_sum.w.footer", "translate_sum.batch.report", "translate_sum.pipeline", "translate_sum.audit"}
    assert imports_of("translate_sum.w.view", source, known) == known


def test_find_cycles_reports_a_circle_as_a_path():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]


def test_translate_sum_has_no_import_cycles():
    cycles = find_cycles(import_graph())
    assert not cycles, "import circles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_only_the_entry_points_import_the_package_root():
    importers = sorted(
        name for name, targets in import_graph().items() if PACKAGE in targets and not may_import_root(name)
    )
    assert not importers, f"these import the package root {PACKAGE!r} (import from its modules instead): {importers}"
