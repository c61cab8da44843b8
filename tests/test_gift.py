"""GIFT import/export (lotse.interop.gift) and the `questions` command."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lotse.commands import questions as command
from lotse.content.models import Quiz
from lotse.question_types import REGISTRY
from lotse.interop import InteropError, slugify, to_markdown
from lotse.interop import export_gift, parse_gift
from lotse.interop.quiz_yaml import (PLACEHOLDER_EXPLANATION, PLACEHOLDER_FEEDBACK, build_quiz,
                                     canonical, dump_quiz, load_quiz)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "interop"
QUIZZES = sorted((ROOT / "quizzes").glob("*.yaml")) + [FIXTURES / "roundtrip_quiz.yaml"]


def imported(text: str, objective: str | None = "ziel", lesson: str = "lektion") -> Quiz:
    quiz, skipped, _ = build_quiz(parse_gift(text), lesson, objective)
    assert not skipped, skipped
    return quiz


@pytest.fixture(scope="module")
def features():
    result = parse_gift((FIXTURES / "features.gift").read_text(encoding="utf-8"))
    return {d.name: d for d in result.drafts}, result


# --- import ----------------------------------------------------------------------------


def test_every_supported_type_is_recognised(features):
    drafts, _ = features
    types = {name: d.data["type"] for name, d in drafts.items()}
    assert types["Führung & IT"] == "single_choice"
    assert types["Mehrfach"] == "multiple_choice"
    assert types["Wahr oder falsch"] == types["Falsch-Frage"] == "true_false"
    assert types["Abkürzung"] == types["Markdown-Frage"] == "short_answer"
    assert types["Baujahr"] == types["Bereich"] == types["Mehrere Zahlen"] == "numeric"
    assert types["Zuordnung"] == "matching"
    assert types["Reihenfolge"] == "ordering"
    assert types["Lücke"] == "single_choice"


def test_unsupported_and_broken_questions_are_listed_with_line(features):
    _, result = features
    reasons = {(s.name, s.line): s.reason for s in result.skipped}
    assert set(reasons) == {("Aufsatz", 58), ("Info", 60), ("Kaputt", 62)}
    assert "essay" in reasons[("Aufsatz", 58)]
    assert "description" in reasons[("Info", 60)]
    assert "Klammer" in reasons[("Kaputt", 62)]


def test_choice_weights_feedback_and_general_feedback(features):
    data = features[0]["Führung & IT"].data
    assert data["prompt"] == "Wer gestaltet die **Arbeitsprozesse**?"  # [html] -> Markdown
    assert data["explanation"] == "Führung trägt *Organisationsverantwortung*."
    assert [o["correct"] for o in data["options"]] == [True, False, False]
    assert data["options"][2]["weight"] == 50 and "weight" not in data["options"][0]
    assert data["options"][0]["feedback"] == "Richtig, die IT liefert Werkzeuge."
    multi = features[0]["Mehrfach"].data["options"]
    assert [(o["correct"], o["weight"]) for o in multi] == [(True, 50), (True, 50), (False, -100)]


def test_true_false_feedback_is_mapped_to_the_chosen_answer(features):
    data = features[0]["Wahr oder falsch"].data
    assert data["answer"] is True
    assert data["feedback_true"] == "Richtig, seit 14.08.2017."  # second '#': right answer
    assert data["feedback_false"] == "Leider falsch."  # first '#': wrong answer
    assert data["explanation"] == "Siehe BGBl. I S. 3122."
    assert features[0]["Falsch-Frage"].data["answer"] is False


def test_numeric_ranges_tolerances_and_several_answers(features):
    drafts = features[0]
    assert drafts["Baujahr"].data["answers"][0] | {} == {"value": 2017, "tolerance": 0,
                                                        "weight": 100, "feedback": None}
    bereich = drafts["Bereich"].data["answers"][0]
    assert (bereich["value"], bereich["tolerance"]) == (3, 2)  # {#1..5}: midpoint, half-width
    several = drafts["Mehrere Zahlen"].data
    assert [(a["value"], a["tolerance"], a["weight"]) for a in several["answers"]] == \
        [(0.33, 0.005, 100), (0.3, 0.05, 50)]
    assert "Bei anderen Antworten: Leider nicht." in several["explanation"]


def test_matching_short_answer_ordering_and_missing_word(features):
    drafts = features[0]
    match = drafts["Zuordnung"].data
    assert match["pairs"] == [{"left": "OZG", "right": "Onlinezugang"},
                              {"left": "EGovG", "right": "E-Government"}]
    assert match["distractors"] == ["Datenschutz"]
    short = drafts["Abkürzung"].data
    assert short["prompt"] == "Wofür steht DSGVO: die {Lang}form?"  # \: \{ \} escapes
    assert [(a["text"], a["weight"]) for a in short["answers"]] == \
        [("Datenschutz-Grundverordnung", 100), ("Datenschutzgrundverordnung", 50)]
    assert drafts["Reihenfolge"].data["items"][0] == "Antrag stellen"
    assert drafts["Lücke"].data["prompt"] == r"Das OZG wurde \_\_\_\_\_ verkündet."


def test_escapes_newlines_backslashes_and_formats(features):
    data = features[0]["Markdown-Frage"].data
    assert data["prompt"] == "Was ist **fett**?\nZweite Zeile mit \\ Backslash und # Raute."
    assert data["answers"][0]["feedback"] == r"Das ist \*fett\*."  # [plain] is escaped


def test_categories_are_kept(features):
    drafts = features[0]
    assert drafts["Mehrfach"].data["category"] == "$course$/top/Digitalisierung/Grundlagen"
    assert drafts["Ohne Namen gestellte Frage mit Umlauten:"].data["category"] == \
        "$course$/top/Sonstiges"


def test_comments_are_ignored_even_inside_a_question():
    quiz = imported("// vorher\n::Q::Frage\n// mitten drin\n{=a ~b}\n")
    assert quiz.questions[0].prompt == "Frage"
    assert [o.text for o in quiz.questions[0].options] == ["a", "b"]


def test_ids_are_unique_ascii_slugs_from_titles():
    quiz = imported("::Größe::A?{=a ~b}\n\n::Größe::B?{=a ~b}\n\nÄrger über Öl?{T}\n")
    assert [q.id for q in quiz.questions] == ["groesse", "groesse-2", "aerger-ueber-oel"]
    assert slugify("Maßnahme: Führung/Steuerung") == "massnahme-fuehrung-steuerung"


def test_placeholders_pass_validation_and_are_listed():
    quiz, skipped, attention = build_quiz(parse_gift("::Q::Frage?{=a ~b}"), "lektion", "ziel")
    question = quiz.questions[0]
    assert question.objective == "ziel"
    assert question.explanation == PLACEHOLDER_EXPLANATION
    assert {o.feedback for o in question.options} == {PLACEHOLDER_FEEDBACK}
    assert len(attention) == 1 and attention[0].startswith("Zeile 1: q:")
    assert "Rückmeldung zu Option 2" in attention[0]


def test_missing_objective_is_a_clear_error():
    with pytest.raises(InteropError, match="--objective"):
        build_quiz(parse_gift("Frage?{=a ~b}"), "lektion", None)


def test_invalid_questions_are_reported_not_dropped():
    text = "::Null::Wert?{#abc}\n\n::Eins::Nur eine?{~a}\n\n::Keine::Alle falsch?{~%0%a ~%0%b}\n"
    quiz, skipped, _ = build_quiz(parse_gift(text), "lektion", "ziel")
    assert quiz is None
    assert [(s.name, s.line) for s in skipped] == [("Null", 1), ("Eins", 3), ("Keine", 5)]
    assert "keine Zahl" in skipped[0].reason
    assert "mindestens eine Antwortmöglichkeit richtig" in skipped[2].reason


def test_malformed_file_lists_every_broken_question():
    result = parse_gift((FIXTURES / "malformed.gift").read_text(encoding="utf-8"))
    assert result.drafts == []
    assert [(s.name, s.line) for s in result.skipped] == [
        ("Klammer offen", 2), ("Klammer verdreht", 4), ("Keine Zahl", 6),
        ("Zuordnung kaputt", 8), ("Zu wenig", 10), ("::Kein Ende", 12)]
    assert "keine Zahl" in result.skipped[2].reason and "->" in result.skipped[3].reason


def test_text_formats():
    assert to_markdown("<p>a &amp; <b>b</b></p>", "html") == "a & **b**"
    assert to_markdown("2*3 <b>", "plain") == r"2\*3 &lt;b>"
    assert to_markdown("Zeile <i>kursiv</i>", "moodle") == "Zeile *kursiv*"
    assert to_markdown("**fett**", "markdown") == "**fett**"
    notes: list[str] = []
    assert "Bild: Karte" in to_markdown('<img src="@@PLUGINFILE@@/k.png" alt="Karte">', "html", notes)
    assert notes


# --- export and round trips ------------------------------------------------------------


NOT_IN_GIFT = {name for name, kind in REGISTRY.items() if kind.gift_write is None}  # ordering, cloze


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.name)
def test_round_trip_lotse_gift_lotse(path):
    quiz = load_quiz(path)
    exported = export_gift(quiz)
    ordering = [q.id for q in quiz.questions if q.type in NOT_IN_GIFT]
    assert [s.name for s in exported.skipped] == ordering  # listed, not silent
    back = imported(exported.text, objective=None, lesson=quiz.lesson)
    expected = canonical(quiz)
    expected["questions"] = [q for q in expected["questions"] if q["id"] not in ordering]
    assert canonical(back) == expected


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.name)
def test_round_trip_without_lotse_comments(path):
    """As Moodle would hand it back: questions, options, correctness, weights, feedback."""
    quiz = load_quiz(path)
    text = "\n".join(line for line in export_gift(quiz).text.split("\n")
                     if not line.startswith("// lotse"))
    back = imported(text, objective="ziel")
    originals = [q for q in quiz.questions if q.type not in NOT_IN_GIFT]
    assert [q.id for q in back.questions] == [q.id for q in originals]
    for old, new in zip(canonical(quiz.model_copy(update={"questions": originals}))["questions"],
                        canonical(back)["questions"]):
        for key in ("type", "prompt", "explanation", "options", "answer", "feedback_true",
                    "feedback_false", "pairs", "distractors", "answers"):
            if key == "answers" and old["type"] == "short_answer":
                assert new[key] == old[key]
            else:
                assert new.get(key) == old.get(key), key


def test_export_follows_moodle_block_rules():
    quiz = load_quiz(FIXTURES / "roundtrip_quiz.yaml")
    text = export_gift(quiz).text
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.strip().split("\n") if not line.startswith("//")]
        if lines and not lines[0].startswith("$CATEGORY:"):
            assert lines[0].startswith("::") and lines[-1] == "}", block
    assert "$CATEGORY: Grundlagen/Führung" in text
    assert "~%-100%Aussage D" in text  # 3 correct, 1 wrong option: the wrong tick costs 100/min(3, 1)
    assert r"C\:\\Pfad" in text and r"\{Klammern\}" in text and r"\~Tilden\~" in text


def test_export_reports_what_gift_cannot_represent():
    quiz = Quiz.model_validate({"lesson": "l", "pass_mark": 50, "questions": [
        {"id": "sc", "type": "single_choice", "objective": "o", "prompt": "p", "explanation": "e",
         "options": [{"text": "a", "correct": True, "weight": 80, "feedback": "f"},
                     {"text": "b", "feedback": "f"}]},
        {"id": "mc", "type": "multiple_choice", "objective": "o", "prompt": "p", "explanation": "e",
         "options": [{"text": "a", "correct": True, "weight": 65, "feedback": "f"},
                     {"text": "b", "correct": True, "weight": 35, "feedback": "f"}]}]})
    result = export_gift(quiz)
    assert [s.name for s in result.skipped] == ["sc"]
    assert any("keine Moodle-Standardbewertung" in w for w in result.warnings)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}~=#:%->\\[]/$\n \tabT0123.")) | st.characters(),
               max_size=300))
def test_random_text_never_crashes_the_parser(text):
    result = parse_gift(text)
    try:
        build_quiz(result, "lektion", "ziel")
    except InteropError as err:  # only our own error type, and it names a line
        assert err.line is not None


# --- command ---------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


LESSON = "1-1-digitalisierung-fuehrungsaufgabe"


def _project(tmp_path: Path) -> Path:
    """A content folder the project validator accepts: the real lessons, no quizzes."""
    shutil.copytree(ROOT / "lessons", tmp_path / "lessons")
    return tmp_path


def test_command_import_writes_valid_yaml_and_refuses_to_overwrite(tmp_path, capsys):
    root = _project(tmp_path)
    source = FIXTURES / "features.gift"
    argv = ["questions", "import", str(source), "--format", "gift", "--lesson", LESSON,
            "--root", str(root)]
    assert _run(argv) == 0
    out = root / "quizzes" / f"{LESSON}.yaml"
    quiz = load_quiz(out)
    assert {q.objective for q in quiz.questions} == {"begruenden"}  # the lesson's first
    captured = capsys.readouterr()
    assert f"13 Fragen nach {out} geschrieben." in captured.out
    assert "Nicht übernommen (3)" in captured.err and "features.gift:58: Aufsatz" in captured.err
    assert "Bitte prüfen (13 Fragen" in captured.err
    assert "Das Lernziel „verantwortung“ wird von keiner Quizfrage geprüft." in captured.err  # validator warning
    assert _run(argv) == 1
    assert "--force" in capsys.readouterr().err
    assert _run(argv + ["--force", "--objective", "verantwortung"]) == 0
    assert {q.objective for q in load_quiz(out).questions} == {"verantwortung"}
    assert _run(argv + ["--force", "--objective", "gibt-es-nicht"]) == 1
    assert "gibt es in der Lektion" in capsys.readouterr().err


def test_command_import_reports_validator_errors(tmp_path, capsys):
    root = _project(tmp_path)
    text = "// lotse: {\"section\": \"kein-abschnitt\"}\n::Q::Frage?{=a ~b}\n"
    (tmp_path / "q.gift").write_text(text, encoding="utf-8")
    assert _run(["questions", "import", str(tmp_path / "q.gift"), "--format", "gift",
                 "--lesson", LESSON, "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "Den Abschnitt #kein-abschnitt gibt es in der Lektion" in err and "besteht die Prüfung nicht" in err


def test_command_needs_an_objective_for_unknown_lessons(tmp_path, capsys):
    assert _run(["questions", "import", str(FIXTURES / "features.gift"), "--format", "gift",
                 "--lesson", "neue-lektion", "--root", str(tmp_path)]) == 1
    assert "--objective" in capsys.readouterr().err
    assert _run(["questions", "import", str(FIXTURES / "features.gift"), "--format", "gift",
                 "--lesson", "Neue Lektion", "--root", str(tmp_path)]) == 2


def test_command_export_round_trip(tmp_path, capsys):
    root = _project(tmp_path)
    (root / "quizzes").mkdir()
    quiz = load_quiz(FIXTURES / "roundtrip_quiz.yaml")
    (root / "quizzes" / f"{LESSON}.yaml").write_text(dump_quiz(quiz), encoding="utf-8")
    target = tmp_path / "export.gift"
    assert _run(["questions", "export", LESSON, "--format", "gift", "--out", str(target),
                 "--root", str(root)]) == 0
    assert "prozess-reihenfolge" in capsys.readouterr().err  # ordering listed as not exported
    assert _run(["questions", "import", str(target), "--format", "gift", "--lesson", LESSON,
                 "--out", str(tmp_path / "back.yaml"), "--root", str(root)]) == 0
    assert len(load_quiz(tmp_path / "back.yaml").questions) == len(quiz.questions) - 1
    assert _run(["questions", "export", "fehlt", "--format", "gift", "--root", str(root)]) == 1
    assert _run(["questions", "export", LESSON, "--format", "gift", "--out", str(target),
                 "--root", str(root)]) == 1  # exists: needs --force
