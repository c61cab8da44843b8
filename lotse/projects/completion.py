"""How far a project has come (pure): each step "leer", "begonnen" or "vollständig", and the
furthest step worked on, for the owner's list and the trainer's overview."""

from __future__ import annotations

from .canvas import STEP_LABELS, STEPS
from .ranking import rank_needs


def _has_text(content: dict) -> bool:
    for value in content.values():
        if isinstance(value, str) and value:
            return True
        if isinstance(value, (list, dict)) and value:
            return True
    return False


def _complete(step: str, steps: dict[str, dict]) -> bool:
    content = steps[step]
    if step == "ist":
        return (any(a["name"] for a in content["actors"]) and any(s["step"] for s in content["process_steps"])
                and bool(content["pain_points"]))
    if step == "anforderungen":
        return any(n["what"] and n["who"] for n in content["needs"])
    if step == "priorisierung":
        needs = steps["anforderungen"]["needs"]
        ranked = rank_needs(needs, content["ratings"])
        return bool(needs) and all(r.rank is not None for r in ranked)
    return any(m["title"] and m["owner"] and m["due"] for m in content["measures"])


def _begun(step: str, steps: dict[str, dict]) -> bool:
    content = steps[step]
    if step == "priorisierung":
        # Ratings of deleted needs stay stored but do not count as work on this step.
        needs = {str(n["id"]) for n in steps["anforderungen"]["needs"]}
        return bool(content["rationale"]) or any(k in needs for k in content["ratings"])
    return _has_text({k: v for k, v in content.items() if k != "next_id"})


def step_progress(steps: dict[str, dict]) -> dict[str, str]:
    """step -> "leer" | "begonnen" | "vollständig"."""
    return {step: "vollständig" if _complete(step, steps) else "begonnen" if _begun(step, steps) else "leer"
            for step in STEPS}


def _furthest(progress: dict[str, str]) -> str | None:
    reached = [s for s in STEPS if progress[s] != "leer"]
    return reached[-1] if reached else None


def _describe(progress: dict[str, str]) -> str:
    step = _furthest(progress)
    if step is None:
        return "noch nicht begonnen"
    done = sum(1 for s in STEPS if progress[s] == "vollständig")
    return f"Schritt {STEPS.index(step) + 1} von 4: {STEP_LABELS[step]} ({progress[step]}; {done} von 4 vollständig)"


def reached_step(steps: dict[str, dict]) -> str | None:
    """The furthest step worked on (begun or complete); None for an empty canvas."""
    return _furthest(step_progress(steps))


def reached_label(steps: dict[str, dict]) -> str:
    return _describe(step_progress(steps))


def progress_fields(steps: dict[str, dict]) -> dict:
    """The "reached", "reached_label" and "progress" entries of a project overview row."""
    progress = step_progress(steps)
    return {"reached": _furthest(progress), "reached_label": _describe(progress), "progress": progress}
