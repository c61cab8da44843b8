"""Full-text search over lessons (SQLite FTS5; the SQL lives in progress.search)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlite_utils import Database

from progress import search as store

from .content import Catalog


def _plain(markdown_text: str) -> str:
    """Lesson Markdown reduced to words for the index (markup characters removed)."""
    text = re.sub(r"\{[#:.][^}]*\}", " ", markdown_text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^!!!\s+\w+", " ", text, flags=re.MULTILINE)
    return re.sub(r"[#*_`>|]+", " ", text)


def index_lessons(db: Database, catalog: Catalog) -> int:
    """Bring the index in line with the catalog; returns the number of lessons (re)indexed."""
    wanted = {}
    for lesson in catalog.lessons:
        body = _plain(lesson.body)
        digest = hashlib.sha256((lesson.meta.title + body).encode()).hexdigest()
        wanted[lesson.id] = (lesson.meta.title, body, digest)
    return store.sync_index(db, wanted)


@dataclass(frozen=True)
class Hit:
    lesson_id: str
    title: str
    snippet: str  # plain text; the marked words are between [[ and ]]


def search_lessons(db: Database, query: str, limit: int = 20) -> list[Hit]:
    query = " ".join(query.split())[:200]
    if not query:
        return []
    return [Hit(r["lesson_id"], r["title"], r["snippet"]) for r in store.search(db, query, limit)]
