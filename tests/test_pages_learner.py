"""AppTest of the learner journey on the fixture course: home, lesson (deep link), quiz with every
question type, feedback, retry, progress, search and glossary."""

from __future__ import annotations

import re

from pathlib import Path

import pytest

from learner_support import LESSON_ONE, LESSON_TWO, fixture_catalog
from lotse import learning
from progress import learning as store

ROOT = Path(__file__).resolve().parent.parent

LESSON_PAGE = "app_pages/lektion.py"
LEARNER_PAGES = ["app_pages/lernweg.py", LESSON_PAGE, "app_pages/fortschritt.py", "app_pages/suche.py",
                 "app_pages/glossar.py"]


@pytest.fixture(autouse=True)
def course(small_course, app_env):
    """The app reads the fixture course, not the real (changing) content."""


@pytest.fixture
def learner(make_user):
    return make_user("learner")


def qkey(lesson: str, question: str, attempt: int = 1) -> str:
    return f"quiz-{lesson}-{question}-a{attempt}"


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def plain(elements) -> list[str]:
    """Texts as the reader sees them (Markdown backslash escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in elements]


def lesson_links(at) -> list[str]:
    return [link.value for link in at.page_link]


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.title) == 1, texts(at.title)
    return at


def open_lesson(signed_in_app, user, lesson_id: str):
    return ok(signed_in_app(user, page=LESSON_PAGE, query_params={"id": lesson_id}))


def start_quiz(at, lesson: str):
    at.button(key=f"quiz-{lesson}-start").click().run()
    return ok(at)


def answer_lesson_one(at, attempt: int, right: bool) -> None:
    """Answer all four questions of lesson one through the widgets (one run per change)."""
    at.radio(key=qkey(LESSON_ONE, "ozg-ziel", attempt)).set_value(0 if right else 1).run()
    for index in (0, 1) if right else (0, 2):
        at.checkbox(key=f"{qkey(LESSON_ONE, 'bereiche', attempt)}-o{index}").check().run()
    at.radio(key=qkey(LESSON_ONE, "it-allein", attempt)).set_value(not right).run()
    for position, item in enumerate([0, 1, 2] if right else [2, 1, 0]):
        at.radio(key=f"{qkey(LESSON_ONE, 'reihenfolge', attempt)}-p{position}").set_value(item).run()
    ok(at)


# --- every page, first run --------------------------------------------------------------------------


@pytest.mark.parametrize("page", LEARNER_PAGES)
@pytest.mark.parametrize("role", ["learner", "trainer", "admin"])
def test_every_learner_page_renders_on_first_run(signed_in_app, make_user, page, role):
    at = ok(signed_in_app(make_user(role), page=page))
    assert not at.error


def test_home_shows_modules_status_in_words_and_the_way_forward(signed_in_app, learner):
    at = ok(signed_in_app(learner))
    assert texts(at.title) == ["Mein Lernweg"]
    assert plain(at.header) == ["Willkommen bei Lotse"]  # first visit: the welcome step alone
    at = ok(at.button(key="lernweg-ueberspringen").click().run())
    assert plain(at.header) == ["Modul 1: Grundlagen", "Modul 2: Vertiefung"]
    assert lesson_links(at)[0] == "Einstufung jetzt machen"
    assert lesson_links(at)[1:] == ["○ Grundlagen der Verwaltungsdigitalisierung — nicht begonnen · ca. 10 Min.",
                                "○ Vertiefung mit Zahlen — nicht begonnen · ca. 5 Min."]
    assert "0 von 2 Lektionen" in at.get("progress")[0].proto.text
    at.button(key="lernweg-weiterlernen").click().run()
    assert texts(at.title) == ["Grundlagen der Verwaltungsdigitalisierung"]
    assert at.query_params["id"] == [LESSON_ONE] or at.query_params["id"] == LESSON_ONE


# --- the lesson page ----------------------------------------------------------------------------------


def test_lesson_deep_link_shows_objectives_contents_terms_and_sources(signed_in_app, learner):
    at = open_lesson(signed_in_app, learner, LESSON_TWO)
    assert texts(at.title) == ["Vertiefung mit Zahlen"]
    headers = texts(at.header)
    assert headers[:2] == ["Lernziele", "Inhalt"]
    assert {"Begriffe in dieser Lektion", "Quellen", "Quiz"} <= set(headers)
    markdown = "\n".join(texts(at.markdown))
    assert "[Zahlen und Fristen](#zahlen)" in markdown                     # table of contents
    assert 'id="zahlen" data-anchor="zahlen"' in markdown                  # the author's anchor survives
    assert '<abbr title="Die elektronische Akte ersetzt die Papierakte.">E-Akte</abbr>' in markdown
    assert "<dt><strong>E-Akte</strong></dt>" in markdown                  # accessible list of terms
    assert 'class="admonition beispiel"' in markdown and "Beispiel: Bürgerbüro" in markdown
    assert "Vorherige Lektion: Grundlagen der Verwaltungsdigitalisierung" in lesson_links(at)


@pytest.mark.parametrize("bad_id", ["gibt-es-nicht", "<script>alert(1)</script>", "../../etc/passwd",
                                    "x" * 300, "Eins-Grundlagen", "", "' OR 1=1 --"])
def test_unknown_or_hostile_lesson_id_gives_a_friendly_message(signed_in_app, learner, bad_id):
    at = open_lesson(signed_in_app, learner, bad_id)
    assert texts(at.title) == ["Lektion nicht gefunden"]
    assert "Mein Lernweg" in " ".join(lesson_links(at))
    everything = " ".join(texts(at.markdown) + texts(at.warning) + texts(at.info))
    assert "<script>" not in everything and "etc/passwd" not in everything


def test_opening_is_recorded_once_per_view(signed_in_app, learner, db):
    at = open_lesson(signed_in_app, learner, LESSON_ONE)
    at.run()
    at.run()
    assert [e["kind"] for e in store.events_of(db, learner.id)] == ["lesson_opened"]
    open_lesson(signed_in_app, learner, LESSON_ONE)                # a reload is a new view
    assert [e["kind"] for e in store.events_of(db, learner.id)] == ["lesson_opened", "lesson_opened"]


def test_reading_time_heartbeat_is_capped_per_beat_and_per_view(signed_in_app, learner, db):
    at = open_lesson(signed_in_app, learner, LESSON_ONE)            # 10 minutes: budget 1200 s per view
    view = at.session_state[f"lektion-view-{LESSON_ONE}"]

    def seconds() -> float:
        return store.lesson_states(db, learner.id)[LESSON_ONE]["reading_seconds"]

    view["last"] -= 50                                              # a late beat (throttled background tab)
    at.run()
    assert seconds() == learning.HEARTBEAT_SECONDS                  # at most one beat's worth
    view["counted"], view["last"] = 1190.0, view["last"] - 50
    at.run()
    assert seconds() == learning.HEARTBEAT_SECONDS + 10             # only what is left of the view's budget
    view["last"] -= 50
    at.run()
    assert seconds() == learning.HEARTBEAT_SECONDS + 10             # budget used up: nothing more


def test_time_spent_on_other_pages_is_not_reading_time(signed_in_app, learner, db):
    at = open_lesson(signed_in_app, learner, LESSON_ONE)
    at.session_state[f"lektion-view-{LESSON_ONE}"]["last"] -= 3600  # back after an hour elsewhere
    at.run()
    assert store.lesson_states(db, learner.id)[LESSON_ONE]["reading_seconds"] == 0


def test_mark_read(signed_in_app, learner, db):
    at = open_lesson(signed_in_app, learner, LESSON_ONE)
    at.button(key=f"lektion-{LESSON_ONE}-gelesen").click().run()
    ok(at)
    assert "Sie haben diese Lektion als gelesen markiert." in texts(at.success)
    assert store.lesson_states(db, learner.id)[LESSON_ONE]["read_at"]
    assert "gelesen" in at.caption[0].value


# --- the whole journey ------------------------------------------------------------------------------------


@pytest.mark.both_engines  # the whole journey on SQLite and on PostgreSQL
def test_journey_read_answer_submit_feedback_status_retry_best_attempt(signed_in_app, learner, db):
    at = open_lesson(signed_in_app, learner, LESSON_ONE)
    at.button(key=f"lektion-{LESSON_ONE}-gelesen").click().run()

    # Start the quiz, answer (mostly wrong); every change is a draft that survives a reload.
    assert "Das Quiz hat 4 Fragen" in "\n".join(texts(at.markdown))
    start_quiz(at, LESSON_ONE)
    answer_lesson_one(at, attempt=1, right=False)
    assert learning.quiz_state(db, learner, LESSON_ONE).draft["reihenfolge"] == [2, 1, 0]
    reloaded = open_lesson(signed_in_app, learner, LESSON_ONE)
    assert reloaded.radio(key=qkey(LESSON_ONE, "ozg-ziel")).value == 1
    assert reloaded.checkbox(key=f"{qkey(LESSON_ONE, 'bereiche')}-o2").value is True
    assert reloaded.radio(key=f"{qkey(LESSON_ONE, 'reihenfolge')}-p0").value == 2
    order_first = reloaded.radio(key=qkey(LESSON_ONE, "ozg-ziel")).options

    # Submit: feedback per question in words and icons, score against the pass mark.
    reloaded.button(key=f"quiz-{LESSON_ONE}-submit-a1").click().run()
    ok(reloaded)
    feedback = texts(reloaded.subheader)
    assert "Frage 1: ✗ falsch" in feedback and "Frage 4: ◐ teilweise richtig" in feedback
    assert any("Noch nicht bestanden" in w and "Zum Bestehen nötig: 70 %" in w for w in texts(reloaded.warning))
    page_text = "\n".join(texts(reloaded.markdown))
    assert "Nein, das steht nicht im Gesetz." in page_text                     # feedback of the chosen option
    assert "Das OZG verpflichtet zu Online-Angeboten." in page_text           # explanation
    assert '<a href="#worum">Zum Abschnitt „Worum es geht“ in der Lektion</a>' in page_text
    reloaded.run()                                                           # a rerun records nothing new
    assert len(store.attempts_of(db, learner.id, LESSON_ONE)) == 1

    # The catalogue shows the new status.
    home = ok(signed_in_app(learner))
    assert any(link.startswith("✗ Grundlagen") and "Quiz nicht bestanden" in link for link in lesson_links(home))

    # Retry: new attempt, options reshuffled, a passing attempt.
    reloaded.button(key=f"quiz-{LESSON_ONE}-retry-a1").click().run()
    ok(reloaded)
    order_second = [reloaded.radio(key=qkey(LESSON_ONE, q, 2)).options for q in ("ozg-ziel",)][0]
    checkboxes_second = [c.label for c in reloaded.checkbox]
    assert (order_second, checkboxes_second) != (order_first, [c.label for c in at.checkbox])
    answer_lesson_one(reloaded, attempt=2, right=True)
    reloaded.button(key=f"quiz-{LESSON_ONE}-submit-a2").click().run()
    assert any("Bestanden" in s for s in texts(reloaded.success))

    # A worse third attempt: the best attempt still counts.
    reloaded.button(key=f"quiz-{LESSON_ONE}-retry-a2").click().run()
    reloaded.button(key=f"quiz-{LESSON_ONE}-submit-a3").click().run()
    reloaded.button(key=f"quiz-{LESSON_ONE}-confirm-submit-a3").click().run()  # nothing answered: "Trotzdem abgeben"
    ok(reloaded)
    row = store.lesson_states(db, learner.id)[LESSON_ONE]
    assert learning.status_of(row) is learning.Status.PASSED and row["best_percent"] == 100
    history = next(m for m in texts(reloaded.markdown) if m.startswith("| Versuch |")).splitlines()
    assert len(history) == 2 + 3
    assert [row.split("|")[-2].strip() for row in history[2:]] == ["", "ja", ""]   # "Zählt (bester Versuch)"
    home = ok(signed_in_app(learner))
    assert any(link.startswith("✓ Grundlagen") and "Quiz bestanden" in link for link in lesson_links(home))
    assert "1 von 2 Lektionen" in home.get("progress")[0].proto.text
    module_one = home.get("progress")[1].proto.text  # module 1 holds only this lesson
    assert module_one.startswith("1 von 1 Lektionen abgeschlossen") and module_one.endswith("alles erledigt")


def test_matching_short_answer_and_numeric_inputs(signed_in_app, learner, db):
    at = start_quiz(open_lesson(signed_in_app, learner, LESSON_TWO), LESSON_TWO)
    at.radio(key=f"{qkey(LESSON_TWO, 'zuordnung')}-m0").set_value("elektronisch").run()
    at.radio(key=f"{qkey(LESSON_TWO, 'zuordnung')}-m1").set_value("analog").run()
    at.text_input(key=qkey(LESSON_TWO, "begriff")).input("  e-akte ").run()
    at.text_input(key=qkey(LESSON_TWO, "quote")).input("zweiundsiebzig").run()
    assert any("ist keine Zahl" in c for c in texts(at.caption))
    at.text_input(key=qkey(LESSON_TWO, "quote")).input("72,9").run()
    assert learning.quiz_state(db, learner, LESSON_TWO).draft == {
        "zuordnung": ["elektronisch", "analog"], "begriff": "  e-akte ", "quote": "72,9"}
    at.button(key=f"quiz-{LESSON_TWO}-submit-a1").click().run()
    ok(at)
    assert [s for s in texts(at.subheader) if s.startswith("Frage")] == [
        "Frage 1: ✓ richtig", "Frage 2: ✓ richtig", "Frage 3: ✓ richtig"]
    assert "<strong>Ihre Antwort:</strong> „e-akte“" in "\n".join(texts(at.markdown))   # typed text
    assert store.attempts_of(db, learner.id, LESSON_TWO)[0]["percent"] == 100


def test_user_text_in_answers_is_shown_as_text(signed_in_app, learner):
    at = start_quiz(open_lesson(signed_in_app, learner, LESSON_TWO), LESSON_TWO)
    at.text_input(key=qkey(LESSON_TWO, "begriff")).input("<img src=x onerror=alert(1)> **fett**").run()
    at.button(key=f"quiz-{LESSON_TWO}-submit-a1").click().run()
    at.button(key=f"quiz-{LESSON_TWO}-confirm-submit-a1").click().run()  # the other questions are open
    ok(at)
    shown = [m for m in texts(at.markdown) if "<strong>Ihre Antwort:</strong> „" in m]
    assert len(shown) == 1 and "<img" not in shown[0]
    assert "„&lt;img src=x onerror=alert(1)&gt; **fett**“" in shown[0]


# --- progress, search, glossary ----------------------------------------------------------------------------


def test_progress_page_shows_results_weak_objectives_recommendations_and_chart(signed_in_app, learner, db):
    catalog = fixture_catalog()
    learning.mark_read(db, learner, LESSON_ONE)
    learning.submit_attempt(db, learner, catalog.quiz(LESSON_ONE), 1, {"ozg-ziel": 0, "bereiche": [0, 1]})
    at = ok(signed_in_app(learner, page="app_pages/fortschritt.py"))
    assert texts(at.title) == ["Mein Fortschritt"]
    table = at.table[0].value
    assert list(table["Status"]) == ["✗ Quiz nicht bestanden", "○ nicht begonnen"]
    assert list(table["Bestes Ergebnis"]) == ["50 %", "–"]
    assert "**0 %** · Sie können die Schritte einer Einführung nennen." in "\n".join(plain(at.markdown))
    assert lesson_links(at)[0] == "Grundlagen der Verwaltungsdigitalisierung"
    assert any("Quiz noch nicht bestanden" in c for c in plain(at.caption))
    assert len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart")) == 1
    timeline = at.dataframe[0].value
    assert list(timeline.columns) == ["Datum", "Lektionen gelesen", "Quiz bestanden"]
    assert list(timeline["Lektionen gelesen"]) == [1]


def test_search_page_finds_lessons_and_marks_hits_safely(signed_in_app, learner):
    at = ok(signed_in_app(learner, page="app_pages/suche.py"))
    at.text_input(key="suche-begriff").input("zustandigkeit").run()
    ok(at)
    assert "Grundlagen der Verwaltungsdigitalisierung" in lesson_links(at)
    assert any("<mark>Zuständigkeit</mark>" in m for m in texts(at.markdown))
    assert at.query_params["q"] in (["zustandigkeit"], "zustandigkeit")
    at.text_input(key="suche-begriff").input('<script>alert(1)</script> "OR').run()
    ok(at)
    assert not any("<script>" in m for m in texts(at.markdown))
    assert any("Keine Lektion" in i for i in texts(at.info))


def test_search_deep_link_with_query(signed_in_app, learner):
    at = ok(signed_in_app(learner, page="app_pages/suche.py", query_params={"q": "OZG"}))
    assert at.text_input(key="suche-begriff").value == "OZG"
    assert "Grundlagen der Verwaltungsdigitalisierung" in lesson_links(at)


def test_glossary_a_to_z_with_filter_and_links_to_lessons(signed_in_app, learner):
    at = ok(signed_in_app(learner, page="app_pages/glossar.py"))
    assert texts(at.header) == ["A"] and plain(at.subheader) == ["Änderungsmanagement"]  # one letter at a time
    at.button_group(key="glossar-buchstabe").set_value("E").run()
    assert texts(at.header) == ["E"] and plain(at.subheader) == ["E-Akte"]
    at.button_group(key="glossar-buchstabe").set_value("Alle").run()
    assert texts(at.header) == ["A", "E", "O"]
    assert plain(at.subheader) == ["Änderungsmanagement", "E-Akte", "OZG"]
    at.text_input(key="glossar-suche").input("onlinezugang").run()
    ok(at)
    assert texts(at.subheader) == ["OZG"]
    assert lesson_links(at) == ["Verwendet in: Grundlagen der Verwaltungsdigitalisierung"]
    at.text_input(key="glossar-suche").input("gibt es nicht").run()
    assert texts(at.info) == ["Kein Begriff passt zu Ihrer Suche."]


def test_pages_need_sign_in(app_env):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert texts(at.title) == ["Anmelden"]
    assert not at.exception


def test_two_tabs_one_submit_and_the_stale_tab_is_told(signed_in_app, learner, db):
    tab_a = start_quiz(open_lesson(signed_in_app, learner, LESSON_ONE), LESSON_ONE)
    tab_b = open_lesson(signed_in_app, learner, LESSON_ONE)
    tab_a.radio(key=qkey(LESSON_ONE, "ozg-ziel")).set_value(0).run()
    tab_a.button(key=f"quiz-{LESSON_ONE}-submit-a1").click().run()
    tab_a.button(key=f"quiz-{LESSON_ONE}-confirm-submit-a1").click().run()  # questions 2-4 are open
    tab_b.radio(key=qkey(LESSON_ONE, "ozg-ziel")).set_value(2).run()     # tab B still shows attempt 1
    ok(tab_b)
    assert any("bereits abgegeben" in w for w in texts(tab_b.warning))
    assert "Frage 1: ✓ richtig" in texts(tab_b.subheader)                 # tab B now shows the stored result
    assert len(store.attempts_of(db, learner.id, LESSON_ONE)) == 1
    assert store.load_draft(db, learner.id, LESSON_ONE) is None          # no stale draft written


def test_an_edited_lesson_shows_without_a_restart(signed_in_app, learner, tmp_path, monkeypatch):
    """Authors fix a lesson file while Lotse runs: the next page view shows the new text."""
    from content_builder import LESSON, write_course
    from ui import context

    root = write_course(tmp_path / "inhalt")
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(root))
    context.reset()
    monkeypatch.setattr(context, "CONTENT_CHECK_SECONDS", 0.0)  # look at the files on every view
    at = ok(signed_in_app(learner, page="app_pages/lektion.py", query_params={"id": "eins"}))
    assert at.title[0].value == "Lektion eins"
    (root / "lessons" / "eins.md").write_text(LESSON.replace("title: Lektion eins", "title: Lektion eins, neu"),
                                              encoding="utf-8")
    assert ok(at.run()).title[0].value == "Lektion eins, neu"


def test_lesson_shows_stand_under_the_title(signed_in_app, learner):
    at = open_lesson(signed_in_app, learner, LESSON_TWO)
    assert "· Stand: 7. Dezember 2026 ·" in at.caption[0].value.replace("\\", "")  # the line under the title (Markdown-escaped)


def test_content_page_lists_lessons_due_for_review(signed_in_app, make_user, tmp_path, monkeypatch):
    from content_builder import LESSON, write_course
    from ui import context

    root = write_course(tmp_path / "inhalt", lessons={"eins": LESSON.replace("review_by: 2099-12-31", "review_by: 2026-01-31")
                                                       .replace("stand: 2026-12-07", "stand: 2025-12-01")})
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(root))
    context.reset()
    at = ok(signed_in_app(make_user("trainer"), page="app_pages/inhalte.py"))
    assert "Fällige Überprüfungen" in texts(at.header)
    rows = at.dataframe[-1].value.to_dict("records")
    assert rows == [{"Lektion": "Lektion eins", "Datei": "lessons/eins.md", "Stand": "1. Dezember 2025",
                     "Überprüfen bis": "31. Januar 2026"}]


def test_the_second_tab_submitting_the_same_attempt_is_told_what_was_recorded(signed_in_app, learner, db):
    tab_a = start_quiz(open_lesson(signed_in_app, learner, LESSON_ONE), LESSON_ONE)
    tab_b = open_lesson(signed_in_app, learner, LESSON_ONE)
    tab_b.radio(key=qkey(LESSON_ONE, "ozg-ziel")).set_value(2).run()     # both tabs answer attempt 1 ...
    tab_a.radio(key=qkey(LESSON_ONE, "ozg-ziel")).set_value(0).run()
    tab_a.button(key=f"quiz-{LESSON_ONE}-submit-a1").click().run()       # ... tab A submits first
    tab_a.button(key=f"quiz-{LESSON_ONE}-confirm-submit-a1").click().run()  # questions 2-4 open: "Trotzdem abgeben"
    tab_b.button(key=f"quiz-{LESSON_ONE}-submit-a1").click().run()       # tab B submits the same attempt
    ok(tab_b)
    [warning] = [w for w in texts(tab_b.warning) if "bereits abgegeben" in w]
    assert "nicht gespeichert" in warning                                 # B's different answers were not kept
    assert "Frage 1: ✓ richtig" in texts(tab_b.subheader)                 # and B sees what was recorded (A's)
    assert len(store.attempts_of(db, learner.id, LESSON_ONE)) == 1
