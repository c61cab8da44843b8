"""Prioritisation (pure): the score formula, the order of needs with the reason for each tie,
needs still missing a rating, and the fields of the benefit/effort matrix as lesson 6-2 names them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .canvas import RATING_KEYS, RATING_LABELS, RATING_MAX


@dataclass(frozen=True)
class Quadrant:
    key: str
    name: str  # as in lesson 6-2 and its matrix figure
    action: str
    order: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.action})"


QUADRANTS = {
    "quick_wins": Quadrant("quick_wins", "Quick Wins", "sofort angehen", 1),
    "grosse_vorhaben": Quadrant("grosse_vorhaben", "Große Vorhaben", "planen, in Etappen zerlegen", 2),
    "lueckenfueller": Quadrant("lueckenfueller", "Lückenfüller", "bei freier Kapazität", 3),
    "zurueckstellen": Quadrant("zurueckstellen", "Zurückstellen", "oder verwerfen", 4),
}
HIGH_FROM = 3  # a rating of 3 ("mittel") or more counts as high benefit / high effort

SCORE_EXPLANATION = (
    "Punktzahl = 2 × Nutzen + Dringlichkeit + (6 − Aufwand); alle drei auf einer Skala von 1 bis 5, "
    "die Punktzahl liegt also zwischen 4 und 20. Der Nutzen zählt doppelt, weil er den Ausschlag geben soll; "
    "geringer Aufwand und hohe Dringlichkeit zählen je einfach. Bei gleicher Punktzahl entscheidet der "
    "höhere Nutzen, dann der geringere Aufwand, dann die höhere Dringlichkeit, zuletzt die Reihenfolge "
    "in der Liste der Anforderungen. Anforderungen ohne vollständige Bewertung stehen am Ende. "
    "Für die Matrix zählt ein Wert ab 3 als hoch."
)
# The tie-breakers after the score, in order: (rating, which value wins, German word).
_TIE_BREAKERS = (("benefit", max, "Nutzen"), ("effort", min, "Aufwand"), ("urgency", max, "Dringlichkeit"))


def quadrant(benefit: int | None, effort: int | None) -> Quadrant | None:
    """The field of the benefit/effort matrix; None while benefit or effort is missing."""
    if benefit is None or effort is None:
        return None
    high_benefit, high_effort = benefit >= HIGH_FROM, effort >= HIGH_FROM
    if high_benefit:
        return QUADRANTS["grosse_vorhaben" if high_effort else "quick_wins"]
    return QUADRANTS["zurueckstellen" if high_effort else "lueckenfueller"]


def priority_score(benefit: int, effort: int, urgency: int) -> int:
    """2 × benefit + urgency + (6 − effort): 4 (worst) … 20 (best); see SCORE_EXPLANATION."""
    return 2 * benefit + urgency + (RATING_MAX + 1 - effort)


@dataclass(frozen=True)
class RankedNeed:
    rank: int | None  # None: not completely rated
    need_id: int
    label: str
    group: str
    who: str
    benefit: int | None
    effort: int | None
    urgency: int | None
    score: int | None
    quadrant: Quadrant | None
    note: str


def need_label(need: dict) -> str:
    return need.get("what") or need.get("who") or f"Anforderung {need.get('id')}"


def need_names(needs: list[dict]) -> dict[int, str]:
    """need id -> label, to name the need a measure refers to."""
    return {n["id"]: need_label(n) for n in needs}


def _tie_note(ahead: RankedNeed, this: RankedNeed) -> str:
    start = f"Punktgleich mit Rang {ahead.rank} („{ahead.label}“): "
    for key, better, word in _TIE_BREAKERS:
        a, b = getattr(ahead, key), getattr(this, key)
        if a != b:
            comparison = "höher" if better is max else "geringer"
            return start + f"dort ist der {word} {comparison} ({a} statt {b})."
    return start + "gleich bewertet, die Reihenfolge der Anforderungen entscheidet."


def _missing_note(missing: list[str]) -> str:
    return f"Noch nicht vollständig bewertet: {', '.join(missing)} {'fehlen' if len(missing) > 1 else 'fehlt'}."


def rank_needs(needs: list[dict], ratings: dict) -> list[RankedNeed]:
    """Needs in order of priority (pure); see SCORE_EXPLANATION for the formula and tie rules."""
    rated, unrated = [], []
    for position, need in enumerate(needs):
        values = ratings.get(str(need.get("id")), {}) or {}
        b, e, u = (values.get(k) for k in RATING_KEYS)
        base = dict(need_id=need.get("id"), label=need_label(need), group=need.get("group", ""),
                    who=need.get("who", ""), benefit=b, effort=e, urgency=u, quadrant=quadrant(b, e))
        missing = [RATING_LABELS[k] for k, v in zip(RATING_KEYS, (b, e, u)) if v is None]
        if missing:
            unrated.append(RankedNeed(rank=None, score=None, note=_missing_note(missing), **base))
        else:
            rated.append((-priority_score(b, e, u), -b, e, -u, position, base))
    rated.sort(key=lambda t: t[:5])
    result: list[RankedNeed] = []
    for rank, (neg_score, *_, base) in enumerate(rated, start=1):
        entry = RankedNeed(rank=rank, score=-neg_score, note="", **base)
        if result and result[-1].score == entry.score:
            entry = replace(entry, note=_tie_note(result[-1], entry))
        result.append(entry)
    return result + unrated


def matrix_groups(ranked: list[RankedNeed]) -> dict[str, list[RankedNeed]]:
    """Quadrant key -> the needs in it (in rank order); needs without position are left out."""
    groups: dict[str, list[RankedNeed]] = {key: [] for key in QUADRANTS}
    for entry in ranked:
        if entry.quadrant is not None:
            groups[entry.quadrant.key].append(entry)
    return groups
