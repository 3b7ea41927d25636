"""The code's shape: no application module over 800 lines, and no import cycle among them.

Walks every import (top-level and inside functions: a lazy import hides a cycle, it does not
remove it) of blueprints/, app.py, extensions.py and config.py.
"""

import ast
import itertools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 800


def _application_files() -> list[Path]:
    files = sorted(ROOT.glob("blueprints/**/*.py"))
    return files + [ROOT / "app.py", ROOT / "extensions.py", ROOT / "config.py"]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """module -> the application modules it imports (explicitly, anywhere in the file)."""
    modules = {_module_name(p): p for p in _application_files()}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(resolve(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else resolve(node.module))
        graph[name] = {t for t in targets if t and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    counter = itertools.count()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = next(counter)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_application_modules():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_application_module_over_800_lines():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in _application_files()
    }
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}


def test_blueprint_packages_import_nothing_of_their_own():
    """A blueprint package's __init__ only documents it: the blueprint object lives in
    <name>/blueprint.py, so importing a routes or services module never runs the package's
    routes (the old bp-in-__init__ / routes-imported-at-the-bottom circle)."""
    offenders = []
    for init in sorted(ROOT.glob("blueprints/*/__init__.py")):
        package = _module_name(init)
        for node in ast.walk(ast.parse(init.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.level or node.module.startswith(package):
                    offenders.append(package)
            elif isinstance(node, ast.Import) and any(
                a.name.startswith(package + ".") for a in node.names
            ):
                offenders.append(package)
    assert offenders == []
