"""The documentation keeps the shape of the code: a shape nothing checks grows back."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MAPPED_APPS = ("bookings", "catalog", "clinic")
# [text](target) with a relative target: no scheme, no bare #anchor.
LOCAL_LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)")


def packages() -> list[str]:
    found = []
    for app in MAPPED_APPS:
        for init in (ROOT / app).rglob("__init__.py"):
            found.append(init.parent.relative_to(ROOT).as_posix() + "/")
    return sorted(found)


def local_links(page: Path) -> list[str]:
    return [target.split("#")[0] for target in LOCAL_LINK.findall(page.read_text())]


def test_the_code_map_names_every_package_by_its_path() -> None:
    code_map = (DOCS / "architecture.md").read_text()
    unnamed = [path for path in packages() if f"`{path}`" not in code_map]
    assert not unnamed, f"docs/architecture.md does not name these packages: {unnamed}"


def test_every_package_is_found() -> None:
    # A guard for the test above: if the walk found nothing, it would pass for nothing.
    assert {"bookings/", "bookings/waitlist/", "catalog/", "clinic/"} <= set(packages())


def test_the_readme_links_only_to_docs_that_exist() -> None:
    links = local_links(ROOT / "README.md")
    assert any(link.startswith("docs/") for link in links)
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing, f"README.md links to files that do not exist: {missing}"


def test_the_docs_link_only_to_files_that_exist() -> None:
    missing = [
        f"{page.name} -> {link}"
        for page in sorted(DOCS.glob("*.md"))
        for link in local_links(page)
        if link and not (page.parent / link).exists()
    ]
    assert not missing, f"docs link to files that do not exist: {missing}"
