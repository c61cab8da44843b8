"""SQL for the lesson full-text index.

SQLite: FTS5 with the unicode61 tokenizer, diacritics folded, every word a prefix.
PostgreSQL: a German tsvector (stemmed, umlauts folded; see pg_schema.SEARCH_INDEX), every word a
prefix. Both rank by relevance with a hit in the title weighing more than one in the text (bm25
with column weights; ts_rank with weights A/B), and mark hits in the snippet with [[ ]].
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from .db import is_postgres, read_all, write_transaction
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
    if is_postgres(db):
        return _search_postgres(db, query, limit)
    terms = ['"' + t.replace('"', '""') + '"' for t in query.split()]
    match = " ".join(t + "*" for t in terms)
    sql = ("SELECT t.lesson_id, t.title, snippet(lesson_texts_fts, 1, '[[', ']]', ' … ', 16) AS snippet"
           " FROM lesson_texts_fts JOIN lesson_texts t ON t.rowid = lesson_texts_fts.rowid"
           " WHERE lesson_texts_fts MATCH ? ORDER BY bm25(lesson_texts_fts, 10.0, 1.0) LIMIT ?")
    return list(db.query(sql, [match, limit]))


_WORD = re.compile(r"[^\W_]+")
HEADLINE = "StartSel=[[, StopSel=]], MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \""


def _tsquery(query: str) -> str:
    """Every term of the query must occur (&); the words of one term in a row (<->), each as a prefix.
    Only letters and digits reach to_tsquery, so its operators in a query are never operators."""
    terms = [" <-> ".join(w[:100] + ":*" for w in _WORD.findall(term)) for term in query.split()]
    return " & ".join(f"({t})" for t in terms if t)


def _search_postgres(db: Database, query: str, limit: int) -> list[dict]:
    match = _tsquery(query)
    if not match:
        return []
    sql = ("SELECT lesson_id, title, ts_headline('lotse_german', body, q, ?) AS snippet"
           " FROM lesson_texts, to_tsquery('lotse_german', ?) AS q WHERE search @@ q"
           " ORDER BY ts_rank(search, q) DESC, lesson_id LIMIT ?")
    return list(db.query(sql, [HEADLINE, match, limit]))
