"""Mein Lernweg (home): modules with their lessons, status in words and icons, progress per module
and overall, and "Weiterlernen" to the next open lesson."""

import streamlit as st

from lotse import learning, onboarding
from lotse.german_format import percent, share
from ui.context import catalog, store
from ui.countdown_box import render_countdown
from ui.escape import md_escape
from ui.lesson_view import LESSON_PAGE, lesson_link
from ui.session import require

user = require("learner", "trainer", "admin")
content = catalog()
course = learning.course_overview(store(), user, content)

st.title("Mein Lernweg")
if content.course is not None:
    st.caption(md_escape(content.course.title))
render_countdown(store(), user)
if not course.total:
    st.info("Noch sind keine Lektionen freigegeben. Schauen Sie bald wieder vorbei.")
    st.stop()

st.progress(course.share, text=f"Insgesamt abgeschlossen: {course.completed} von {course.total} Lektionen "
                               f"({share(course.share)}). Abgeschlossen heißt: Quiz bestanden.")
begin = onboarding.start(store(), user, content, course)
if begin.first_visit:
    with st.container(border=True):
        st.header("Willkommen bei Lotse", anchor="willkommen")
        st.markdown(md_escape(f"Der Kurs „{content.course.title if content.course else 'Lotse'}“ hat "
                              f"{onboarding.course_size(course)}. Jede Lektion endet mit einem kurzen Quiz; "
                              "Ihr Fortschritt wird gespeichert, Sie können jederzeit unterbrechen."))
        st.markdown("**Unser Vorschlag:** Beginnen Sie mit der Einstufung. Sie beantworten einige Fragen und "
                    "erhalten einen persönlichen Lernweg: was Sie zuerst bearbeiten und was Sie überfliegen können. "
                    "Sie können die Einstufung auch überspringen und mit der ersten Lektion beginnen.")
        st.page_link("app_pages/einstufung.py", label="Einstufung starten", icon="🎯")
elif begin.check_running:
    st.page_link("app_pages/einstufung.py", label="Ihre Einstufung fortsetzen", icon="🎯")
if begin.next_lesson_id is None:
    st.success("Sie haben alle Lektionen abgeschlossen. Herzlichen Glückwunsch!", icon="🎉")
else:
    label = f"Weiterlernen: {begin.next_title}" if not begin.first_visit else f"Ohne Einstufung beginnen: {begin.next_title}"
    if st.button(label, key="lernweg-weiterlernen", type="secondary" if begin.first_visit else "primary", icon="▶️"):
        st.switch_page(LESSON_PAGE, query_params={"id": begin.next_lesson_id})
    if begin.by_placement:
        st.caption("Die nächste Lektion folgt Ihrem persönlichen Lernweg aus der Einstufung.")

legend = " · ".join(f"{learning.STATUS_ICONS[s]} {s.value}" for s in learning.Status)
st.caption(f"Zeichen: {legend}")

for module in course.modules:
    st.header(md_escape(f"Modul {module.order}: {module.title}"), anchor=f"modul-{module.module_id}")
    if module.description:
        st.markdown(md_escape(module.description))
    if not module.lessons:
        st.caption("Für dieses Modul sind noch keine Lektionen freigegeben.")
        continue
    left = f"noch ca. {module.minutes_left} Minuten" if module.minutes_left else "alles erledigt"
    st.progress(module.share, text=f"{module.completed} von {module.total} Lektionen abgeschlossen · {left}")
    for entry in module.lessons:
        best = f" · bestes Ergebnis {percent(entry.best_percent)}" if entry.best_percent is not None else ""
        label = f"{entry.icon} {entry.title} — {entry.status.value} · ca. {entry.minutes} Min.{best}"
        lesson_link(entry.lesson_id, label)
