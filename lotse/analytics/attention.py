""""Diese Woche wichtig": three to five things a trainer should look at, each with what to do.

Made from the seminar briefing's content, so it obeys the same visibility policy: people are
named only where the policy (or their own choice) shows their progress, group statements only
from enough people. No new figures, only a selection with plain advice.
"""

from __future__ import annotations

from dataclasses import dataclass

from .briefing_content import WEAK_SHARE, BriefingContent, LearnerState, quoted
from ..german_format import percent

MOST = 5
NAMED = 4  # people listed per item; the rest are counted


@dataclass(frozen=True)
class AttentionItem:
    title: str
    detail: str
    action: str


def _people(states: list[LearnerState], count: int | None, total: int | None = None) -> str:
    shown = [s.label if total is None else f"{s.label} ({s.done} von {total})" for s in states[:NAMED]]
    rest = (count if count is not None else len(states)) - len(shown)
    if rest > 0:
        shown.append(f"{rest} weitere" if shown else f"{rest} {'Person' if rest == 1 else 'Personen'} (ohne Namen)")
    return ", ".join(shown)


def _seminar(c: BriefingContent) -> str:
    if c.days_until is None:
        return ""
    return " Das Seminar ist heute." if c.days_until == 0 else (
        f" Das Seminar beginnt in {c.days_until} Tagen." if c.days_until > 0 else "")


def attention_items(c: BriefingContent) -> list[AttentionItem]:
    """The most urgent first; at most MOST items."""
    items: list[AttentionItem] = []
    counts = c.counts or (None, None, None)
    not_started = counts[2] if counts[2] is not None else len(c.not_started)
    if not_started:
        items.append(AttentionItem(
            f"{not_started} {'Person hat' if not_started == 1 else 'Personen haben'} noch nicht begonnen",
            _people(c.not_started, counts[2]) + "." + _seminar(c),
            "Erinnern Sie freundlich an den Einstieg, zum Beispiel mit dem Einladungslink und der ersten Lektion."))
    behind = sorted(c.on_the_way, key=lambda s: s.done)
    if behind and behind[0].done * 2 < c.lessons_total:
        items.append(AttentionItem(
            "Noch weit vom Ziel", _people([s for s in behind if s.done * 2 < c.lessons_total], None, c.lessons_total)
            + ".", "Fragen Sie nach, ob etwas im Weg steht (Zeit, Technik, Inhalt); bieten Sie Hilfe an, ohne Druck."))
    if c.withheld:
        items.append(AttentionItem("Kleine Gruppe: keine Gruppenwerte", c.withheld,
                                   "Sprechen Sie Lernziele und schwierige Fragen im Seminar direkt an."))
    weak = [m for m in c.weakest if m.share < WEAK_SHARE]
    if weak:
        m = weak[0]
        items.append(AttentionItem(
            f"Lernziel mit Lücken: {m.text}", f"Lektion {m.lesson.code} {m.lesson.title}: {percent(m.share)} der "
            f"Punkte; {m.reached} von {m.learners} erreichen das Ziel.",
            "Planen Sie im Seminar Zeit für dieses Lernziel ein, mit einem Beispiel aus dem Verwaltungsalltag."))
    if c.missed:
        q = c.missed[0]
        mistake = f" Häufigste falsche Antwort: {q.mistake}." if q.mistake else ""
        items.append(AttentionItem(
            f"Oft falsch beantwortet: {quoted(q.prompt)}",
            f"Lektion {q.lesson.code}: {percent(q.facility)} richtig im ersten Versuch ({q.answers} Antworten).{mistake}",
            "Klären Sie die Frage zu Beginn des Seminars. Prüfen Sie in der Fragenanalyse, ob sie eindeutig ist."))
    for topic in c.focus:
        if topic.title.startswith("Lektion") and len(items) < MOST:
            items.append(AttentionItem(topic.title, topic.reason,
                                       "Führen Sie die Lektion im Seminar kurz ein oder empfehlen Sie sie gezielt."))
            break
    return items[:MOST]
