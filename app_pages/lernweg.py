"""Mein Lernweg (home): on the first visit a welcome step (the course, how long, what happens with the
data; then "Einstufung machen" or "Überspringen", remembered); afterwards the personal path: modules
with their lessons, status in words and icons, progress per module and overall, and "Weiterlernen"
to the next open lesson."""

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
REVISIT = "lernweg-willkommen-erneut"  # the learner asked to see the welcome step again (this session)
if onboarding.shows_welcome(begin) or st.session_state.get(REVISIT):
    # The first-visit path: welcome (what, how long, data), then the entry check or skip it; the
    # personal path (the rest of this page) follows the choice, which is remembered.
    with st.container(border=True):
        st.header("Willkommen bei Lotse", anchor="willkommen")
        title = content.course.title if content.course else "Lotse"
        about = f" {content.course.description.strip()}" if content.course and content.course.description.strip() else ""
        st.markdown(md_escape(f"Sie lernen im Kurs „{title}“.{about}"))
        st.markdown(md_escape(f"Umfang: {onboarding.course_size(course)}. Jede Lektion endet mit einem kurzen Quiz. "
                              "Sie können jederzeit unterbrechen; Ihr Fortschritt bleibt gespeichert."))
        st.markdown("Ihre Daten: Lotse speichert Ihren Lernfortschritt und Ihre Antworten, damit Sie weiterlernen "
                    "können; was Ihre Trainerin oder Ihr Trainer davon sieht und wie Sie alles herunterladen oder "
                    "löschen, steht in den Datenschutzhinweisen.")
        st.page_link("app_pages/datenschutz.py", label="Datenschutzhinweise lesen", icon=":material/lock:")
        st.subheader("Wie möchten Sie beginnen?", anchor="beginnen")
        st.markdown("**Unser Vorschlag: die Einstufung.** Sie beantworten einige Fragen aus allen Modulen und "
                    "erhalten Ihren persönlichen Lernweg: was Sie zuerst bearbeiten und was Sie überfliegen können. "
                    "Oder Sie überspringen sie und folgen der Reihenfolge des Kurses; die Einstufung können Sie "
                    "jederzeit nachholen.")
        left, right = st.columns(2)
        placement_chosen = left.button("Einstufung machen", type="primary", key="lernweg-einstufung",
                                       icon=":material/my_location:", width="stretch")
        skipped = right.button("Überspringen", key="lernweg-ueberspringen", icon=":material/skip_next:",
                               width="stretch")
    if placement_chosen or skipped:
        onboarding.choose(store(), user, "placement" if placement_chosen else "skipped")
        st.session_state.pop(REVISIT, None)
        if placement_chosen:
            st.switch_page("app_pages/einstufung.py")
        st.rerun()
    st.stop()

if begin.check_running:
    st.page_link("app_pages/einstufung.py", label="Ihre Einstufung fortsetzen", icon="🎯")
elif not begin.placed:
    skipped_text = ("Sie haben die Einstufung übersprungen und folgen der Reihenfolge des Kurses."
                    if begin.choice == "skipped" else "Ihr persönlicher Lernweg entsteht mit der Einstufung.")
    st.caption(skipped_text)
    st.page_link("app_pages/einstufung.py", label="Einstufung jetzt machen", icon="🎯")
if begin.next_lesson_id is None:
    st.success("Sie haben alle Lektionen abgeschlossen. Herzlichen Glückwunsch!", icon="🎉")
else:
    if st.button(f"Weiterlernen: {begin.next_title}", key="lernweg-weiterlernen", type="primary", icon="▶️"):
        st.switch_page(LESSON_PAGE, query_params={"id": begin.next_lesson_id})
    if begin.by_placement:
        st.caption("Die nächste Lektion folgt Ihrem persönlichen Lernweg aus der Einstufung.")
if st.button("Willkommen und Einstieg noch einmal ansehen", key="lernweg-willkommen-zeigen", type="tertiary",
             icon=":material/waving_hand:"):
    st.session_state[REVISIT] = True
    st.rerun()

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
