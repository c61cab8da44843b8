"""Reflection journal ("Rollenreflexion"): private, dated, editable entries on the prompts lessons define.

Privacy rules (DSGVO: trainers see only what they need):
- An entry is private. Only its author reads, edits, deletes or exports it; editing keeps every
  earlier text with its date (visible to the author only).
- The author may share one entry with the trainer of a cohort they belong to. That trainer then
  reads the entry's current text (not its earlier versions) while they lead that cohort and the
  author is still a member; the author can withdraw the share at any time.
- A trainer otherwise learns only how many entries each member of their cohort has written.
- Admins have no special reading right here: the journal is personal, not course administration.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from progress import Store

from progress import cohorts as cohort_store
from progress import selfstudy as store
from progress.users import get_user

from .access import require_cohort, require_role, require_self
from .content import Catalog
from .display_names import cohort_names
from .identity import PermissionDenied, User
from .german_format import datetime_short

TEXT_MAX = 5000
_ORDERED = re.compile(r"^(\s*\d+)([.)])")
NOT_FOUND = "Diesen Eintrag gibt es nicht (mehr)."


class ReflectionError(ValueError):
    """Input the learner can fix; the German message is shown as it is."""


@dataclass(frozen=True)
class Prompt:
    lesson_id: str
    lesson_title: str
    id: str
    topic: str
    text: str

    @property
    def key(self) -> str:
        return f"{self.lesson_id}/{self.id}"


def prompts(catalog: Catalog) -> list[Prompt]:
    """Every reflection prompt of the course, lesson by lesson in catalog order."""
    return [Prompt(lesson.id, lesson.meta.title, p.id, p.topic, p.prompt)
            for lesson in catalog.lessons for p in lesson.meta.reflection_prompts]


def find_prompt(catalog: Catalog, lesson_id: str, prompt_id: str) -> Prompt | None:
    return next((p for p in prompts(catalog) if p.lesson_id == lesson_id and p.id == prompt_id), None)


def clean_text(text: str | None) -> str:
    cleaned = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not cleaned:
        raise ReflectionError("Bitte schreiben Sie etwas in das Feld, bevor Sie speichern.")
    if len(cleaned) > TEXT_MAX:
        raise ReflectionError(f"Ein Eintrag darf höchstens {TEXT_MAX} Zeichen lang sein (jetzt: {len(cleaned)}). "
                              "Teilen Sie längere Gedanken bitte auf mehrere Einträge auf.")
    return cleaned


# --- the author's own journal ---------------------------------------------------------------------


def add_entry(db: Store, actor: User, catalog: Catalog, lesson_id: str, prompt_id: str, text: str) -> int:
    require_self(actor, actor.id)
    if find_prompt(catalog, lesson_id, prompt_id) is None:
        raise ReflectionError("Diese Leitfrage gibt es nicht (mehr).")
    return store.insert_reflection(db, actor.id, lesson_id, prompt_id, clean_text(text))


def edit_entry(db: Store, actor: User, entry_id: int, text: str) -> None:
    require_self(actor, actor.id)
    if not store.update_reflection(db, actor.id, entry_id, clean_text(text)):
        raise ReflectionError(NOT_FOUND)


def delete_entry(db: Store, actor: User, entry_id: int) -> bool:
    require_self(actor, actor.id)
    return store.delete_reflection(db, actor.id, entry_id)


def my_entries(db: Store, actor: User) -> list[dict]:
    """The author's entries (newest first), each with ``shares`` (cohort and trainer names)."""
    require_self(actor, actor.id)
    return store.reflections_of(db, actor.id)


def entry_history(db: Store, actor: User, entry_id: int) -> list[dict]:
    """Earlier texts of one of the author's entries, newest first."""
    require_self(actor, actor.id)
    return store.versions_of(db, actor.id, entry_id)


def share_targets(db: Store, actor: User) -> list[dict]:
    """Cohorts of the author that have a trainer: {cohort_id, cohort_name, trainer_id, trainer_name}."""
    require_self(actor, actor.id)
    targets = []
    for cohort in cohort_store.cohorts_of_member(db, actor.id):
        trainer = get_user(db, cohort["trainer_id"]) if cohort["trainer_id"] else None
        if trainer is not None and not trainer.disabled and trainer.id != actor.id:
            targets.append({"cohort_id": cohort["id"], "cohort_name": cohort["name"], "trainer_id": trainer.id,
                            "trainer_name": trainer.display_name})
    return targets


def share_entry(db: Store, actor: User, entry_id: int, cohort_id: int) -> bool:
    """Share one entry with the current trainer of one of the author's cohorts; False if already shared."""
    require_self(actor, actor.id)
    target = next((t for t in share_targets(db, actor) if t["cohort_id"] == cohort_id), None)
    if target is None:
        raise PermissionDenied("Sie können nur mit der Trainerin oder dem Trainer einer Ihrer Kohorten teilen.")
    if store.get_reflection(db, actor.id, entry_id) is None:
        raise ReflectionError(NOT_FOUND)
    return store.share_reflection(db, actor.id, entry_id, cohort_id, target["trainer_id"])


def unshare_entry(db: Store, actor: User, entry_id: int, cohort_id: int) -> bool:
    require_self(actor, actor.id)
    return store.unshare_reflection(db, actor.id, entry_id, cohort_id)


# --- what trainers see -------------------------------------------------------------------------


def led_cohorts(db: Store, actor: User) -> list[dict]:
    """The cohorts the actor leads as trainer (an admin too only sees the cohorts they lead here)."""
    require_role(actor, "trainer", "admin")
    return cohort_store.cohorts_of_trainer(db, actor.id)


def _require_leader(db: Store, actor: User, cohort_id: int) -> None:
    cohort = require_cohort(db, actor, cohort_id)
    if cohort["trainer_id"] != actor.id:
        raise PermissionDenied("Diese Übersicht sieht nur die Trainerin oder der Trainer der Kohorte.")


def entry_counts(db: Store, actor: User, cohort_id: int, *, presenting: bool = False) -> list[dict]:
    """Per member of a cohort the actor leads: display name, number of entries, number shared with the actor.

    While presenting, ``display_name`` is the member's pseudonym, in pseudonym order (lotse.display_names)."""
    _require_leader(db, actor, cohort_id)
    rows = store.reflection_counts(db, cohort_id, actor.id)
    if not presenting:
        return rows
    names = cohort_names(db, cohort_id, True, actor.id)
    rows = sorted(rows, key=lambda r: names.order(r["user_id"], r["display_name"]))
    return [{**r, "display_name": names.of(r["user_id"], r["display_name"])} for r in rows]


def shared_with_me(db: Store, actor: User, cohort_id: int | None = None, *, presenting: bool = False) -> list[dict]:
    """Entries shared with the actor as trainer (only entries of current members of cohorts they lead).

    While presenting (the projector), ``learner_name`` is the pseudonym and ``text`` is None: an entry
    of the private journal was shared with the trainer alone, not with the room."""
    require_role(actor, "trainer", "admin")
    if cohort_id is not None:
        _require_leader(db, actor, cohort_id)
    rows = store.shared_with_trainer(db, actor.id, cohort_id)
    if not presenting:
        return rows
    names = {c: cohort_names(db, c, True, actor.id) for c in {r["cohort_id"] for r in rows}}
    rows = sorted(rows, key=lambda r: (r["cohort_id"], names[r["cohort_id"]].order(r["user_id"], r["learner_name"]),
                                       r["created_at"]))
    return [{**r, "learner_name": names[r["cohort_id"]].of(r["user_id"], r["learner_name"]), "text": None}
            for r in rows]


def read_entry(db: Store, actor: User, entry_id: int) -> dict:
    """One entry: the author's own, or one shared with the actor. Anything else is refused alike,
    so a refusal does not tell whether the entry exists."""
    if actor.disabled:
        raise PermissionDenied(NOT_FOUND)
    own = store.get_reflection(db, actor.id, entry_id)
    if own is not None:
        return own
    shared = store.shared_entry_for_trainer(db, actor.id, entry_id) if actor.is_trainer else None
    if shared is None:
        raise PermissionDenied(NOT_FOUND)
    return shared


# --- export ------------------------------------------------------------------------------------------


def _local(stamp: str) -> str:
    return f"{datetime_short(stamp)} Uhr"


def export_data(db: Store, actor: User, catalog: Catalog) -> list[dict]:
    """The author's entries with prompt, dates, earlier versions and shares (oldest first)."""
    require_self(actor, actor.id)
    rows = []
    for entry in reversed(store.reflections_of(db, actor.id)):
        prompt = find_prompt(catalog, entry["lesson_id"], entry["prompt_id"])
        rows.append({
            "lesson": entry["lesson_id"], "prompt_id": entry["prompt_id"],
            "topic": prompt.topic if prompt else None, "prompt": prompt.text if prompt else None,
            "text": entry["text"], "created_at": entry["created_at"], "updated_at": entry["updated_at"],
            "earlier_versions": [{"text": v["text"], "written_at": v["written_at"]}
                                 for v in store.versions_of(db, actor.id, entry["id"])],
            "shared_with": [{"cohort": s["cohort_name"], "trainer": s["trainer_name"], "shared_at": s["shared_at"]}
                            for s in entry["shares"]],
        })
    return rows


def export_json(db: Store, actor: User, catalog: Catalog) -> str:
    return json.dumps({"journal": export_data(db, actor, catalog)}, ensure_ascii=False, indent=2)


def _md_escape(text: str) -> str:
    """Own text in a Markdown file stays text: headings, lists and HTML are not interpreted."""
    escaped = text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    lines = []
    for line in escaped.split("\n"):
        stripped = line.lstrip()
        if stripped[:1] and stripped[:1] in "#>-+*=|`~_[":
            line = line[: len(line) - len(stripped)] + "\\" + stripped
        line = _ORDERED.sub(r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


def export_markdown(db: Store, actor: User, catalog: Catalog) -> str:
    lines = [f"# Mein Reflexionsjournal – {_md_escape(actor.display_name)}", ""]
    entries = export_data(db, actor, catalog)
    if not entries:
        lines.append("Noch keine Einträge.")
    for entry in entries:
        lines += [f"## {entry['topic'] or 'Leitfrage'}: {entry['prompt'] or entry['prompt_id']}", "",
                  f"*Geschrieben am {_local(entry['created_at'])}"
                  + (f", zuletzt geändert am {_local(entry['updated_at'])}" if entry["updated_at"] != entry["created_at"] else "")
                  + "*", "", _md_escape(entry["text"]), ""]
        for version in entry["earlier_versions"]:
            lines += [f"Frühere Fassung vom {_local(version['written_at'])}:", "", _md_escape(version["text"]), ""]
    return "\n".join(lines)
