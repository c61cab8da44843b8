"""What happens once when the app starts: demo data (if switched on) and the search index."""

from __future__ import annotations

from progress import Store

from .config import Settings
from .content import Catalog


def prepare(db: Store, settings: Settings, catalog: Catalog) -> None:
    from .search import index_lessons

    index_lessons(db, catalog)
    if settings.demo:
        from .demo import ensure_demo

        ensure_demo(db, settings, catalog)
