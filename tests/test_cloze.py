"""Cloze (Lückentext): grading, the validator's German messages, Moodle multianswer and ILIAS cloze
import, the GIFT refusal and the learner's fields."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter
from streamlit.testing.v1 import AppTest

from lotse.content import load_catalog
from lotse.content.models import Question, Quiz
from lotse.grading import grade_question
from lotse.interop.gift_writer import export_gift
from lotse.interop.ilias_qti import parse_ilias_qti
from lotse.interop.moodle_xml import parse_moodle_xml
from lotse.interop.quiz_yaml import build_quiz
from lotse.question_types import get

from content_builder import QUIZ, line_of, write_course

ADAPTER: TypeAdapter = TypeAdapter(Question)


def cloze(**changes) -> Question:
    return ADAPTER.validate_python(get("cloze").example() | changes)


# --- grading ---------------------------------------------------------------------------


def test_share_of_gap_weights_and_every_gap_named_in_words():
    question = cloze()  # gap 1 weight 1 (select), gap 2 weight 2 (text)
    grade = grade_question(question, ["die Kämmerei", "  ÖFFENTLICH "])
    assert grade.fraction == pytest.approx(2 / 3)
    assert grade.feedback == ["Lücke 1: falsch.", "Lücke 2: richtig."]
    assert grade_question(question, ["der Rat", None]).feedback == ["Lücke 1: richtig.", "Lücke 2: nicht ausgefüllt."]


@pytest.mark.parametrize("response", [None, "der Rat", {"1": "der Rat"}, [1, 2], ["der Rat "], []])
def test_odd_responses_earn_nothing_for_the_odd_part(response):
    assert grade_question(cloze(), response).fraction == 0


def test_case_sensitive_text_gap_and_gap_feedback():
    gaps = [{"kind": "text", "answers": ["DSGVO"], "case_sensitive": True, "feedback": "Art. 5 DSGVO."}]
    question = cloze(text="Die Grundsätze stehen in der {1}.", gaps=gaps)
    assert grade_question(question, ["dsgvo"]).feedback == ["Lücke 1: falsch. Art. 5 DSGVO."]
    assert grade_question(question, ["DSGVO"]).correct


# --- validator -------------------------------------------------------------------------

CLOZE_QUIZ = QUIZ.split("questions:")[0] + """\
questions:
  - id: luecke
    type: cloze
    objective: ziel
    prompt: Ergänzen Sie.
    text: Das {1} gilt für {2}.
    gaps:
      - kind: select
        options: [OZG, BGB]
        correct: OZG
      - kind: text
        answers: [Kommunen]
    explanation: Weil.
"""

CLOZE_CASES = [
    ("gap missing in text", ("text: Das {1} gilt für {2}.", "text: Das {1} gilt."), "    gaps:",
     "questions[0].gaps", "Der Text muss jede Lücke genau einmal enthalten: {1}, {2}"),
    ("correct not an option", ("correct: OZG", "correct: EGovG"), "      - kind: select",
     "questions[0].gaps[0]", "Frage 1, Lücke 1: Die richtige Antwort (correct) einer Auswahllücke muss genau so"),
    ("text gap without answers", ("        answers: [Kommunen]\n", ""), "      - kind: text",
     "questions[0].gaps[1]", "Frage 1, Lücke 2: Eine Textlücke braucht mindestens eine Antwort (answers)."),
    ("unknown kind", ("kind: text", "kind: zahl"), "kind: zahl", "questions[0].gaps[1].kind",
     "„Art der Lücke“ (kind) muss einer dieser Werte sein: select oder text."),
]


def test_valid_cloze_quiz_has_no_problems(tmp_path):
    assert load_catalog(write_course(tmp_path, quizzes={"eins": CLOZE_QUIZ})).problems == []


@pytest.mark.parametrize("case", CLOZE_CASES, ids=[c[0] for c in CLOZE_CASES])
def test_cloze_mistakes_are_reported_in_german_with_line(tmp_path, case):
    _, (old, new), needle, field, message = case
    text = CLOZE_QUIZ.replace(old, new, 1)
    problems = load_catalog(write_course(tmp_path, quizzes={"eins": text})).problems
    assert [(p.line, p.field) for p in problems] == [(line_of(text, needle), field)]
    assert message in problems[0].message


# --- Moodle multianswer ----------------------------------------------------------------


def moodle(text: str, fmt: str = "html") -> str:
    return (f'<quiz><question type="cloze"><name><text>Frist</text></name>'
            f'<questiontext format="{fmt}"><text><![CDATA[{text}]]></text></questiontext>'
            '<generalfeedback format="html"><text>Weil.</text></generalfeedback></question></quiz>')


def test_moodle_gaps_of_every_kind():
    text = ("<p>Ergänzen Sie.</p><p>Das {2:MC:=OZG#gut~BGB#nein} gilt für {1:SA:=Kommunen~=Gemeinden~%50%Bund} "
            "seit {:NUMERICAL:=2017} und heißt {:SAC:=E\\}Gov &amp; Co}.</p>")
    result = parse_moodle_xml(moodle(text))
    [draft] = result.drafts
    assert draft.data["prompt"] == "Ergänzen Sie."
    assert draft.data["text"] == "Das {1} gilt für {2} seit {3} und heißt {4}."
    assert draft.data["gaps"] == [
        {"weight": 2.0, "kind": "select", "options": ["OZG", "BGB"], "correct": "OZG"},
        {"weight": 1.0, "kind": "text", "answers": ["Kommunen", "Gemeinden"], "case_sensitive": False},
        {"weight": 1.0, "kind": "text", "answers": ["2017"]},
        {"weight": 1.0, "kind": "text", "answers": ["E}Gov & Co"], "case_sensitive": True}]
    assert "Lücke 2: Teilpunkte für einzelne Antworten nicht übernommen (nur 100 % zählt)" in draft.notes
    quiz, skipped, _ = build_quiz(result, "eins", "ziel")
    assert not skipped and quiz.questions[0].type == "cloze"


@pytest.mark.parametrize("gap, reason", [
    ("{1:NUMERICAL:=2017:1}", "Lücke 1: Zahlenlücke mit Toleranz (2017:1) kann Lotse nicht übernehmen"),
    ("{1:MULTIRESPONSE:=a~=b~c}", "Lücke 1: Lückenart „MULTIRESPONSE“ kennt Lotse nicht"),
    ("{1:MC:a~b}", "Lücke 1: eine Auswahllücke braucht genau eine Antwort mit 100 %"),
    ("{1:SA:=*}", "Lücke 1: Platzhalter * in Antworten kennt Lotse nicht"),
    ("kein Platzhalter", "Lückentext ohne Lücken"),
])
def test_moodle_gaps_lotse_cannot_hold_are_refused_with_a_reason(gap, reason):
    result = parse_moodle_xml(moodle(f"Text {gap}."))
    assert not result.drafts
    assert [s.name for s in result.skipped] == ["Frist"] and reason in result.skipped[0].reason


def test_more_gaps_than_allowed_are_refused():
    result = parse_moodle_xml(moodle(" ".join("{1:SA:=x}" for _ in range(51))))
    assert "mehr als 50 Lücken" in result.skipped[0].reason


def test_moodle_export_warns_where_moodle_counts_differently():
    from lotse.interop.moodle_xml_writer import export_moodle_xml

    gaps = [{"kind": "text", "answers": ["OZG"], "feedback": "Siehe Abschnitt 2."}]
    quiz = Quiz(lesson="eins", pass_mark=50, questions=[cloze(text="Das {1} gilt.", gaps=gaps, points=2)])
    assert export_moodle_xml(quiz).warnings == [
        "beispiel-lueckentext: Rückmeldungen zu einzelnen Lücken schreibt Lotse nicht nach Moodle",
        "beispiel-lueckentext: Moodle gibt einem Lückentext die Summe der Lückengewichte als Punkte (1 statt 2)"]


def test_gift_export_leaves_cloze_out_with_a_german_reason():
    quiz = Quiz(lesson="eins", pass_mark=50, questions=[cloze()])
    exported = export_gift(quiz)
    assert "Lückentexte (cloze) sind in GIFT nicht darstellbar" in exported.skipped[0].reason
    assert "::beispiel-lueckentext::" not in exported.text


# --- ILIAS -----------------------------------------------------------------------------

ILIAS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE questestinterop SYSTEM "ims_qtiasiv1p2p1.dtd">
<questestinterop>
<item ident="il_0_qst_1" title="Widerspruch" maxattempts="0">
<itemmetadata><qtimetadata>
<qtimetadatafield><fieldlabel>QUESTIONTYPE</fieldlabel><fieldentry>CLOZE QUESTION</fieldentry></qtimetadatafield>
<qtimetadatafield><fieldlabel>textgaprating</fieldlabel><fieldentry>ci</fieldentry></qtimetadatafield>
</qtimetadata></itemmetadata>
<presentation label="Widerspruch"><flow>
<material><mattext texttype="text/plain">Ergänzen Sie den Satz.</mattext></material>
<material><mattext texttype="text/plain">Die Widerspruchsfrist beträgt </mattext></material>
<response_str ident="gap_0" rcardinality="Single"><render_choice shuffle="Yes">
<response_label ident="0"><material><mattext>einen Monat</mattext></material></response_label>
<response_label ident="1"><material><mattext>zwei Wochen</mattext></material></response_label>
</render_choice></response_str>
<material><mattext texttype="text/plain"> ab Bekanntgabe; eingelegt wird er bei der </mattext></material>
<response_str ident="gap_1" rcardinality="Single"><render_fib fibtype="String" prompt="Box" columns="0"/></response_str>
<material><mattext texttype="text/plain">.</mattext></material>
%s
</flow></presentation>
<resprocessing><outcomes><decvar/></outcomes>
<respcondition continue="Yes"><conditionvar><varequal respident="gap_0">einen Monat</varequal></conditionvar><setvar action="Add">1</setvar></respcondition>
<respcondition continue="Yes"><conditionvar><varequal respident="gap_0">zwei Wochen</varequal></conditionvar><setvar action="Add">0</setvar></respcondition>
<respcondition continue="Yes"><conditionvar><varequal respident="gap_1">Behörde</varequal></conditionvar><setvar action="Add">2</setvar></respcondition>
<respcondition continue="Yes"><conditionvar><varequal respident="gap_1">Ausgangsbehörde</varequal></conditionvar><setvar action="Add">2</setvar></respcondition>
%s
</resprocessing>
</item>
</questestinterop>
"""


def test_ilias_cloze_becomes_a_lotse_cloze():
    result = parse_ilias_qti((ILIAS % ("", "")).encode())
    [draft] = result.drafts
    assert draft.data["type"] == "cloze" and draft.data["prompt"] == "Ergänzen Sie den Satz."
    assert draft.data["text"] == "Die Widerspruchsfrist beträgt {1} ab Bekanntgabe; eingelegt wird er bei der {2}."
    assert draft.data["gaps"] == [
        {"kind": "select", "options": ["einen Monat", "zwei Wochen"], "correct": "einen Monat", "weight": 1.0},
        {"kind": "text", "answers": ["Behörde", "Ausgangsbehörde"], "case_sensitive": False, "weight": 2.0}]
    assert draft.data["points"] == 3
    quiz, skipped, _ = build_quiz(result, "eins", "ziel")
    assert not skipped
    assert grade_question(quiz.questions[0], ["einen Monat", "behörde"]).correct


def test_ilias_numeric_gap_with_a_range_is_refused():
    gap = ('<response_num ident="gap_2" numtype="Decimal" rcardinality="Single">'
           '<render_fib fibtype="Decimal" prompt="Box" minnumber="1" maxnumber="3"/></response_num>')
    points = ('<respcondition continue="Yes"><conditionvar><varequal respident="gap_2">2</varequal>'
              '</conditionvar><setvar action="Add">1</setvar></respcondition>')
    result = parse_ilias_qti((ILIAS % (gap, points)).encode())
    assert not result.drafts
    assert "Lücke 3: Zahlenlücke mit Bereich 1 bis 3" in result.skipped[0].reason


# --- the learner's fields ----------------------------------------------------------------


def _script() -> None:
    from pydantic import TypeAdapter

    from lotse.content.models import Question
    from lotse.question_types import get
    from ui import quiz_widgets

    question = TypeAdapter(Question).validate_python(get("cloze").example())
    quiz_widgets.render_input(question, "k", 3, None, lambda: None, label="Frage 2")


def test_the_text_shows_numbered_gaps_and_one_labelled_field_per_gap():
    at = AppTest.from_function(_script, default_timeout=30).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "(1)" in text and "(2)" in text and "{1}" not in text
    assert [r.label for r in at.radio] == ["Frage 2, Lücke 1: Ihre Auswahl"]  # a screen reader names both
    assert [t.label for t in at.text_input] == ["Frage 2, Lücke 2: Ihre Antwort"]
    assert "Frage 2" in " ".join(c.value for c in at.caption)
    at.radio[0].set_value("der Rat").run()
    at.text_input[0].input("öffentlich").run()
    assert at.session_state["k-g0"] == "der Rat" and at.session_state["k-g1"] == "öffentlich"


def test_lesson_page_answer_submit_and_per_gap_feedback_in_words(signed_in_app, make_user, tmp_path, monkeypatch):
    from ui import context

    root = write_course(tmp_path / "inhalt", quizzes={"eins": CLOZE_QUIZ})
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(root))
    context.reset()
    at = signed_in_app(make_user("learner"), page="app_pages/lektion.py", query_params={"id": "eins"})
    at.button(key="quiz-eins-start").click().run()
    key = "quiz-eins-luecke-a1"
    at.radio(key=f"{key}-g0").set_value("OZG").run()
    at.text_input(key=f"{key}-g1").input("Bund").run()
    at.button(key="quiz-eins-submit-a1").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Frage 1: ◐ teilweise richtig" in [s.value for s in at.subheader]
    shown = "\n".join(m.value for m in at.markdown)
    assert "Lücke 1: richtig." in shown and "Lücke 2: falsch." in shown
    assert "<strong>Ihre Antwort:</strong> (1) OZG; (2) Bund" in shown


def test_trainer_views_describe_cloze_answers_in_words():
    from lotse.analytics.responses import describe_response, frequent_answers, typical_mistake

    question = cloze()
    assert describe_response(question, ["der Rat", None]) == "(1) der Rat; (2) –"
    answers = [["die Kämmerei", "öffentlich"], ["die Kämmerei", "öffentlich"], ["der Rat", "geheim"]]
    assert frequent_answers(question, answers)[0] == ("(1) die Kämmerei; (2) öffentlich", 2)
    assert typical_mistake(question, [(a, 1) for a in answers]).text == "(1) die Kämmerei; (2) öffentlich"
