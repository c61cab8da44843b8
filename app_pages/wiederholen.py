"""Wiederholen: quiz questions come back when FSRS says they are due; the learner answers again,
sees whether it was right, and rates how well they remembered. Mode "nur meine Fehler üben"."""

import time

import streamlit as st

from lotse import learning, review
from ui import quiz_widgets as widgets
from ui.context import catalog, store
from ui.escape import md_escape
from ui.lesson_view import HOME_PAGE, LESSON_PAGE, inline_html
from ui.notice import show_notice
from ui.session import require

user = require("learner", "trainer", "admin")
content = catalog()
database = store()
MODES = {"due": "Heute fällige Karten", "mistakes": "Nur meine Fehler üben"}
NOTICE = "wiederholen-notiz"


def base_key(card: review.ReviewCard) -> str:
    return f"wiederholen-{card.id}-v{card.version}"


def check(card: review.ReviewCard) -> None:
    base = base_key(card)
    response = widgets.response_of(card.question, f"{base}-antwort")
    grade = review.check_answer(card, response)
    st.session_state[f"{base}-geprueft"] = {"response": response, "fraction": grade.fraction}
    st.session_state[f"{base}-bewertung"] = int(review.rating_for(grade.fraction))


def rate(card: review.ReviewCard) -> None:
    base = base_key(card)
    checked = st.session_state.get(f"{base}-geprueft")
    if checked is None:
        return
    started = st.session_state.get(f"{base}-start")
    duration = int((time.monotonic() - started) * 1000) if started else None
    try:
        outcome = review.record_review(database, user, content, card.id, card.version, checked["response"],
                                       st.session_state.get(f"{base}-bewertung"), duration_ms=duration)
    except (LookupError, ValueError) as problem:
        st.session_state[NOTICE] = ("warning", str(problem))
        return
    if outcome.stored:
        st.session_state[NOTICE] = ("success", f"Gespeichert ({review.RATING_LABELS[outcome.rating]}). "
                                               f"Diese Frage kommt {review.due_text(outcome.due)} wieder.")
    else:
        st.session_state[NOTICE] = ("info", "Diese Karte wurde schon bewertet, zum Beispiel in einem anderen "
                                            "Fenster. Es geht mit der nächsten weiter.")


def render_card(card: review.ReviewCard, remaining: int) -> None:
    base = base_key(card)
    st.session_state.setdefault(f"{base}-start", time.monotonic())
    more = "1 Karte" if remaining == 1 else f"{remaining} Karten"
    st.caption(f"Noch {more} zum Üben. Nehmen Sie sich so viele vor, wie gerade passen – "
               "was liegen bleibt, kommt beim nächsten Mal.")
    with st.container(border=True):
        st.header("Frage", anchor="wiederholen-frage")
        st.caption(md_escape(f"Aus der Lektion „{card.lesson.meta.title}“"))
        st.markdown(inline_html(card.question.prompt), unsafe_allow_html=True)
        checked = st.session_state.get(f"{base}-geprueft")
        if checked is None:
            widgets.render_input(card.question, f"{base}-antwort", card.id * 1000 + card.version, None, lambda: None)
            st.button("Antwort prüfen", key=f"{base}-pruefen", type="primary", on_click=check, args=(card,))
            return
        render_feedback(card, checked)
    render_rating(card)


def render_feedback(card: review.ReviewCard, checked: dict) -> None:
    grade = review.check_answer(card, checked["response"])
    icon, word = learning.verdict(grade.fraction)
    st.markdown(f"**{icon} {word}** · Ihre Antwort: {widgets.describe_response(card.question, checked['response'])}")
    for text in grade.feedback:
        st.markdown(inline_html(text), unsafe_allow_html=True)
    if not grade.correct:
        st.markdown("**Richtig ist:**\n\n" + "\n".join(f"- {md_escape(line)}" for line in review.solution_lines(card.question)))
    st.markdown("**Erklärung:**")
    st.markdown(inline_html(card.question.explanation), unsafe_allow_html=True)
    st.page_link(LESSON_PAGE, query_params={"id": card.lesson.id}, label="Lektion noch einmal ansehen", icon="📖")


def render_rating(card: review.ReviewCard) -> None:
    base = base_key(card)
    st.radio("Wie gut haben Sie sich erinnert?", [int(r) for r in review.RATING_LABELS], key=f"{base}-bewertung",
             horizontal=True, format_func=lambda value: review.RATING_LABELS[review.Rating(value)],
             help="Vorausgewählt nach Ihrer Antwort; Sie können es ändern. "
                  + " ".join(f"{review.RATING_LABELS[r]}: {review.RATING_HELP[r]}" for r in review.RATING_LABELS))
    st.button("Bewertung speichern und weiter", key=f"{base}-speichern", type="primary", icon="➡️",
              on_click=rate, args=(card,))


st.title("Wiederholen")
st.markdown("Hier kommen Quizfragen wieder, kurz bevor Sie sie vergessen würden. Wer in Abständen wiederholt, "
            "behält mehr. Beantworten Sie die Frage, prüfen Sie Ihre Antwort und sagen Sie, wie gut Sie sich "
            "erinnert haben – danach plant Lotse die nächste Wiederholung.")
review.sync_cards(database, user)
status = review.review_status(database, user)
show_notice(NOTICE)
if status.total == 0:
    st.info("Noch gibt es nichts zu wiederholen. Jede Quizfrage, die Sie in einer Lektion beantworten, "
            "wird hier zu einer Karte.", icon="ℹ️")
    st.page_link(HOME_PAGE, label="Zu „Mein Lernweg“", icon="🧭")
    st.stop()

st.caption(f"{status.total} Karten insgesamt · heute fällig: {status.due_today} · "
           f"zuletzt nicht ganz richtig beantwortet: {status.mistakes}")
mode = st.radio("Was möchten Sie üben?", list(MODES), format_func=MODES.get, key="wiederholen-modus",
                horizontal=True)
cards = review.session_cards(database, user, content, mode)
if cards:
    render_card(cards[0], len(cards))
elif mode == "mistakes":
    st.success("Keine Fehler zum Üben: Ihre letzten Antworten waren alle richtig.", icon="✅")
else:
    later = f" Die nächste Frage kommt {review.due_text(status.next_due)} wieder." if status.next_due else ""
    st.success(f"Für heute ist alles wiederholt.{later}", icon="✅")
