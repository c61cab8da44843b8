"""SQL for the lesson full-text index (FTS5 with the unicode61 tokenizer, diacritics folded)."""

from __future__ import annotations

from sqlite_utils import Database

from .db import read_all
from .learning import write_transaction
from .store import uses_connection


@uses_connection
def sync_index(db: Database, wanted: dict[str, tuple[str, str, str]]) -> int:
    """wanted: lesson id -> (title, body, digest). Only changed lessons are rewritten.

    Read and write under the write lock (BEGIN IMMEDIATE): several processes may sync at once (after
    a content edit, or several `prepare` runs), and a deferred transaction that read before it
    writes fails at once with "database is locked" when another process wrote in between."""
    with write_transaction(db):
        current = {r["lesson_id"]: r["digest"] for r in read_all(db, "SELECT lesson_id, digest FROM lesson_texts")}
        changed = [k for k, v in wanted.items() if current.get(k) != v[2]]
        gone = [k for k in current if k not in wanted]
        for lesson_id in gone:
            db.execute("DELETE FROM lesson_texts WHERE lesson_id = ?", [lesson_id])
        for lesson_id in changed:
            title, body, digest = wanted[lesson_id]
            db.execute("INSERT INTO lesson_texts (lesson_id, title, body, digest) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT (lesson_id) DO UPDATE SET title = excluded.title, body = excluded.body,"
                       " digest = excluded.digest", [lesson_id, title, body, digest])
    return len(changed)


@uses_connection
def search(db: Database, query: str, limit: int) -> list[dict]:
    """User text is quoted term by term, so FTS syntax in a query is searched as words."""
    terms = ['"' + t.replace('"', '""') + '"' for t in query.split()]
    match = " ".join(t + "*" for t in terms)
    sql = ("SELECT t.lesson_id, t.title, snippet(lesson_texts_fts, 1, '[[', ']]', ' … ', 16) AS snippet"
           " FROM lesson_texts_fts JOIN lesson_texts t ON t.rowid = lesson_texts_fts.rowid"
           " WHERE lesson_texts_fts MATCH ? ORDER BY rank LIMIT ?")
    return list(db.query(sql, [match, limit]))
