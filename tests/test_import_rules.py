"""The layers' import rules, read from the source (every import, function-level ones included).

- Only ``progress/`` talks to the database driver: nothing else imports sqlite3 or sqlite_utils.
- Pages (``app_pages/``) never import ``progress``: they reach data through the core.
- The core (``lotse/``) never imports Streamlit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DRIVERS = {"sqlite3", "sqlite_utils", "psycopg", "psycopg_pool"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return {name.split(".")[0] for name in names}


def sources(*folders: str) -> list[Path]:
    files = [ROOT / name for name in folders if name.endswith(".py")]
    for folder in (name for name in folders if not name.endswith(".py")):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


@pytest.mark.parametrize("path", sources("lotse", "ui", "app_pages", "app.py", "bench"), ids=str)
def test_only_progress_touches_the_database_driver(path):
    assert not imported_modules(path) & DRIVERS, f"{path.relative_to(ROOT)} imports a database driver"


@pytest.mark.parametrize("path", sources("app_pages", "app.py"), ids=str)
def test_pages_reach_data_only_through_the_core(path):
    assert "progress" not in imported_modules(path), f"{path.relative_to(ROOT)} imports progress"


@pytest.mark.parametrize("path", sources("lotse"), ids=str)
def test_the_core_does_not_import_streamlit(path):
    assert "streamlit" not in imported_modules(path), f"{path.relative_to(ROOT)} imports streamlit"


def test_the_rules_see_function_level_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import sqlite3\n    from sqlite_utils import Database\n")
    assert imported_modules(sample) >= {"sqlite3", "sqlite_utils"}
