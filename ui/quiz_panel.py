"""The quiz section of the lesson page: answering (drafts saved on every change), feedback
after the submit, "Neuer Versuch", and the attempt history.

No st.form: a form would keep answers in the browser until submit, and a reload would lose them.
Instead every input saves the whole draft in its on_change callback (choices at once, text
fields on Enter or when the field loses focus). The submit button's callback carries the attempt
number it was drawn for; lotse.learning.submit_attempt stores each attempt exactly once.
"""

from __future__ import annotations

import html
import time

import streamlit as st

from lotse import learning, quiz_review
from lotse.content import Lesson
from lotse.content.models import Quiz
from lotse.identity import PermissionDenied, User
from lotse.german_format import decimal, percent, plural
from lotse.progress_report import attempt_rows

from . import quiz_widgets as widgets
from .context import store
from .escape import md_escape
from .lesson_view import inline_html
from .notice import show_notice


def _notice_key(lesson_id: str) -> str:
    return f"quiz-{lesson_id}-notice"


def _to_quiz_key(lesson_id: str) -> str:
    return f"quiz-{lesson_id}-to-top"


def _confirm_key(lesson_id: str, attempt_no: int) -> str:
    return f"quiz-{lesson_id}-confirm-a{attempt_no}"


# After a submit (or a new attempt) the button the learner pressed is gone and the page would stay
# at the bottom of the feedback: bring the quiz heading with the result to the top and put the
# keyboard focus there, so the next Tab continues from the result (WCAG 2.4.3). The script waits
# until the run has replaced the previous content (no stale elements left), and carries a number
# of its own: the browser runs an unchanged script element only once.
_TO_QUIZ_SCRIPT = """<script>/* %d */ (() => {
  const started = Date.now();
  const go = () => {
    if (document.querySelector("[data-stale='true']") && Date.now() - started < 5000) return setTimeout(go, 50);
    const heading = document.getElementById('quiz');
    if (!heading) return;
    heading.setAttribute('tabindex', '-1');
    heading.scrollIntoView({block: 'start'});
    heading.focus({preventScroll: true});
  };
  go();
})();</script>"""


def _bring_quiz_to_top(lesson_id: str) -> None:
    """Ask the next run of the page to scroll to the quiz heading (see _TO_QUIZ_SCRIPT)."""
    st.session_state[_to_quiz_key(lesson_id)] = time.monotonic_ns()  # a new number each time


def _responses(quiz: Quiz, attempt_no: int) -> dict:
    return {q.id: widgets.response_of(q, widgets.question_key(quiz.lesson, q.id, attempt_no))
            for q in quiz.questions}


ALREADY_SUBMITTED = "Dieser Versuch wurde bereits abgegeben, zum Beispiel in einem anderen Fenster. "
SAME_ANSWERS = "Gewertet sind dieselben Antworten wie hier. Unten sehen Sie das Ergebnis."
OTHER_ANSWERS = ("Gewertet sind die zuerst abgegebenen Antworten; Ihre Antworten in diesem Fenster wurden nicht "
                 "gespeichert. Unten sehen Sie, was gewertet wurde. Mit „Neuer Versuch“ können Sie es noch "
                 "einmal versuchen.")


def _save_draft(user: User, quiz: Quiz, attempt_no: int) -> None:
    if not learning.save_draft(store(), user, quiz.lesson, attempt_no, _responses(quiz, attempt_no)):
        st.session_state[_notice_key(quiz.lesson)] = (
            "warning", "Dieser Versuch wurde bereits abgegeben, zum Beispiel in einem anderen Fenster. "
                       "Unten sehen Sie das Ergebnis.")


def unanswered(quiz: Quiz, attempt_no: int) -> list[int]:
    """Numbers ("Frage 2") of the questions without an answer in this attempt."""
    responses = _responses(quiz, attempt_no)
    return [n for n, q in enumerate(quiz.questions, 1) if not widgets.answered(q, responses[q.id])]


def _ask_or_submit(user: User, quiz: Quiz, attempt_no: int) -> None:
    """"Antworten abgeben": with questions left open, ask first (they would count 0 points); an attempt
    another tab already submitted goes straight on, so the learner is told what was recorded."""
    state = learning.quiz_state(store(), user, quiz.lesson)
    still_open = state.answering and state.attempt_no == attempt_no
    if still_open and unanswered(quiz, attempt_no):
        st.session_state[_confirm_key(quiz.lesson, attempt_no)] = True
        return
    _submit(user, quiz, attempt_no)


def _keep_answering(lesson_id: str, attempt_no: int) -> None:
    st.session_state.pop(_confirm_key(lesson_id, attempt_no), None)


def _submit(user: User, quiz: Quiz, attempt_no: int) -> None:
    st.session_state.pop(_confirm_key(quiz.lesson, attempt_no), None)
    responses = _responses(quiz, attempt_no)
    try:
        attempt_id, _, created = learning.submit_attempt(store(), user, quiz, attempt_no, responses)
    except PermissionDenied as denied:
        st.session_state[_notice_key(quiz.lesson)] = ("error", str(denied))
        return
    if created:
        st.session_state[_notice_key(quiz.lesson)] = ("success", "Ihre Antworten sind gespeichert und ausgewertet.")
    else:  # another tab or window submitted this attempt first
        same = learning.matches_recorded(store(), user, quiz, attempt_id, responses)
        st.session_state[_notice_key(quiz.lesson)] = ("warning", ALREADY_SUBMITTED + (
            SAME_ANSWERS if same else OTHER_ANSWERS))
    _bring_quiz_to_top(quiz.lesson)


def _start_new(user: User, lesson_id: str) -> None:
    learning.start_new_attempt(store(), user, lesson_id)
    _bring_quiz_to_top(lesson_id)


def render_quiz(user: User, lesson: Lesson, quiz: Quiz, progress_row: dict | None,
                sections: dict[str, str]) -> None:
    """``sections``: heading anchor -> heading title of the lesson (for the links back)."""
    st.header("Quiz", anchor="quiz")
    number = st.session_state.pop(_to_quiz_key(lesson.id), None)
    if number:
        st.html(_TO_QUIZ_SCRIPT % number, unsafe_allow_javascript=True)
    show_notice(_notice_key(lesson.id))
    state = learning.quiz_state(store(), user, lesson.id)
    if state.answering:
        _answering(user, lesson, quiz, state)
    elif state.last_attempt is not None:
        passed_ever = bool(progress_row and progress_row["passed"])
        _feedback(user, lesson, quiz, state.last_attempt, sections, quiz_review.shows_correct(quiz, passed_ever))
    else:
        _intro(lesson, quiz, user)
    _history(user, lesson, progress_row)


def _intro(lesson: Lesson, quiz: Quiz, user: User) -> None:
    """Before the first attempt: what to expect, and a start button (the questions stay out of
    the way while reading, and the page stays light)."""
    st.markdown(f"Das Quiz hat {len(quiz.questions)} Fragen. Bestanden haben Sie ab {percent(quiz.pass_mark, 2, fixed=False)} "
                "der Punkte. Sie können es beliebig oft wiederholen; es zählt Ihr bester Versuch. "
                + quiz_review.review_promise(quiz))
    st.button("Quiz starten", key=f"quiz-{lesson.id}-start", type="primary", icon="📝",
              on_click=_start_new, args=(user, lesson.id))


def _answering(user: User, lesson: Lesson, quiz: Quiz, state: learning.QuizState) -> None:
    st.markdown(f"**Versuch {state.attempt_no}** · {len(quiz.questions)} Fragen · bestanden ab "
                f"{percent(quiz.pass_mark, 2, fixed=False)} der Punkte")
    st.caption("Ihre Antworten werden beim Ausfüllen gespeichert. Sie können die Seite verlassen und später "
               "weitermachen. Textantworten werden gespeichert, sobald Sie Enter drücken oder das Feld verlassen.")
    for number, question in enumerate(quiz.questions, 1):
        _question(user, quiz, number, question, state.attempt_no, state.seed, state.draft.get(question.id))
    st.caption("Unbeantwortete Fragen zählen 0 Punkte.")
    if st.session_state.get(_confirm_key(lesson.id, state.attempt_no)):
        if _confirm_open_questions(user, quiz, state.attempt_no):
            return
    st.button("Antworten abgeben", key=f"quiz-{lesson.id}-submit-a{state.attempt_no}", type="primary",
              on_click=_ask_or_submit, args=(user, quiz, state.attempt_no))


def _confirm_open_questions(user: User, quiz: Quiz, attempt_no: int) -> bool:
    """Ask before submitting with open questions; False when meanwhile every question is answered."""
    open_numbers = unanswered(quiz, attempt_no)
    if not open_numbers:
        _keep_answering(quiz.lesson, attempt_no)
        return False
    names = ", ".join(f"Frage {n}" for n in open_numbers)
    count = "Eine Frage ist" if len(open_numbers) == 1 else f"{len(open_numbers)} Fragen sind"
    st.warning(f"{count} noch nicht beantwortet ({names}). Unbeantwortete Fragen zählen 0 Punkte. "
               "Möchten Sie trotzdem abgeben?", icon="⚠️")
    submit, back = st.columns(2)
    submit.button("Trotzdem abgeben", key=f"quiz-{quiz.lesson}-confirm-submit-a{attempt_no}", type="primary",
                  on_click=_submit, args=(user, quiz, attempt_no))
    back.button("Weiter beantworten", key=f"quiz-{quiz.lesson}-confirm-back-a{attempt_no}",
                on_click=_keep_answering, args=(quiz.lesson, attempt_no))
    return True


@st.fragment
def _question(user: User, quiz: Quiz, number: int, question, attempt_no: int, seed: int, draft) -> None:
    """One question as a fragment: answering it reruns only this question (and saves the draft),
    not the whole lesson page."""
    if st.session_state.get(_notice_key(quiz.lesson)):
        st.rerun(scope="app")  # the draft was refused (attempt already submitted): show why, page-wide
    key = widgets.question_key(quiz.lesson, question.id, attempt_no)
    with st.container(border=True):
        st.subheader(f"Frage {number} von {len(quiz.questions)}", anchor=f"frage-{question.id}")
        st.markdown(inline_html(question.prompt), unsafe_allow_html=True)
        widgets.render_input(question, key, seed, draft, lambda: _save_draft(user, quiz, attempt_no),
                             label=f"Frage {number}")


def _feedback(user: User, lesson: Lesson, quiz: Quiz, attempt: dict, sections: dict[str, str],
              show_correct: bool) -> None:
    review = learning.attempt_review(store(), user, user.id, quiz, attempt["id"])
    if review is None:
        st.error("Dieser Versuch konnte nicht geladen werden.")
        return
    _summary(attempt)
    if not show_correct and quiz.show_correct == "after_passing":
        st.caption("Die richtigen Antworten sehen Sie hier, sobald Sie das Quiz bestanden haben.")
    # The quiz may have changed since this attempt (an import): questions added later were not part
    # of it and are not shown as wrong; questions removed since are gone from the review.
    taken = [(q, g) for q, g in zip(quiz.questions, review.result.grades) if q.id in review.responses]
    added = len(quiz.questions) - len(taken)
    gone = len(set(review.responses) - {q.id for q in quiz.questions})
    if added or gone:
        notes = ([f"{plural(added, 'Frage kam', 'Fragen kamen')} nach diesem Versuch hinzu; sie zählen ab Ihrem "
                  "nächsten Versuch."] if added else [])
        notes += [f"{plural(gone, 'Frage', 'Fragen')} dieses Versuchs gibt es im Quiz "
                  "nicht mehr; das Ergebnis oben bleibt, wie es gewertet wurde."] if gone else []
        st.info("Das Quiz wurde seit diesem Versuch geändert. " + " ".join(notes))
    for number, (question, grade) in enumerate(taken, 1):
        with st.container(border=True):
            _question_feedback(number, question, grade, review.responses.get(question.id), sections, show_correct)
    st.button("Neuer Versuch", key=f"quiz-{lesson.id}-retry-a{attempt['attempt_no']}", icon="🔁",
              on_click=_start_new, args=(user, lesson.id),
              help="Startet einen neuen Versuch mit neu gemischten Antworten. Es zählt Ihr bester Versuch.")


def _question_feedback(number: int, question, grade, response, sections: dict[str, str],
                       show_correct: bool) -> None:
    """One question's result: verdict as heading (icon and word), then a single HTML block with the
    prompt, the answer (escaped: it may be typed text), the feedback, the explanation and the link
    back to the lesson section. One block instead of seven keeps the page fast."""
    icon, word = learning.verdict(grade.fraction)
    st.subheader(f"Frage {number}: {icon} {word}", anchor=f"ergebnis-{question.id}")
    parts = [inline_html(question.prompt),
             f"<p><strong>Ihre Antwort:</strong> {html.escape(widgets.response_text(question, response))}<br>"
             f"<strong>Punkte:</strong> {decimal(grade.mark)} von {decimal(grade.max_mark)}</p>"]
    parts += _answer_feedback(question, grade, response)
    if show_correct and not grade.correct:
        parts.append(f"<p><strong>Richtige Antwort:</strong> {html.escape(quiz_review.correct_answer(question))}</p>")
    rule = quiz_review.counting_rule(question)
    if rule and not grade.correct:
        parts.append(f"<p>{html.escape(rule)}</p>")
    parts += ["<p><strong>Erklärung:</strong></p>", inline_html(question.explanation)]
    if question.section:
        title = sections.get(question.section, "")
        label = f"Zum Abschnitt „{html.escape(title)}“ in der Lektion" if title else "Zum Abschnitt in der Lektion"
        parts.append(f'<p><a href="#{html.escape(question.section)}">{label}</a></p>')
    st.markdown("".join(parts), unsafe_allow_html=True)


def _answer_feedback(question, grade, response) -> list[str]:
    """The author's feedback on the answer; for choices each chosen option is named and marked as a
    right or a wrong choice (one right and one wrong tick: the verdict says "falsch", the notes say
    which part was right)."""
    notes = quiz_review.choice_notes(question, response)
    if notes:
        items = "".join(f"<li><strong>{note.lead}:</strong> „{html.escape(note.option)}“ – "
                        f"{_in_line(inline_html(note.feedback))}</li>" for note in notes)
        return ["<p><strong>Rückmeldung zu Ihrer Auswahl:</strong></p>", f"<ul>{items}</ul>"]
    if not grade.feedback:
        return []
    return ["<p><strong>Rückmeldung zu Ihrer Antwort:</strong></p>"] + [inline_html(t) for t in grade.feedback]


def _in_line(fragment: str) -> str:
    """A one-paragraph HTML fragment without its <p>, to continue a line."""
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return fragment[3:-4]
    return fragment


def _summary(attempt: dict) -> None:
    text = (f"Versuch {attempt['attempt_no']}: {decimal(attempt['score'])} von {decimal(attempt['max_score'])} "
            f"Punkten ({percent(attempt['percent'])}). Zum Bestehen nötig: {percent(attempt['pass_mark'], 2, fixed=False)}.")
    if attempt["passed"]:
        st.success(f"✓ Bestanden. {text}")
    else:
        st.warning(f"✗ Noch nicht bestanden. {text} Lesen Sie die verlinkten Abschnitte nach und "
                   "starten Sie dann einen neuen Versuch.")


def _history(user: User, lesson: Lesson, progress_row: dict | None) -> None:
    if not (progress_row and progress_row["attempts"]):
        return  # no attempt submitted yet (the progress row counts them): nothing to look up
    attempts = learning.attempt_history(store(), user, user.id, lesson.id)
    if not attempts:
        return
    st.subheader("Ihre bisherigen Versuche", anchor="versuche")
    st.caption("Für den Status der Lektion zählt Ihr bester Versuch.")
    best = progress_row["best_attempt_id"] if progress_row else None
    # A Markdown table: the cells are our own numbers and dates, and it costs a fraction of st.dataframe.
    st.markdown(markdown_table(attempt_rows(attempts, best)))


def markdown_table(rows: list[dict]) -> str:
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(md_escape(str(row[h])) or " " for h in head) + " |" for row in rows]
    return "\n".join(lines)
