"""Rendering a lesson: objectives, contents, the sanitised text, glossary, sources, neighbours,
plus the per-view bookkeeping (opened once per view, reading-time heartbeat)."""

from __future__ import annotations

import html
import re
import time
import uuid
from functools import lru_cache
from pathlib import Path

import streamlit as st

from lotse import learning
from lotse.content import Catalog, Lesson
from lotse.content.models import SLUG_PATTERN, GlossaryTerm, Quiz
from lotse.content.render import Rendered, render_inline, render_markdown
from lotse.content.review import stand_line
from lotse.identity import User

from .context import store
from .escape import md_escape

LESSON_PAGE = "app_pages/lektion.py"
HOME_PAGE = "app_pages/lernweg.py"
# Heartbeats closer together than this are not written (every full rerun also runs the fragment).
MIN_BEAT_SECONDS = 10.0

_HEADING_ID = re.compile(r'<(h[1-6]) id="([^"]*)"')




_lesson_page: st.Page | None = None


def lesson_page() -> st.Page:
    """The lesson page as a Page object, made once: page_link resolves a file path on every call
    (about 0.1 ms each), which adds up on pages listing every lesson."""
    global _lesson_page
    if _lesson_page is None:
        _lesson_page = st.Page(LESSON_PAGE, url_path="lektion")
    return _lesson_page


def lesson_link(lesson_id: str, label: str, icon: str | None = None) -> None:
    st.page_link(lesson_page(), label=label, query_params={"id": lesson_id}, icon=icon)


def lesson_from_query(catalog: Catalog) -> Lesson:
    """The lesson named by ?id=...; otherwise a friendly page with a way home, and stop."""
    raw = st.query_params.get("id", "")
    lesson = catalog.lesson(raw) if isinstance(raw, str) and re.fullmatch(SLUG_PATTERN, raw) else None
    if lesson is not None:
        _keep_address(lesson.id)
        return lesson
    st.title("Lektion nicht gefunden")
    if not raw:
        st.info("Bitte wählen Sie eine Lektion in „Mein Lernweg“ aus.")
    else:
        st.warning("Diese Lektion gibt es nicht oder nicht mehr. Vielleicht ist der Link unvollständig "
                   "oder die Lektion wurde umbenannt.")
    st.page_link(HOME_PAGE, label="Zu „Mein Lernweg“", icon="🧭")
    st.stop()


def _keep_address(lesson_id: str) -> None:
    """Write the lesson's id into the address on every full run.

    A page link to the page already open (Vorherige/Nächste Lektion) runs the new lesson, but
    Streamlit's browser side only rewrites the address when the page itself changes, so it kept the
    old ?id= and the next click or a reload meant the old lesson. Setting the query parameter sends
    the address to the browser, which adds a history entry when it differs (the back button works)
    and does nothing when it already matches.
    """
    st.query_params["id"] = lesson_id


@lru_cache(maxsize=4096)
def inline_html(text: str) -> str:
    """Short Markdown (prompt, feedback, source) as sanitised HTML; cached, it is rendered often."""
    return render_inline(text)


def glossary_spellings(terms: list[GlossaryTerm]) -> tuple[tuple[str, str], ...]:
    return tuple((spelling, term.definition) for term in terms for spelling in term.spellings)


@lru_cache(maxsize=64)  # keys are the catalog's own strings, whose hashes Python caches: lookups cost ~nothing
def _rendered(lesson_id: str, body: str, glossary: tuple[tuple[str, str], ...], image_dir: str) -> Rendered:
    rendered = render_markdown(body, glossary=dict(glossary), image_dir=Path(image_dir))
    # Streamlit gives headings its own slug as id unless data-anchor is set; keep the author's anchors
    # (table of contents, quiz links and links from other lessons point at them).
    rendered.html = _HEADING_ID.sub(r'<\1 id="\2" data-anchor="\2"', rendered.html)
    return rendered


def rendered_lesson(catalog: Catalog, lesson: Lesson) -> Rendered:
    return _rendered(lesson.id, lesson.body, glossary_spellings(catalog.glossary_for(lesson)), str(lesson.path.parent))


def render_intro(catalog: Catalog, lesson: Lesson, status: learning.Status) -> None:
    module = next((m for m in catalog.modules if m.id == lesson.meta.module), None)
    parts = [f"Modul {module.order}: {module.title}" if module else "",
             f"ca. {lesson.meta.duration_minutes} Minuten",
             stand_line(lesson.meta.stand) or "",  # "Stand: 7. Dezember 2026": when the facts were checked
             f"Status: {learning.STATUS_ICONS[status]} {status.value}"]
    st.caption(md_escape(" · ".join(p for p in parts if p)))


def render_objectives(lesson: Lesson) -> None:
    st.header("Lernziele", anchor="lernziele")
    st.markdown("Nach dieser Lektion …\n\n" + "\n".join(f"- {md_escape(o.text)}" for o in lesson.meta.objectives))


def extra_sections(terms: list[GlossaryTerm], quiz: Quiz | None) -> list[tuple[str, str]]:
    """Table-of-contents entries for the parts the page adds after the lesson text."""
    sections = [("begriffe", "Begriffe in dieser Lektion")] if terms else []
    sections.append(("quellen", "Quellen"))
    return sections + ([("quiz", "Quiz")] if quiz is not None else [])


def render_toc(rendered: Rendered, extra: list[tuple[str, str]]) -> None:
    st.header("Inhalt", anchor="inhalt")
    lines = [f"{'    ' if level > 2 else ''}- [{md_escape(title)}](#{anchor})"
             for level, anchor, title in rendered.toc]
    lines += [f"- [{md_escape(title)}](#{anchor})" for anchor, title in extra]
    st.markdown("\n".join(lines))


def render_body(rendered: Rendered) -> None:
    st.markdown(rendered.html, unsafe_allow_html=True)


def render_terms(terms: list[GlossaryTerm]) -> None:
    """The glossary terms of the lesson as a definition list: the accessible twin of the in-place
    tooltips (a title attribute is not reachable by keyboard or touch)."""
    if not terms:
        return
    st.header("Begriffe in dieser Lektion", anchor="begriffe")
    items = "".join(f"<dt><strong>{html.escape(t.term)}</strong>"
                    + (f" ({html.escape(', '.join(t.other_names))})" if t.other_names else "")
                    + f"</dt><dd>{html.escape(t.definition)}</dd>" for t in terms)
    st.markdown(f"<dl class='lotse-terms'>{items}</dl>", unsafe_allow_html=True)
    st.page_link("app_pages/glossar.py", label="Alle Begriffe im Glossar", icon="📚")


def render_sources(lesson: Lesson) -> None:
    st.header("Quellen", anchor="quellen")
    items = "".join(f"<li>{inline_html(source)}</li>" for source in lesson.meta.sources)
    st.markdown(f"<ul>{items}</ul>", unsafe_allow_html=True)


def _mark_read(user: User, lesson_id: str) -> None:
    learning.mark_read(store(), user, lesson_id)


def render_mark_read(user: User, lesson: Lesson, row: dict | None) -> None:
    if row and row["read_at"]:
        st.success("Sie haben diese Lektion als gelesen markiert.", icon="✔️")
        return
    st.button("Als gelesen markieren", key=f"lektion-{lesson.id}-gelesen", icon="✔️",
              on_click=_mark_read, args=(user, lesson.id),
              help="Damit halten Sie fest, dass Sie den Text gelesen haben. Abgeschlossen ist die Lektion, "
                   "wenn Sie das Quiz bestanden haben.")


def render_neighbours(catalog: Catalog, lesson: Lesson) -> None:
    before, after = catalog.neighbours(lesson.id)
    left, right = st.columns(2)
    with left:
        if before is not None:
            lesson_link(before.id, f"Vorherige Lektion: {before.meta.title}")
    with right:
        if after is not None:
            lesson_link(after.id, f"Nächste Lektion: {after.meta.title}")
    st.page_link(HOME_PAGE, label="Zurück zu „Mein Lernweg“", icon="🧭")


# --- per-view bookkeeping -------------------------------------------------------------------


def _view(user: User, lesson: Lesson) -> dict:
    """This session's view of the lesson; its opening is recorded once (reruns do not log again)."""
    key = f"lektion-view-{lesson.id}"
    view = st.session_state.get(key)
    if view is None:
        view = {"key": uuid.uuid4().hex, "counted": 0.0, "last": time.monotonic(), "beat": 0}
        learning.open_lesson(store(), user, lesson.id, view["key"])
        st.session_state[key] = view
    return view


def _beat(user: User, lesson: Lesson, view: dict) -> None:
    now = time.monotonic()
    elapsed = now - view["last"]
    if elapsed < MIN_BEAT_SECONDS:
        return
    seconds = learning.heartbeat_seconds(elapsed, view["counted"], lesson.meta.duration_minutes)
    view["last"] = now
    if seconds <= 0:
        return
    view["beat"] += 1
    learning.add_reading_time(store(), user, lesson.id, seconds, f"{view['key']}:{view['beat']}")
    view["counted"] += seconds


@st.fragment(run_every=learning.HEARTBEAT_SECONDS)
def _heartbeat(user: User, lesson: Lesson, view: dict) -> None:
    """Reruns on its own every HEARTBEAT_SECONDS while the page is open. Defined once here, not per
    run: decorating a fragment on every run cost about 0.2 ms."""
    _beat(user, lesson, view)


def track_view(user: User, lesson: Lesson) -> None:
    """Record the opening once per view and count active reading time with a heartbeat every
    HEARTBEAT_SECONDS; after READING_CAP_FACTOR x the lesson's estimate the heartbeat stops."""
    view = _view(user, lesson)
    if time.monotonic() - view["last"] > 2 * learning.HEARTBEAT_SECONDS:
        view["last"] = time.monotonic()  # no heartbeat for a while: the learner was on another page
    if view["counted"] < learning.reading_budget(lesson.meta.duration_minutes):
        _heartbeat(user, lesson, view)
