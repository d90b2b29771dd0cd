"""The house keeps its floors: each subpackage of ``mentor_rules`` imports only from the floors
below it (and its own), and no two modules import each other, not even through an import hidden
in a function. Read from the source with ``ast``, every import counted wherever it stands, those
under ``if TYPE_CHECKING:`` too (a cycle of types is still a cycle a reader has to untangle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mentor_rules"

#: The floors, lowest first. A module may import from its own floor and any floor below it.
#: ``base`` is the errors, the version and the attrs classes' shared ``__repr__``, which every
#: floor may read; ``public`` is the package's public modules (``mentor_rules``, ``.testing``,
#: ``.dask``), the command line that wires every floor (``.cli``) and ``python -m mentor_rules``.
FLOORS = (
    "base",
    "language",
    "model",
    "rules",
    "facts",
    "engines",
    "scale",
    "advice",
    "programme",
    "io",
    "service",
    "public",
)
BASE = {"_errors", "_repr", "_version"}
PUBLIC = {"__init__", "cli", "testing", "dask", "__main__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _floor(module: str) -> str:
    head = module.split(".")[0]
    if head in BASE:
        return "base"
    if head in PUBLIC:
        return "public"
    assert head in FLOORS, f"{module} is on no floor: add its folder to FLOORS (and docs/index.md)"
    return head


def _imports(path: Path) -> set[str]:
    """The modules of the package that ``path`` imports, as names relative to the package."""
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    if path == PACKAGE / "__init__.py":
        package = []
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == "mentor_rules":
                target = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:
                as_module = [*target, alias.name]
                found.add(".".join(as_module) if _exists(as_module) else ".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "mentor_rules":
                    found.add(".".join(alias.name.split(".")[1:]))
    return {name or "__init__" for name in found}


def _exists(parts: list[str]) -> bool:
    where = PACKAGE.joinpath(*parts)
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        graph[name] = {m for m in _imports(path) if m != name}
    return graph


GRAPH = _graph()


def test_every_folder_is_a_floor() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= set(FLOORS), folders - set(FLOORS)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_a_module_imports_only_its_own_floor_and_those_below(module: str) -> None:
    level = FLOORS.index(_floor(module))
    upward = {m for m in GRAPH[module] if FLOORS.index(_floor(m)) > level}
    assert not upward, f"{module} ({_floor(module)}) imports from a floor above it: {upward}"


def test_no_module_imports_the_package_root_but_the_public_modules() -> None:
    offenders = {m for m, deps in GRAPH.items() if "__init__" in deps and _floor(m) != "public"}
    assert not offenders


def test_no_cycles_between_modules() -> None:
    """Depth-first search over every import, those inside functions included."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(GRAPH.get(module, ())):
            if dep.split(".")[0] in PUBLIC and _floor(module) == "public":
                continue  # the public modules may import the package root and each other
            if state.get(dep) == 1:
                cycles.append([*path[path.index(dep) :], dep] if dep in path else [module, dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not cycles, cycles


def test_the_floors_are_listed_in_the_guide() -> None:
    guide = (PACKAGE.parents[1] / "docs" / "index.md").read_text(encoding="utf-8")
    for floor in FLOORS[1:-1]:
        if (PACKAGE / floor).is_dir():
            assert f"`{floor}/`" in guide, floor
