"""The autosaving forms of the Projektwerkstatt: one labelled widget per field, saved on change.

Widget keys are ``projekt-<id>-<step>-<field>`` and ``projekt-<id>-<step>-<list>-<row>-<field>``.
Every change calls ``lotse.projects.save_step`` with the whole step as the widgets show it. The
widgets are (re)seeded from the stored step whenever the stored version differs from the one they
show, or when Streamlit dropped their state (after a visit to another page): so a reload, a
restore or a second browser tab never shows stale text, and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from lotse import projects as P
from lotse.german_format import time_short
from lotse.identity import PermissionDenied, User

from .context import store
from .project_view import RATING_WORDS, safe_md

RATING_OPTIONS = [0, 1, 2, 3, 4, 5]  # 0: not rated yet


def k(pid: int, *parts: object) -> str:
    return "-".join(["projekt", str(pid), *map(str, parts)])


def status_key(pid: int, step: str) -> str:
    return f"projektstatus-{pid}-{step}"


# --- seeding and collecting -------------------------------------------------------------------

def _widget_value(f: P.Field, value, need_ids: set[int]):
    if f.kind == "date":
        return date.fromisoformat(value) if value else None
    if f.kind == "ref":
        return value if value in need_ids else None
    if f.kind == "choice":
        return value or (f.choices[0] if f.key == "status" else None)
    return value


def widget_keys(project: P.Project, step: str) -> list[str]:
    ss, pid = st.session_state, project.id
    if step == "rahmen":
        return [k(pid, step, "title"), k(pid, step, "subject")]
    keys = [k(pid, step, f.key) for f in P.SPECS[step].texts]
    for lst in P.SPECS[step].lists:
        rows = ss.get(k(pid, step, lst.key, "rows"), 0)
        keys += [k(pid, step, lst.key, i, f.key) for i in range(rows) for f in lst.fields]
    if step == "priorisierung":
        keys += [k(pid, step, n["id"], r) for n in project.needs for r in P.RATING_KEYS]
    return keys


def seed(project: P.Project, step: str) -> None:
    """Fill the step's widget state from the stored content unless it already shows that version."""
    ss, pid, saved = st.session_state, project.id, project.saved.get(step)
    version = saved.version_no if saved else 0
    if ss.get(k(pid, step, "seeded")) == version and all(key in ss for key in widget_keys(project, step)):
        return
    if step == "rahmen":
        ss[k(pid, step, "title")], ss[k(pid, step, "subject")] = project.title, project.subject
    else:
        content, spec, need_ids = project.steps[step], P.SPECS[step], {n["id"] for n in project.needs}
        for lst in spec.lists:
            items = content[lst.key]
            rows = max(len(items), ss.get(k(pid, step, lst.key, "rows"), 0), 1)  # keep blank rows just added
            ss[k(pid, step, lst.key, "rows")] = rows
            ss[k(pid, step, lst.key, "ids")] = [item["id"] for item in items]
            for i in range(rows):
                for f in lst.fields:
                    value = items[i][f.key] if i < len(items) else None
                    ss[k(pid, step, lst.key, i, f.key)] = _widget_value(f, value, need_ids)
        for f in spec.texts:
            ss[k(pid, step, f.key)] = content[f.key]
        if step == "priorisierung":
            for need in project.needs:
                rating = project.ratings.get(str(need["id"]), {})
                for r in P.RATING_KEYS:
                    ss[k(pid, step, need["id"], r)] = rating.get(r) or 0
    ss[k(pid, step, "seeded")] = version


def collect(project: P.Project, step: str) -> dict:
    """The step's content as the widgets show it (the stored value where a widget is missing)."""
    ss, pid = st.session_state, project.id
    if step == "rahmen":
        return {"title": ss.get(k(pid, step, "title"), project.title),
                "subject": ss.get(k(pid, step, "subject"), project.subject)}
    content, spec = dict(project.steps[step]), P.SPECS[step]
    for lst in spec.lists:
        stored, ids = content[lst.key], ss.get(k(pid, step, lst.key, "ids"), [])
        items = []
        for i in range(ss.get(k(pid, step, lst.key, "rows"), len(stored))):
            item = {"id": ids[i] if i < len(ids) else None}
            for f in lst.fields:
                value = ss.get(k(pid, step, lst.key, i, f.key), stored[i][f.key] if i < len(stored) else None)
                item[f.key] = value.isoformat() if isinstance(value, date) else value
            items.append(item)
        content[lst.key] = items
    for f in spec.texts:
        content[f.key] = ss.get(k(pid, step, f.key), content[f.key])
    if step == "priorisierung":
        ratings = {key: dict(value) for key, value in project.ratings.items()}
        for need in project.needs:
            stored = ratings.get(str(need["id"]), {})
            ratings[str(need["id"])] = {r: ss.get(k(pid, step, need["id"], r), stored.get(r)) for r in P.RATING_KEYS}
        content["ratings"] = ratings
    return content


# --- callbacks (run before the next script run) ------------------------------------------------

def report_save(pid: int, step: str, action: Callable[[], P.SaveResult], done: str) -> None:
    """Run a save (or restore) and leave "<done> um HH:MM" or the error for ``step_status``;
    on success the widgets are reseeded from the store."""
    ss = st.session_state
    try:
        result = action()
    except (P.ProjectError, PermissionDenied) as error:
        ss[status_key(pid, step)] = ("error", str(error))
        return
    ss[status_key(pid, step)] = ("ok", f"{done} um {time_short(result.saved_at)}")
    ss.pop(k(pid, step, "seeded"), None)


def save(user: User, pid: int, step: str, content_of: Callable[[P.Project], dict]) -> None:
    """Save ``content_of(project)`` (the project as stored now) and report."""
    def saved() -> P.SaveResult:
        return P.save_step(store(), user, pid, step, content_of(P.load_project(store(), user, pid)))

    report_save(pid, step, saved, "Gespeichert")


def autosave(user: User, pid: int, step: str) -> None:
    save(user, pid, step, lambda project: collect(project, step))


def add_row(pid: int, step: str, list_key: str) -> None:
    st.session_state[k(pid, step, list_key, "rows")] = st.session_state.get(k(pid, step, list_key, "rows"), 0) + 1


def remove_row(user: User, pid: int, step: str, list_key: str, index: int) -> None:
    def without(project: P.Project) -> dict:
        content = collect(project, step)
        del content[list_key][index]
        return content

    rows = st.session_state.get(k(pid, step, list_key, "rows"), 1)
    save(user, pid, step, without)
    st.session_state[k(pid, step, list_key, "rows")] = max(rows - 1, 1)
    st.session_state.pop(k(pid, step, "seeded"), None)


def move_measure(user: User, pid: int, measure_id: int, status: str) -> None:
    def moved(project: P.Project) -> dict:
        content = collect(project, "massnahmen")
        for item in content["measures"]:
            if item["id"] == measure_id:
                item["status"] = status
        return content

    save(user, pid, "massnahmen", moved)


# --- widgets ----------------------------------------------------------------------------------

def field_widget(user: User, pid: int, step: str, f: P.Field, key: str, label: str, names: dict[int, str]) -> None:
    """One labelled widget that saves its step on change (labels are ours, never user text)."""
    common = {"key": key, "on_change": autosave, "args": (user, pid, step)}
    if f.kind == "long":
        st.text_area(label, max_chars=f.limit, help=f.help or None, **common)
    elif f.kind == "choice":
        st.selectbox(label, list(f.choices), index=None if f.key != "status" else 0, placeholder="Bitte wählen", **common)
    elif f.kind == "date":
        st.date_input(label, value=None, format="DD.MM.YYYY", **common)
    elif f.kind == "ref":
        st.selectbox(label, list(names), index=None, format_func=lambda i: names.get(i, ""),
                     placeholder="Bitte wählen", **common)
    else:
        st.text_input(label, max_chars=f.limit, help=f.help or None, **common)


def list_editor(user: User, project: P.Project, step: str, lst: P.ListSpec) -> None:
    """Each entry in a bordered box, every field labelled with the entry's number."""
    pid, names = project.id, P.need_names(project.needs)
    st.subheader(lst.label)
    rows = st.session_state[k(pid, step, lst.key, "rows")]
    for i in range(rows):
        with st.container(border=True):
            columns = st.columns(min(len(lst.fields), 3))
            for j, f in enumerate(lst.fields):
                with columns[j % len(columns)]:
                    field_widget(user, pid, step, f, k(pid, step, lst.key, i, f.key), f"{lst.item} {i + 1}: {f.label}",
                                 names)
            st.button(f"{lst.item} {i + 1} entfernen", key=k(pid, step, lst.key, i, "entfernen"),
                      on_click=remove_row, args=(user, pid, step, lst.key, i))
    st.button(f"{lst.item} hinzufügen", key=k(pid, step, lst.key, "neu"), icon="➕",
              disabled=rows >= lst.max_items, on_click=add_row, args=(pid, step, lst.key))


def ratings_editor(user: User, project: P.Project) -> None:
    """Benefit, effort and urgency of each need, 1 to 5, as labelled select boxes."""
    pid = project.id
    st.subheader("Bewertung der Anforderungen")
    st.caption("1 = sehr gering, 2 = gering, 3 = mittel, 4 = hoch, 5 = sehr hoch. Beim Aufwand ist ein geringer Wert gut.")
    for number, need in enumerate(project.needs, start=1):
        with st.container(border=True):
            st.markdown(f"**Anforderung {number}:** " + safe_md(P.need_label(need)))
            for column, r in zip(st.columns(3), P.RATING_KEYS):
                with column:
                    st.selectbox(f"Anforderung {number}: {P.RATING_LABELS[r]}", RATING_OPTIONS,
                                 format_func=lambda v: f"{v} – {RATING_WORDS[v]}" if v else "noch nicht bewertet",
                                 key=k(pid, "priorisierung", need["id"], r), on_change=autosave,
                                 args=(user, pid, "priorisierung"))


def step_status(project: P.Project, step: str) -> None:
    """"Gespeichert um HH:MM" (or why the last change was not saved)."""
    state = st.session_state.get(status_key(project.id, step))
    if state and state[0] == "error":
        st.error(f"Nicht gespeichert: {state[1]}")
    elif state:
        st.caption(f"✓ {state[1]}")
    elif step in project.saved:
        st.caption(f"✓ Gespeichert um {time_short(project.saved[step].saved_at)}")
