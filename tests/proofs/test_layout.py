"""The package's shape: what `tidegate.model` and `tidegate.impl` export, and one name for one
thing across `tidegate.proofs`."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import types
from collections import defaultdict
from pathlib import Path

import pytest

import tidegate.proofs

PACKAGES = ("tidegate.model", "tidegate.impl")

SHARED_BY_DESIGN = {"register"}
"""Names every capability defines on purpose: its cli's `register(subparsers)`."""


@pytest.mark.parametrize("name", PACKAGES)
def test_a_submodule_is_never_shadowed_by_an_export(name: str) -> None:
    package = importlib.import_module(name)
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{name}.{info.name}")
        assert getattr(package, info.name) is module, f"{name}.{info.name} is not the module"
    import tidegate.impl.channel

    assert isinstance(tidegate.impl.channel, types.ModuleType)


@pytest.mark.parametrize("name", PACKAGES)
def test_the_package_offers_exactly_its_all(name: str) -> None:
    package = importlib.import_module(name)
    offered = {
        attr
        for attr, value in vars(package).items()
        if not attr.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert offered == set(package.__all__)
    assert len(package.__all__) == len(set(package.__all__))


def top_level_names(root: Path) -> dict[str, list[str]]:
    """Every public name a module under `root` defines at its top level, and where."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            else:
                names = []
            for name in names:
                if not name.startswith("_"):
                    found[name].append(str(path.relative_to(root)))
    return found


def test_no_name_is_defined_twice_across_proofs() -> None:
    root = Path(tidegate.proofs.__file__).parent
    twice = {
        name: where
        for name, where in top_level_names(root).items()
        if len(where) > 1 and name not in SHARED_BY_DESIGN
    }
    assert twice == {}, "give each its own, specific name"
