"""Course phases of a cohort, as in the Digitalisierungsmanager course: a one-day kickoff, then four
phases of one seminar day followed by two weeks of work on the job.

Phase n introduces step n of the Projektwerkstatt (Ist-Analyse, Anforderungen, Priorisierung,
Maßnahmen) on its seminar day; the step is due at the end of the phase's work weeks, so that it can
be discussed on the next seminar day. The trainer sets the dates; the pure functions here validate
them, propose a default and tell where a cohort stands on a given day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from progress import Store

from progress import cohorts as cohort_sql
from progress import projects as store
from progress.db import utc_now

from .access import require_cohort, require_role
from .german_format import date_short
from .identity import PermissionDenied, User
from .projects import STEP_LABELS, STEP_TITLES, STEPS

PHASE_COUNT = len(STEPS)
WORK_DAYS = 13  # seminar day + 13 days: the next seminar day falls on the same weekday two weeks later
FIRST_SEMINAR_AFTER_KICKOFF = 7
MAX_SPAN_DAYS = 366
NO_ACCESS = "Den Zeitplan dieser Kohorte können Sie nicht sehen."


class PhaseError(ValueError):
    """A timeline a trainer can fix; the message is German."""


@dataclass(frozen=True)
class Phase:
    number: int
    seminar_day: date
    work_end: date

    @property
    def step(self) -> str:
        return STEPS[self.number - 1]

    @property
    def work_start(self) -> date:
        return self.seminar_day + timedelta(days=1)


@dataclass(frozen=True)
class Timeline:
    kickoff: date
    phases: tuple[Phase, ...]

    @property
    def end(self) -> date:
        return self.phases[-1].work_end


@dataclass(frozen=True)
class Position:
    """Where a cohort stands on a day: kind is one of vor_kickoff, kickoff, vorbereitung, seminar,
    arbeitsphase, abgeschlossen; phase is the current (or next) phase number, if any."""
    kind: str
    phase: int | None
    text: str


@dataclass(frozen=True)
class StepDue:
    step: str
    phase: int
    seminar_day: date
    due: date
    state: str  # erledigt | aktuell | überfällig | später
    text: str


def german(day: date) -> str:
    return date_short(day)


def _day(value: object, label: str) -> date:
    if isinstance(value, date):
        return value
    if value in (None, ""):
        raise PhaseError(f"Bitte geben Sie {label} an.")
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise PhaseError(f"{label}: bitte ein Datum im Format TT.MM.JJJJ angeben.") from None


def validate_timeline(kickoff: object, phases: list[tuple[object, object]]) -> Timeline:
    """A Timeline from the kickoff and (seminar day, end of work phase) per phase; PhaseError if wrong."""
    start = _day(kickoff, "den Tag der Kickoff-Veranstaltung")
    if len(phases) != PHASE_COUNT:
        raise PhaseError(f"Der Lehrgang hat {PHASE_COUNT} Phasen; bitte geben Sie für jede die Daten an.")
    result, previous_end = [], start
    for number, (seminar, work_end) in enumerate(phases, start=1):
        seminar_day = _day(seminar, f"den Seminartag der Phase {number}")
        end = _day(work_end, f"das Ende der Arbeitsphase {number}")
        if seminar_day <= previous_end:
            before = "der Kickoff-Veranstaltung" if number == 1 else f"dem Ende der Arbeitsphase {number - 1}"
            raise PhaseError(f"Der Seminartag der Phase {number} muss nach {before} liegen.")
        if end <= seminar_day:
            raise PhaseError(f"Die Arbeitsphase {number} muss nach ihrem Seminartag enden.")
        result.append(Phase(number, seminar_day, end))
        previous_end = end
    if (previous_end - start).days > MAX_SPAN_DAYS:
        raise PhaseError("Der Zeitplan darf höchstens ein Jahr umfassen.")
    return Timeline(start, tuple(result))


def propose_timeline(kickoff: date, first_seminar: date | None = None) -> Timeline:
    """The default: first seminar day a week after kickoff, then one every two weeks."""
    first = first_seminar or kickoff + timedelta(days=FIRST_SEMINAR_AFTER_KICKOFF)
    phases = []
    for i in range(PHASE_COUNT):
        seminar = first + timedelta(days=14 * i)
        phases.append((seminar, seminar + timedelta(days=WORK_DAYS)))
    return validate_timeline(kickoff, phases)


def position(timeline: Timeline, today: date) -> Position:
    """Where the cohort stands on ``today``."""
    if today < timeline.kickoff:
        return Position("vor_kickoff", None, f"Der Lehrgang beginnt am {german(timeline.kickoff)} mit der Kickoff-Veranstaltung.")
    if today == timeline.kickoff:
        return Position("kickoff", None, "Heute ist die Kickoff-Veranstaltung.")
    for phase in timeline.phases:
        title = f"Phase {phase.number} ({STEP_TITLES[phase.step]})"
        if today < phase.seminar_day:
            return Position("vorbereitung", phase.number, f"Als Nächstes: Seminartag der {title} am {german(phase.seminar_day)}.")
        if today == phase.seminar_day:
            return Position("seminar", phase.number, f"Heute ist der Seminartag der {title}.")
        if today <= phase.work_end:
            return Position("arbeitsphase", phase.number,
                            f"Arbeitsphase der {title} bis {german(phase.work_end)}.")
    return Position("abgeschlossen", None, f"Der Lehrgang ist seit dem {german(timeline.end)} abgeschlossen.")


def schedule(timeline: Timeline, today: date, progress: dict[str, str] | None = None) -> list[StepDue]:
    """Which step is due in which phase, and its state on ``today`` given the project's progress."""
    progress = progress or {}
    result = []
    for phase in timeline.phases:
        done = progress.get(phase.step) == "vollständig"
        if done:
            state, text = "erledigt", "erledigt"
        elif today > phase.work_end:
            state, text = "überfällig", f"war fällig am {german(phase.work_end)}"
        elif today >= phase.seminar_day:
            state, text = "aktuell", f"jetzt dran, fällig am {german(phase.work_end)}"
        else:
            state, text = "später", f"ab {german(phase.seminar_day)}, fällig am {german(phase.work_end)}"
        result.append(StepDue(phase.step, phase.number, phase.seminar_day, phase.work_end, state,
                              f"{STEP_LABELS[phase.step]}: Phase {phase.number}, {text}"))
    return result


# --- stored timelines ---------------------------------------------------------------------------

def _from_row(stored: tuple[str, list[dict]] | None) -> Timeline | None:
    if stored is None:
        return None
    kickoff, rows = stored
    try:
        return validate_timeline(kickoff, [(r["seminar_day"], r["work_end"]) for r in rows])
    except PhaseError:
        return None


def set_timeline(db: Store, actor: User, cohort_id: int, kickoff: object,
                 phases: list[tuple[object, object]]) -> Timeline:
    """Store a cohort's timeline (the cohort's trainer or an admin)."""
    require_cohort(db, actor, cohort_id)
    timeline = validate_timeline(kickoff, phases)
    store.set_timeline(db, cohort_id, timeline.kickoff.isoformat(),
                       [(p.number, p.seminar_day.isoformat(), p.work_end.isoformat()) for p in timeline.phases],
                       utc_now())
    return timeline


def clear_timeline(db: Store, actor: User, cohort_id: int) -> None:
    require_cohort(db, actor, cohort_id)
    store.delete_timeline(db, cohort_id)


def cohort_timeline(db: Store, actor: User, cohort_id: int) -> Timeline | None:
    """The timeline for the cohort's trainer, an admin, or a member of the cohort."""
    require_role(actor, "learner", "trainer", "admin")
    cohort = cohort_sql.get_cohort(db, cohort_id)
    if cohort is None:
        raise PermissionDenied(NO_ACCESS)
    if not (actor.is_admin or cohort["trainer_id"] == actor.id or cohort_sql.is_member(db, cohort_id, actor.id)):
        raise PermissionDenied(NO_ACCESS)
    return _from_row(store.get_timeline(db, cohort_id))


def my_timelines(db: Store, actor: User) -> list[tuple[dict, Timeline]]:
    """(cohort {id, name}, timeline) for each of the actor's own cohorts that has a timeline."""
    require_role(actor, "learner", "trainer", "admin")
    result = []
    for cohort in cohort_sql.cohorts_of_member(db, actor.id):
        timeline = _from_row(store.get_timeline(db, cohort["id"]))
        if timeline is not None:
            result.append(({"id": cohort["id"], "name": cohort["name"]}, timeline))
    return result
