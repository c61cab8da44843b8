"""The authorisation matrix: every role x every protected core operation, allowed and denied.

Actors around one learner ("self") who is in cohort C:
  self, other_learner, cohort_trainer (leads C), other_trainer (leads D), admin,
  disabled_trainer (the cohort trainer, but their account was disabled after the User was loaded).
Pages hiding things is not the protection; these calls are what the pages make.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

import shutil
from pathlib import Path

from lotse import access, accounts, cohorts, learning, onboarding, privacy, quiz_changes
from lotse.identity import PermissionDenied, User
from progress import learning as learning_store

ACTORS = ("self", "other_learner", "cohort_trainer", "other_trainer", "admin", "disabled_trainer")
LESSON = "1-1-test"


@dataclass
class World:
    db: object
    users: dict[str, User]
    cohort_c: dict
    cohort_d: dict
    attempt_id: int
    content: Path  # a copy of the fixture course: quiz changes write into it

    @property
    def learner(self) -> User:
        return self.users["self"]


@pytest.fixture
def world(db, make_user, fast_passwords, tmp_path) -> World:
    users = {name: make_user(role, login=name.replace("_", "-")) for name, role in (
        ("self", "learner"), ("other_learner", "learner"), ("cohort_trainer", "trainer"),
        ("other_trainer", "trainer"), ("admin", "admin"))}
    c = cohorts.create_cohort(db, users["cohort_trainer"], "C")
    d = cohorts.create_cohort(db, users["other_trainer"], "D")
    cohorts.enrol(db, users["self"], c["invite_code"])
    cohorts.enrol(db, users["other_learner"], d["invite_code"])
    users["disabled_trainer"] = replace(users["cohort_trainer"], disabled=True)
    attempt_id, _ = learning_store.insert_attempt(
        db, users["self"].id, LESSON, 1, 7, "k1", {"score": 1, "max_score": 2, "percent": 50.0, "passed": False,
                                                   "pass_mark": 80}, [])
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "course", content)
    return World(db, users, c, d, attempt_id, content)


def _take_over(w: World, actor: User) -> None:
    quiz = quiz_changes.current_quiz(w.content, "eins-grundlagen")[1]
    plan = quiz_changes.plan_import(w.content, "eins-grundlagen", quiz, "replace")
    quiz_changes.apply_import(actor, w.content, plan)


def _restore(w: World, actor: User) -> None:
    try:
        quiz_changes.restore_version(actor, w.content, "eins-grundlagen", "20260101T000000000000Z")
    except quiz_changes.ChangeRefused:  # past the role check: there is no such version
        pass


def everyone_but(*names: str) -> set[str]:
    return set(ACTORS) - set(names)


# operation -> (call(world, actor), actors that are allowed)
MATRIX = {
    # lotse.access
    "access.require_learner_access": (lambda w, a: access.require_learner_access(w.db, a, w.learner.id),
                                      {"self", "cohort_trainer", "admin"}),
    "access.require_self": (lambda w, a: access.require_self(a, w.learner.id), {"self"}),
    "access.require_cohort": (lambda w, a: access.require_cohort(w.db, a, w.cohort_c["id"]),
                              {"cohort_trainer", "admin"}),
    "access.require_role(trainer, admin)": (lambda w, a: access.require_role(a, "trainer", "admin"),
                                            {"cohort_trainer", "other_trainer", "admin"}),
    # lotse.learning
    "learning.lesson_statuses": (lambda w, a: learning.lesson_statuses(w.db, a, w.learner.id),
                                 {"self", "cohort_trainer", "admin"}),
    "learning.attempt_history": (lambda w, a: learning.attempt_history(w.db, a, w.learner.id, LESSON),
                                 {"self", "cohort_trainer", "admin"}),
    "learning.attempt_answers": (lambda w, a: learning.attempt_answers(w.db, a, w.learner.id, w.attempt_id),
                                 {"self", "cohort_trainer", "admin"}),
    "learning.open_lesson (own record)": (lambda w, a: learning.open_lesson(w.db, a, LESSON, f"v-{a.id}"),
                                          everyone_but("disabled_trainer")),
    # lotse.cohorts
    "cohorts.create_cohort": (lambda w, a: cohorts.create_cohort(w.db, a, "Neu"),
                              {"cohort_trainer", "other_trainer", "admin"}),
    "cohorts.list_cohorts": (lambda w, a: cohorts.list_cohorts(w.db, a), {"cohort_trainer", "other_trainer", "admin"}),
    "cohorts.get_cohort": (lambda w, a: cohorts.get_cohort(w.db, a, w.cohort_c["id"]), {"cohort_trainer", "admin"}),
    "cohorts.update_cohort": (lambda w, a: cohorts.update_cohort(w.db, a, w.cohort_c["id"], "C2", None, "", None),
                              {"cohort_trainer", "admin"}),
    "cohorts.disable_invite": (lambda w, a: cohorts.disable_invite(w.db, a, w.cohort_c["id"]),
                               {"cohort_trainer", "admin"}),
    "cohorts.renew_invite": (lambda w, a: cohorts.renew_invite(w.db, a, w.cohort_c["id"]), {"cohort_trainer", "admin"}),
    "cohorts.members": (lambda w, a: cohorts.members(w.db, a, w.cohort_c["id"]), {"cohort_trainer", "admin"}),
    "cohorts.remove_member": (lambda w, a: cohorts.remove_member(w.db, a, w.cohort_c["id"], w.learner.id),
                              {"cohort_trainer", "admin"}),
    "cohorts.enrol": (lambda w, a: cohorts.enrol(w.db, a, w.cohort_d["invite_code"]), {"self", "other_learner"}),
    "cohorts.cohorts_of_learner": (lambda w, a: cohorts.cohorts_of_learner(w.db, a, w.learner.id),
                                   {"self", "cohort_trainer", "admin"}),
    # lotse.accounts
    "accounts.list_accounts": (lambda w, a: accounts.list_accounts(w.db, a), {"admin"}),
    "accounts.find_account": (lambda w, a: accounts.find_account(w.db, a, "self"), {"admin"}),
    "accounts.create_user": (lambda w, a: accounts.create_user(w.db, a, "neu", "Neu", "trainer"), {"admin"}),
    "accounts.set_role": (lambda w, a: accounts.set_role(w.db, a, w.learner.id, "trainer"), {"admin"}),
    "accounts.set_disabled": (lambda w, a: accounts.set_disabled(w.db, a, w.learner.id, True), {"admin"}),
    "accounts.issue_reset_code": (lambda w, a: accounts.issue_reset_code(w.db, a, w.learner.id), {"admin"}),
    "accounts.change_display_name (own)": (lambda w, a: accounts.change_display_name(w.db, a, "Neuer Name"),
                                           everyone_but("disabled_trainer")),
    "accounts.change_password (own)": (lambda w, a: accounts.change_password(
        w.db, a, "Lotse-Test-Passwort-1", "Neues-Passwort-2025x", "Neues-Passwort-2025x"),
        everyone_but("disabled_trainer")),
    # lotse.privacy
    "privacy.export_user_data": (lambda w, a: privacy.export_user_data(w.db, a, w.learner.id), {"self", "admin"}),
    "privacy.delete_account": (lambda w, a: privacy.delete_account(w.db, a, w.learner.id, "self"), {"self", "admin"}),
    "privacy.purge_inactive": (lambda w, a: privacy.purge_inactive(w.db, a, 6, dry_run=True), {"admin"}),
    # lotse.quiz_changes: the course's quizzes are changed by trainers and admins only
    "quiz_changes.apply_import": (_take_over, {"cohort_trainer", "other_trainer", "admin"}),
    "quiz_changes.list_versions": (lambda w, a: quiz_changes.list_versions(a, w.content, "eins-grundlagen"),
                                   {"cohort_trainer", "other_trainer", "admin"}),
    "quiz_changes.restore_version": (_restore, {"cohort_trainer", "other_trainer", "admin"}),
    # lotse.onboarding: the first-visit choice is the learner's own
    "onboarding.choose (own)": (lambda w, a: onboarding.choose(w.db, a, "skipped"), everyone_but("disabled_trainer")),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("operation", list(MATRIX))
def test_matrix(world, operation, actor):
    call, allowed = MATRIX[operation]
    if actor in allowed:
        call(world, world.users[actor])
    else:
        with pytest.raises(PermissionDenied):
            call(world, world.users[actor])


def test_denied_calls_change_nothing(world):
    """A refused write leaves the data as it was (the check comes before the write)."""
    other = world.users["other_trainer"]
    for operation in ("cohorts.update_cohort", "cohorts.disable_invite", "cohorts.remove_member"):
        with pytest.raises(PermissionDenied):
            MATRIX[operation][0](world, other)
    cohort = cohorts.get_cohort(world.db, world.users["admin"], world.cohort_c["id"])
    assert (cohort["name"], cohort["invite_active"]) == ("C", 1)
    assert [m["login"] for m in cohorts.members(world.db, world.users["admin"], cohort["id"])] == ["self"]


def test_trainer_loses_access_when_the_learner_leaves_the_cohort(world):
    trainer = world.users["cohort_trainer"]
    assert access.can_read_learner(world.db, trainer, world.learner.id)
    cohorts.remove_member(world.db, trainer, world.cohort_c["id"], world.learner.id)
    with pytest.raises(PermissionDenied):
        learning.lesson_statuses(world.db, trainer, world.learner.id)


def test_learning_writes_can_only_target_the_actors_own_record(world):
    """The learning write functions take no learner id: whoever calls them writes their own record."""
    other, lesson = world.users["other_learner"], "2-2-andere"
    learning.mark_read(world.db, other, lesson)
    assert learning.lesson_statuses(world.db, other, other.id)[lesson]["read_at"]
    assert lesson not in learning.lesson_statuses(world.db, world.learner, world.learner.id)


def test_visible_cohorts_per_role(world):
    names = {a: {c["name"] for c in access.visible_cohorts(world.db, world.users[a])} for a in ACTORS}
    assert names["self"] == set() and names["other_learner"] == set()
    assert names["cohort_trainer"] == {"C"} and names["other_trainer"] == {"D"}
    assert names["admin"] == {"C", "D"}


def test_matrix_covers_every_public_protected_function():
    """A new protected function in these modules must be added to the matrix (or listed as not protected)."""
    import inspect

    not_protected = {  # pure helpers, public invite preview, sign-in itself, and the demo/CLI building block
        "cohorts": {"new_invite_code", "normalise_code", "invite_link", "invite_preview"},
        "accounts": {"normalise_login", "login_problem", "clean_display_name", "client_key", "create_account",
                     "sign_up", "is_throttled", "authenticate", "normalise_reset_code", "format_reset_code",
                     "redeem_reset_code", "has_password", "trusted_networks", "throttle_message"},
        "privacy": {"export_json", "remaining_personal_data", "months_before", "inactive_accounts"},
    }
    covered = {name.split(" ")[0] for name in MATRIX}
    for module in (cohorts, accounts, privacy):
        short = module.__name__.rsplit(".", 1)[1]
        functions = {n for n, f in inspect.getmembers(module, inspect.isfunction)
                     if f.__module__ == module.__name__ and not n.startswith("_")}
        missing = functions - not_protected[short] - {n.split(".")[1] for n in covered if n.startswith(short + ".")}
        assert not missing, f"add {short}.{sorted(missing)} to the authorisation matrix"


# The role matrix; what a permitted trainer then sees is up to the visibility policy (test_visibility.py).
pytestmark = pytest.mark.usefixtures("open_policy")
