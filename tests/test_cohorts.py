"""Cohorts: creating and editing, invite codes and links, enrolment, members."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotse import cohorts
from lotse.cohorts import CohortError
from lotse.identity import PermissionDenied
from progress import learning as learning_store

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL


@pytest.fixture
def trainer(make_user):
    return make_user("trainer")


@pytest.fixture
def cohort(db, trainer):
    return cohorts.create_cohort(db, trainer, "Digitalisierung Nord", seminar_date="2025-06-02",
                                 place="Rathaus Kiel", pre_deadline=date(2025, 5, 26))


def test_create_cohort_stores_the_fields_and_an_active_readable_code(cohort, trainer):
    assert (cohort["name"], cohort["seminar_date"], cohort["place"], cohort["pre_deadline"]) == (
        "Digitalisierung Nord", "2025-06-02", "Rathaus Kiel", "2025-05-26")
    assert cohort["trainer_id"] == trainer.id and cohort["invite_active"] == 1
    code = cohort["invite_code"]
    assert len(code) == cohorts.INVITE_LENGTH and set(code) <= set(cohorts.INVITE_ALPHABET)
    assert not set("0O1IL5S2Z8B") & set(cohorts.INVITE_ALPHABET)


def test_codes_are_unique_and_collisions_retry(db, trainer, monkeypatch):
    codes = {cohorts.create_cohort(db, trainer, f"K{n}")["invite_code"] for n in range(30)}
    assert len(codes) == 30
    taken = next(iter(codes))
    queue = iter([taken, "ACDEFGHJ"])
    monkeypatch.setattr(cohorts, "new_invite_code", lambda: next(queue))
    assert cohorts.create_cohort(db, trainer, "Kollision")["invite_code"] == "ACDEFGHJ"


@pytest.mark.parametrize("name, seminar, place, deadline, message", [
    ("", None, "", None, "Namen"),
    ("   ", None, "", None, "Namen"),
    ("x" * 121, None, "", None, "höchstens 120"),
    ("Gut", None, "y" * 121, None, "höchstens 120"),
    ("Gut", "2.6.2025", "", None, "JJJJ-MM-TT"),
    ("Gut", "2025-02-30", "", None, "JJJJ-MM-TT"),
    ("Gut", "2025-06-02", "", "2025-06-03", "vor oder am Seminarbeginn"),
])
def test_bad_cohort_input_is_refused_in_german(db, trainer, name, seminar, place, deadline, message):
    with pytest.raises(CohortError, match=message):
        cohorts.create_cohort(db, trainer, name, seminar_date=seminar, place=place, pre_deadline=deadline)


@pytest.mark.parametrize("name", ["Führung & Wandel 🚀", "<script>alert(1)</script>", "**Kurs** [x](y)",
                                  "Ärzte-Ömer-Über"])
def test_cohort_names_take_unicode_and_markup_as_text(db, trainer, name):
    assert cohorts.create_cohort(db, trainer, name)["name"] == name


def test_update_cohort(db, trainer, cohort):
    updated = cohorts.update_cohort(db, trainer, cohort["id"], "Neu", date(2025, 9, 1), "Lübeck", None)
    assert (updated["name"], updated["seminar_date"], updated["place"], updated["pre_deadline"]) == (
        "Neu", "2025-09-01", "Lübeck", None)
    assert updated["invite_code"] == cohort["invite_code"]


def test_admin_may_create_for_a_trainer_but_not_for_a_learner(db, make_user, trainer):
    admin = make_user("admin")
    assert cohorts.create_cohort(db, admin, "Für Trainer", trainer_id=trainer.id)["trainer_id"] == trainer.id
    with pytest.raises(CohortError):
        cohorts.create_cohort(db, admin, "Für Lernende", trainer_id=make_user("learner").id)
    with pytest.raises(PermissionDenied):
        cohorts.create_cohort(db, trainer, "Für andere", trainer_id=make_user("trainer").id)


def test_invite_link_points_at_the_start_address_which_is_the_sign_in_page_when_signed_out():
    assert cohorts.invite_link("https://lotse.stadt.de/", "ACDEFGHJ") == "https://lotse.stadt.de/?invite=ACDEFGHJ"
    assert cohorts.invite_link("https://stadt.de/lotse", "ACDEFGHJ") == "https://stadt.de/lotse/?invite=ACDEFGHJ"


@pytest.mark.parametrize("typed, expected", [
    ("acdefghj", "ACDEFGHJ"), (" ACDE-FGHJ ", "ACDEFGHJ"), ("acde fghj", "ACDEFGHJ"),
    ("ACDEFGH", None), ("ACDEFGHJK", None), ("ACDEFGH0", None), ("", None), (None, None), ("' OR 1=1 --", None),
])
def test_normalise_code(typed, expected):
    assert cohorts.normalise_code(typed) == expected


def test_enrol_by_code_once_and_in_several_cohorts(db, make_user, trainer, cohort):
    learner = make_user("learner")
    other = cohorts.create_cohort(db, make_user("trainer"), "Süd")
    assert cohorts.enrol(db, learner, cohort["invite_code"].lower())[1] is True
    assert cohorts.enrol(db, learner, cohort["invite_code"])[1] is False
    assert cohorts.enrol(db, learner, other["invite_code"])[1] is True
    assert {c["name"] for c in cohorts.cohorts_of_learner(db, learner, learner.id)} == {"Digitalisierung Nord", "Süd"}
    # a trainer sees only their own cohorts of that learner
    assert [c["name"] for c in cohorts.cohorts_of_learner(db, trainer, learner.id)] == ["Digitalisierung Nord"]


def test_disabled_and_renewed_codes(db, make_user, trainer, cohort):
    learner = make_user("learner")
    cohorts.disable_invite(db, trainer, cohort["id"])
    with pytest.raises(CohortError, match="ungültig"):
        cohorts.enrol(db, learner, cohort["invite_code"])
    assert cohorts.invite_preview(db, cohort["invite_code"]) is None
    new_code = cohorts.renew_invite(db, trainer, cohort["id"])
    assert new_code != cohort["invite_code"]
    with pytest.raises(CohortError):
        cohorts.enrol(db, learner, cohort["invite_code"])
    assert cohorts.enrol(db, learner, new_code)[1] is True


def test_invite_preview_shows_only_what_an_invitee_may_see(db, cohort):
    preview = cohorts.invite_preview(db, cohort["invite_code"])
    assert preview["name"] == "Digitalisierung Nord"
    assert "invite_code" not in preview and "trainer_id" not in preview
    assert cohorts.invite_preview(db, "ZZZZZZZZ") is None


def test_only_learners_enrol(db, make_user, cohort):
    with pytest.raises(PermissionDenied):
        cohorts.enrol(db, make_user("trainer"), cohort["invite_code"])


def test_members_and_removal_keep_the_learning_record(db, make_user, trainer, cohort):
    anna, bert = make_user("learner", display_name="Anna"), make_user("learner", display_name="Bert")
    for person in (anna, bert):
        cohorts.enrol(db, person, cohort["invite_code"])
    learning_store.record_read(db, anna.id, "1-1-intro")
    assert [m["display_name"] for m in cohorts.members(db, trainer, cohort["id"])] == ["Anna", "Bert"]
    assert cohorts.remove_member(db, trainer, cohort["id"], anna.id) is True
    assert cohorts.remove_member(db, trainer, cohort["id"], anna.id) is False
    assert [m["display_name"] for m in cohorts.members(db, trainer, cohort["id"])] == ["Bert"]
    assert learning_store.lesson_states(db, anna.id)  # her progress is still hers
    assert cohorts.list_cohorts(db, trainer)[0]["members"] == 1


def test_list_cohorts_trainer_own_admin_all(db, make_user, trainer, cohort):
    other = make_user("trainer")
    cohorts.create_cohort(db, other, "Fremd")
    assert [c["name"] for c in cohorts.list_cohorts(db, trainer)] == ["Digitalisierung Nord"]
    assert {c["name"] for c in cohorts.list_cohorts(db, make_user("admin"))} == {"Digitalisierung Nord", "Fremd"}


@given(st.text(max_size=40))
def test_normalise_code_never_crashes_and_returns_only_valid_codes(text):
    code = cohorts.normalise_code(text)
    assert code is None or (len(code) == cohorts.INVITE_LENGTH and set(code) <= set(cohorts.INVITE_ALPHABET))


@given(st.text(alphabet=cohorts.INVITE_ALPHABET, min_size=8, max_size=8), st.sampled_from([" ", "-", "  "]),
       st.booleans())
def test_normalise_code_accepts_typed_variants(code, separator, lower):
    typed = code[:4] + separator + code[4:]
    assert cohorts.normalise_code(typed.lower() if lower else typed) == code
