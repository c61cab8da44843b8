"""The cohort overview: everything the cockpit's first page shows, for one authorised cohort.

Every public function here takes the acting user and a cohort id and calls
lotse.access.require_cohort first: a trainer gets only their own cohorts, an admin any.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from progress import Store

from progress import analytics as sql

from ..access import require_cohort, require_role, visible_cohorts
from ..content import Catalog
from ..identity import User
from ..visibility import Grant, Policy, current_policy, grants, small_group_note, too_small
from . import figures
from ..german_format import local_today
from .course import LessonInfo, course_lessons, parse_day
from .matrix import matrix_rows
from .pseudonyms import participant_labels

ACTIVE_DAYS = 7
ACTIVITY_DAYS = 56


@dataclass(frozen=True)
class CohortInfo:
    """What the cockpit needs of a cohort (no invite code)."""

    id: int
    name: str
    seminar_date: str | None
    place: str
    pre_deadline: str | None

    @classmethod
    def of(cls, row: dict) -> CohortInfo:
        return cls(row["id"], row["name"], row.get("seminar_date"), row.get("place") or "", row.get("pre_deadline"))


def trainer_cohorts(db: Store, actor: User) -> list[CohortInfo]:
    """The cohorts the actor may analyse: a trainer's own, all for an admin."""
    require_role(actor, "trainer", "admin")
    return [CohortInfo.of(row) for row in visible_cohorts(db, actor)]


def authorised_cohort(db: Store, actor: User, cohort_id: int) -> CohortInfo:
    """The cohort if the actor may see it; PermissionDenied otherwise (the one gate for the cockpit)."""
    require_role(actor, "trainer", "admin")
    return CohortInfo.of(require_cohort(db, actor, cohort_id))


@dataclass(frozen=True)
class Overview:
    cohort: CohortInfo
    lessons: list[LessonInfo]
    labels: dict[int, str]  # user id -> name or pseudonym, in stable order
    key: figures.KeyFigures
    funnel: list[dict]
    matrix: list[dict]
    distribution: list[dict]
    activity: list[dict]
    time_on_task: list[dict]
    mastery: list[dict]
    withheld: str | None = None  # the cohort is too small for group figures: why they are missing
    hidden_people: int = 0  # members the policy (and their choice) keeps out of per-person views

    @property
    def lesson_legend(self) -> list[dict]:
        return [{"Nr.": lesson.code, "Lektion": lesson.title, "Quiz": "ja" if lesson.quiz else "nein"}
                for lesson in self.lessons]


def cohort_labels(db: Store, cohort_id: int, pseudonymous: bool) -> dict[int, str]:
    return participant_labels(sql.members(db, [cohort_id]), pseudonymous)


@dataclass(frozen=True)
class People:
    """A cohort's members as the visibility policy lets a trainer see them."""

    all: dict[int, str]  # user id -> label, everyone (for counts only)
    grants: dict[int, Grant]
    policy: Policy

    def shown(self, need: str = "progress") -> dict[int, str]:
        """Labels of the people whose grant includes ``need`` (progress, answers, reading_time, activity)."""
        return {uid: label for uid, label in self.all.items() if getattr(self.grants[uid], need)}

    @property
    def small(self) -> bool:
        return too_small(self.policy, len(self.all))


def cohort_people(db: Store, cohort_id: int, pseudonymous: bool, policy: Policy | None = None) -> People:
    labels = cohort_labels(db, cohort_id, pseudonymous)
    policy = policy or current_policy()
    return People(labels, grants(db, policy, list(labels)), policy)


def cohort_overview(db: Store, actor: User, cohort_id: int, catalog: Catalog, *,
                    pseudonymous: bool = False, now: datetime | None = None, policy: Policy | None = None) -> Overview:
    """Key figures, funnel, matrix, score distribution, activity, time on task, objective mastery.

    Per person (the matrix) only whom the visibility policy allows; group figures only from at
    least ``policy.min_group`` people (a smaller cohort gets none, with the reason in ``withheld``).
    """
    cohort = authorised_cohort(db, actor, cohort_id)
    now = now or datetime.now(timezone.utc)
    today = local_today(now)
    lessons = course_lessons(catalog)
    ids = [cohort.id]
    people = cohort_people(db, cohort.id, pseudonymous, policy)
    labels = people.shown("progress")
    since_active = (now - timedelta(days=ACTIVE_DAYS)).isoformat()
    first_day = today - timedelta(days=ACTIVITY_DAYS - 1)
    cells = sql.progress_cells(db, ids)
    key = figures.key_figures(sql.key_figures(db, ids, [l.id for l in lessons], since_active), len(lessons),
                              parse_day(cohort.seminar_date), today)
    matrix = matrix_rows(lessons, cells, labels)
    hidden = len(people.all) - len(labels)
    if people.small:
        empty = replace(key, active_7_days=None, started=None, lessons_passed=None, lessons_read=None,
                        average_best=None)
        return Overview(cohort, lessons, labels, empty, [], matrix, [], [], [], [],
                        withheld=small_group_note(people.policy), hidden_people=hidden)
    k = people.policy.min_group
    return Overview(
        cohort=cohort, lessons=lessons, labels=labels, key=key,
        funnel=figures.funnel_rows(lessons, sql.lesson_funnel(db, ids), key.members),
        matrix=matrix,
        distribution=figures.distribution_rows(lessons, sql.score_distribution(db, ids), k),
        activity=figures.activity_rows(sql.daily_activity(db, ids, first_day.isoformat()), first_day, today, k),
        time_on_task=figures.time_rows(lessons, cells, k),
        mastery=figures.mastery_rows([m for m in figures.objective_mastery(
            lessons, sql.objective_mastery(db, ids, figures.MASTERY_THRESHOLD)) if m.learners >= k]),
        hidden_people=hidden,
    )
