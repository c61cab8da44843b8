"""AppTest of „Fragen & Lerndaten austauschen“ (app_pages/austausch.py) as trainer, admin and learner.

The content folder is a temp copy of the fixture course, so saving a quiz never touches the real
quizzes. Download contents are recorded where Streamlit stores them (its in-memory media storage).
"""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor

from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from learner_support import COURSE_DIR, LESSON_ONE, LESSON_TWO, PERFECT, fixture_catalog
from lotse import sessions
from lotse.config import load_settings
from lotse.interop import load_quiz, parse_gift, parse_moodle_xml
from lotse.learning import mark_read, open_lesson, submit_attempt
from lotse.xapi_export import cohort_statements, statements_json
from progress.cohorts import add_member, insert_cohort

ROOT = Path(__file__).resolve().parent.parent

PAGE = "app_pages/austausch.py"
FEATURES = ROOT / "tests" / "fixtures" / "interop" / "features.gift"
SMALL_GIFT = """// Zwei Fragen für die Lektion
::ozg-frage::Was verlangt das OZG?{=Online-Leistungen#Richtig. ~Papierformulare#Nein.####Das OZG verlangt Online-Angebote.}

::Aufsatz::<b>Beschreiben</b> Sie Ihre Rolle.{}
"""


@pytest.fixture
def content(tmp_path, monkeypatch):
    folder = tmp_path / "content"
    shutil.copytree(COURSE_DIR, folder)
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(folder))
    return folder


@pytest.fixture
def downloads(monkeypatch):
    """file id -> bytes of every download button the page offered."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    original_deferred = MediaFileManager.add_deferred

    def deferring(self, data_callable, *args, **kwargs):  # built when clicked (ui.downloads)
        file_id = original_deferred(self, data_callable, *args, **kwargs)
        files[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", deferring)
    return files


def download(at, files: dict, key: str) -> bytes:
    """The file as the browser gets it; a deferred one is built as Streamlit does, on its own thread."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}"))
    if button.proto.deferred_file_id:
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(files[button.proto.deferred_file_id]).result()
    return files[button.proto.url.rsplit("/", 1)[1].split(".")[0]]


def has_download(at, key: str) -> bool:
    return any(b.proto.id.endswith(f"-{key}") for b in at.get("download_button"))


def ok(at) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Fragen & Lerndaten austauschen"]
    return at


def upload(at, name: str, data: bytes, lesson: str = LESSON_ONE) -> AppTest:
    at.selectbox(key="austausch-import-lektion").set_value(lesson)
    at.file_uploader(key="austausch-import-datei").upload(name, data, "text/plain")
    return ok(at.run())


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def plain(elements) -> list[str]:
    """Texts without the backslashes of md_escape."""
    return [e.value.replace("\\", "") for e in elements]


@pytest.fixture
def cohort(db, make_user):
    """A trainer's cohort with one learner who read lesson one and took both quizzes."""
    trainer, learner = make_user("trainer", "tanja"), make_user("learner", "lena")
    cohort_id = insert_cohort(db, "Seminar Nord", trainer.id, "ACDEFGHJ")
    add_member(db, cohort_id, learner.id)
    catalog = fixture_catalog()
    open_lesson(db, learner, LESSON_ONE, "view")
    mark_read(db, learner, LESSON_ONE)
    for lesson in (LESSON_ONE, LESSON_TWO):
        submit_attempt(db, learner, catalog.quiz(lesson), 1, PERFECT[lesson])
    return {"trainer": trainer, "learner": learner, "id": cohort_id}


# --- import --------------------------------------------------------------------------------


def test_trainer_previews_an_import_and_downloads_the_quiz_file(signed_in_app, make_user, content, downloads):
    quiz_before = (content / "quizzes" / f"{LESSON_ONE}.yaml").read_text(encoding="utf-8")
    at = ok(signed_in_app(make_user("trainer"), page=PAGE))
    assert not has_download(at, "austausch-import-yaml")
    at = upload(at, "features.gift", FEATURES.read_bytes())
    subheaders = texts(at.subheader)
    assert "Gelesene Fragen" in subheaders
    assert "Nicht übernommen (3 Fragen)" in subheaders
    assert any(s.startswith("Bitte prüfen (") for s in subheaders)
    imported = next(df.value for df in at.dataframe if "Typ" in df.value.columns)
    assert len(imported) == 13 and set(imported["Lernziel"]) == {"begriffe"}  # the lesson's first objective
    skipped = next(df.value for df in at.dataframe if "Grund" in df.value.columns)
    assert list(skipped["Zeile"]) == ["58", "60", "62"] and "Aufsatz" in list(skipped["Frage"])
    quiz_file = download(at, downloads, "austausch-import-yaml").decode("utf-8")
    assert quiz_file.startswith(f"lesson: {LESSON_ONE}\n")
    assert texts(at.code) == [quiz_file.rstrip("\n")]
    assert at.button(key="austausch-import-uebernehmen").disabled  # not before the preview is confirmed
    assert (content / "quizzes" / f"{LESSON_ONE}.yaml").read_text(encoding="utf-8") == quiz_before


def test_file_content_is_never_rendered(signed_in_app, make_user, content):
    at = ok(signed_in_app(make_user("trainer"), page=PAGE))
    at = upload(at, "<img src=x onerror=alert(1)>.gift", SMALL_GIFT.encode())
    shown = " ".join(texts(at.markdown) + texts(at.caption) + texts(at.success) + texts(at.error) + texts(at.info))
    assert not re.search(r"(?<!\\)<(img|b)\b", shown)  # every "<" from the file is escaped
    assert any("\\<img src" in c for c in texts(at.caption))  # the name is shown, as text


def test_a_broken_file_gets_a_clear_message(signed_in_app, make_user, content):
    at = ok(signed_in_app(make_user("trainer"), page=PAGE))
    at = upload(at, "export.xml", b"<quiz><question type='multichoice'>")
    assert len(at.error) == 1 and "kein wohlgeformtes XML" in at.error[0].value
    at.file_uploader(key="austausch-import-datei").clear()
    at = upload(at, "leer.gift", b"// nur ein Kommentar\n")
    assert "Keine Frage konnte übernommen werden" in at.error[0].value


def diff_rows(at) -> dict[str, str]:
    """Frage-ID -> kind of change, from the preview against the current quiz."""
    table = next(df.value for df in at.dataframe if "Änderung" in df.value.columns and "Hinweis" in df.value.columns)
    return dict(zip(table["Frage-ID"], table["Änderung"]))


def take_over(at, lesson: str = LESSON_ONE) -> AppTest:
    at.checkbox(key=f"austausch-import-bestaetigt-{lesson}").check()
    at = ok(at.run())
    return ok(at.button(key="austausch-import-uebernehmen").click().run())


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_trainer_or_admin_takes_imported_questions_into_the_course(signed_in_app, make_user, content, role):
    """Issue 17 item 5: preview against the current quiz, append, confirm; the quiz file is the new
    version, the previous one is kept and listed, and the page says learners see it now."""
    at = ok(signed_in_app(make_user(role), page=PAGE))
    at = upload(at, "fragen.gift", SMALL_GIFT.encode())
    assert any("Das Quiz der Lektion hat jetzt 4 Fragen." in m.value for m in at.markdown)
    assert at.radio(key=f"austausch-import-art-{LESSON_ONE}").value == "append"
    assert diff_rows(at) == {"ozg-frage": "neu"}
    assert any("Danach hat das Quiz 5 Fragen." in m.value for m in at.markdown)
    at = take_over(at)
    assert [q.id for q in load_quiz(content / "quizzes" / f"{LESSON_ONE}.yaml").questions] == [
        "ozg-ziel", "bereiche", "it-allein", "reihenfolge", "ozg-frage"]
    assert any("In den Kurs übernommen: 1 neu" in s and "ohne Neustart" in s for s in plain(at.success))
    assert not at.get("file_uploader")[0].value  # a fresh uploader for the next file
    versions = next(df.value for df in at.dataframe if "Gilt jetzt" in df.value.columns)
    assert list(versions["Was"]) == ["Fragen hinzugefügt", "Fassung vor der ersten Änderung im Browser"]
    assert list(versions["Gilt jetzt"]) == ["ja", ""]


def test_replace_and_undo_from_the_page(signed_in_app, make_user, content):
    target = content / "quizzes" / f"{LESSON_ONE}.yaml"
    before = target.read_text(encoding="utf-8")
    at = ok(signed_in_app(make_user("trainer"), page=PAGE))
    at = upload(at, "fragen.gift", SMALL_GIFT.encode())
    at.radio(key=f"austausch-import-art-{LESSON_ONE}").set_value("replace")
    at = ok(at.run())
    assert diff_rows(at) == {"ozg-frage": "neu", "ozg-ziel": "entfällt", "bereiche": "entfällt",
                             "it-allein": "entfällt", "reihenfolge": "entfällt"}
    at = take_over(at)
    assert [q.id for q in load_quiz(target).questions] == ["ozg-frage"]
    assert at.selectbox(key=f"austausch-fassung-{LESSON_ONE}").options  # the earlier version is offered
    at = ok(at.button(key="austausch-fassung-wiederherstellen").click().run())
    assert target.read_text(encoding="utf-8") == before
    assert any("wiederhergestellt" in s for s in plain(at.success))


def test_an_import_the_validator_refuses_changes_nothing(signed_in_app, make_user, content):
    target = content / "quizzes" / f"{LESSON_ONE}.yaml"
    before = target.read_text(encoding="utf-8")
    broken = before.replace("objective: begriffe", "objective: gibt-es-nicht")
    at = ok(signed_in_app(make_user("trainer"), page=PAGE))
    at = upload(at, "quiz.yaml", broken.encode())
    at.radio(key=f"austausch-import-art-{LESSON_ONE}").set_value("replace")
    at = take_over(ok(at.run()))
    assert any("das Quiz bleibt, wie es war" in e for e in plain(at.error))
    problems = next(df.value for df in at.dataframe if "Meldung" in df.value.columns)
    assert set(problems["Datei"]) == {f"quizzes/{LESSON_ONE}.yaml"}
    assert target.read_text(encoding="utf-8") == before


def test_a_new_quiz_for_a_lesson_without_one(signed_in_app, make_user, content):
    (content / "quizzes" / f"{LESSON_TWO}.yaml").unlink()
    at = ok(signed_in_app(make_user("admin"), page=PAGE))
    at = upload(at, "fragen.gift", SMALL_GIFT.encode(), lesson=LESSON_TWO)
    assert any("noch kein Quiz" in m.value for m in at.markdown)
    at = take_over(at, LESSON_TWO)
    assert [q.id for q in load_quiz(content / "quizzes" / f"{LESSON_TWO}.yaml").questions] == ["ozg-frage"]


# --- export --------------------------------------------------------------------------------


def test_export_offers_gift_and_moodle_xml(signed_in_app, make_user, content, downloads):
    at = ok(signed_in_app(make_user("trainer"), page=PAGE))
    at.selectbox(key="austausch-export-lektion").set_value(LESSON_ONE)
    at = ok(at.run())
    gift = parse_gift(download(at, downloads, "austausch-export-gift").decode("utf-8"))
    xml = parse_moodle_xml(download(at, downloads, "austausch-export-xml"))
    assert len(xml.drafts) == 4 and len(gift.drafts) == 3  # ordering has no GIFT form
    assert any("in GIFT nicht darstellbar" in w.value for w in at.warning)
    missing = next(df.value for df in at.dataframe if "Frage-ID" in df.value.columns and "Grund" in df.value.columns)
    assert list(missing["Frage-ID"]) == ["reihenfolge"]


# --- xAPI ----------------------------------------------------------------------------------


def test_trainer_downloads_the_cohorts_statements(signed_in_app, db, cohort, content, downloads):
    at = ok(signed_in_app(cohort["trainer"], page=PAGE))
    assert not has_download(at, "austausch-xapi-json")
    assert any("kein Learning Record Store" in c.value for c in at.caption)  # no LRS configured
    at = ok(at.button(key="austausch-xapi-zusammenstellen").click().run())
    statements = json.loads(download(at, downloads, "austausch-xapi-json"))
    expected = cohort_statements(db, cohort["trainer"], cohort["id"], fixture_catalog(), load_settings())
    assert statements == json.loads(statements_json(expected)) and len(statements) == 11
    assert "lena" not in json.dumps(statements)


def test_xapi_download_is_refused_once_the_trainer_signed_out_elsewhere(signed_in_app, db, cohort, content,
                                                                          downloads):
    from lotse import sessions
    from lotse.identity import PermissionDenied

    at = ok(signed_in_app(cohort["trainer"], page=PAGE))
    at = ok(at.button(key="austausch-xapi-zusammenstellen").click().run())
    sessions.revoke_all(db, cohort["trainer"].id)
    with pytest.raises(PermissionDenied, match="nicht mehr möglich"):
        download(at, downloads, "austausch-xapi-json")


def test_trainer_sends_to_a_configured_lrs(signed_in_app, cohort, content, monkeypatch):
    sent = {}

    def fake_send(db, actor, statements, config, **_):
        from lotse.interop import SendReport

        sent.update(actor=actor, count=len(statements), endpoint=config.endpoint)
        return SendReport(sent=[s["id"] for s in statements])

    monkeypatch.setenv("LOTSE_LRS_URL", "https://lrs.example.de/xapi")
    monkeypatch.setattr("ui.exchange.send_to_lrs", fake_send)
    at = ok(signed_in_app(cohort["trainer"], page=PAGE))
    at = ok(at.button(key="austausch-xapi-senden").click().run())
    assert sent == {"actor": cohort["trainer"], "count": 11, "endpoint": "https://lrs.example.de/xapi"}
    assert any("11 Aussagen gesendet, 0 übersprungen" in s.value for s in at.success)


def test_a_trainer_without_cohorts_is_told_so(signed_in_app, make_user, content):
    at = ok(signed_in_app(make_user("trainer"), page=PAGE))
    assert any("noch keine Kohorte" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "austausch-xapi-zusammenstellen"]


# --- learners ------------------------------------------------------------------------------


def test_learners_get_nothing(signed_in_app, db, make_user, app_env, content):
    learner = make_user("learner")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        signed_in_app(learner, page=PAGE)  # not in a learner's navigation
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=30)  # and the page checks again
    at.session_state["lotse-session-token"] = sessions.issue(db, learner, app_env)
    at.run()
    assert not at.exception and not at.title
    assert texts(at.error) == ["Diese Seite ist für Ihre Rolle nicht freigegeben."]
    assert not at.get("download_button") and not at.get("file_uploader")


# xAPI carries every answer with its time: these tests of the exchange itself run under the open
# visibility policy; tests/test_visibility.py checks who is left out under the others.
pytestmark = pytest.mark.usefixtures("open_policy")


def ok_lesson(at) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_learners_keep_their_attempts_when_an_import_drops_their_questions(signed_in_app, make_user, content,
                                                                          cohort, db):
    """An import that replaces every question of a quiz learners already took, one of them in the
    middle of an attempt: their pages, their past attempts and the trainer's views keep working
    (attempts refer to questions by id; ids that vanished are left out, never a crash)."""
    from lotse import learning

    learner = cohort["learner"]
    earlier = ok_lesson(signed_in_app(learner, page="app_pages/lektion.py", query_params={"id": LESSON_ONE}))
    assert not any("seit diesem Versuch geändert" in i for i in plain(earlier.info))
    attempt_no = learning.start_new_attempt(db, learner, LESSON_ONE)
    learning.save_draft(db, learner, LESSON_ONE, attempt_no, {"ozg-ziel": 0, "it-allein": False})
    at = ok(signed_in_app(cohort["trainer"], page=PAGE))
    at = upload(at, "fragen.gift", SMALL_GIFT.encode())
    at.radio(key=f"austausch-import-art-{LESSON_ONE}").set_value("replace")
    at = take_over(ok(at.run()))
    assert [q.id for q in load_quiz(content / "quizzes" / f"{LESSON_ONE}.yaml").questions] == ["ozg-frage"]

    lesson = signed_in_app(learner, page="app_pages/lektion.py", query_params={"id": LESSON_ONE})
    assert not lesson.exception, [e.value for e in lesson.exception]
    assert any("Was verlangt das OZG?" in m for m in plain(lesson.markdown))
    lesson.button(key=f"quiz-{LESSON_ONE}-submit-a{attempt_no}").click().run()
    confirm = [b for b in lesson.button if b.key == f"quiz-{LESSON_ONE}-confirm-submit-a{attempt_no}"]
    if confirm:  # the new question is unanswered: "Trotzdem abgeben"
        confirm[0].click().run()
    assert not lesson.exception, [e.value for e in lesson.exception]
    assert len(learning.attempt_history(db, learner, learner.id, LESSON_ONE)) == 2

    # Another learner whose last attempt was on the old quiz: its review shows what was answered then,
    # not the new question as "falsch", and says the quiz changed.
    other = make_user("learner", "olaf")
    submit_attempt(db, other, fixture_catalog().quiz(LESSON_ONE), 1, PERFECT[LESSON_ONE])
    review = ok_lesson(signed_in_app(other, page="app_pages/lektion.py", query_params={"id": LESSON_ONE}))
    assert any("1 Frage kam nach diesem Versuch hinzu" in i and "4 Fragen dieses Versuchs gibt es im Quiz nicht mehr"
               in i for i in plain(review.info)), plain(review.info)
    assert not [s for s in texts(review.subheader) if s.startswith("Frage 1:")]
    for page, user in [("app_pages/fortschritt.py", learner), ("app_pages/lernweg.py", learner),
                       ("app_pages/wiederholen.py", learner), ("app_pages/cockpit.py", cohort["trainer"]),
                       ("app_pages/fragenanalyse.py", cohort["trainer"]),
                       ("app_pages/teilnehmende.py", cohort["trainer"])]:
        shown = signed_in_app(user, page=page)
        assert not shown.exception, (page, [e.value for e in shown.exception])
