"""Names or pseudonyms for the people in a cohort (presentation mode for the projector).

Pseudonyms are "Person 1..n" in a stable order (by account id), so the same person keeps
the same number on every cockpit page and in every export during a seminar.
"""

from __future__ import annotations

from collections import Counter

PSEUDONYM = "Person {}"


def participant_labels(members: list[dict], pseudonymous: bool) -> dict[int, str]:
    """Map user id -> what the cockpit shows; equal display names get a number so rows stay apart."""
    ordered = sorted(members, key=lambda m: m["id"])
    if pseudonymous:
        return {m["id"]: PSEUDONYM.format(i) for i, m in enumerate(ordered, start=1)}
    counts = Counter(m["display_name"] for m in ordered)
    seen: Counter = Counter()
    labels = {}
    for m in ordered:
        name = m["display_name"]
        seen[name] += 1
        labels[m["id"]] = f"{name} ({seen[name]})" if counts[name] > 1 else name
    return labels
