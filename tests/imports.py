"""What a source file imports, read with `ast` (nothing is executed)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports, relative imports made absolute."""
    package = ".".join(path.resolve().relative_to(ROOT).parent.parts)
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                modules.add(".".join([*base, node.module] if node.module else base))
            else:
                modules.add(node.module or "")
    return modules


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def module_name(path: Path) -> str:
    parts = path.resolve().relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_path(module: str) -> Path | None:
    """The file of one of this project's modules, or None (a name, or another project's)."""
    if not module:
        return None
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def project_imports(path: Path) -> set[str]:
    """The project modules the file imports: `from bookings.intake import gate` counts as
    `bookings.intake.gate`, not only the package."""
    package = ".".join(path.resolve().relative_to(ROOT).parent.parts)
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = absolute_module(package, node)
            names = [source, *(f"{source}.{alias.name}" for alias in node.names)]
        else:
            continue
        modules.update(name for name in names if module_path(name))
    return modules


def absolute_module(package: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)
