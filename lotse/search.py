"""Full-text search over lessons (SQLite FTS5 or German PostgreSQL text search; the SQL lives in progress.search)."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
import weakref
from dataclasses import dataclass

from progress import Store

from progress import search as store

from .content import Catalog


def _plain(markdown_text: str) -> str:
    """Lesson Markdown reduced to words for the index (markup characters removed)."""
    text = re.sub(r"\{[#:.][^}]*\}", " ", markdown_text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^!!!\s+\w+", " ", text, flags=re.MULTILINE)
    return re.sub(r"[#*_`>|]+", " ", text)


def index_lessons(db: Store, catalog: Catalog) -> int:
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


def search_lessons(db: Store, query: str, limit: int = 20) -> list[Hit]:
    # Control characters (NUL included) are not words and upset the FTS parser.
    query = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in query)
    query = " ".join(query.split())[:200]
    if not query:
        return []
    return [Hit(r["lesson_id"], r["title"], r["snippet"]) for r in store.search(db, query, limit)]


_MARKED = re.compile(r"\[\[(.+?)\]\]", re.DOTALL)


def snippet_html(snippet: str) -> str:
    """A search snippet as safe HTML on one line: the text is escaped first, then the [[ ]]
    markers become <mark>. Lesson text never reaches the page as markup."""
    escaped = html.escape(" ".join(snippet.split()), quote=True)
    return _MARKED.sub(r"<mark>\1</mark>", escaped)


# database URL -> the catalog object last synced into it (a new catalog object = edited content)
_synced: dict[str, weakref.ref] = {}


def ensure_index(db: Store, catalog: Catalog) -> None:
    """Sync the index once per catalog object and database (a sync reads every lesson)."""
    seen = _synced.get(db.url)
    if seen is None or seen() is not catalog:
        index_lessons(db, catalog)
        _synced[db.url] = weakref.ref(catalog)


def search_catalog(db: Store, catalog: Catalog, query: str, limit: int = 20) -> list[Hit]:
    """Search the lessons the catalog shows now: the index follows content edits (the catalog is
    reloaded when files change; only changed lessons are rewritten), and hits for lessons no
    longer in the catalog are dropped."""
    if not " ".join(query.split()):
        return []
    ensure_index(db, catalog)
    known = {lesson.id for lesson in catalog.lessons}
    return [hit for hit in search_lessons(db, query, limit) if hit.lesson_id in known]


# --- glossary ---------------------------------------------------------------------------


def sort_key(text: str) -> str:
    """German dictionary order: umlauts sort like their base letter, ß like ss, case ignored."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ẞ", "SS"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def initial(text: str) -> str:
    """The A-Z letter a term is filed under; '#' for digits and signs."""
    first = sort_key(text)[:1].upper()
    return first if "A" <= first <= "Z" else "#"


@dataclass(frozen=True)
class GlossaryItem:
    term_id: str
    term: str
    aliases: list[str]
    definition: str
    source: str | None
    lessons: list[tuple[str, str]]  # (lesson id, title) of the lessons that use the term

    @property
    def letter(self) -> str:
        return initial(self.term)


def glossary_items(catalog: Catalog, query: str = "") -> list[GlossaryItem]:
    """Glossary terms in A-Z order; ``query`` filters by term, alias or definition (umlauts folded)."""
    needle = sort_key(" ".join(query.split()))[:100]
    used: dict[str, list[tuple[str, str]]] = {}
    for lesson in catalog.lessons:
        for term_id in lesson.meta.glossary:
            used.setdefault(term_id, []).append((lesson.id, lesson.meta.title))
    items = []
    for entry in catalog.glossary.values():
        term = entry.term
        haystack = sort_key(" ".join([term.term, *term.aliases, term.definition]))
        if needle and needle not in haystack:
            continue
        items.append(GlossaryItem(term.id, term.term, term.other_names, term.definition, term.source,
                                  used.get(term.id, [])))
    return sorted(items, key=lambda item: (sort_key(item.term), item.term))
