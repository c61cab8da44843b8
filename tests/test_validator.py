"""One broken fixture per validator rule, with the exact message and line asserted."""

from __future__ import annotations

import pytest

from lotse.cli import main
from lotse.content import load_catalog

from content_builder import GLOSSARY, LESSON, QUIZ, line_of, write_course


def problems(root):
    return [str(p) for p in load_catalog(root).problems]


def test_valid_course_has_no_problems(tmp_path):
    catalog = load_catalog(write_course(tmp_path))
    assert catalog.problems == []
    assert [lesson.id for lesson in catalog.lessons] == ["eins"]
    assert catalog.quiz("eins").questions[0].id == "frage"


QUIZ_CASES = [
    # (what is broken, replace old -> new, needle for the line, field, message)
    ("yaml syntax", ("pass_mark: 70", "pass_mark: [70"), "questions:", "yaml",
     "Fehler in der YAML-Schreibweise: In der Liste in eckigen Klammern fehlt ein Komma oder die "
     "schließende Klammer „]“."),
    ("unknown key", ("pass_mark: 70", "pass_mark: 70\npassmark: 70"), "passmark:", "passmark",
     "„passmark“: Dieses Feld kennt Lotse nicht. Bitte prüfen Sie die Schreibweise (siehe docs/authoring.md)."),
    ("wrong type", ("pass_mark: 70", "pass_mark: viel"), "pass_mark:", "pass_mark",
     "„Bestehensgrenze in Prozent“ (pass_mark) muss eine Zahl sein, zum Beispiel 70."),
    ("missing field", ("    explanation: Weil.\n", ""), "  - id: frage", "questions[0].explanation",
     "Frage 1: „Erklärung“ (explanation) fehlt. Bitte ergänzen."),
    ("unknown type", ("type: single_choice", "type: essay"), "type: essay", "questions[0].type",
     "Unbekannter Fragetyp „essay“. Erlaubt sind: single_choice, multiple_choice, true_false, ordering, matching, "
     "short_answer, numeric, cloze (siehe docs/authoring.md)."),
    ("two correct", ("      - text: B\n", "      - text: B\n        correct: true\n"), "    options:",
     "questions[0].options", "Frage 1: „Antwortmöglichkeiten“ (options): Bei einer Einfachauswahl muss genau eine "
     "Antwortmöglichkeit richtig sein (correct: true); es sind 2."),
    ("duplicate key", ("    prompt: Was gilt?", "    prompt: Was gilt?\n    prompt: Doppelt"), "prompt: Doppelt",
     "prompt", "„Fragetext“ (prompt) steht zweimal da; bitte nur einmal angeben."),
    ("unknown objective", ("objective: ziel", "objective: zeil"), "objective: zeil", "questions[0].objective",
     "Unbekanntes Lernziel „zeil“; die Lernziele der Lektion sind: ziel."),
    ("unknown section", ("section: einstieg", "section: ausstieg"), "section: ausstieg", "questions[0].section",
     "Den Abschnitt #ausstieg gibt es in der Lektion „eins“ nicht; Abschnitte: das-wichtigste-in-kurze, einstieg."),
    ("lesson mismatch", ("lesson: eins", "lesson: zwei"), "lesson: zwei", "lesson",
     "Die Lektion (lesson) muss zum Dateinamen passen: Die Datei heißt eins.yaml, also muss hier „eins“ stehen."),
    ("bad id", ("  - id: frage", "  - id: Frage 1"), "id: Frage 1", "questions[0].id",
     "Frage 1: „Kennung“ (id) muss eine Kennung aus Kleinbuchstaben a–z, Ziffern und „-“ sein (höchstens 64 Zeichen)."),
    ("missing feedback", ("        feedback: Falsch.\n", ""), "      - text: B", "questions[0].options[1].feedback",
     "Frage 1, Antwortmöglichkeit 2: „Rückmeldung“ (feedback) fehlt. Bitte ergänzen."),
]


@pytest.mark.parametrize("case", QUIZ_CASES, ids=[c[0] for c in QUIZ_CASES])
def test_quiz_rule(tmp_path, case):
    _, (old, new), needle, field, message = case
    assert old in QUIZ
    quiz = QUIZ.replace(old, new, 1)
    found = problems(write_course(tmp_path, quizzes={"eins": quiz}))
    assert f"quizzes/eins.yaml:{line_of(quiz, needle)}: {field}: {message}" in found


def test_duplicate_question_ids(tmp_path):
    second = QUIZ.split("questions:\n")[1]
    quiz = QUIZ + second
    found = problems(write_course(tmp_path, quizzes={"eins": quiz}))
    line = len(QUIZ.splitlines()) + 1
    assert f"quizzes/eins.yaml:{line}: questions[1].id: Die Kennung „frage“ der Frage kommt zweimal vor." in found


@pytest.mark.parametrize("question, needle, message", [
    ("  - id: mc\n    type: multiple_choice\n    objective: ziel\n    prompt: P\n    explanation: E\n    options:\n"
     "      - text: A\n        feedback: F\n      - text: B\n        feedback: F\n", "options:",
     "Bei einer Mehrfachauswahl muss mindestens eine Antwortmöglichkeit richtig sein (correct: true)."),
    ("  - id: ord\n    type: ordering\n    objective: ziel\n    prompt: P\n    explanation: E\n    items: [A, A]\n", "items:",
     "„Schritte“ (items): Jeder Eintrag darf nur einmal vorkommen."),
    ("  - id: ord\n    type: ordering\n    objective: ziel\n    prompt: P\n    explanation: E\n    items: [A]\n", "items:",
     "„Schritte“ (items) braucht mindestens 2 Einträge."),
    ("  - id: mat\n    type: matching\n    objective: ziel\n    prompt: P\n    explanation: E\n    pairs:\n"
     "      - {left: A, right: X}\n      - {left: B, right: X}\n", "- id: mat",
     "Eine Zuordnung braucht mindestens zwei verschiedene rechte Seiten."),
    ("  - id: mc\n    type: multiple_choice\n    objective: ziel\n    prompt: P\n    explanation: E\n    options:\n"
     "      - {text: A, feedback: F, correct: true, weight: 60}\n      - {text: B, feedback: F, weight: -50}\n", "options:",
     "Die positiven Gewichtungen müssen zusammen 100 ergeben; es sind 60."),
])
def test_question_consistency(tmp_path, question, needle, message):
    quiz = QUIZ + question
    found = problems(write_course(tmp_path, quizzes={"eins": quiz}))
    line = len(QUIZ.splitlines()) + line_of(question, needle)
    assert any(p.startswith(f"quizzes/eins.yaml:{line}: questions[1]") and p.endswith(message) for p in found), found


LESSON_CASES = [
    ("no front matter", ("---\nid: eins", "id: eins"), "id: eins", 0, "front matter",
     "Die Datei muss mit einer Zeile „---“ beginnen, gefolgt vom Kopfbereich (front matter) mit den Angaben zur Lektion."),
    ("unknown key", ("order: 1", "order: 1\nobjectivs: []"), "objectivs:", 0, "objectivs",
     "„objectivs“: Dieses Feld kennt Lotse nicht. Bitte prüfen Sie die Schreibweise (siehe docs/authoring.md)."),
    ("id mismatch", ("id: eins", "id: zwei"), "id: zwei", 0, "id",
     "Die Kennung (id) muss zum Dateinamen passen: Die Datei heißt eins.md, also muss die Kennung „eins“ lauten."),
    ("unknown module", ("module: m1", "module: m9"), "module: m9", 0, "module", "Unbekanntes Modul „m9“; die Module in course.yaml sind: m1."),
    ("unknown glossary", ("glossary: [ozg]", "glossary: [ozg, egovg]"), "glossary:", 0, "glossary[1]",
     "Unbekannter Glossarbegriff „egovg“ (die Begriffe stehen in lessons/glossary/)."),
    ("unknown prerequisite", ("sources:", "prerequisites: [null-lektion]\nsources:"), "prerequisites:", 0,
     "prerequisites[0]", "Unbekannte Lektion „null-lektion“ bei den Voraussetzungen."),
    ("duplicate objective", ("    text: Sie können etwas.", "    text: Sie können etwas.\n  - id: ziel\n    text: Noch was."),
     "Noch was.", -1, "objectives[1].id", "Die Kennung „ziel“ kommt zweimal vor."),
    ("broken lesson link", ("Das OZG ist wichtig.", "Das OZG ist wichtig, siehe [dort](zwei.md)."), "[dort]", 0, "link",
     "Der Link führt zu einer unbekannten Lektion „zwei“."),
    ("broken anchor", ("Das OZG ist wichtig.", "Das OZG ist wichtig, siehe [oben](#nirgends)."), "[oben]", 0, "link",
     "Den Abschnitt #nirgends gibt es in der Lektion „eins“ nicht."),
    ("javascript link", ("Das OZG ist wichtig.", "Das OZG [x](javascript:alert(1))."), "javascript:", 0, "link",
     "Der Link „javascript:alert(1)“ ist nicht erlaubt. Möglich sind Webadressen (http, https), E-Mail (mailto), "
     "andere Lektionen (name.md) und Abschnitte (#abschnitt)."),
    ("missing image", ("Das OZG ist wichtig.", "Das OZG ist wichtig.\n\n![Ein Bild](images/fehlt.svg)"), "fehlt.svg", 0,
     "image", "Die Bilddatei „images/fehlt.svg“ gibt es nicht (Bilder gehören nach lessons/images/)."),
    ("no alt text", ("Das OZG ist wichtig.", "Das OZG ist wichtig.\n\n![](images/fehlt.svg)"), "fehlt.svg", 0,
     "image", "Das Bild „images/fehlt.svg“ braucht einen Alternativtext: ![was das Bild zeigt](images/fehlt.svg)"),
]


@pytest.mark.parametrize("case", LESSON_CASES, ids=[c[0] for c in LESSON_CASES])
def test_lesson_rule(tmp_path, case):
    _, (old, new), needle, shift, field, message = case
    assert old in LESSON
    lesson = LESSON.replace(old, new, 1)
    found = problems(write_course(tmp_path, lessons={"eins": lesson}))
    line = line_of(lesson, needle) + shift
    assert f"lessons/eins.md:{line}: {field}: {message}" in found, found


def test_lesson_without_quiz_is_an_error_and_left_out(tmp_path):
    catalog = load_catalog(write_course(tmp_path, quizzes={}))
    assert "lessons/eins.md:2: id: Kein Quiz gefunden: Jede Lektion endet mit einem Quiz in quizzes/eins.yaml." in map(str, catalog.problems)
    assert catalog.lessons == []


def test_quiz_without_lesson(tmp_path):
    found = problems(write_course(tmp_path, lessons={}, quizzes={"eins": QUIZ}))
    assert "quizzes/eins.yaml:1: lesson: Es gibt keine Lektion mit der Kennung „eins“ (lessons/eins.md)." in found


def test_duplicate_glossary_term_across_files(tmp_path):
    root = write_course(tmp_path)
    (root / "lessons" / "glossary" / "zweite.yaml").write_text(GLOSSARY, encoding="utf-8")
    assert ("lessons/glossary/zweite.yaml:2: terms[0].id: Die Kennung „ozg“ des Begriffs ist schon in "
            "lessons/glossary/begriffe.yaml:2 vergeben.") in problems(root)


def test_not_utf8(tmp_path):
    root = write_course(tmp_path)
    (root / "lessons" / "eins.md").write_bytes(LESSON.encode("utf-8") + b"\n\xff\xfe kaputt\n")
    line = len(LESSON.splitlines()) + 2
    assert f"lessons/eins.md:{line}: file: Die Datei ist kein gültiger UTF-8-Text; bitte als UTF-8 speichern." in problems(root)


WARNING_CASES = [
    ("short", (" " + " ".join(["Verwaltung"] * 620), ""), "Nur ", "text"),
    ("no summary", ("## Das Wichtigste in Kürze", "## Schluss"), "Am Ende fehlt der Abschnitt „## Das Wichtigste in Kürze“.", "text"),
    ("no box", ('!!! merke "Merke"\n    Ein Kasten.', "Kein Kasten."), "Die Lektion hat keinen Kasten (!!! merke, !!! beispiel oder !!! achtung).", "text"),
    ("unknown box kind", ('!!! merke "Merke"', '!!! tipp "Tipp"'), "Unbekannte Kastenart „tipp“; möglich sind: merke, beispiel, achtung, info.", "box"),
    ("term not in text", ("Das OZG ist wichtig.", "Das ist wichtig."), "Der Glossarbegriff „OZG“ kommt im Text der Lektion nicht vor.", "glossary[0]"),
]


@pytest.mark.parametrize("case", WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_warnings_do_not_fail(tmp_path, case, capsys):
    _, (old, new), message, field = case
    lesson = LESSON.replace(old, new, 1)
    root = write_course(tmp_path, lessons={"eins": lesson})
    catalog = load_catalog(root)
    assert catalog.errors == []
    assert any(p.field == field and message in p.message and p.severity == "warning" for p in catalog.problems)
    assert main(["validate", str(root)]) == 0
    assert "Warnung:" in capsys.readouterr().out


def test_objective_not_tested_is_a_warning(tmp_path):
    lesson = LESSON.replace("    text: Sie können etwas.", "    text: Sie können etwas.\n  - id: zweites\n    text: Noch was.")
    catalog = load_catalog(write_course(tmp_path, lessons={"eins": lesson}))
    assert [str(p) for p in catalog.warnings] == [
        f"lessons/eins.md:{line_of(lesson, 'id: zweites')}: objectives[1]: Warnung: Das Lernziel „zweites“ wird von keiner Quizfrage geprüft."]


def test_cli_exit_codes_and_summary(tmp_path, capsys):
    root = write_course(tmp_path)
    assert main(["validate", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "In Ordnung: 1 Lektion, 1 Quiz, 1 Frage, 1 Glossarbegriff"
    (root / "quizzes" / "eins.yaml").write_text(QUIZ.replace("pass_mark: 70", "pass_mark: 170"), encoding="utf-8")
    assert main(["validate", str(root)]) == 1
    out = capsys.readouterr().out
    assert "quizzes/eins.yaml:2: pass_mark: „Bestehensgrenze in Prozent“ (pass_mark) darf höchstens 100 sein." in out
    assert out.splitlines()[-1] == "1 Fehler, 0 Warnungen"
    assert main(["validate", str(tmp_path / "nirgendwo")]) == 2


def test_broken_lesson_is_left_out_but_others_stay(tmp_path):
    second = LESSON.replace("id: eins", "id: zwei").replace("order: 1", "order: 2")
    broken = LESSON.replace("title: Lektion eins", "title: [kaputt")
    quiz_two = QUIZ.replace("lesson: eins", "lesson: zwei")
    catalog = load_catalog(write_course(tmp_path, lessons={"eins": broken, "zwei": second},
                                        quizzes={"eins": QUIZ, "zwei": quiz_two}))
    assert [lesson.id for lesson in catalog.lessons] == ["zwei"]
    assert list(catalog.quizzes) == ["zwei"]
    assert any(p.path == "lessons/eins.md" and p.severity == "error" for p in catalog.problems)


def test_glossary_terms_are_explained_once_outside_headings():
    from lotse.content.render import render_markdown

    html = render_markdown("## Der Server\n\nEin **Server** und ein Server.\n\nNoch ein Server.",
                           glossary={"Server": "Ein Rechner"}).html
    assert html.count("<abbr") == 1
    assert '<h2 id="der-server">Der Server</h2>' in html
    assert '<strong><abbr title="Ein Rechner">Server</abbr></strong>' in html


def test_links_to_other_lessons_stay_in_the_tab_and_authors_cannot_set_targets():
    from lotse.content.render import render_markdown

    html = render_markdown("Siehe [Rechtsrahmen](1-2-rechtsrahmen.md#ozg) und [BSI](https://www.bsi.bund.de).\n\n"
                           '<a href="https://example.org" target="evil">x</a> <a href="#oben" target="_blank">y</a>').html
    assert '<a href="lektion?id=1-2-rechtsrahmen#ozg" target="_self" rel="noopener noreferrer">Rechtsrahmen</a>' in html
    assert '<a href="https://www.bsi.bund.de" rel="noopener noreferrer">BSI</a>' in html
    assert "evil" not in html and "_blank" not in html


# --- stand and review_by ------------------------------------------------------------------

def test_missing_stand_and_review_by_are_warnings_on_every_lesson(tmp_path):
    lesson = LESSON.replace("stand: 2026-12-07\nreview_by: 2099-12-31\n", "")
    catalog = load_catalog(write_course(tmp_path, lessons={"eins": lesson}))
    assert catalog.errors == [] and [l.id for l in catalog.lessons] == ["eins"]  # still shown to learners
    line = line_of(lesson, "id: eins")
    assert [str(p) for p in catalog.warnings] == [
        f"lessons/eins.md:{line}: review_by: Warnung: Keine nächste Prüfung angegeben: Bitte ergänzen Sie das Datum, "
        "bis zu dem die Fakten wieder geprüft werden, zum Beispiel review_by: 2027-06-30.",
        f"lessons/eins.md:{line}: stand: Warnung: Kein Stand angegeben: Bitte ergänzen Sie das Datum, an dem die Fakten "
        "zuletzt geprüft wurden, zum Beispiel stand: 2026-12-07."]


def test_review_by_that_has_come_is_a_warning(tmp_path):
    from datetime import date

    root = write_course(tmp_path)
    assert load_catalog(root, today=date(2099, 12, 30)).problems == []
    catalog = load_catalog(root, today=date(2099, 12, 31))
    assert catalog.errors == []
    assert [str(p) for p in catalog.warnings] == [
        f"lessons/eins.md:{line_of(LESSON, 'review_by:')}: review_by: Warnung: Prüfung fällig: Der Termin der "
        "nächsten Prüfung (2099-12-31) ist erreicht. Bitte prüfen Sie die Fakten und setzen Sie danach Stand und "
        "nächste Prüfung neu."]


@pytest.mark.parametrize("old, new, message", [
    ("stand: 2026-12-07", "stand: 2999-01-01", "Der Stand 2999-01-01 liegt in der Zukunft."),
    ("review_by: 2099-12-31", "review_by: 2026-12-31\nstand_typo: 1", None),
    ("stand: 2026-12-07", "stand: 7.12.2026", None),
])
def test_bad_review_dates(tmp_path, old, new, message):
    lesson = LESSON.replace(old, new)
    catalog = load_catalog(write_course(tmp_path, lessons={"eins": lesson}))
    if message:
        assert any(message in p.message and p.severity == "warning" for p in catalog.problems)
    else:
        assert catalog.errors  # an unknown field or a date that is not ISO is an error, like any schema fault


def test_review_by_before_stand_is_a_warning(tmp_path):
    lesson = LESSON.replace("review_by: 2099-12-31", "review_by: 2026-06-01")
    catalog = load_catalog(write_course(tmp_path, lessons={"eins": lesson}))
    assert [p.message for p in catalog.warnings] == ["Die nächste Prüfung (2026-06-01) liegt vor dem Stand (2026-12-07)."]


def test_cli_reports_stand_and_review_by(tmp_path, capsys):
    root = write_course(tmp_path)
    assert main(["validate", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].startswith("Stand und Prüftermin: 1 von 1 Lektion datiert, 0 zur Prüfung fällig (Stichtag ")
    assert main(["validate", "--review", str(root)]) == 0
    assert "eins: Stand (stand) 2026-12-07, prüfen bis (review_by) 2099-12-31: in Ordnung" in capsys.readouterr().out.splitlines()
    lesson = LESSON.replace("stand: 2026-12-07\n", "")
    write_course(root, lessons={"eins": lesson})
    assert main(["validate", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "eins: Stand (stand) fehlt, prüfen bis (review_by) 2099-12-31: FÄLLIG" in out
    assert out[-2].startswith("Stand und Prüftermin: 0 von 1 Lektion datiert, 1 zur Prüfung fällig")


def test_stand_line_in_german():
    from datetime import date

    from lotse.content.review import stand_line

    assert stand_line(date(2026, 12, 7)) == "Stand: 7. Dezember 2026"
    assert stand_line(date(2027, 3, 1)) == "Stand: 1. März 2027"
    assert stand_line(None) is None


def test_the_validator_reports_on_the_content_without_changing_it(tmp_path):
    """Issue 21: the validator reads the content model and returns a report; the catalog is built
    from both, so a rejected lesson is left out of the catalog but stays in what was read."""
    from lotse.content.catalog import build_catalog, read_content
    from lotse.content.validator import check_content

    root = write_course(tmp_path)
    (root / "lessons" / "zwei.md").write_text(LESSON.replace("id: eins", "id: zwei").replace("order: 1", "order: 2"),
                                             encoding="utf-8")  # a lesson without a quiz: an error
    content = read_content(root)
    before = ([lesson.id for lesson in content.lessons], dict(content.quizzes), list(content.problems))
    report = check_content(content)
    assert ([lesson.id for lesson in content.lessons], dict(content.quizzes), list(content.problems)) == before
    assert report.rejected == {"zwei"}
    assert [p.field for p in report.problems if p.severity == "error"] == ["id"]
    catalog = build_catalog(content, report)
    assert [lesson.id for lesson in catalog.lessons] == ["eins"]
    assert [str(p) for p in catalog.problems] == [str(p) for p in load_catalog(root).problems]
