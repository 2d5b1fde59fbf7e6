"""Every distribution api/, bench/ and migrations/ import is declared in pyproject.toml."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.conftest import ROOT

SOURCES = ("api", "bench", "migrations")
LOCAL = {"api", "bench", "tests"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"],
                    *(r for extra in project["optional-dependencies"].values() for r in extra)]
    return {_canonical(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in requirements}


def _imported_top_level(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level import name -> the files importing it, standard library and local excluded."""
    found: dict[str, set[str]] = {}
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            for name in _imported_top_level(path) - LOCAL - set(sys.stdlib_module_names):
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_import_scan_sees_direct_imports_of_dependencies() -> None:
    found = _third_party_imports()
    assert {"graphql", "cross_web", "strawberry", "sqlalchemy", "pycrfsuite"} <= set(found)
    assert "api/web/view.py" in found["cross_web"]


def test_every_imported_distribution_is_declared() -> None:
    distributions = packages_distributions()
    declared = _declared()
    undeclared = {
        name: sorted(files) for name, files in _third_party_imports().items()
        if not {_canonical(d) for d in distributions.get(name, [name])} & declared
    }
    assert undeclared == {}, "declare these in pyproject.toml [project] dependencies"
