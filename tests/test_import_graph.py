"""The import graph of lotse/, progress/ and ui/, read from the source: no circles, and calls go down.

Every import counts: module level, function level, under ``if TYPE_CHECKING``, relative ones
resolved, ``importlib.import_module("…")``; ``from package import name`` where ``name`` is a
submodule counts as importing that submodule. A circle is reported as its path (a -> b -> a).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lotse", "progress", "ui")
LAYERS_ABOVE_THE_STORE = ("lotse", "ui", "app_pages", "app")


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the packages (``pkg/__init__.py`` is ``pkg``)."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path) -> set[str]:
    """Every dotted name the file imports, as absolute names (``from x import y`` gives ``x.y``: the
    submodule y if there is one, otherwise an attribute of x)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names |= {f"{source}.{alias.name}" for alias in node.names}
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)):
            names.add(str(node.args[0].value))
    return names


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """Module -> the modules of ``packages`` it imports (itself left out)."""
    modules = module_files(root, packages)

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = {known(name) for name in imported_names(module, path)}  # x.Class -> x, x.sub -> x.sub
        graph[module] = {target for target in targets if target and target != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_there_is_no_import_circle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_store_imports_nothing_from_the_layers_above_it():
    graph = import_graph(ROOT, PACKAGES)
    for module, path in module_files(ROOT, ("progress",)).items():
        above = sorted(name for name in imported_names(module, path)
                       if name.split(".")[0] in LAYERS_ABOVE_THE_STORE)
        assert not above, f"{path.relative_to(ROOT)} imports {', '.join(above)}"
    assert all(not target.startswith(("lotse", "ui")) for m, targets in graph.items() if m.startswith("progress")
               for target in targets)


def test_the_core_imports_neither_ui_nor_pages():
    for module, path in module_files(ROOT, ("lotse",)).items():
        above = sorted(name for name in imported_names(module, path) if name.split(".")[0] in ("ui", "app_pages", "app"))
        assert not above, f"{path.relative_to(ROOT)} imports {', '.join(above)}"


# --- the tools themselves --------------------------------------------------------------------------

def test_find_cycle_reports_the_path_of_a_planted_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) is None


def test_the_graph_sees_function_level_relative_and_submodule_imports(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from .sub import c\n    return c\n")
    (package / "sub" / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..b import B\n")
    (package / "b.py").write_text("import importlib\nB = 1\ndef g():\n    return importlib.import_module('pkg.a')\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.a"] == {"pkg.sub.c"}
    assert graph["pkg.sub.c"] == {"pkg.b"}
    assert graph["pkg.b"] == {"pkg.a"}
    assert find_cycle(graph) == ["pkg.a", "pkg.sub.c", "pkg.b", "pkg.a"]
