"""Spaced review ("Wiederholen") with FSRS: every answered quiz question becomes a review card.

How cards come about: ``sync_cards`` reads the learner's quiz answers submitted since the last sync
(a watermark per learner, so it is cheap to call on every visit of the review page). A question
answered for the first time becomes a card, and each quiz answer counts as one review at the time
it was submitted, rated from its correctness (fully right: Gut, partly: Schwer, wrong: Nochmal).
So a wrong answer is due again ten minutes later, a right one in a few days.

Reviewing: the learner answers the question again (graded with lotse.grading), then rates how well
they remembered it; the rating is preselected from the correctness and can be changed. Card state
(fsrs Card JSON) and every review log (fsrs ReviewLog JSON) are stored, so the scheduler's
parameters can be re-fitted later with fsrs' Optimizer from ``review_logs``.

"Fällig heute" means due before the end of today in German local time. "Nur meine Fehler üben"
lists the cards whose last answer was not fully right, due or not; a review there counts as a
review like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal

from fsrs import Card, Rating, ReviewLog, Scheduler, State
from progress import Store

from progress import selfstudy as store

from .access import require_self
from .content import Catalog, Lesson
from .content.models import Question
from .german_format import BERLIN, date_long, local_today
from .grading import Grade, grade_question
from .identity import User
from .question_types import get

# One learning and one relearning step of ten minutes: a forgotten card comes back in the same
# sitting; the rest is scheduled in days by FSRS with its default parameters (90 % retention).
SCHEDULER = Scheduler(learning_steps=(timedelta(minutes=10),), relearning_steps=(timedelta(minutes=10),))

RATING_LABELS = {Rating.Again: "Nochmal", Rating.Hard: "Schwer", Rating.Good: "Gut", Rating.Easy: "Leicht"}
RATING_HELP = {
    Rating.Again: "Ich wusste es nicht – bitte bald wieder zeigen.",
    Rating.Hard: "Ich wusste es nur mit Mühe oder nur zum Teil.",
    Rating.Good: "Ich wusste es.",
    Rating.Easy: "Das war ganz leicht – erst in längerer Zeit wieder zeigen.",
}
Mode = Literal["due", "mistakes"]
FULLY_RIGHT = 1 - 1e-6


def iso(moment: datetime) -> str:
    """Stored timestamps: UTC with microseconds, so text order is time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def rating_for(fraction: float) -> Rating:
    """The rating suggested by how right the answer was."""
    if fraction >= FULLY_RIGHT:
        return Rating.Good
    return Rating.Hard if fraction > 0 else Rating.Again


def end_of_day(day: date) -> datetime:
    """The first moment of the next local day, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN).astimezone(timezone.utc)


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


# --- creating and updating cards from quiz answers ------------------------------------------------


def sync_cards(db: Store, actor: User, scheduler: Scheduler = SCHEDULER) -> int:
    """Turn quiz answers submitted since the last sync into cards and reviews; returns new cards."""
    require_self(actor, actor.id)
    with db.transaction():
        answers = store.answers_since(db, actor.id, store.sync_watermark(db, actor.id))
        if not answers:
            return 0
        rows = store.cards_of(db, actor.id)
        cards: dict[int, tuple[Card, float]] = {}
        logs: list[dict] = []
        created = 0
        for answer in answers:
            key = (answer["lesson_id"], answer["question_id"])
            when = utc(answer["submitted_at"])
            row = rows.get(key)
            if row is None:
                card_id = store.new_card_id(db, actor.id, key[0], key[1], answer["submitted_at"])
                rows[key] = row = {"id": card_id, "card": None}
                card = Card(card_id=card_id, due=when)
                created += 1
            else:
                card = cards[row["id"]][0] if row["id"] in cards else Card.from_json(row["card"])
                if card.last_review is not None and when <= card.last_review:
                    continue  # reviewed on the review page after this attempt: the later review counts
            fraction = answer["mark"] / answer["max_mark"] if answer["max_mark"] else 0.0
            rating = rating_for(fraction)
            card, log = scheduler.review_card(card, rating, when)
            cards[row["id"]] = (card, fraction)
            logs.append({"card_id": row["id"], "source": "quiz", "attempt_id": answer["attempt_id"],
                         "rating": int(rating), "fraction": fraction, "reviewed_at": iso(when),
                         "log": log.to_json()})
        store.store_sync(db, actor.id, max(a["attempt_id"] for a in answers),
                         [{"id": card_id, "card": card.to_json(), "due": iso(card.due), "last_fraction": fraction}
                          for card_id, (card, fraction) in cards.items()], logs)
    return created


# --- the review session ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewCard:
    id: int
    version: int
    lesson: Lesson
    question: Question
    card: Card
    last_fraction: float

    @property
    def due(self) -> datetime:
        return self.card.due

    @property
    def is_new(self) -> bool:
        return self.card.state == State.Learning


def _review_card(catalog: Catalog, row: dict) -> ReviewCard | None:
    """None when the lesson or question is no longer in the course."""
    lesson, quiz = catalog.lesson(row["lesson_id"]), catalog.quiz(row["lesson_id"])
    question = quiz.question(row["question_id"]) if quiz else None
    if lesson is None or question is None:
        return None
    return ReviewCard(row["id"], row["version"], lesson, question, Card.from_json(row["card"]), row["last_fraction"])


def session_cards(db: Store, actor: User, catalog: Catalog, mode: Mode = "due",
                  now: datetime | None = None) -> list[ReviewCard]:
    """Cards to practise now: due by the end of today, or (mode "mistakes") last answered wrongly."""
    require_self(actor, actor.id)
    moment = _now(now)
    if mode == "mistakes":
        rows = store.mistake_cards(db, actor.id)
    else:
        rows = store.due_cards(db, actor.id, iso(end_of_day(local_today(moment))))
    return [card for card in (_review_card(catalog, row) for row in rows) if card is not None]


@dataclass(frozen=True)
class Status:
    total: int
    due_today: int
    mistakes: int
    next_due: datetime | None  # the next card due after today


def review_status(db: Store, actor: User, now: datetime | None = None) -> Status:
    require_self(actor, actor.id)
    until = iso(end_of_day(local_today(_now(now))))
    row = store.card_counts(db, actor.id, until)
    return Status(row["total"], row["due"], row["mistakes"], utc(row["next_due"]) if row["next_due"] else None)


def check_answer(card: ReviewCard, response: Any) -> Grade:
    return grade_question(card.question, response)


@dataclass(frozen=True)
class Outcome:
    stored: bool  # False: this card was already rated (another tab, a double click)
    grade: Grade
    rating: Rating
    due: datetime | None


def parse_rating(value: Any) -> Rating:
    try:
        return Rating(int(value))
    except (TypeError, ValueError):
        raise ValueError("Bitte wählen Sie, wie gut Sie sich erinnert haben.") from None


def record_review(db: Store, actor: User, catalog: Catalog, card_id: int, version: int, response: Any,
                  rating: Any, now: datetime | None = None, duration_ms: int | None = None,
                  scheduler: Scheduler = SCHEDULER) -> Outcome:
    """Grade the answer again, apply the learner's rating and store card and log (once per version)."""
    require_self(actor, actor.id)
    chosen = parse_rating(rating)
    row = store.get_card(db, actor.id, card_id)
    card = _review_card(catalog, row) if row else None
    if card is None:
        raise LookupError("Diese Karte gibt es nicht mehr.")
    grade = check_answer(card, response)
    moment = _now(now)
    if card.card.last_review is not None and moment < card.card.last_review:
        moment = card.card.last_review  # clocks never run backwards for the scheduler
    updated, log = scheduler.review_card(card.card, chosen, moment, duration_ms)
    stored = store.store_review(db, actor.id, card_id, version, updated.to_json(), iso(updated.due), grade.fraction,
                                {"source": "review", "rating": int(chosen), "fraction": grade.fraction,
                                 "reviewed_at": iso(moment), "duration_ms": duration_ms, "log": log.to_json()})
    return Outcome(stored, grade, chosen, updated.due if stored else None)


def load_card(db: Store, actor: User, card_id: int) -> Card | None:
    """The stored fsrs Card (state, stability, difficulty, due)."""
    require_self(actor, actor.id)
    row = store.get_card(db, actor.id, card_id)
    return Card.from_json(row["card"]) if row else None


def review_logs(db: Store, actor: User) -> list[ReviewLog]:
    """All of the learner's review logs as fsrs ReviewLogs (input for fsrs' Optimizer)."""
    require_self(actor, actor.id)
    return [ReviewLog.from_json(row["log"]) for row in store.review_logs_of(db, actor.id)]


def due_text(due: datetime, now: datetime | None = None) -> str:
    """'heute', 'morgen', 'in 5 Tagen (Freitag, 14. März 2025)' in local time."""
    today = local_today(_now(now))
    day = due.astimezone(BERLIN).date()
    days = (day - today).days
    if days <= 0:
        return "heute"
    if days == 1:
        return "morgen"
    return f"in {days} Tagen ({date_long(day, weekday=True)})"


def solution_lines(question: Question) -> list[str]:
    """The right answer in plain words (shown after the learner has answered)."""
    return get(question.type).solution_lines(question)
