"""Self-assessment before/after: storing ratings 1-5 per phase, the change per statement, labels."""

from __future__ import annotations

import pytest

from lotse import self_assessment as assessment
from lotse.identity import PermissionDenied, User
from progress.users import delete_user, insert_user

# fixtures: catalog (shared_catalog), learner
from selfstudy_course import learner, shared_catalog
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

IT, SICHERHEIT, FUEHRUNG = ("l3", "it"), ("l3", "sicherheit"), ("l3", "fuehrung")


def rows_by_id(db, user, catalog):
    return {row.statement.id: row for row in assessment.my_ratings(db, user, catalog)}


def test_statements_come_from_the_lessons(catalog):
    assert [(s.lesson_id, s.id, s.competence) for s in assessment.statements(catalog)] == [
        ("l3", "it", "IT- und Medienkompetenz"), ("l3", "sicherheit", "IT- und Medienkompetenz"),
        ("l3", "fuehrung", "Führungskompetenz")]


def test_before_and_after_give_the_change(db, learner, catalog):
    assert assessment.save(db, learner, catalog, "vorher", {IT: 2, SICHERHEIT: 4, FUEHRUNG: 3}) == 3
    assert assessment.save(db, learner, catalog, "nachher", {IT: 4, SICHERHEIT: 3}) == 2
    rows = rows_by_id(db, learner, catalog)
    assert [(r.before, r.after, r.change) for r in rows.values()] == [(2, 4, 2), (4, 3, -1), (3, None, None)]
    assert [assessment.change_word(r.change) for r in rows.values()] == ["+2 (höher)", "−1 (niedriger)", "–"]
    assert assessment.summary(list(rows.values())) == (
        "Von 2 Aussagen, die Sie vorher und nachher eingeschätzt haben, schätzen Sie sich bei 1 höher, "
        "bei 0 gleich und bei 1 niedriger ein.")


def test_saving_again_replaces_the_rating_of_that_phase_only(db, learner, catalog):
    assessment.save(db, learner, catalog, "vorher", {IT: 2})
    assessment.save(db, learner, catalog, "nachher", {IT: 3})
    assessment.save(db, learner, catalog, "vorher", {IT: 1, SICHERHEIT: None})
    row = rows_by_id(db, learner, catalog)["it"]
    assert (row.before, row.after) == (1, 3)
    assert rows_by_id(db, learner, catalog)["sicherheit"].before is None


@pytest.mark.parametrize("bad", [0, 6, -1, "3", True, 2.5, None, "drei"])
def test_values_outside_the_scale_are_ignored(db, learner, catalog, bad):
    assert assessment.save(db, learner, catalog, "vorher", {IT: bad, ("l3", "unbekannt"): 3, ("x", "it"): 3}) == 0
    assert rows_by_id(db, learner, catalog)["it"].before is None


def test_unknown_phase_is_refused(db, learner, catalog):
    with pytest.raises(ValueError, match="vorher"):
        assessment.save(db, learner, catalog, "mittendrin", {IT: 3})


def test_ratings_are_per_learner(db, learner, catalog):
    other = insert_user(db, "otto", "Otto", "learner")
    assessment.save(db, learner, catalog, "vorher", {IT: 5})
    assert rows_by_id(db, other, catalog)["it"].before is None


def test_disabled_account_cannot_save(db, learner, catalog):
    disabled = User(learner.id, learner.login, learner.display_name, "learner", disabled=True)
    with pytest.raises(PermissionDenied):
        assessment.save(db, disabled, catalog, "vorher", {IT: 3})


def test_labels_number_shared_competences(db, learner, catalog):
    rows = assessment.my_ratings(db, learner, catalog)
    assert assessment.short_labels(rows) == ["IT- und Medienkompetenz (1)", "IT- und Medienkompetenz (2)",
                                             "Führungskompetenz"]


def test_deleting_the_account_removes_the_ratings(db, learner, catalog):
    assessment.save(db, learner, catalog, "vorher", {IT: 5})
    delete_user(db, learner.id)
    assert raw(db).execute("SELECT COUNT(*) FROM self_assessments").fetchone()[0] == 0
