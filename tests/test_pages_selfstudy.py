"""AppTest of the self-study pages on a small fixed course: entry check, review, journal,
self-assessment, certificate, the public verification page and the countdown on the home page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lotse import certificate, learning, reflection
from lotse.content import load_catalog
from progress import cohorts as cohort_sql

from selfstudy_course import build, content_dir, right_answers, wrong_answers  # noqa: F401 (content_dir: fixture)

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["app_pages/einstufung.py", "app_pages/wiederholen.py", "app_pages/reflexion.py",
         "app_pages/selbsteinschaetzung.py", "app_pages/zertifikat.py", "app_pages/verifizieren.py"]
HOSTILE = "<script>alert('x')</script> **fett** [klick](javascript:alert(1)) <img src=x onerror=alert(2)>"


@pytest.fixture
def catalog(content_dir):
    return load_catalog(content_dir)


@pytest.fixture
def learner(make_user):
    return make_user("learner", display_name="Jürgen Größe")


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.title) == 1, [t.value for t in at.title]
    return at


def plain(elements) -> str:
    """All texts as the reader sees them (Markdown backslash escapes removed)."""
    return "\n".join(re.sub(r"\\(.)", r"\1", str(e.value)) for e in elements)


def charts(at: AppTest) -> int:
    return len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))


def submit_button(at: AppTest):
    return next(b for b in at.button if b.label == "Einschätzung speichern")


def submit(db, user, catalog, lesson_id, responses):
    attempt_no = learning.quiz_state(db, user, lesson_id).attempt_no
    learning.submit_attempt(db, user, catalog.quiz(lesson_id), attempt_no, responses)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["learner", "trainer", "admin"])
def test_every_page_renders_on_first_run(signed_in_app, make_user, content_dir, page, role):
    at = ok(signed_in_app(make_user(role), page=page))
    assert not at.error


# --- Einstufung ----------------------------------------------------------------------------------------


def test_entry_check_from_start_to_learning_path_and_retake(signed_in_app, learner, content_dir):
    at = ok(signed_in_app(learner, page="app_pages/einstufung.py"))
    assert "7 Fragen" in plain(at.markdown)
    at.button(key="einstufung-starten").click().run()
    ok(at)
    assert "Teil 1 von 2" in at.get("progress")[0].proto.text
    radios = [r for r in at.radio if r.key.startswith("einstufung-")]
    assert len(radios) == 4  # two lessons of module 1, two questions each
    for radio in radios:  # module 1 all right: option 0 in file order is the right one (values are file indexes)
        at.radio(key=radio.key).set_value(0).run()
    at.button(key="einstufung-weiter").click().run()
    ok(at)
    assert "Teil 2 von 2" in at.get("progress")[0].proto.text
    at.button(key="einstufung-auswerten").click().run()
    ok(at)
    text = plain(at.markdown) + plain(at.subheader) + plain(at.header)
    assert "Ihr persönlicher Lernweg" in text
    assert "Zuerst bearbeiten (2)" in text and "Überfliegen genügt (2)" in text
    assert charts(at) == 1 and at.dataframe
    at.button(key="einstufung-wiederholen").click().run()
    at.button(key="einstufung-weiter").click().run()
    at.button(key="einstufung-auswerten").click().run()
    ok(at)
    text = plain(at.markdown) + plain(at.subheader)
    assert "Veränderung: **−" in text  # second run left blank: fewer points than the first
    assert "Was sich seit der letzten Einstufung verändert hat" in text


def test_entry_check_resumes_where_the_learner_stopped(signed_in_app, learner, content_dir):
    """Issue 17, point 6: a reload (a new browser session) in the middle used to start again at part 1."""
    at = ok(signed_in_app(learner, page="app_pages/einstufung.py"))
    at.button(key="einstufung-starten").click().run()
    for radio in [r for r in at.radio if r.key.startswith("einstufung-")]:
        at.radio(key=radio.key).set_value(0).run()
    at.button(key="einstufung-weiter").click().run()
    assert at.query_params.get("teil") in ("2", ["2"]), at.query_params  # the address names the part
    reloaded = ok(signed_in_app(learner, page="app_pages/einstufung.py"))  # no ?teil=: resumes by the answers
    assert "Teil 2 von 2" in reloaded.get("progress")[0].proto.text
    bookmarked = ok(signed_in_app(learner, page="app_pages/einstufung.py", query_params={"teil": "1"}))
    assert "Teil 1 von 2" in bookmarked.get("progress")[0].proto.text


def test_first_visit_leads_to_the_entry_check_and_the_path_follows_it(signed_in_app, learner, content_dir, catalog):
    """Issue 17, point 6: after sign-up „Mein Lernweg“ is a welcome step (the course, how long, the data
    in one sentence with a link), then „Einstufung machen“ leads to the entry check; afterwards
    „Weiterlernen“ opens the first lesson of the personal path."""
    home = ok(signed_in_app(learner))
    assert [h.value for h in home.header] == ["Willkommen bei Lotse"]  # the path waits for the choice
    welcome = " ".join(m.value.replace("\\", "") for m in home.markdown)
    assert "Umfang:" in welcome and "Ihre Daten:" in welcome
    assert "Datenschutzhinweise lesen" in [link.proto.label for link in home.get("page_link")]
    assert not [b for b in home.button if b.key == "lernweg-weiterlernen"]
    home.button(key="lernweg-einstufung").click().run()
    assert [t.value for t in home.title] == ["Einstufung"], [t.value for t in home.title]

    at = ok(signed_in_app(learner, page="app_pages/einstufung.py"))
    at.button(key="einstufung-starten").click().run()
    for radio in [r for r in at.radio if r.key.startswith("einstufung-")]:  # module 1 all right
        at.radio(key=radio.key).set_value(0).run()
    at.button(key="einstufung-weiter").click().run()
    at.button(key="einstufung-auswerten").click().run()  # module 2 left open: "Zuerst bearbeiten"
    ok(at)

    home = ok(signed_in_app(learner))
    assert "Willkommen bei Lotse" not in [h.value for h in home.header]
    first = [e for e in at.subheader if "Zuerst bearbeiten" in e.value]
    assert first, [e.value for e in at.subheader]
    label = home.button(key="lernweg-weiterlernen").label
    focus_links = [link.proto.label for link in at.get("page_link")]  # the path on the result page
    course_first = catalog.lessons[0].meta.title  # the course order; its module was all right in the check
    assert label.startswith("Weiterlernen: ") and label.removeprefix("Weiterlernen: ") != course_first, label
    assert any(label.removeprefix("Weiterlernen: ") in t for t in focus_links), (label, focus_links)
    assert any("persönlichen Lernweg" in c.value for c in home.caption)


def test_skipping_the_entry_check_is_remembered_and_can_be_revisited(signed_in_app, learner, content_dir):
    """Issue 17, point 6: „Überspringen“ leads to the path in course order and is remembered (a new
    session does not show the welcome step again); the welcome step can be opened again, and the entry
    check stays one click away."""
    home = ok(signed_in_app(learner))
    home.button(key="lernweg-ueberspringen").click().run()
    ok(home)
    assert "Willkommen bei Lotse" not in [h.value for h in home.header]
    assert home.button(key="lernweg-weiterlernen").label.startswith("Weiterlernen: ")
    later = ok(signed_in_app(learner))  # a new browser session: the choice is kept
    assert "Willkommen bei Lotse" not in [h.value for h in later.header]
    assert any("übersprungen" in c.value for c in later.caption)
    assert "Einstufung jetzt machen" in [link.proto.label for link in later.get("page_link")]
    later.button(key="lernweg-willkommen-zeigen").click().run()
    assert [h.value for h in ok(later).header] == ["Willkommen bei Lotse"]
    later.button(key="lernweg-einstufung").click().run()
    assert [t.value for t in ok(later).title] == ["Einstufung"]


# --- Wiederholen -----------------------------------------------------------------------------------------


def test_review_answer_check_rate_and_mistakes_mode(signed_in_app, learner, db, catalog):
    submit(db, learner, catalog, "l4", wrong_answers(catalog, "l4"))
    submit(db, learner, catalog, "l2", right_answers(catalog, "l2"))
    at = ok(signed_in_app(learner, page="app_pages/wiederholen.py"))
    assert "4 Karten insgesamt" in plain(at.caption)
    at.radio(key="wiederholen-modus").set_value("mistakes").run()
    ok(at)
    [answer] = [r for r in at.radio if r.key.endswith("-antwort")]
    assert "Was gilt für f1?" in plain(at.markdown)
    at.radio(key=answer.key).set_value(0).run()  # option 0 in file order is the right one
    at.button(key=answer.key.replace("-antwort", "-pruefen")).click().run()
    ok(at)
    assert "✓ richtig" in plain(at.markdown)
    rating = next(r for r in at.radio if r.key.endswith("-bewertung"))
    assert rating.value == 3  # preselected "Gut" from the right answer
    at.button(key=rating.key.replace("-bewertung", "-speichern")).click().run()
    ok(at)
    assert "Gespeichert (Gut)" in plain(at.success)
    assert "Keine Fehler zum Üben" in plain(at.success)


def test_review_without_cards_explains_where_they_come_from(signed_in_app, learner, content_dir):
    at = ok(signed_in_app(learner, page="app_pages/wiederholen.py"))
    assert "wird hier zu einer Karte" in plain(at.info)


# --- Rollenreflexion -------------------------------------------------------------------------------------


def test_journal_write_edit_share_and_trainer_view(signed_in_app, make_user, learner, db, catalog):
    trainer = make_user("trainer", display_name="Tina Trainerin")
    cohort = cohort_sql.insert_cohort(db, "Seminar Nord", trainer.id, "NORD1")
    cohort_sql.add_member(db, cohort, learner.id)
    at = ok(signed_in_app(learner, page="app_pages/reflexion.py"))
    key = "reflexion-neu-l3-rolle-heute"
    at.text_area(key=key).input("Ich bin Digitallotsin.\nZweite Zeile.").run()
    at.button(key=f"{key}-speichern").click().run()
    ok(at)
    assert "Ihr Eintrag ist gespeichert" in plain(at.success)
    [entry] = reflection.my_entries(db, learner)
    assert entry["text"] == "Ich bin Digitallotsin.\nZweite Zeile."
    base = f"reflexion-eintrag-{entry['id']}"
    at.text_area(key=f"{base}-text").input("Ich bin Digitallotsin seit März.").run()
    at.button(key=f"{base}-speichern").click().run()
    ok(at)
    assert reflection.entry_history(db, learner, entry["id"])[0]["text"].startswith("Ich bin Digitallotsin.")
    at.selectbox(key=f"{base}-ziel").set_value(cohort).run()
    at.button(key=f"{base}-teilen").click().run()
    ok(at)
    assert "Geteilt mit Tina Trainerin" in plain(at.markdown)

    trainer_at = ok(signed_in_app(trainer, page="app_pages/reflexion.py"))
    assert "Ich bin Digitallotsin seit März." in plain(trainer_at.markdown)
    [table] = [d for d in trainer_at.dataframe if d.key == f"reflexion-kohorte-{cohort}"] or [trainer_at.dataframe[0]]
    assert table.value.to_dict("records") == [{"Teilnehmende": "Jürgen Größe", "Einträge": 1, "Mit Ihnen geteilt": 1}]


def test_unshared_entries_stay_hidden_from_the_trainer_page(signed_in_app, make_user, learner, db, catalog):
    trainer = make_user("trainer")
    cohort = cohort_sql.insert_cohort(db, "Seminar Süd", trainer.id, "SUED1")
    cohort_sql.add_member(db, cohort, learner.id)
    reflection.add_entry(db, learner, catalog, "l3", "rolle-heute", "Ganz privat: mein Amt bremst")
    at = ok(signed_in_app(trainer, page="app_pages/reflexion.py"))
    everything = " ".join(str(e.value) for kind in ("markdown", "caption", "text", "info") for e in getattr(at, kind))
    assert "privat: mein Amt" not in everything
    assert at.dataframe[0].value.to_dict("records")[0]["Einträge"] == 1


def test_hostile_journal_text_is_shown_as_text(signed_in_app, learner, db, catalog):
    reflection.add_entry(db, learner, catalog, "l3", "rolle-heute", HOSTILE)
    at = ok(signed_in_app(learner, page="app_pages/reflexion.py"))
    shown = [m for m in at.markdown if "alert" in m.value]
    assert shown, "the entry is shown"
    for element in shown:
        assert not element.proto.allow_html
        assert "\\*\\*fett\\*\\*" in element.value and "\\[klick\\]" in element.value
        assert "<script>" not in element.value.replace("\\<", "")


# --- Selbsteinschätzung ----------------------------------------------------------------------------------


def test_self_assessment_before_after_chart_and_table(signed_in_app, learner, content_dir):
    at = ok(signed_in_app(learner, page="app_pages/selbsteinschaetzung.py"))
    assert at.radio(key="selbst-phase").value == "vorher"
    for item, value in (("it", 2), ("sicherheit", 3), ("fuehrung", 4)):
        at.radio(key=f"selbst-vorher-l3-{item}").set_value(value)
    submit_button(at).click().run()
    ok(at)
    assert "Gespeichert: 3 Einschätzungen" in plain(at.success)
    at.radio(key="selbst-phase").set_value("nachher").run()
    at.radio(key="selbst-nachher-l3-it").set_value(4)
    submit_button(at).click().run()
    ok(at)
    assert charts(at) == 1
    table = at.dataframe[0].value.to_dict("records")
    assert table[0]["Kompetenz"] == "IT- und Medienkompetenz (1)"
    shown = [(str(row["Vorher"]), str(row["Nachher"]), row["Veränderung"]) for row in table]
    assert shown[0] == ("2", "4", "+2 (höher)")
    assert shown[1][:2] == ("3", "–")  # rated before only: "–", not "None"
    assert "bei 1 höher" in plain(at.markdown)


# --- Zertifikat and verification --------------------------------------------------------------------------


def test_certificate_only_after_everything_is_passed_then_pdf(signed_in_app, learner, db, catalog):
    at = ok(signed_in_app(learner, page="app_pages/zertifikat.py"))
    assert not [b for b in at.button if b.key == "zertifikat-ausstellen"]
    assert "Bestanden: 0 von 4 Quizzen" in at.get("progress")[0].proto.text
    for lesson_id in catalog.quizzes:
        submit(db, learner, catalog, lesson_id, right_answers(catalog, lesson_id))
    at = ok(signed_in_app(learner, page="app_pages/zertifikat.py"))
    assert "Jürgen Größe" in plain(at.markdown)
    at.button(key="zertifikat-ausstellen").click().run()
    ok(at)
    cert = certificate.my_certificate(db, learner, catalog)
    assert cert is not None and certificate.format_code(cert["code"]) in plain(at.markdown)
    assert at.get("download_button")


def _public_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page("app_pages/verifizieren.py")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return ok(at)


def test_verification_page_without_sign_in(learner, db, catalog):
    for lesson_id in catalog.quizzes:
        submit(db, learner, catalog, lesson_id, right_answers(catalog, lesson_id))
    cert = certificate.issue(db, learner, catalog, today=date(2025, 3, 14))
    at = _public_app({"code": certificate.format_code(cert["code"]).lower()})
    assert "Dieses Zertifikat ist gültig" in plain(at.success)
    details = plain(at.markdown)
    assert "Jürgen Größe" in details and "Führung und Digitalisierung – Übungskurs" in details
    assert "14. März 2025" in details and "Lektionen" not in details  # nothing beyond name, course, date

    at.text_input(key="verifizieren-code").input("ACDE-FGHJ-KMNP")
    at.button[0].click().run()
    assert "kein Zertifikat" in plain(at.error)
    at.text_input(key="verifizieren-code").input("'; DROP TABLE certificates; --")
    at.button[0].click().run()
    assert "kein gültiger Prüfcode" in plain(at.warning)


def test_verification_page_with_malformed_link(content_dir):
    at = _public_app({"code": "<b>nope</b>"})
    assert "kein gültiger Prüfcode" in plain(at.warning)


# --- countdown on the home page ----------------------------------------------------------------------------


def test_home_page_shows_the_seminar_countdown(signed_in_app, make_user, learner, db, content_dir):
    trainer = make_user("trainer")
    seminar = (date.today() + timedelta(days=12)).isoformat()
    cohort = cohort_sql.insert_cohort(db, "Seminar <Ost>", trainer.id, "OST12", seminar_date=seminar)
    cohort_sql.add_member(db, cohort, learner.id)
    at = ok(signed_in_app(learner, page="app_pages/lernweg.py"))
    text = plain(at.info)
    assert "Ihr Seminar „Seminar <Ost>“ beginnt in" in text and "4 Lektionen in" in text


def test_journal_keeps_the_chosen_prompt_after_saving(signed_in_app, learner, db, content_dir):
    at = ok(signed_in_app(learner, page="app_pages/reflexion.py"))
    second = at.selectbox(key="reflexion-leitfrage").options[1]
    at.selectbox(key="reflexion-leitfrage").set_value(reflection.prompts(load_catalog(content_dir))[1]).run()
    key = "reflexion-neu-l3-naechster-schritt"
    at.text_area(key=key).input("Bis Freitag spreche ich mit dem Personalrat.").run()
    at.button(key=f"{key}-speichern").click().run()
    ok(at)
    chosen = at.selectbox(key="reflexion-leitfrage")
    assert chosen.value.id == "naechster-schritt"
    assert "(1 Eintrag)" in chosen.options[1] and second.startswith("Nächste Schritte")
    assert at.text_area(key=key).value == ""


def test_self_assessment_stays_on_the_saved_form_and_says_before_is_kept(signed_in_app, learner, content_dir):
    """Issue 17, point 9: after saving „vorher“ the learner sees those values, not an empty „nachher“
    form; a later visit opens „nachher“ and says that „vorher“ is saved (it looked like a loss)."""
    at = ok(signed_in_app(learner, page="app_pages/selbsteinschaetzung.py"))
    at.radio(key="selbst-vorher-l3-it").set_value(2)
    submit_button(at).click().run()
    ok(at)
    assert at.radio(key="selbst-phase").value == "vorher"
    assert at.radio(key="selbst-vorher-l3-it").value == 2
    later = ok(signed_in_app(learner, page="app_pages/selbsteinschaetzung.py"))
    assert later.radio(key="selbst-phase").value == "nachher"
    assert any("Ihre Einschätzung „vorher“ ist gespeichert" in i.value for i in later.info), [i.value for i in later.info]
