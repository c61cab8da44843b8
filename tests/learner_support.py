"""Shared helpers for the learner-journey tests: the fixture course, a migrated database, users.

The fixture course (tests/fixtures/course) is small and fixed, so these tests do not depend on
the real lessons, which content writers change while we work.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lotse.content import Catalog, load_catalog
from lotse.identity import User
from engines import fresh_url, opened
from progress import Store
from progress.users import insert_user

COURSE_DIR = Path(__file__).parent / "fixtures" / "course"
LESSON_ONE = "eins-grundlagen"
LESSON_TWO = "zwei-vertiefung"


@lru_cache(maxsize=1)
def fixture_catalog() -> Catalog:
    catalog = load_catalog(COURSE_DIR)
    assert not catalog.errors, catalog.errors
    return catalog


def new_database(tmp_path: Path, name: str = "lotse.db") -> tuple[Store, str]:
    """A migrated store of the running test's engine and its URL (to open it again)."""
    url = fresh_url(tmp_path, name)
    return opened(url), url


def new_user(db: Store, login: str = "anna", role: str = "learner") -> User:
    return insert_user(db, login, login.capitalize(), role)


# Full marks on the fixture quizzes (responses in the grading shapes, file order).
PERFECT = {
    LESSON_ONE: {"ozg-ziel": 0, "bereiche": [0, 1], "it-allein": False, "reihenfolge": [0, 1, 2]},
    LESSON_TWO: {"zuordnung": ["elektronisch", "analog"], "begriff": " e-akte ", "quote": "72,5"},
}
