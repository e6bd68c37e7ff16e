"""The import graph of app/: no circles, services below the Socket.IO binding,
and the libraries' internals only inside the transport package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

# The Socket.IO binding: only the app factory, the server and the binding
# itself may import these.
BINDING = (
    "app.realtime.binding",
    "app.realtime.namespace",
    "app.realtime.sockets",
    "app.realtime.background",
    "app.realtime.transport",
)
BINDING_USERS = ("app", "app.server")

# eventlet's public face, for the two modules where the async mode shows.
PUBLIC_EVENTLET = {"eventlet", "eventlet.wsgi", "eventlet.hubs", "eventlet.tpool", "greenlet"}
ASYNC_SEAMS = ("app.server", "app.concurrency")


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside functions (not for type checking)."""
    found: set[str] = set()
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.rsplit(".", child.level - 1)[0] if child.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                found.add(base)
                # `from app.realtime import channels` imports a module.
                found.update(f"{base}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def app_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in APP.rglob("*.py")}
    return {
        name: {m for m in imports_of(path) if m in files and m != name}
        for name, path in files.items()
    }


def is_within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of more than one module that import each other, round a circle."""
    reach = {node: reachable(graph, node) for node in graph}
    groups = {
        tuple(sorted({node} | {other for other in reach[node] if node in reach[other]}))
        for node in graph
        if node in reach[node]
    }
    return sorted(list(group) for group in groups)


def test_the_import_graph_has_no_circles():
    graph = app_graph()
    # A package's __init__ imported by its own modules is Python's doing, not a circle.
    graph = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    assert circles(graph) == []


def test_a_circle_is_detected():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_the_factory_and_the_server_import_the_socketio_binding():
    offenders = {
        module: sorted(t for t in targets if is_within(t, BINDING))
        for module, targets in app_graph().items()
        if not is_within(module, BINDING) and module not in BINDING_USERS
    }
    assert {m: ts for m, ts in offenders.items() if ts} == {}


@pytest.mark.parametrize("path", sorted(APP.rglob("*.py")), ids=lambda p: module_name(p))
def test_library_internals_are_imported_only_by_the_transport(path):
    module = module_name(path)
    if is_within(module, ("app.realtime.transport",)):
        return
    internals = {
        m
        for m in imports_of(path)
        if m.split(".")[0] == "engineio"
        or (m.split(".")[0] in ("eventlet", "greenlet") and m not in PUBLIC_EVENTLET)
        or (m.split(".")[0] in ("eventlet", "greenlet") and module not in ASYNC_SEAMS)
    }
    assert internals == set()
