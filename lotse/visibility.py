"""The visibility policy: what a trainer may see about each person, enforced here in the core.

The operator sets the policy (lotse.config: LOTSE_TRAINER_VIEW, LOTSE_TRAINER_READING_TIME,
LOTSE_TRAINER_ACTIVITY, LOTSE_MIN_GROUP_SIZE); a learner may share more (never less) with their
trainers and withdraw that at any time. Every trainer-facing view in lotse.analytics, the
briefing, the exports and the member list asks ``grants`` what it may show about whom, and
``small_group`` whether a group figure may be shown at all.

The sentences a learner reads ("Was sieht meine Trainerin?") and the privacy notice are made by
``statements`` from the same grant, so text and behaviour cannot drift apart
(tests/test_visibility.py checks both against what the views really return).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from progress import Store
from progress import cohorts as cohort_sql
from progress import policy_sql as sql

from .access import require_self
from .config import Settings, load_settings
from .identity import PermissionDenied, User


class Level(IntEnum):
    GROUP = 0  # nur Gruppenwerte
    PROGRESS = 1  # Lernstand je Person
    ANSWERS = 2  # Antworten je Person


LEVEL_BY_SETTING = {"gruppe": Level.GROUP, "lernstand": Level.PROGRESS, "antworten": Level.ANSWERS}
LEVEL_LABELS = {Level.GROUP: "Nur Gruppenwerte", Level.PROGRESS: "Lernstand je Person",
                Level.ANSWERS: "Antworten je Person"}


@dataclass(frozen=True)
class Policy:
    """The operator's policy. The default is the least the seminar briefing needs: who is ready
    (progress per person); reading time and activity times only as group figures."""

    level: Level = Level.PROGRESS
    reading_time: bool = False  # per person (only within PROGRESS or ANSWERS)
    activity: bool = False  # per-person timestamps: last active, attempt dates
    min_group: int = 5
    retention_months: int = 12


def policy_from(settings: Settings) -> Policy:
    return Policy(LEVEL_BY_SETTING[settings.trainer_view], settings.trainer_reading_time == "person",
                  settings.trainer_activity == "person", settings.min_group_size, settings.retention_months)


def current_policy() -> Policy:
    """The policy from the environment (read on every call: cheap, and tests may change it)."""
    return policy_from(load_settings())


@dataclass(frozen=True)
class Grant:
    """What trainers may see about one person: the policy, widened by the person's own choice."""

    level: Level
    reading_time: bool
    activity: bool

    @property
    def progress(self) -> bool:
        return self.level >= Level.PROGRESS

    @property
    def answers(self) -> bool:
        return self.level >= Level.ANSWERS


@dataclass(frozen=True)
class Choice:
    """A learner's opt-in: share up to ``level``, and optionally reading time and activity times."""

    level: Level
    reading_time: bool = False
    activity: bool = False


def grant_of(policy: Policy, choice: Choice | None = None) -> Grant:
    level = max(policy.level, choice.level) if choice else policy.level
    reading = policy.reading_time or bool(choice and choice.reading_time)
    activity = policy.activity or bool(choice and choice.activity)
    # Reading time and activity times belong to a person's progress: without it there is no
    # per-person view they could appear in.
    return Grant(Level(level), reading and level >= Level.PROGRESS, activity and level >= Level.PROGRESS)


def grants(db: Store, policy: Policy, user_ids: list[int] | set[int]) -> dict[int, Grant]:
    """The grant for each person (one query for their choices)."""
    choices = sql.choices_of(db, user_ids)
    return {uid: grant_of(policy, _choice(choices.get(uid))) for uid in user_ids}


def _choice(row: dict | None) -> Choice | None:
    if row is None:
        return None
    return Choice(Level(max(0, min(2, row["level"]))), bool(row["reading_time"]), bool(row["activity"]))


def own_choice(db: Store, actor: User) -> Choice | None:
    require_self(actor, actor.id)
    return _choice(sql.choices_of(db, [actor.id]).get(actor.id))


def save_own_choice(db: Store, actor: User, choice: Choice) -> None:
    """The learner shares more (or less again); only the person themselves can change it."""
    require_self(actor, actor.id)
    sql.save_choice(db, actor.id, int(choice.level), choice.reading_time, choice.activity)


def withdraw_own_choice(db: Store, actor: User) -> None:
    """Back to the operator's policy; takes effect on the trainer's next page view."""
    require_self(actor, actor.id)
    sql.delete_choice(db, actor.id)


def own_grant(db: Store, actor: User, policy: Policy | None = None) -> Grant:
    return grant_of(policy or current_policy(), own_choice(db, actor))


# --- small groups ---------------------------------------------------------------------------

def small_group_note(policy: Policy) -> str:
    return (f"Ausgeblendet: Dieser Wert beruht auf weniger als {policy.min_group} Personen. So lässt sich "
            "niemand einzeln herauslesen.")


def too_small(policy: Policy, people: int | None) -> bool:
    """A group figure over ``people`` persons must not be shown (0 people: nothing to show anyway)."""
    return bool(people) and people < policy.min_group


# --- the words: learner page and privacy notice ---------------------------------------------

@dataclass(frozen=True)
class Statement:
    topic: str  # "members", "progress", "answers", "reading_time", "activity", "groups"
    visible: bool
    text: str


def statements(grant: Grant, policy: Policy) -> list[Statement]:
    """What trainers of the person's cohorts see and do not see, in plain German (Sie-Form)."""
    return [
        Statement("members", True, "Ihren Namen, Ihren Login und seit wann Sie Mitglied der Kohorte sind."),
        Statement("progress", grant.progress,
                  "Ihren Lernstand je Lektion: geöffnet, gelesen, Quiz bestanden, Ihr bestes Ergebnis und die "
                  "Zahl Ihrer Quizversuche."),
        Statement("answers", grant.answers, "Ihre einzelnen Antworten in jedem Quizversuch."),
        Statement("reading_time", grant.reading_time, "Ihre Lesezeit je Lektion."),
        Statement("activity", grant.activity,
                  "Wann Sie zuletzt aktiv waren und an welchen Tagen Sie Quizversuche abgegeben haben."),
        Statement("groups", True,
                  "Gruppenwerte ohne Namen (zum Beispiel Durchschnitte, Verteilungen, wie oft eine Frage richtig "
                  f"beantwortet wurde). Ein Gruppenwert erscheint nur, wenn mindestens {policy.min_group} "
                  "Personen dazu beitragen."),
    ]


NEVER = ("Ihr Passwort, Ihre privaten Notizen, Entwürfe und Reflexionen (außer Sie teilen eine Reflexion "
         "oder ein Projekt ausdrücklich) und Ihre Daten aus anderen Kohorten.")


def policy_summary(policy: Policy) -> list[str]:
    """For the privacy notice: the operator's setting in words."""
    reading = "je Person" if policy.reading_time else "nur als Gruppenwert"
    activity = "je Person" if policy.activity else "nur als Gruppenwert"
    return [f"Einstellung des Betreibers: {LEVEL_LABELS[policy.level]}; Lesezeit {reading}; "
            f"Aktivitätszeiten {activity}; Gruppenwerte ab {policy.min_group} Personen."]


@dataclass(frozen=True)
class TrainerView:
    """"Was sieht meine Trainerin?": the learner's grant, split into what is and is not seen."""

    policy: Policy
    choice: Choice | None
    grant: Grant
    seen: list[Statement]
    not_seen: list[Statement]
    cohorts: list[str]  # names of the learner's cohorts (whose trainers the statements are about)


def what_my_trainer_sees(db: Store, actor: User, policy: Policy | None = None) -> TrainerView:
    """Generated from the same grant the trainer views use (lotse.analytics asks ``grants``)."""
    require_self(actor, actor.id)
    policy = policy or current_policy()
    choice = own_choice(db, actor)
    grant = grant_of(policy, choice)
    said = statements(grant, policy)
    names = [c["name"] for c in cohort_sql.cohorts_of_member(db, actor.id)]
    return TrainerView(policy, choice, grant, [s for s in said if s.visible], [s for s in said if not s.visible],
                       names)


def privacy_notice(policy: Policy) -> list[str]:
    """The privacy notice's paragraph on trainers, from the operator's policy (learners can widen
    it for themselves; the page "Was sieht meine Trainerin?" shows each person their own)."""
    said = statements(grant_of(policy), policy)
    return ([f"Sie sehen: {s.text}" for s in said if s.visible]
            + [f"Sie sehen nicht: {s.text}" for s in said if not s.visible]
            + [f"Sie sehen nie: {NEVER}"] + policy_summary(policy)
            + ["Sie können unter „Was sieht meine Trainerin?“ freiwillig mehr freigeben (zum Beispiel Ihre "
               "Antworten, um Rückmeldung zu bekommen) und die Freigabe jederzeit zurücknehmen.",
               "Jedes Mal, wenn eine Trainerin oder ein Trainer Ihre Detailansicht öffnet oder Daten mit Ihrem "
               "Namen herunterlädt, wird das protokolliert (wer, was, wann). Sie sehen diese Einträge unter "
               "„Was sieht meine Trainerin?“.",
               "Lotse ist kein Werkzeug zur Leistungs- oder Verhaltenskontrolle: Die Daten dienen nur dem Lernen und "
               "der Vorbereitung des Seminars."])


NOT_SHARED = ("Diese Angaben über die Person sind nach der Vereinbarung zur Nutzung von Lotse nicht freigegeben, "
              "und die Person hat sie nicht selbst freigegeben.")


def require_grant(db: Store, actor: User, learner_id: int, *needs: str, policy: Policy | None = None) -> None:
    """For reads of another person's record (after lotse.access allowed the actor at all): the
    person's grant must include every ``need`` (progress, answers, reading_time, activity)."""
    if actor.id == learner_id:
        return
    grant = grants(db, policy or current_policy(), [learner_id])[learner_id]
    if not all(getattr(grant, need) for need in needs):
        raise PermissionDenied(NOT_SHARED)
