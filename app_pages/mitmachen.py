"""Mitmachen: participants join a Seminar-live session with its code (from the projector or the QR
code) and answer the open question on their phone; the page looks for the next question by itself."""

import streamlit as st

from lotse import live
from ui.context import store
from ui.session import signed_in_user

REFRESH_SECONDS = 2
SESSION_KEY, ANONYMOUS_KEY, NOTICE = "mitmachen-sitzung", "mitmachen-anonym", "mitmachen-notiz"
KEPT = "teilnahme"  # the address keeps the anonymous key, so a reload answers as the same participant
state = st.session_state
user = signed_in_user()
if ANONYMOUS_KEY not in state:
    state[ANONYMOUS_KEY] = live.anonymous_key(st.query_params.get(KEPT))


def join() -> None:
    try:
        session = live.join(store(), state.get("mitmachen-code", ""))
        live.participant(store(), session, user, state[ANONYMOUS_KEY])
    except live.LiveError as problem:
        state[NOTICE] = str(problem)
        return
    state[SESSION_KEY] = session.join_code
    st.query_params["code"] = session.join_code


def send(session: live.LiveSession, question: live.LiveQuestion, who: tuple[str, int | None]) -> None:
    key = f"mitmachen-antwort-{question.id}"
    value = state.get(key)
    if question.kind == "multiple":
        value = [i for i in range(len(question.options)) if state.get(f"{key}-{i}")]
    try:
        live.answer(store(), session, question.id, who, value)
    except live.LiveError as problem:
        state[NOTICE] = str(problem)


def answer_form(session: live.LiveSession, question: live.LiveQuestion, who: tuple[str, int | None]) -> None:
    key = f"mitmachen-antwort-{question.id}"
    if question.kind in ("single", "scale"):
        st.radio("Ihre Antwort", range(len(question.choices)), format_func=lambda i: question.choices[i], key=key,
                 index=None)
        if question.kind == "scale":
            st.caption(live.SCALE_HINT)
    elif question.kind == "multiple":
        st.markdown("Ihre Antwort (mehrere möglich):")
        for index, option in enumerate(question.options):
            st.checkbox(option, key=f"{key}-{index}")
    else:
        st.text_input("Ihre Antwort (ein Wort oder ein kurzer Begriff)", max_chars=live.MAX_WORD, key=key)
    st.button("Antwort senden", key=f"{key}-senden", type="primary", on_click=send, args=(session, question, who))


@st.fragment(run_every=REFRESH_SECONDS)
def current(session: live.LiveSession, who: tuple[str, int | None]) -> None:
    if NOTICE in state:
        st.warning(state.pop(NOTICE))
    question = live.open_question_of(store(), session)
    if question is None:
        st.info("Gerade ist keine Frage offen. Die nächste erscheint hier von selbst.", icon=":material/hourglass:")
        return
    st.subheader(question.prompt, anchor=False)
    answer_form(session, question, who)
    mine = live.my_answer(store(), question.id, who)
    if mine is not None:
        shown = ", ".join(question.choices[i] for i in mine) if isinstance(mine, list) else \
            question.choices[mine] if isinstance(mine, int) else mine
        st.success(f"Ihre Antwort ist angekommen: {shown}. Sie können sie ändern, bis die Frage geschlossen wird.")


st.title("Mitmachen")
code = state.get(SESSION_KEY)
if code is None and st.query_params.get(KEPT) == state[ANONYMOUS_KEY]:
    code = st.query_params.get("code")  # a reload of this browser's page: it joined before
session = None
if code:
    try:
        session = live.join(store(), code)
    except live.LiveError:
        state.pop(SESSION_KEY, None)
        st.info("Die Live-Sitzung ist beendet. Vielen Dank fürs Mitmachen!")
if session is None:
    st.markdown("Geben Sie den Code ein, den Ihre Trainerin oder Ihr Trainer zeigt.")
    if "mitmachen-code" not in state and st.query_params.get("code"):
        state["mitmachen-code"] = st.query_params.get("code", "")[:20]
    st.text_input("Code", max_chars=20, key="mitmachen-code", placeholder="z. B. ACD 479")
    st.button("Teilnehmen", type="primary", key="mitmachen-los", on_click=join)
    if NOTICE in state:
        st.warning(state.pop(NOTICE))
    st.stop()
try:
    who = live.participant(store(), session, user, state[ANONYMOUS_KEY])
except live.LiveError as problem:
    state.pop(SESSION_KEY, None)
    st.warning(str(problem))
    st.stop()
state[SESSION_KEY] = session.join_code
if who[1] is None and st.query_params.get(KEPT) != state[ANONYMOUS_KEY]:
    st.query_params[KEPT] = state[ANONYMOUS_KEY]
st.caption("Ihre Antworten erscheinen nur zusammengezählt, ohne Namen.")
current(session, who)
