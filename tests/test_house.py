"""The shape of the house, which nothing else checks: read with `ast`, nothing executed.

.importlinter holds the layer contracts (`lint-imports` in CI); these are the checks it
cannot make: cycles between single modules, `_private` names used across modules, the
files allowed at the root of `bookings/`, and the size of a module.
"""

import ast
import configparser
import importlib.util
from collections.abc import Iterator
from pathlib import Path

from tests.imports import (
    ROOT,
    absolute_module,
    imported_modules,
    is_within,
    module_name,
    module_path,
    project_imports,
)

OUR_PACKAGES = ("bookings", "catalog", "clinic", "bench", "tools", "tests")

# Names that exist only in third-party type stubs, imported under `if TYPE_CHECKING:`
# to annotate what Django returns. Runtime privates of a library are never allowed:
# they change without notice (use its public API or a small parser of our own).
STUB_ONLY_NAMES = {
    ("django.contrib.admin.options", "_FieldsetSpec"),
    ("django.contrib.admin.options", "_ListFilterT"),
    ("django.utils.datastructures", "_ListOrTuple"),
    ("django.test.client", "_MonkeyPatchedWSGIResponse"),
}

BOOKINGS_ROOT_FILES = {"__init__.py", "apps.py", "urls.py", "admin.py", "sms.py"}
# sms.py: SMS_BACKEND values in .env files name `bookings.sms.<Backend>`.
BOOKINGS_ROOT_PACKAGES = {
    "account",
    "booking",
    "demo",
    "frontdesk",
    "intake",
    "messaging",
    "payments",
    "privacy",
    "records",
    "scheduling",
    "waitlist",
    "models",
    "migrations",
    "management",
    "templatetags",
}

MAX_LINES = 500
SEED_DATA = {ROOT / "catalog/seed.py"}


def python_files(*packages: str) -> Iterator[Path]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def is_ours(module: str) -> bool:
    return module.split(".")[0] in OUR_PACKAGES


def is_module(name: str) -> bool:
    if is_ours(name):
        return module_path(name) is not None
    # Found on disk, not imported: importing a library's submodule runs its code.
    top, *rest = name.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or not rest:
        return spec is not None
    for location in spec.submodule_search_locations or ():
        base = Path(location).joinpath(*rest)
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return True
    return False


def type_checking_nodes(tree: ast.Module) -> set[ast.AST]:
    inside: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            for statement in node.body:
                inside.update(ast.walk(statement))
    return inside


def dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def private_uses(path: Path) -> Iterator[str]:
    """`from x import _y` and `x._y` where x is another module, as "file:line: what"."""
    here = module_name(path)
    package = ".".join(path.resolve().relative_to(ROOT).parent.parts)
    tree = ast.parse(path.read_text(), filename=str(path))
    typing_only = type_checking_nodes(tree)
    where = path.relative_to(ROOT)
    modules: dict[str, str] = {}  # a name bound in this file -> the module it is
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    modules[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    modules[top] = top
        elif isinstance(node, ast.ImportFrom):
            source = absolute_module(package, node)
            for alias in node.names:
                if is_module(f"{source}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{source}.{alias.name}"
                elif is_private(alias.name):
                    allowed = not is_ours(source) and (
                        (source, alias.name) in STUB_ONLY_NAMES and node in typing_only
                    )
                    if not allowed:
                        yield f"{where}:{node.lineno}: from {source} import {alias.name}"
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and is_private(node.attr)):
            continue
        name = dotted(node.value)
        if name is None or name.split(".")[0] not in modules:
            continue
        first, _, rest = name.partition(".")
        module = ".".join(filter(None, [modules[first], rest]))
        if module != here and is_module(module):
            yield f"{where}:{node.lineno}: {name}.{node.attr} ({module})"


def test_no_module_uses_a_private_name_of_another_module() -> None:
    uses = [use for path in python_files(*OUR_PACKAGES) for use in private_uses(path)]

    assert uses == [], "make the name public, named for what it does:\n" + "\n".join(uses)


def import_graph(*packages: str) -> dict[str, set[str]]:
    graph = {module_name(path): project_imports(path) for path in python_files(*packages)}
    return {
        module: {m for m in imports if any(is_within(m, p) for p in packages)} - {module}
        for module, imports in graph.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other round a circle (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_cycles_finds_a_circle_and_nothing_else() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert cycles(graph) == [["a", "b", "c"]]


def test_no_modules_import_each_other_round_a_circle() -> None:
    # Imports inside functions and under TYPE_CHECKING count: a circle hidden in a
    # function is still two modules that cannot be understood apart.
    found = cycles(import_graph("bookings", "catalog", "clinic"))

    assert found == [], "modules in one circle:\n" + "\n".join(", ".join(c) for c in found)


def pure_modules() -> set[str]:
    contracts = configparser.ConfigParser()
    contracts.read(ROOT / ".importlinter")
    return {
        module
        for section in ("importlinter:contract:pure", "importlinter:contract:pure-with-settings")
        for module in contracts[section]["source_modules"].split()
    }


def test_pure_modules_reach_neither_the_database_nor_requests() -> None:
    graph = import_graph(*OUR_PACKAGES)
    for pure in sorted(pure_modules()):
        reached, todo = {pure}, [pure]
        while todo:
            for next_module in graph[todo.pop()] - reached:
                reached.add(next_module)
                todo.append(next_module)
        for module in reached:
            path = module_path(module)
            assert path is not None
            imported = imported_modules(path)
            assert not {m for m in imported if is_within(m, "django.db")}, (pure, module)
            assert not {m for m in imported if is_within(m, "django.http")}, (pure, module)


def test_the_bookings_root_holds_only_the_app_files_and_its_packages() -> None:
    entries = [p for p in (ROOT / "bookings").iterdir() if p.name != "__pycache__"]
    files = {p.name for p in entries if p.is_file()}
    folders = {p.name for p in entries if p.is_dir()}

    assert files <= BOOKINGS_ROOT_FILES, "a module belongs in a capability package"
    assert folders <= BOOKINGS_ROOT_PACKAGES, "a new capability is named in this test"
    assert all((ROOT / "bookings" / f / "__init__.py").is_file() for f in folders)


def test_no_module_is_longer_than_a_room_holds() -> None:
    # Past ~500 lines a module usually holds two things: split it along that seam.
    long = {
        str(path.relative_to(ROOT)): length
        for path in python_files("bookings", "catalog", "clinic")
        if path not in SEED_DATA and (length := len(path.read_text().splitlines())) > MAX_LINES
    }

    assert long == {}
