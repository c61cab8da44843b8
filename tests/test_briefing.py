"""Seminar briefing: content derived from a constructed cohort, Markdown escaping, PDF with umlauts."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from cockpit_builder import responses, right_answers, write_synthetic_course
from lotse import learning
from lotse.accounts import create_account
from lotse.analytics.course import course_lessons
from lotse.briefing import (blocks, briefing_filename, briefing_markdown, briefing_pdf, escape_markdown,
                            seminar_briefing)
from lotse.cohorts import create_cohort
from lotse.content import load_catalog
from lotse.identity import PermissionDenied
from lotse.pdf import new_pdf
from progress import cohorts as cohort_sql
from progress import prepared_store

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)


@pytest.fixture()
def cohort(tmp_path):
    """Two lessons; five members:

    Anna *Stern*  both lessons read, quizzes all right                      -> ready
    Ben           lesson 1: f0 wrong (option 1), f7 wrong: 6/8 = 75 % passed  -> on the way (1 of 2)
    Cara          lesson 1: f0 wrong (option 1), f1 half, f2 and f4 wrong: 4.5/8 -> on the way (0 of 2)
    Dora          opened lesson 1                                            -> on the way (0 of 2)
    Emil          nothing                                                    -> not started
    """
    catalog = load_catalog(write_synthetic_course(tmp_path / "content", lessons=2))
    db = prepared_store(tmp_path / "lotse.db")
    trainer = create_account(db, "trainer.a", "Trainerin A", None, "trainer")
    other = create_account(db, "trainer.b", "Trainer B", None, "trainer")
    row = create_cohort(db, trainer, "Kohorte Nord", seminar_date=(NOW + timedelta(days=10)).date(),
                        place="Rathaus Süd")
    people = {}
    for login, name in [("anna", "Anna *Stern*"), ("ben", "Ben Bauer"), ("cara", "Cara Cordes"),
                        ("dora", "Dora Dietz"), ("emil", "Emil Engel")]:
        people[login] = create_account(db, login, name, None, "learner")
        cohort_sql.add_member(db, row["id"], people[login].id)
    first, second = course_lessons(catalog)

    def study(login, lesson, answers=None, read=True):
        user = people[login]
        learning.open_lesson(db, user, lesson.id, f"{login}-{lesson.id}")
        if read:
            learning.mark_read(db, user, lesson.id)
        if answers is not None:
            learning.submit_attempt(db, user, lesson.quiz, 1, answers)

    study("anna", first, right_answers())
    study("anna", second, right_answers())
    study("ben", first, responses(f0_einfach=1, f7_fall=1))
    wrong_match = ["Erreichbar", "Nur Befugte lesen", "Unverändert"]
    study("cara", first, responses(f0_einfach=1, f1_mehrfach=[0], f2_wahr=False, f4_zuordnen=wrong_match))
    study("dora", first, read=False)
    return {"db": db, "catalog": catalog, "trainer": trainer, "other": other, "id": row["id"],
            "lessons": (first, second)}


def content(cohort, **options):
    return seminar_briefing(cohort["db"], cohort["trainer"], cohort["id"], cohort["catalog"], now=NOW, **options)


def test_who_is_ready(cohort):
    c = content(cohort)
    assert [s.label for s in c.ready] == ["Anna *Stern*"]
    assert [(s.label, s.done) for s in c.on_the_way] == [("Ben Bauer", 1), ("Cara Cordes", 0), ("Dora Dietz", 0)]
    assert [s.label for s in c.not_started] == ["Emil Engel"]
    assert c.days_until == 10 and c.members == 5


def test_weakest_objectives(cohort):
    # lesson 1, ziel-a (f0, f1, f5): anna 3, ben 2, cara 0 + 0.5 + 1 = 1.5 -> 6.5 / 9 = 72.2 %
    # lesson 1, ziel-b (f2, f3, f4, f6, f7): anna 5, ben 4, cara 3 -> 12 / 15 = 80 %
    c = content(cohort)
    weakest = c.weakest[0]
    assert (weakest.lesson.id, weakest.objective_id) == (cohort["lessons"][0].id, "ziel-a")
    assert weakest.share == pytest.approx(100 * 6.5 / 9)
    assert weakest.reached == 1  # only anna has >= 80 % of ziel-a
    assert [m.share for m in c.weakest] == sorted(m.share for m in c.weakest)


def test_most_missed_question_with_most_chosen_wrong_answer(cohort):
    c = content(cohort)
    top = c.missed[0]
    # f0: anna right, ben and cara chose option 1 -> facility 1/3, the lowest of all questions
    assert top.prompt == "Welche Aussage zu Thema 1-0 trifft zu?"
    assert top.facility == pytest.approx(100 / 3) and top.answers == 3
    assert top.mistake == "„Ein verbreiteter Irrtum 1-0“"
    assert top.mistake_share == pytest.approx(200 / 3)


def test_focus_topics_come_from_the_data(cohort):
    titles = [t.title for t in content(cohort).focus]
    second = cohort["lessons"][1]
    assert any(t.startswith("Verbreiteten Irrtum klären: „Welche Aussage zu Thema 1-0") for t in titles)
    assert any(t.startswith("Lernziel vertiefen: Sie können Thema 1 erklären") for t in titles)
    assert f"Lektion {second.code} {second.title} im Seminar einführen" in titles
    assert len(titles) <= 5


def test_markdown_escapes_names_and_says_everything(cohort):
    text = briefing_markdown(content(cohort))
    assert text.startswith("# Seminar-Briefing: Kohorte Nord\n")
    assert "Anna \\*Stern\\*" in text and "Anna *Stern*" not in text
    for heading in ("## Wer ist vorbereitet?", "## Schwächste Lernziele", "## Am häufigsten falsch beantwortete Fragen",
                    "## Vorschläge für die Seminartage", "## So entsteht dieses Briefing"):
        assert heading in text
    assert "in Rathaus Süd (in 10 Tagen)" in text
    assert "Häufigste falsche Antwort: „Ein verbreiteter Irrtum 1-0“" in text


def test_pdf_has_the_same_text_with_umlauts(cohort):
    c = content(cohort)
    data = briefing_pdf(c)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    for phrase in ("Seminar-Briefing: Kohorte Nord", "Anna *Stern*", "Vorschläge für die Seminartage",
                   "Rathaus Süd", "Schwächste Lernziele"):
        assert phrase in " ".join(text.split())
    assert reader.metadata.title == "Seminar-Briefing: Kohorte Nord"


def test_presentation_mode_hides_names(cohort):
    c = content(cohort, pseudonymous=True)
    text = briefing_markdown(c)
    assert "Person 1" in text
    for name in ("Anna", "Ben", "Cara", "Dora", "Emil"):
        assert name not in text


def test_only_the_cohorts_trainer(cohort):
    with pytest.raises(PermissionDenied):
        seminar_briefing(cohort["db"], cohort["other"], cohort["id"], cohort["catalog"])


def test_cohort_without_seminar_date_and_without_data(tmp_path):
    catalog = load_catalog(write_synthetic_course(tmp_path / "content", lessons=1))
    db = prepared_store(tmp_path / "lotse.db")
    trainer = create_account(db, "trainer.a", "A", None, "trainer")
    row = create_cohort(db, trainer, "Leer")
    c = seminar_briefing(db, trainer, row["id"], catalog, now=NOW)
    text = briefing_markdown(c)
    assert c.seminar_date is None and c.members == 0
    assert "noch kein Seminartermin" in text and "Noch zu wenige" in text
    assert briefing_pdf(c).startswith(b"%PDF")
    assert briefing_filename(c, "pdf") == "briefing-leer-2025-06-02.pdf"


@pytest.mark.parametrize("raw, shown", [
    ("*fett*", "\\*fett\\*"),
    ("[Link](javascript:x)", "\\[Link\\](javascript:x)"),
    ("<b>Hallo</b>", "\\<b\\>Hallo\\</b\\>"),
    ("a_b | c", "a\\_b \\| c"),
    ("zwei\nZeilen", "zwei Zeilen"),
])
def test_escape_markdown(raw, shown):
    assert escape_markdown(raw) == shown


def test_blocks_render_identically_in_both_formats(cohort):
    c = content(cohort)
    kinds = [b.kind for b in blocks(c)]
    assert kinds[0] == "title" and kinds.count("heading") == 5


def test_shared_pdf_helper_prints_unicode():
    pdf = new_pdf("Prüfung")
    pdf.add_page()
    pdf.multi_cell(0, 6, "Größe, Übung, „Zitat“ – ✓")
    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    assert "Größe, Übung" in text and "✓" in text


def test_a_paragraph_after_a_bold_lead_in_never_splits_a_word():
    """Whatever the length of the bold part, the text after it wraps between words."""
    from lotse.briefing import _paragraph

    pdf = new_pdf("Umbruch")
    pdf.add_page()
    lead = "Sie können die Grundsätze der DSGVO auf Fälle aus Ihrem Arbeitsbereich anwenden und begründen, wie"
    for extra in range(60):
        _paragraph(pdf, "4.  ", lead + " i" * extra, "(Lektion 5.1 Informationssicherheit): 42 % der Punkte.")
    reader = PdfReader(io.BytesIO(bytes(pdf.output())))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    assert not [line for line in lines if line.endswith(("(Lekti", "(Lektio")) or line.startswith(("n 5.1", "on 5.1"))]
    assert sum("(Lektion" in line for line in lines) == 60


# These tests check the figures themselves; the visibility policy has its own tests (test_visibility.py).
pytestmark = pytest.mark.usefixtures("open_policy")
