"""Certificate: only when every quiz is passed, issued once, PDF with umlauts, public verification."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from lotse import certificate, learning
from progress.users import delete_user, insert_user, set_display_name

# fixture: catalog (shared_catalog)
from selfstudy_course import build, right_answers, shared_catalog, wrong_answers
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

NAME = "Jürgen Größe-Ölmann"
BASE = "https://lotse.example.org"


@pytest.fixture
def learner(db):
    return insert_user(db, "juergen", NAME, "learner")


def pass_quiz(db, user, catalog, lesson_id, right=True):
    attempt_no = learning.quiz_state(db, user, lesson_id).attempt_no
    answers = right_answers(catalog, lesson_id) if right else wrong_answers(catalog, lesson_id)
    learning.submit_attempt(db, user, catalog.quiz(lesson_id), attempt_no, answers)


def pass_all(db, user, catalog):
    for lesson_id in catalog.quizzes:
        pass_quiz(db, user, catalog, lesson_id)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- eligibility and issuing --------------------------------------------------------------------------


def test_not_issued_while_a_quiz_is_open_or_failed(db, learner, catalog):
    with pytest.raises(certificate.NotEligible, match="Noch offen: 4 von 4"):
        certificate.issue(db, learner, catalog)
    for lesson_id in ("l1", "l2", "l3"):
        pass_quiz(db, learner, catalog, lesson_id)
    pass_quiz(db, learner, catalog, "l4", right=False)
    status = certificate.eligibility(db, learner, catalog)
    assert not status.eligible and [lesson_id for lesson_id, _ in status.missing] == ["l4"]
    with pytest.raises(certificate.NotEligible, match="Noch offen: 1 von 4"):
        certificate.issue(db, learner, catalog)
    assert certificate.my_certificate(db, learner, catalog) is None


def test_issued_once_when_everything_is_passed(db, learner, catalog):
    pass_all(db, learner, catalog)
    assert certificate.eligibility(db, learner, catalog).eligible
    first = certificate.issue(db, learner, catalog, today=date(2025, 3, 14))
    set_display_name(db, learner.id, "Anderer Name")
    second = certificate.issue(db, learner, catalog, today=date(2025, 4, 1))
    assert second == first
    assert first["holder_name"] == NAME and first["issued_at"] == "2025-03-14"
    assert first["modules"] == ["Modul 1: Grundlagen der Öffentlichen Verwaltung", "Modul 2: Rolle und Verantwortung"]
    assert first["lesson_count"] == 4 and first["total_minutes"] == 90
    assert certificate.normalise_code(first["code"]) == first["code"]


def test_codes_differ_between_learners(db, learner, catalog):
    other = insert_user(db, "otto", "Otto", "learner")
    pass_all(db, learner, catalog)
    pass_all(db, other, catalog)
    assert certificate.issue(db, learner, catalog)["code"] != certificate.issue(db, other, catalog)["code"]


def test_course_without_quizzes_gives_no_certificate(db, learner, tmp_path):
    empty = build(tmp_path / "empty")
    empty.quizzes.clear()
    assert not certificate.eligibility(db, learner, empty).eligible
    with pytest.raises(certificate.NotEligible):
        certificate.issue(db, learner, empty)


# --- the PDF ----------------------------------------------------------------------------------------------


def test_pdf_opens_and_says_the_right_things_with_umlauts(db, learner, catalog):
    pass_all(db, learner, catalog)
    cert = certificate.issue(db, learner, catalog, today=date(2025, 3, 14))
    data = certificate.certificate_pdf(cert, BASE)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = pdf_text(data)
    shown = certificate.format_code(cert["code"])
    for expected in ("Zertifikat", NAME, "„Führung und Digitalisierung – Übungskurs“",
                     "Modul 1: Grundlagen der Öffentlichen Verwaltung", "Modul 2: Rolle und Verantwortung",
                     "4 Lektionen, ca. 1,5 Stunden Lernzeit", "Ausgestellt am 14. März 2025",
                     f"Prüfcode: {shown}", f"{BASE}/zertifikat-pruefen?code={shown}"):
        assert expected in text, expected
    fonts = {str(font.get("/BaseFont", "")) for page in reader.pages
             for font in page["/Resources"]["/Font"].values() for font in [font.get_object()]}
    assert any("DejaVu" in name for name in fonts)
    assert reader.metadata.title == "Zertifikat – Führung und Digitalisierung – Übungskurs"


def test_pdf_with_a_long_name_and_odd_characters_still_renders(catalog):
    cert = {"holder_name": "Dr. " + "Maximiliane-Ülrike " * 8 + "<script>", "course_title": "Kurs „Ä“",
            "modules": ["Modul 1: Ö"], "lesson_count": 1, "total_minutes": 20, "issued_at": "2025-01-02",
            "code": "ACDEFGHJKMNP"}
    text = pdf_text(certificate.certificate_pdf(cert, BASE))
    assert "<script>" in text and "20 Minuten" in text


# --- verification -----------------------------------------------------------------------------------------


def test_verification_of_a_good_code(db, learner, catalog):
    pass_all(db, learner, catalog)
    cert = certificate.issue(db, learner, catalog, today=date(2025, 3, 14))
    for typed in (cert["code"], certificate.format_code(cert["code"]).lower(), f"  {cert['code'][:4]} {cert['code'][4:]} "):
        result = certificate.verify(db, typed)
        assert result == certificate.Verification("valid", NAME, "Führung und Digitalisierung – Übungskurs",
                                                  "14. März 2025")


def test_unknown_code(db):
    assert certificate.verify(db, "ACDE-FGHJ-KMNP").status == "unknown"


class NoQueries:
    """A database that fails the test if it is asked anything."""

    def __getattr__(self, name):
        raise AssertionError(f"database used for a malformed code ({name})")


@pytest.mark.parametrize("typed", [
    "ABC", "ACDE-FGHJ-KMN", "ACDE-FGHJ-KMNPQ", "OOOO-0000-1111", "' OR 1=1 --", "ACDE FGHJ KMN%",
    "A" * 5000, 12345, ["ACDEFGHJKMNP"], "ÄCDE-FGHJ-KMNP",
])
def test_malformed_codes_are_refused_before_any_query(typed):
    assert certificate.verify(NoQueries(), typed).status == "malformed"


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_empty_input(typed):
    assert certificate.verify(NoQueries(), typed).status == "empty"


def test_deleting_the_account_ends_verification(db, learner, catalog):
    pass_all(db, learner, catalog)
    code = certificate.issue(db, learner, catalog)["code"]
    delete_user(db, learner.id)
    assert certificate.verify(db, code).status == "unknown"
    assert raw(db).execute("SELECT COUNT(*) FROM certificates").fetchone()[0] == 0


@given(st.text(alphabet=certificate.CODE_ALPHABET, min_size=12, max_size=12))
def test_formatted_code_normalises_back(code):
    assert certificate.normalise_code(certificate.format_code(code)) == code
    assert certificate.normalise_code(certificate.format_code(code).lower()) == code


@given(st.text(max_size=80))
def test_normalise_never_crashes_and_only_accepts_the_alphabet(text):
    code = certificate.normalise_code(text)
    assert code is None or (len(code) == 12 and set(code) <= set(certificate.CODE_ALPHABET))


def test_new_codes_use_only_unambiguous_characters():
    codes = {certificate.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(not set(code) & set("0O1IL2Z5S8B") for code in codes)



def test_the_example_code_has_the_right_shape():
    assert certificate.normalise_code(certificate.EXAMPLE_CODE) is not None
