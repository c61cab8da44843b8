"""Einstufung: a short entry check (about two questions per lesson), the result per module and a
personal learning path; a retake shows the change. Answers are saved as they are given."""

import streamlit as st

from lotse import placement
from lotse.german_format import datetime_long, percent
from ui import quiz_widgets as widgets
from ui.charts import bar_chart, show
from ui.context import catalog, store
from ui.escape import md_escape
from ui.lesson_view import LESSON_PAGE, inline_html
from ui.session import require

user = require("learner", "trainer", "admin")
content = catalog()
database = store()
modules = {m.id: m for m in content.modules}


def step_key(run_id: int) -> str:
    return f"einstufung-{run_id}-schritt"


def answer_key(run_id: int, item: placement.Item) -> str:
    return f"einstufung-{run_id}-{item.lesson.id}-{item.question.id}"


def responses(run_id: int, items: list[placement.Item]) -> dict:
    return {item.key: widgets.response_of(item.question, answer_key(run_id, item)) for item in items}


def save(run_id: int, items: list[placement.Item]) -> None:
    placement.save_answers(database, user, run_id, responses(run_id, items))


def go(run_id: int, items: list[placement.Item], step: int) -> None:
    save(run_id, items)
    st.session_state[step_key(run_id)] = step
    st.query_params["teil"] = str(step + 1)  # a reload or a bookmark comes back to this part


def resume_step(run: placement.Run, groups: list) -> int:
    """The part to show when this browser session has none yet (a reload, a new visit): the one in the
    address (?teil=), otherwise the first part with an unanswered question."""
    raw = st.query_params.get("teil", "")
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= len(groups):
        return int(raw) - 1
    for step, (_, items) in enumerate(groups):
        if not all(widgets.answered(item.question, run.responses.get(item.key)) for item in items):
            return step
    return len(groups) - 1


def finish(run_id: int, items: list[placement.Item]) -> None:
    placement.finish_run(database, user, content, run_id, responses(run_id, items))
    st.query_params.pop("teil", None)
    st.session_state["einstufung-notiz"] = "Ihre Einstufung ist ausgewertet. Unten sehen Sie Ihren Lernweg."


def start() -> None:
    placement.start_run(database, user, content)


def discard(run_id: int) -> None:
    placement.discard_run(database, user, run_id)
    st.query_params.pop("teil", None)


def render_running(run: placement.Run, stored_items: list) -> None:
    groups = placement.items_by_module(content, placement.items_of(content, stored_items))
    if not groups:
        st.info("Für die Einstufung gibt es gerade keine Fragen.")
        st.button("Einstufung beenden", key="einstufung-leer-abbrechen", on_click=discard, args=(run.id,))
        return
    if step_key(run.id) not in st.session_state:
        st.session_state[step_key(run.id)] = resume_step(run, groups)
    step = min(max(0, int(st.session_state[step_key(run.id)])), len(groups) - 1)
    module_id, items = groups[step]
    module = modules.get(module_id)
    st.progress((step + 1) / len(groups), text=f"Teil {step + 1} von {len(groups)}")
    st.header(md_escape(f"Modul {module.order}: {module.title}" if module else module_id))
    st.caption("Ihre Antworten werden beim Ausfüllen gespeichert. Wenn Sie etwas nicht wissen, lassen Sie die "
               "Frage einfach offen – das hilft der Einstufung mehr als Raten.")
    on_change = lambda: save(run.id, items)  # noqa: E731 (bound callback)
    for number, item in enumerate(items, 1):
        st.subheader(f"Frage {number} von {len(items)}", anchor=f"einstufung-frage-{item.lesson.id}-{item.question.id}")
        st.caption(md_escape(f"Aus der Lektion „{item.lesson.meta.title}“"))
        st.markdown(inline_html(item.question.prompt), unsafe_allow_html=True)
        widgets.render_input(item.question, answer_key(run.id, item), run.seed, run.responses.get(item.key), on_change,
                             label=f"Frage {number}")
    back, forward = st.columns(2)
    with back:
        if step > 0:
            st.button("Zurück", key="einstufung-zurueck", icon="⬅️", on_click=go, args=(run.id, items, step - 1))
    with forward:
        if step + 1 < len(groups):
            st.button("Weiter", key="einstufung-weiter", type="primary", icon="➡️",
                      on_click=go, args=(run.id, items, step + 1))
        else:
            st.button("Einstufung auswerten", key="einstufung-auswerten", type="primary", icon="✅",
                      on_click=finish, args=(run.id, items))
    with st.expander("Einstufung abbrechen"):
        st.markdown("Ihre Antworten dieser Einstufung werden dann gelöscht. Frühere Ergebnisse bleiben erhalten.")
        st.button("Ja, Einstufung abbrechen", key="einstufung-abbrechen", on_click=discard, args=(run.id,))


def render_path(path: placement.LearningPath) -> None:
    st.header("Ihr persönlicher Lernweg")
    st.markdown(f"So ist der Lernweg sortiert: Lektionen, in denen Sie weniger als {percent(placement.FOCUS_BELOW, 2, fixed=False)} "
                f"erreicht haben, bearbeiten Sie am besten zuerst. Ab {percent(placement.SKIM_FROM, 2, fixed=False)} genügt es, die "
                "Lektion zu überfliegen und das Quiz zu machen. Lektionen ohne Einstufungsfragen stehen unter "
                "„Bearbeiten“. Innerhalb jeder Gruppe gilt die Reihenfolge des Kurses.")
    icons = {placement.FOCUS: "🎯", placement.WORK: "📖", placement.SKIM: "⏩", placement.DONE: "✓"}
    for group, entries in path.groups():
        if not entries:
            continue
        st.subheader(f"{icons[group]} {placement.CATEGORY_LABELS[group]} ({len(entries)})")
        for entry in entries:
            score = f" · Einstufung: {percent(entry.score, 2, fixed=False)}" if entry.score is not None else ""
            st.page_link(LESSON_PAGE, query_params={"id": entry.lesson_id},
                         label=f"{entry.title} · ca. {entry.minutes} Min.{score}")


def render_result(view: placement.Overview) -> None:
    notice = st.session_state.pop("einstufung-notiz", None)
    if notice:
        st.success(notice, icon="✅")
    st.header("Ihr Ergebnis")
    when = datetime_long(view.latest.finished_at)
    total = percent(view.total, 2, fixed=False)
    st.markdown(f"Einstufung vom {when}: insgesamt **{total}** der Punkte.")
    if view.previous is not None:
        change = (placement.change_text(round(view.total - view.previous_total, 1))
                  if view.total is not None and view.previous_total is not None else "–")
        before = percent(view.previous_total, 2, fixed=False)
        st.markdown(f"Bei der Einstufung davor ({datetime_long(view.previous.finished_at)}) waren es "
                    f"{before}. Veränderung: **{change}**.")
    rows = [{"Modul": f"Modul {modules[m.module_id].order}: {m.title}" if m.module_id in modules else m.title,
             "Ergebnis (%)": m.score, "Einschätzung": m.level,
             **({"Veränderung": placement.change_text(m.change)} if view.previous else {})} for m in view.modules]
    if rows:
        chart = bar_chart(rows, "Modul", "Ergebnis (%)", title="Ergebnis der Einstufung je Modul",
                          value_title="Erreichte Punkte (%)", domain=(0, 100), extra_tooltip=["Einschätzung"])
        show(chart, rows, key="einstufung-module")
    if view.changed_lessons:
        st.subheader("Was sich seit der letzten Einstufung verändert hat")
        st.markdown("\n".join(f"- {md_escape(title)}: {md_escape(before)} → {md_escape(now)}"
                              for title, before, now in view.changed_lessons))
    if view.path is not None:
        render_path(view.path)


st.title("Einstufung")
running = placement.open_run(database, user)
if running is not None:
    render_running(*running)
    st.stop()

view = placement.overview(database, user, content)
if view.latest is None:
    count = len(placement.draw_questions(content, 0))
    st.markdown(
        f"Mit der Einstufung finden Sie heraus, wo Sie am besten anfangen. Sie beantworten etwa zwei Fragen je "
        f"Lektion – zusammen {count} Fragen, gegliedert nach Modulen (ungefähr {max(1, round(count * 0.75))} "
        "Minuten). Danach sehen Sie Ihr Ergebnis je Modul und einen persönlichen Lernweg: welche Lektionen Sie "
        "zuerst bearbeiten sollten und welche Sie überfliegen können.")
    st.markdown("Die Einstufung ist keine Prüfung und zählt nicht für Ihren Fortschritt. Ihr Ergebnis sehen nur Sie.")
    st.button("Einstufung starten", key="einstufung-starten", type="primary", icon="🎯", on_click=start,
              disabled=count == 0)
else:
    render_result(view)
    st.divider()
    st.markdown("Sie können die Einstufung jederzeit wiederholen, zum Beispiel kurz vor dem Seminar. "
                "Sie bekommen dann neue Fragen und sehen, was sich verändert hat.")
    st.button("Einstufung wiederholen", key="einstufung-wiederholen", icon="🔄", on_click=start)
