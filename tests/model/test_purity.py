"""The model stays pure: it imports only side-effect-free standard-library modules."""

from __future__ import annotations

import ast
from pathlib import Path

import tidegate.model

PURE_STDLIB = {"__future__", "collections.abc", "dataclasses", "enum", "functools", "typing"}


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def impure(modules: set[str]) -> set[str]:
    return {m for m in modules if m not in PURE_STDLIB and not m.startswith("tidegate.model")}


def test_model_imports_only_pure_stdlib() -> None:
    files = sorted(Path(tidegate.model.__file__).parent.glob("*.py"))
    assert len(files) >= 6
    offenders = {f.name: impure(imports_of(f)) for f in files}
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_purity_scan_catches_an_impure_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import asyncio\nfrom random import choice\nfrom tidegate.impl import channel\n")
    assert impure(imports_of(bad)) == {"asyncio", "random", "tidegate.impl"}


def test_impl_never_imports_the_model() -> None:
    import tidegate.impl

    files = sorted(Path(tidegate.impl.__file__).parent.glob("*.py"))
    assert files
    for f in files:
        assert not any(m.startswith("tidegate.model") for m in imports_of(f)), f.name
