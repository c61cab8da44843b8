"""Read-only pieces of the Projektwerkstatt that the learner's and the trainer's page share:
lesson links, the benefit/effort matrix (Altair) with its table, the board by status, a step's
content, the comment threads, and the messages callbacks leave for the next run.

User text is shown as text: ``safe_md`` escapes Markdown (and Streamlit's own ``:colour[...]`` and
``$math$`` syntax) before st.markdown sees it; HTML is never allowed.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from lotse import projects as P
from lotse.german_format import date_short, datetime_short
from lotse.identity import PermissionDenied
from lotse.onepager import md_paragraph

# Okabe-Ito colours (safe for the common colour-vision deficiencies); shapes and labels repeat them.
FIELD_COLOURS = {"quick_wins": "#009E73", "grosse_vorhaben": "#E69F00", "lueckenfueller": "#56B4E9",
                 "zurueckstellen": "#D55E00"}
FIELD_SHAPES = {"quick_wins": "circle", "grosse_vorhaben": "square", "lueckenfueller": "triangle-up",
                "zurueckstellen": "diamond"}
RATING_WORDS = {1: "sehr gering", 2: "gering", 3: "mittel", 4: "hoch", 5: "sehr hoch"}


def safe_md(text: str) -> str:
    """User text for st.markdown: every Markdown, HTML, colour and math sign shown literally."""
    return md_paragraph(str(text)).replace(":", "\\:").replace("$", "\\$")


def user_text(text: str, empty: str = "–") -> None:
    st.markdown(safe_md(text) if text and text.strip() else empty)


def record(key: str, action: Callable[[], object], done: str) -> None:
    """Run a core call from a widget callback and keep ("ok", done) or ("error", why) under ``key``:
    callbacks run before the page script, so the message is shown by ``show_message`` on that run."""
    try:
        action()
    except (P.ProjectError, PermissionDenied) as error:
        st.session_state[key] = ("error", str(error))
        return
    st.session_state[key] = ("ok", done)


def show_message(key: str) -> None:
    """Show (once) the message a callback left under ``key``: ("ok" | "info" | "error", text)."""
    message = st.session_state.pop(key, None)
    if message:
        {"ok": st.success, "info": st.info, "error": st.error}[message[0]](message[1])


def lesson_links(step: str, catalog) -> None:
    """Links to the lessons the step follows; plain text if a lesson is not (yet) in the course."""
    for lesson_id, _anchor, label in P.STEP_LESSONS.get(step, []):
        if catalog.lesson(lesson_id) is not None:
            st.page_link("app_pages/lektion.py", label=f"{label} lesen", icon="📖", query_params={"id": lesson_id})
        else:
            st.caption(f"{label} (noch nicht im Kurs verfügbar)")


# --- prioritisation ---------------------------------------------------------------------------

def _spread(ranked: list[P.RankedNeed]) -> dict[int, tuple[float, float]]:
    """Needs on the same spot are stacked a little apart (deterministically), so no label hides another."""
    spots: dict[tuple[int, int], list[P.RankedNeed]] = {}
    for entry in ranked:
        if entry.quadrant is not None:
            spots.setdefault((entry.effort, entry.benefit), []).append(entry)
    positions = {}
    for (effort, benefit), entries in spots.items():
        gap = min(0.3, 0.9 / max(len(entries) - 1, 1))
        for j, entry in enumerate(entries):
            positions[entry.need_id] = (float(effort), benefit + gap * ((len(entries) - 1) / 2 - j))
    return positions


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def matrix_frame(ranked: list[P.RankedNeed]) -> pd.DataFrame:
    positions = _spread(ranked)
    rows = []
    for e in ranked:
        if e.quadrant is None:
            continue
        x, y = positions[e.need_id]
        rank = str(e.rank) if e.rank else "–"
        caption = f"{rank}: {_short(e.label)}" if e.rank else f"{_short(e.label)} (ohne Rang)"
        rows.append({"x": x, "y": y, "Beschriftung": caption, "Anforderung": e.label,
                     "Rang": rank, "Nutzen": e.benefit, "Aufwand": e.effort,
                     "Dringlichkeit": e.urgency if e.urgency is not None else "–",
                     "Punkte": e.score if e.score is not None else "–", "Feld": e.quadrant.label})
    return pd.DataFrame(rows)


def matrix_chart(ranked: list[P.RankedNeed]) -> alt.LayerChart:
    """The benefit/effort matrix: fields shaded and named, needs as labelled points with tooltips."""
    quads = P.QUADRANTS
    domain = [q.label for q in quads.values()]
    colour = alt.Scale(domain=domain, range=[FIELD_COLOURS[k] for k in quads])
    shape = alt.Scale(domain=domain, range=[FIELD_SHAPES[k] for k in quads])
    boxes = pd.DataFrame([
        {"x1": 0.5, "x2": 2.5, "y1": 2.5, "y2": 5.5, "Feld": quads["quick_wins"].label},
        {"x1": 2.5, "x2": 5.5, "y1": 2.5, "y2": 5.5, "Feld": quads["grosse_vorhaben"].label},
        {"x1": 0.5, "x2": 2.5, "y1": 0.5, "y2": 2.5, "Feld": quads["lueckenfueller"].label},
        {"x1": 2.5, "x2": 5.5, "y1": 0.5, "y2": 2.5, "Feld": quads["zurueckstellen"].label},
    ])
    boxes["lx"], boxes["ly"] = boxes["x1"] + 0.06, boxes["y2"] - 0.08
    x_axis = alt.X("x:Q", scale=alt.Scale(domain=[0.5, 5.5], nice=False),
                   axis=alt.Axis(title="Aufwand (1 = sehr gering, 5 = sehr hoch)", values=[1, 2, 3, 4, 5],
                                 format="d"))
    y_axis = alt.Y("y:Q", scale=alt.Scale(domain=[0.5, 5.5], nice=False),
                   axis=alt.Axis(title="Nutzen (1 = sehr gering, 5 = sehr hoch)", values=[1, 2, 3, 4, 5],
                                 format="d"))
    background = alt.Chart(boxes).mark_rect(opacity=0.13).encode(
        x=alt.X("x1:Q", scale=alt.Scale(domain=[0.5, 5.5], nice=False)), x2="x2", y="y1:Q", y2="y2",
        color=alt.Color("Feld:N", scale=colour, legend=None), tooltip=[alt.Tooltip("Feld:N", title="Feld")])
    names = alt.Chart(boxes).mark_text(align="left", baseline="top", fontWeight="bold", fontSize=12).encode(
        x="lx:Q", y="ly:Q", text="Feld:N")
    data = matrix_frame(ranked)
    if data.empty:
        data = pd.DataFrame(columns=["x", "y", "Beschriftung", "Anforderung", "Rang", "Nutzen", "Aufwand",
                                     "Dringlichkeit", "Punkte", "Feld"])
    tooltip = [alt.Tooltip("Anforderung:N"), alt.Tooltip("Rang:N"), alt.Tooltip("Nutzen:Q"),
               alt.Tooltip("Aufwand:Q"), alt.Tooltip("Dringlichkeit:N"), alt.Tooltip("Punkte:N"),
               alt.Tooltip("Feld:N", title="Feld der Matrix")]
    points = alt.Chart(data).mark_point(filled=True, size=150, stroke="#1a1a1a", strokeWidth=0.6).encode(
        x=x_axis, y=y_axis, color=alt.Color("Feld:N", scale=colour, legend=alt.Legend(title="Feld der Matrix",
                                                                                       orient="bottom")),
        shape=alt.Shape("Feld:N", scale=shape, legend=None), tooltip=tooltip)
    # Labels point away from the right edge, so long ones near "Aufwand 5" stay inside the chart.
    labels = [alt.Chart(data).transform_filter(test).mark_text(align=align, dx=dx, fontSize=12).encode(
        x="x:Q", y="y:Q", text="Beschriftung:N", tooltip=tooltip)
        for test, align, dx in (("datum.x < 3.5", "left", 10), ("datum.x >= 3.5", "right", -10))]
    rules = alt.Chart(pd.DataFrame({"v": [2.5]}))
    lines = rules.mark_rule(strokeDash=[4, 4], color="#555555").encode(x="v:Q") + \
        rules.mark_rule(strokeDash=[4, 4], color="#555555").encode(y="v:Q")
    return alt.layer(background, lines, names, points, *labels).properties(
        title="Nutzen-Aufwand-Matrix", height=440)


@st.cache_data(max_entries=512, show_spinner=False)
def matrix_spec(ranked: tuple[P.RankedNeed, ...]) -> dict:
    """The Altair chart as a Vega-Lite spec, built once per set of ratings: building and validating
    an Altair chart takes a few hundred milliseconds, and every autosave reruns the page."""
    return matrix_chart(list(ranked)).to_dict()


def rank_frame(ranked: list[P.RankedNeed]) -> pd.DataFrame:
    """The ranked list with the numbers of the chart; a missing value is shown as "–", not "None"."""
    def shown(value: int | None) -> str:
        return "–" if value is None else str(value)
    return pd.DataFrame([{
        "Rang": shown(e.rank), "Anforderung": e.label, "Für wen": e.group, "Nutzen": shown(e.benefit),
        "Aufwand": shown(e.effort), "Dringlichkeit": shown(e.urgency), "Punkte": shown(e.score),
        "Feld der Matrix": e.quadrant.label if e.quadrant else "noch nicht eingeordnet", "Hinweis": e.note,
    } for e in ranked])


def priorities(project: P.Project) -> None:
    """Chart, then the same numbers as a table (the ranked list), then how the score is computed."""
    ranked = P.rank_needs(project.needs, project.ratings)
    if not ranked:
        st.info("Sobald Sie im Schritt „Anforderungen“ Bedarfe erfasst haben, können Sie sie hier bewerten.")
        return
    placed = sum(1 for e in ranked if e.quadrant is not None)
    st.vega_lite_chart(matrix_spec(tuple(ranked)), width="stretch",
                       alt=f"Nutzen-Aufwand-Matrix mit {placed} eingeordneten Anforderungen; "
                           "dieselben Zahlen stehen in der Tabelle darunter.")
    st.caption("Rangfolge (dieselben Zahlen wie in der Matrix):")
    st.dataframe(rank_frame(ranked), hide_index=True, width="stretch")
    with st.expander("Wie wird die Rangfolge berechnet?"):
        st.write(P.SCORE_EXPLANATION)


# --- measures board ---------------------------------------------------------------------------

def board(project: P.Project, key_prefix: str, on_move=None) -> None:
    """Three columns by status; each card names its status in words. ``on_move(measure_id, status)``
    adds a button per card to move it one column on (owner only)."""
    names = P.need_names(project.needs)
    columns = st.columns(len(P.STATUSES))
    for column, status in zip(columns, P.STATUSES):
        cards = [m for m in project.measures if m["status"] == status]
        with column:
            st.markdown(f"**{status}** ({len(cards)})")
            if not cards:
                st.caption("Keine Maßnahme.")
            for m in cards:
                with st.container(border=True):
                    number = project.measures.index(m) + 1
                    st.markdown(f"Maßnahme {number}: " + safe_md(m["title"] or "(ohne Titel)"))
                    details = [f"Stand: {status}", f"Verantwortlich: {m['owner'] or '–'}",
                               f"Bis: {date_short(m['due']) or '–'}"]
                    if m.get("need") is not None:
                        details.append("Bedarf: " + names.get(m["need"], "(nicht mehr vorhanden)"))
                    st.caption(safe_md(" · ".join(details)))
                    index = P.STATUSES.index(status)
                    if on_move is not None and index + 1 < len(P.STATUSES):
                        target = P.STATUSES[index + 1]
                        number = project.measures.index(m) + 1
                        st.button(f"Maßnahme {number} nach „{target}“ verschieben",
                                  key=f"{key_prefix}-board-{m['id']}", on_click=on_move, args=(m["id"], target))


# --- read-only step content -------------------------------------------------------------------

def _list_frame(spec: P.ListSpec, items: list[dict], project: P.Project) -> pd.DataFrame:
    names = P.need_names(project.needs)
    rows = []
    for item in items:
        row = {}
        for f in spec.fields:
            value = item.get(f.key)
            if f.kind == "ref":
                value = names.get(value, "") if value is not None else ""
            elif f.kind == "date":
                value = date_short(value)
            row[f.label] = value
        rows.append(row)
    return pd.DataFrame(rows)


def step_readonly(project: P.Project, step: str) -> None:
    """A step's content as text and tables (the trainer's view)."""
    content = project.steps[step]
    spec = P.SPECS[step]
    for lst in spec.lists:
        st.markdown(f"**{lst.label}**")
        if content[lst.key]:
            st.dataframe(_list_frame(lst, content[lst.key], project), hide_index=True, width="stretch")
        else:
            st.caption("Noch keine Einträge.")
    for f in spec.texts:
        st.markdown(f"**{f.label}**")
        user_text(content[f.key], "–")
    if step == "priorisierung":
        priorities(project)
    if step == "massnahmen":
        board(project, f"ansicht-{project.id}")


# --- comments ---------------------------------------------------------------------------------

def threads(entries: list[dict], answer_key: str | None, on_answer=None) -> None:
    """Comment threads of one step; with ``on_answer(comment_id, key)`` a reply form per thread."""
    if not entries:
        st.caption("Noch keine Rückmeldungen zu diesem Schritt.")
        return
    for thread in entries:
        with st.container(border=True):
            _comment(thread)
            for answer in thread["answers"]:
                _comment(answer, indent=True)
            if on_answer is not None and answer_key is not None:
                key = f"{answer_key}-{thread['id']}"
                with st.form(key=f"{key}-form", clear_on_submit=True):
                    st.text_area("Ihre Antwort", key=key, max_chars=P.COMMENT_MAX, height=80)
                    st.form_submit_button("Antwort senden", on_click=on_answer, args=(thread["id"], key))


def _comment(entry: dict, indent: bool = False) -> None:
    who = entry["author_name"] + (" (Verfasserin/Verfasser)" if entry.get("by_owner") else "")
    prefix = "↳ " if indent else ""
    st.caption(safe_md(f"{prefix}{who}, {datetime_short(entry['created_at'])}"))
    user_text(entry["body"])
