"""Layout (issue 13): the package's modules form no import circle and stay small and shallow.

Read from the installed package's own source files (AST only, nothing is imported
but the four subpackages, to find their folders). What counts as an import:

- every ``import``/``from ... import`` of a backup_doctor module, at module level or
  inside a function (a circle through a lazy import still means two modules that need
  each other); imports under ``if TYPE_CHECKING:`` are left out (annotations only);
- ``from pkg import name`` is an import of the submodule ``pkg.name`` when such a file
  exists, else of ``pkg`` itself; the parent packages Python initialises on the way
  are not counted (each submodule would otherwise form a circle with an ``__init__``
  that re-exports it).

The depth of a chain counts the modules Python loads one inside another when a
module is imported: module-level imports only, since a lazy import runs later, from a
module already loaded. Before issue 13: 13 (``cli.batch_cmd -> cli.main -> cli.rules_cmd ->
engine -> engine.runner -> ... -> facts.version``); after it, 9. A module that only
annotates with a type imports it under ``TYPE_CHECKING``, and a subpackage's
``__init__`` stays empty, so importers name the defining module.

Issue 13's redesign made every check pass (they were marked ``xfail`` before it).
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path


ROOTS = ("cli", "engine", "facts", "rules")
MAX_DEPTH = 9
MAX_ENGINE_TOP_LEVEL = 12
MAX_LINES = 400


@dataclass(frozen=True)
class Module:
    name: str  # without the "backup_doctor." prefix, e.g. "engine.runner"
    path: Path
    is_package: bool


def _folder(root: str) -> Path:
    package = importlib.import_module(f"backup_doctor.{root}")
    # Under an editable install a subpackage's __path__ may also hold a finder's entry.
    return Path(next(p for p in package.__path__ if Path(p).is_dir())).resolve()


@cache
def _modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for root in ROOTS:
        folder = _folder(root)
        for path in sorted(folder.rglob("*.py")):
            parts = [root, *path.relative_to(folder).with_suffix("").parts]
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            found[name] = Module(name, path, is_package)
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(node: ast.AST, *, in_function: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Each import statement under *node* (TYPE_CHECKING blocks left out), and whether it sits in a function."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield from _imports(other, in_function=in_function)
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, in_function
        yield from _imports(child, in_function=in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))


def _targets(module: Module, stmt: ast.Import | ast.ImportFrom, known: dict[str, Module]) -> set[str]:
    def local(dotted: str) -> str | None:
        if dotted == "backup_doctor" or not dotted.startswith("backup_doctor."):
            return None
        return dotted.removeprefix("backup_doctor.")

    if isinstance(stmt, ast.Import):
        return {name for a in stmt.names if (name := local(a.name)) in known}
    if stmt.level:
        package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
        base = package[:len(package) - (stmt.level - 1)]
        source: str | None = ".".join(base + ([stmt.module] if stmt.module else []))
    else:
        source = local(stmt.module or "")
    if source is None:
        return set()
    submodules = {f"{source}.{a.name}" for a in stmt.names if f"{source}.{a.name}" in known}
    named_attributes = len(submodules) < len(stmt.names)
    return submodules | ({source} if named_attributes and source in known else set())


@cache
def _graph(*, lazy: bool) -> dict[str, frozenset[str]]:
    known = _modules()
    graph: dict[str, frozenset[str]] = {}
    for name, module in known.items():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        edges: set[str] = set()
        for stmt, in_function in _imports(tree):
            if lazy or not in_function:
                edges |= _targets(module, stmt, known)
        graph[name] = frozenset(edges - {name})
    return graph


def _circles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(circles)


def _longest_chain(graph: dict[str, frozenset[str]]) -> list[str]:
    """The longest chain of modules each importing the next, never visiting one twice."""
    def longest(node: str, seen: frozenset[str]) -> list[str]:
        best = [node]
        for nxt in sorted(graph[node] - seen):
            chain = [node, *longest(nxt, seen | {nxt})]
            if len(chain) > len(best):
                best = chain
        return best

    return max((longest(node, frozenset({node})) for node in sorted(graph)), key=len)


def test_the_layout_reads_the_whole_package() -> None:
    # The checks below are only as good as the module list they walk.
    names = set(_modules())
    assert {"engine", "engine.runner", "engine._durable", "facts.models", "cli"} <= names
    assert any(edge == "engine._durable" for edges in _graph(lazy=False).values() for edge in edges)


def test_no_import_circles() -> None:
    # Once: cli.main <-> cli.batch_cmd, cli.rules_cmd (commands registered by a bottom
    # import) and engine.packs <-> engine.snapshot (a lazy import).
    assert _circles(_graph(lazy=True)) == []


def test_import_chains_are_at_most_nine_modules_deep() -> None:
    chain = _longest_chain(_graph(lazy=False))
    assert len(chain) <= MAX_DEPTH, " -> ".join(chain)


def test_engine_has_at_most_twelve_modules_at_its_top_level() -> None:
    # A subpackage counts as one: the folder is what a newcomer sees.
    folder = _folder("engine")
    top = sorted(p.name for p in folder.iterdir()
                 if (p.suffix == ".py") or (p.is_dir() and (p / "__init__.py").is_file()))
    assert len(top) <= MAX_ENGINE_TOP_LEVEL, top


def test_no_module_is_longer_than_four_hundred_lines() -> None:
    long = {name: n for name, m in _modules().items()
            if (n := len(m.path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
