"""The import graph: no cycles, and the respondent's side never imports staff code.

The graph is built from the source (AST), not by importing: every ``import`` and ``from ... import``
counts, at module level and inside functions alike, since a function-level import that only
dodges a cycle still is one. Imports under ``if TYPE_CHECKING:`` are left out (they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("surveyapp", "analysis")

#: Modules that serve respondents (the public form and what it renders through).
PUBLIC = ("surveyapp.survey",)
#: Packages only staff reach: the public side must not import them.
STAFF = (
    "surveyapp.dashboard",
    "surveyapp.evaluation",
    "surveyapp.users",
    "surveyapp.audit.views",
    "surveyapp.areas.views",
    "surveyapp.campaigns.views",
    "surveyapp.distribution.views",
    "surveyapp.fieldwork",
    "surveyapp.indicators",
    "surveyapp.quality.views",
    "surveyapp.questionnaires.views",
    "surveyapp.cli",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``module`` imports; ``from package import sub`` names the submodule."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    targets: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        source = _resolve(module, path.name == "__init__.py", node)
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            targets.add(submodule if submodule in known else source)
    return {target for target in targets if target in known and target != module}


def import_graph() -> dict[str, set[str]]:
    known = all_modules()
    return {module: imports_of(module, path, known) for module, path in known.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the components of more than one module, or a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    components.append(sorted(component))
    return components


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def test_tarjan_finds_a_cycle_and_only_it() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert sorted(strongly_connected(graph)) == [["a", "b", "c"], ["e"]]


def test_relative_and_submodule_imports_resolve(tmp_path: Path) -> None:
    node = ast.parse("from ..models import Campaign").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _resolve("surveyapp.campaigns.services", False, node) == "surveyapp.models"
    assert _resolve("surveyapp.campaigns", True, node) == "surveyapp.models"


def test_the_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    assert "surveyapp.views" not in graph  # sanity: only real modules
    # create_app imports the blueprints inside a function: those edges must be in the graph.
    assert "surveyapp.survey.views" in graph["surveyapp"]


def test_no_import_cycles() -> None:
    cycles = strongly_connected(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(cycle) for cycle in cycles)


@pytest.mark.parametrize("public", PUBLIC)
def test_the_public_side_imports_no_staff_code(public: str) -> None:
    graph = import_graph()
    reached: set[str] = set()
    todo = [module for module in graph if _within(module, (public,))]
    offending: list[str] = []
    while todo:
        module = todo.pop()
        if module in reached:
            continue
        reached.add(module)
        for target in graph[module]:
            if _within(target, STAFF):
                offending.append(f"{module} imports {target}")
            elif target != "surveyapp":  # the app factory wires everything; nothing imports it back
                todo.append(target)
    assert not offending, "\n".join(sorted(offending))
