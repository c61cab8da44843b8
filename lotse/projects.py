"""Projektwerkstatt: a learner's own digitalisation project, carried through the four steps of
lesson 6-2 ("Vom Ist zur Maßnahme"): Ist-Analyse, Anforderungen, Priorisierung, Maßnahmen.

Privacy by design. A project is private to its owner. The owner may share it with the trainer of
one cohort they are a member of; that trainer (whoever leads the cohort now) may then read the
current state and comment per step, for as long as the owner stays a member and keeps sharing.
Nobody else reads it: not other learners, not other trainers, and not administrators either
(an admin reads a project only when they lead the cohort it is shared with). The version history
stays with the owner; trainers see the current state only.

Saving. Pages autosave on every change, so saving must never lose text: length limits and wrong
types are refused with a German message (``ProjectError``), but an item with a required field
still empty is kept and reported as a hint, to be completed later. Items with every field empty
are dropped. Each save that changes something appends a version; restoring a version saves its
content again as a new version, so a restore can itself be undone.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from progress import cohorts as cohort_sql
from progress import projects as store
from progress.db import utc_now
from progress.users import get_user

from .access import require_role
from .identity import PermissionDenied, User

# --- steps, fields and limits -----------------------------------------------------------------

STEPS = ("ist", "anforderungen", "priorisierung", "massnahmen")
SECTIONS = ("rahmen",) + STEPS  # "rahmen": title and subject of the project, versioned like a step
STEP_LABELS = {"rahmen": "Projekt", "ist": "Ist-Analyse", "anforderungen": "Anforderungen",
               "priorisierung": "Priorisierung", "massnahmen": "Maßnahmen"}
# The four building blocks of the course, worded as in lesson 6-2.
STEP_TITLES = {"ist": "Vorhandene Strukturen analysieren", "anforderungen": "Anforderungen erfassen",
               "priorisierung": "Handlungsbedarfe priorisieren", "massnahmen": "Maßnahmen ableiten"}
LESSON_ID = "6-2-vom-ist-zur-massnahme"
AGILE_LESSON_ID = "6-3-agile-arbeitsformen"
# (lesson id, section anchor, link text) per step: the guided forms follow these lessons.
STEP_LESSONS = {
    "ist": [(LESSON_ID, "strukturen-analysieren", "Lektion „Vom Ist zur Maßnahme“: Schritt 1")],
    "anforderungen": [(LESSON_ID, "anforderungen-erfassen", "Lektion „Vom Ist zur Maßnahme“: Schritt 2"),
                      ("6-1-nutzerzentrierung-service-design", "doppelte-nutzerzentrierung",
                       "Lektion „Nutzerzentrierung und Service Design“")],
    "priorisierung": [(LESSON_ID, "priorisieren", "Lektion „Vom Ist zur Maßnahme“: Schritt 3")],
    "massnahmen": [(LESSON_ID, "massnahmen-ableiten", "Lektion „Vom Ist zur Maßnahme“: Schritt 4"),
                   (AGILE_LESSON_ID, "werkzeuge", "Lektion „Agile Arbeitsformen und Werkzeuge“: Kanban-Board")],
}
GUIDANCE = {
    "ist": "Wie läuft es heute wirklich? Halten Sie fest, wer beteiligt ist, welche Schritte es vom Eingang "
           "bis zum Ergebnis gibt, wo auf Papier, per E-Mail oder im Fachverfahren gearbeitet wird und wo "
           "Daten abgetippt werden (Medienbrüche). Erheben Sie das am besten mit den Menschen, die den "
           "Ablauf täglich erledigen.",
    "anforderungen": "Was brauchen die Menschen, die mit dem Ablauf zu tun haben – Bürgerinnen und Bürger "
                     "ebenso wie Kolleginnen und Kollegen? Halten Sie jede Anforderung in einem Satz fest: "
                     "Wer braucht was, damit welches Ergebnis eintritt. Trennen Sie den Bedarf vom "
                     "Lösungswunsch: „Wir brauchen eine App“ ist ein Lösungswunsch.",
    "priorisierung": "Was ist am wichtigsten und machbar? Schätzen Sie für jede Anforderung Nutzen, Aufwand "
                     "und Dringlichkeit grob von 1 bis 5, am besten gemeinsam im Team. Es geht nicht um exakte "
                     "Zahlen, sondern um eine nachvollziehbare Diskussion. Halten Sie fest, was Sie "
                     "zurückstellen und warum.",
    "massnahmen": "Was tun wir konkret, wer, bis wann? Eine Maßnahme ist so konkret beschrieben, dass jemand "
                  "morgen damit anfangen kann: Ziel, Inhalt, Verantwortung, Ressourcen und Zeitplan. Das "
                  "Board zeigt wie ein Kanban-Board, was offen, in Arbeit und erledigt ist.",
}

STATUSES = ("Offen", "In Arbeit", "Erledigt")
GROUPS = ("Bürgerinnen und Bürger", "Kolleginnen und Kollegen")

TITLE_MAX = 120
SUBJECT_MAX = 200
SHORT_MAX = 200
ITEM_TEXT_MAX = 300
LONG_MAX = 2000
COMMENT_MAX = 2000
VERSIONS_KEPT = 200  # per project and step; older versions are deleted
DISPLAY_ZONE = "Europe/Berlin"

NOT_VISIBLE = "Dieses Projekt gibt es nicht, oder Sie dürfen es nicht sehen."
OWNER_ONLY = "Nur die Verfasserin oder der Verfasser kann dieses Projekt ändern."


class ProjectError(ValueError):
    """Input a person can fix; the message is German and shown as it is."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    limit: int = ITEM_TEXT_MAX
    kind: str = "text"  # text | long | choice | date | ref
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class ListSpec:
    key: str
    label: str  # the list, e.g. "Beteiligte"
    item: str  # one entry, e.g. "Beteiligte Stelle"
    fields: tuple[Field, ...]
    max_items: int = 30


@dataclass(frozen=True)
class StepSpec:
    lists: tuple[ListSpec, ...] = ()
    texts: tuple[Field, ...] = ()


SPECS: dict[str, StepSpec] = {
    "ist": StepSpec(
        lists=(
            ListSpec("actors", "Beteiligte", "Beteiligte", (
                Field("name", "Wer ist beteiligt? (Person, Stelle oder Rolle)", required=True),
                Field("task", "Aufgabe im Ablauf"))),
            ListSpec("process_steps", "Ablaufschritte heute", "Schritt", (
                Field("step", "Was geschieht?", required=True),
                Field("who", "Wer erledigt den Schritt?"),
                Field("medium", "Womit? (Papier, E-Mail, Tabelle, Fachverfahren …)")), max_items=40),
        ),
        texts=(
            Field("systems", "Systeme und Medien", LONG_MAX, "long",
                  help="Welche Programme, Formulare und Ablagen werden genutzt?"),
            Field("media_breaks", "Medienbrüche", LONG_MAX, "long",
                  help="Wo werden Daten abgetippt, ausgedruckt oder von einem System ins andere übertragen?"),
            Field("volumes", "Mengen und Zeiten", LONG_MAX, "long",
                  help="Wie viele Fälle pro Monat? Wie lange dauert ein Fall, wie viel davon ist Warten?"),
            Field("pain_points", "Schmerzpunkte", LONG_MAX, "long", required=True,
                  help="Was ärgert Beschäftigte oder Bürgerinnen und Bürger? Wo passieren Fehler?"),
        ),
    ),
    "anforderungen": StepSpec(
        lists=(
            ListSpec("needs", "Anforderungen", "Anforderung", (
                Field("group", "Für wen?", kind="choice", choices=GROUPS, required=True),
                Field("who", "Wer braucht es?", required=True),
                Field("what", "Was wird gebraucht?", required=True),
                Field("why", "Damit … (welches Ergebnis eintritt)"))),
        ),
        texts=(
            Field("methods", "Wie haben Sie die Anforderungen erhoben?", LONG_MAX, "long",
                  help="Zum Beispiel Gespräche, Hospitation, Auswertung von Rückfragen, Umfrage, Workshop."),
        ),
    ),
    "priorisierung": StepSpec(
        texts=(
            Field("rationale", "Begründung: Was stellen Sie zurück und warum?", LONG_MAX, "long"),
        ),
    ),
    "massnahmen": StepSpec(
        lists=(
            ListSpec("measures", "Maßnahmen", "Maßnahme", (
                Field("title", "Was genau wird getan?", required=True),
                Field("need", "Welcher Bedarf wird gedeckt?", kind="ref"),
                Field("owner", "Verantwortlich", SHORT_MAX, required=True),
                Field("due", "Umgesetzt bis", kind="date", required=True),
                Field("status", "Stand", kind="choice", choices=STATUSES),
                Field("success", "Woran messen Sie den Erfolg?"),
                Field("resources", "Ressourcen (Zeit, Geld)"))),
        ),
    ),
}
RATING_KEYS = ("benefit", "effort", "urgency")
RATING_LABELS = {"benefit": "Nutzen", "effort": "Aufwand", "urgency": "Dringlichkeit"}
RATING_MIN, RATING_MAX = 1, 5
MAX_RATINGS = 200


# --- text helpers -----------------------------------------------------------------------------

def _clean_text(value: object, label: str, limit: int, multiline: bool) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise ProjectError(f"«{label}»: bitte einen Text eingeben.")
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    # Control characters (other than line breaks and tabs) only cause trouble in exports.
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = "\n".join(line.rstrip() for line in text.strip().split("\n")) if multiline else " ".join(text.split())
    if len(text) > limit:
        raise ProjectError(f"«{label}» darf höchstens {limit} Zeichen lang sein (jetzt: {len(text)}).")
    return text


def _clean_date(value: object, label: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ProjectError(f"«{label}»: bitte ein Datum im Format TT.MM.JJJJ angeben.") from None


def _clean_rating(value: object, label: str) -> int | None:
    if isinstance(value, bool):
        raise ProjectError(f"«{label}»: bitte eine Zahl von {RATING_MIN} bis {RATING_MAX} wählen.")
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
        raise ProjectError(f"«{label}»: bitte eine Zahl von {RATING_MIN} bis {RATING_MAX} wählen.")
    return value


def _clean_id(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 and not isinstance(value, bool) else None


# --- validation of step contents --------------------------------------------------------------

def empty_content(step: str) -> dict:
    if step == "rahmen":
        return {"title": "", "subject": ""}
    spec = SPECS[step]
    content: dict = {lst.key: [] for lst in spec.lists}
    content.update({f.key: "" for f in spec.texts})
    if step == "priorisierung":
        content["ratings"] = {}
    if spec.lists:
        content["next_id"] = 1
    return content


def _clean_field(f: Field, value: object, label: str) -> object:
    if f.kind == "date":
        return _clean_date(value, label)
    if f.kind == "ref":
        return _clean_id(value)
    text = _clean_text(value, label, f.limit, multiline=f.kind == "long")
    if f.kind == "choice" and text and text not in f.choices:
        raise ProjectError(f"«{label}»: bitte einen der Werte {', '.join(f.choices)} wählen.")
    return text


def _clean_list(spec: ListSpec, items: object, next_id: int) -> tuple[list[dict], list[str], int]:
    if items is None:
        items = []
    if not isinstance(items, (list, tuple)):
        raise ProjectError(f"«{spec.label}»: ungültige Eingabe.")
    cleaned, hints, seen = [], [], set()
    for item in items:
        if not isinstance(item, dict):
            raise ProjectError(f"«{spec.label}»: ungültige Eingabe.")
        number = len(cleaned) + 1
        values = {f.key: _clean_field(f, item.get(f.key), f"{spec.item} {number}: {f.label}") for f in spec.fields}
        if not any(v for k, v in values.items() if not (k == "status" and v == STATUSES[0])):
            continue  # an entirely empty entry (a fresh "Offen" measure counts as empty too)
        if len(cleaned) == spec.max_items:
            raise ProjectError(f"«{spec.label}»: höchstens {spec.max_items} Einträge.")
        item_id = _clean_id(item.get("id"))
        if item_id is None or item_id in seen:
            item_id = next_id
        seen.add(item_id)
        next_id = max(next_id, item_id + 1)
        if "status" in values and not values["status"]:
            values["status"] = STATUSES[0]
        missing = [f.label for f in spec.fields if f.required and not values[f.key]]
        if missing:
            hints.append(f"{spec.item} {number}: Bitte ergänzen Sie {', '.join('«' + m + '»' for m in missing)}.")
        cleaned.append({"id": item_id, **values})
    return cleaned, hints, next_id


def _clean_ratings(ratings: object) -> dict[str, dict]:
    if ratings is None:
        return {}
    if not isinstance(ratings, dict) or len(ratings) > MAX_RATINGS:
        raise ProjectError("«Bewertungen»: ungültige Eingabe.")
    cleaned = {}
    for key, values in ratings.items():
        need_id = _clean_id(key)
        if need_id is None or not isinstance(values, dict):
            raise ProjectError("«Bewertungen»: ungültige Eingabe.")
        row = {k: _clean_rating(values.get(k), RATING_LABELS[k]) for k in RATING_KEYS}
        if any(v is not None for v in row.values()):
            cleaned[str(need_id)] = row
    return dict(sorted(cleaned.items(), key=lambda kv: int(kv[0])))


def clean_step(step: str, content: object, previous: dict | None = None) -> tuple[dict, list[str]]:
    """Validated, normalised content of one step and the hints about incomplete entries.

    Raises ProjectError for what cannot be stored (too long, wrong type, unknown choice, bad date).
    ``previous`` (the current content) keeps item ids unique across deletions: an id once used in
    this step is never given to a new entry, so ratings and measures never jump to another need.
    """
    if step not in SECTIONS:
        raise ProjectError("Unbekannter Schritt.")
    if not isinstance(content, dict):
        raise ProjectError("Ungültige Eingabe.")
    if step == "rahmen":
        title = _clean_text(content.get("title"), "Titel", TITLE_MAX, multiline=False)
        if not title:
            raise ProjectError("Bitte geben Sie Ihrem Projekt einen Titel.")
        return {"title": title, "subject": _clean_text(content.get("subject"), "Vorgang oder Leistung",
                                                       SUBJECT_MAX, multiline=False)}, []
    spec = SPECS[step]
    result, hints = empty_content(step), []
    next_id = max(_clean_id(content.get("next_id")) or 1, _clean_id((previous or {}).get("next_id")) or 1)
    for lst in spec.lists:
        result[lst.key], found, next_id = _clean_list(lst, content.get(lst.key), next_id)
        hints += found
    for f in spec.texts:
        result[f.key] = _clean_field(f, content.get(f.key), f.label)
    if step == "priorisierung":
        result["ratings"] = _clean_ratings(content.get("ratings"))
    if spec.lists:
        result["next_id"] = next_id
    return result, hints


# --- the project as pages see it ----------------------------------------------------------------

@dataclass(frozen=True)
class Saved:
    version_no: int
    saved_at: str


@dataclass(frozen=True)
class Project:
    id: int
    owner_id: int
    owner_name: str
    title: str
    subject: str
    shared_cohort_id: int | None
    shared_at: str | None
    created_at: str
    updated_at: str
    steps: dict[str, dict]
    saved: dict[str, Saved]
    readonly: bool = False

    @property
    def needs(self) -> list[dict]:
        return self.steps["anforderungen"]["needs"]

    @property
    def measures(self) -> list[dict]:
        return self.steps["massnahmen"]["measures"]

    @property
    def ratings(self) -> dict[str, dict]:
        return self.steps["priorisierung"]["ratings"]

    def last_saved(self) -> Saved | None:
        return max(self.saved.values(), key=lambda s: s.version_no, default=None)


@dataclass(frozen=True)
class SaveResult:
    version_no: int
    saved_at: str
    changed: bool
    hints: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VersionInfo:
    version_no: int
    step: str
    saved_at: str
    note: str
    summary: str
    content: dict


def _load_content(step: str, text: str) -> dict:
    """Stored JSON back to a complete content dict.

    Stored content was validated when saved; should a later release tighten a limit, the stored
    values are still shown (never silently emptied) and the next save reports what to shorten.
    """
    try:
        raw = json.loads(text)
    except ValueError:
        return empty_content(step)
    try:
        return clean_step(step, raw)[0]
    except ProjectError:
        content = empty_content(step)
        content.update({key: raw[key] for key in content if isinstance(raw, dict) and key in raw})
        return content


def _project(db: Database, row: dict, readonly: bool) -> Project:
    current = store.current_steps(db, row["id"])
    steps = {s: _load_content(s, current[s]["content"]) if s in current else empty_content(s) for s in STEPS}
    saved = {s: Saved(r["version_no"], r["saved_at"]) for s, r in current.items()}
    owner = get_user(db, row["owner_id"])
    return Project(row["id"], row["owner_id"], owner.display_name if owner else "", row["title"], row["subject"],
                   row["shared_cohort_id"], row["shared_at"], row["created_at"], row["updated_at"],
                   steps, saved, readonly)


# --- authorisation ----------------------------------------------------------------------------

def _row(db: Database, project_id: object) -> dict | None:
    number = _clean_id(project_id)
    return store.get_project(db, number) if number is not None else None


def _owned(db: Database, actor: User, project_id: object) -> dict:
    """The project row if ``actor`` owns it; PermissionDenied otherwise (unknown ids alike)."""
    row = _row(db, project_id)
    if actor is None or actor.disabled or row is None or row["owner_id"] != actor.id:
        raise PermissionDenied(NOT_VISIBLE)
    return row


def trainer_may_read(db: Database, actor: User, project_id: int) -> bool:
    """The trainer rule: shared with a cohort the actor leads, and the owner is still a member."""
    return (actor is not None and not actor.disabled and actor.role in ("trainer", "admin")
            and store.trainer_reads_project(db, actor.id, project_id))


def can_read(db: Database, actor: User, project_id: object) -> bool:
    row = _row(db, project_id)
    if row is None or actor is None or actor.disabled:
        return False
    return row["owner_id"] == actor.id or trainer_may_read(db, actor, row["id"])


def _readable(db: Database, actor: User, project_id: object) -> dict:
    row = _row(db, project_id)
    if row is None or not can_read(db, actor, row["id"]):
        raise PermissionDenied(NOT_VISIBLE)
    return row


# --- create, list, load, save -----------------------------------------------------------------

def create_project(db: Database, actor: User, title: str, subject: str = "") -> Project:
    require_role(actor, "learner", "trainer", "admin")
    basics, _ = clean_step("rahmen", {"title": title, "subject": subject})
    now = utc_now()
    project_id = store.insert_project(db, actor.id, basics["title"], basics["subject"], now)
    store.save_step(db, project_id, "rahmen", _dump(basics), "Projekt angelegt", now,
                    basics=(basics["title"], basics["subject"]), keep=VERSIONS_KEPT)
    return load_project(db, actor, project_id)


def list_projects(db: Database, actor: User) -> list[dict]:
    """The actor's own projects, newest change first, each with the step reached."""
    require_role(actor, "learner", "trainer", "admin")
    result = []
    for row in store.projects_of_owner(db, actor.id):
        project = _project(db, row, readonly=False)
        result.append({"id": row["id"], "title": row["title"], "subject": row["subject"],
                       "updated_at": row["updated_at"], "shared": row["shared_cohort_id"] is not None,
                       "reached": reached_step(project.steps), "reached_label": reached_label(project.steps),
                       "progress": step_progress(project.steps)})
    return result


def load_project(db: Database, actor: User, project_id: object) -> Project:
    """The project for its owner (editable) or for the trainer it is shared with (read-only)."""
    row = _readable(db, actor, project_id)
    return _project(db, row, readonly=row["owner_id"] != actor.id)


def _dump(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def save_step(db: Database, actor: User, project_id: object, step: str, content: dict,
              note: str = "") -> SaveResult:
    """Validate and store one step (a new version when something changed)."""
    row = _owned(db, actor, project_id)
    current = store.current_steps(db, row["id"]).get(step)
    previous = _load_content(step, current["content"]) if current else None
    if step == "rahmen" and current is None:
        previous = {"title": row["title"], "subject": row["subject"]}
    cleaned, hints = clean_step(step, content, previous)
    if previous is not None and _dump(previous) == _dump(cleaned):
        if current is None:  # rahmen unchanged and never versioned (should not happen): nothing to do
            return SaveResult(0, row["updated_at"], False, hints)
        return SaveResult(current["version_no"], current["saved_at"], False, hints)
    now = utc_now()
    basics = (cleaned["title"], cleaned["subject"]) if step == "rahmen" else None
    version_no = store.save_step(db, row["id"], step, _dump(cleaned), note, now, basics=basics, keep=VERSIONS_KEPT)
    return SaveResult(version_no, now, True, hints)


def save_basics(db: Database, actor: User, project_id: object, title: str, subject: str) -> SaveResult:
    return save_step(db, actor, project_id, "rahmen", {"title": title, "subject": subject})


def step_hints(project: Project, step: str) -> list[str]:
    """What is still missing in a step (incomplete entries), as German sentences."""
    return clean_step(step, project.steps[step])[1] if step in STEPS else []


def delete_project(db: Database, actor: User, project_id: object) -> None:
    """Delete a project with all versions and comments (owner only)."""
    row = _owned(db, actor, project_id)
    store.delete_project(db, row["id"])


# --- versions ---------------------------------------------------------------------------------

def summarize(step: str, content: dict) -> str:
    """A one-line German description of a step's content, for the version list."""
    if step == "rahmen":
        return f"Titel: {content.get('title', '')}"
    parts = []
    for lst in SPECS[step].lists:
        count = len(content.get(lst.key, []))
        parts.append(f"{lst.label}: {count}")
    filled = [f.label for f in SPECS[step].texts if content.get(f.key)]
    if step == "priorisierung":
        parts.append(f"bewertet: {len(content.get('ratings', {}))}")
    if filled:
        parts.append("ausgefüllt: " + ", ".join(filled))
    return "; ".join(parts) or "leer"


def versions(db: Database, actor: User, project_id: object, step: str, limit: int = 50) -> list[VersionInfo]:
    """The newest versions of a step (owner only: the history of drafts stays private)."""
    row = _owned(db, actor, project_id)
    if step not in SECTIONS:
        raise ProjectError("Unbekannter Schritt.")
    result = []
    for v in store.versions_of(db, row["id"], step, limit):
        content = _load_content(step, v["content"]) if step != "rahmen" else json.loads(v["content"])
        result.append(VersionInfo(v["version_no"], step, v["saved_at"], v["note"], summarize(step, content), content))
    return result


def restore_version(db: Database, actor: User, project_id: object, version_no: object) -> SaveResult:
    """Make an older version current again, stored as a new version (so it can be undone)."""
    row = _owned(db, actor, project_id)
    number = _clean_id(version_no)
    version = store.get_version(db, row["id"], number) if number is not None else None
    if version is None:
        raise ProjectError("Diese Version gibt es nicht (mehr).")
    content = json.loads(version["content"])
    return save_step(db, actor, row["id"], version["step"], content,
                     note=f"Wiederhergestellt aus Version {version['version_no']}")


# --- sharing ----------------------------------------------------------------------------------

def share_options(db: Database, actor: User) -> list[dict]:
    """Cohorts the actor is a member of and that have a trainer: id, name, trainer_name."""
    require_role(actor, "learner", "trainer", "admin")
    options = []
    for cohort in cohort_sql.cohorts_of_member(db, actor.id):
        trainer = get_user(db, cohort["trainer_id"]) if cohort["trainer_id"] else None
        if trainer is not None and trainer.id != actor.id:
            options.append({"id": cohort["id"], "name": cohort["name"], "trainer_name": trainer.display_name})
    return options


def share_project(db: Database, actor: User, project_id: object, cohort_id: object) -> None:
    """Share with the trainer of ``cohort_id`` (a cohort the owner is a member of)."""
    row = _owned(db, actor, project_id)
    number = _clean_id(cohort_id)
    if number is None or number not in {c["id"] for c in share_options(db, actor)}:
        raise ProjectError("Sie können nur mit der Trainerin oder dem Trainer einer Ihrer Kohorten teilen.")
    store.set_share(db, row["id"], number, utc_now())


def unshare_project(db: Database, actor: User, project_id: object) -> None:
    row = _owned(db, actor, project_id)
    store.set_share(db, row["id"], None, None)


def shared_with(db: Database, actor: User, project: Project) -> dict | None:
    """Whom the owner's project is shared with (cohort and trainer name), for the owner's page."""
    if project.owner_id != actor.id or project.shared_cohort_id is None:
        return None
    return next((c for c in share_options(db, actor) if c["id"] == project.shared_cohort_id), None)


def shared_projects(db: Database, actor: User, cohort_id: object) -> list[dict]:
    """Projects shared with the actor in a cohort the actor leads, with the step each has reached.

    An admin who does not lead the cohort gets PermissionDenied: projects are not admin data.
    """
    require_role(actor, "trainer", "admin")
    number = _clean_id(cohort_id)
    cohort = cohort_sql.get_cohort(db, number) if number is not None else None
    if cohort is None or cohort["trainer_id"] != actor.id:
        raise PermissionDenied("Geteilte Projekte sieht nur die Trainerin oder der Trainer der Kohorte.")
    result = []
    for row in store.shared_projects_of_cohort(db, number):
        project = _project(db, row, readonly=True)
        result.append({"id": row["id"], "title": row["title"], "subject": row["subject"],
                       "owner_name": row["owner_name"], "updated_at": row["updated_at"],
                       "shared_at": row["shared_at"], "comments": row["comments"],
                       "reached": reached_step(project.steps), "reached_label": reached_label(project.steps),
                       "progress": step_progress(project.steps)})
    return result


# --- comments ---------------------------------------------------------------------------------

def _comment_body(body: object) -> str:
    text = _clean_text(body, "Kommentar", COMMENT_MAX, multiline=True)
    if not text:
        raise ProjectError("Bitte schreiben Sie einen Text.")
    return text


def add_comment(db: Database, actor: User, project_id: object, step: str, body: object) -> int:
    """A trainer's comment on one step of a project shared with them."""
    row = _row(db, project_id)
    if row is None or not trainer_may_read(db, actor, row["id"]):
        raise PermissionDenied(NOT_VISIBLE)
    if step not in SECTIONS:
        raise ProjectError("Unbekannter Schritt.")
    return store.insert_comment(db, row["id"], step, actor.id, _comment_body(body), utc_now())


def answer_comment(db: Database, actor: User, project_id: object, comment_id: object, body: object) -> int:
    """An answer to a comment, by the owner (or by the trainer who may read the project)."""
    row = _readable(db, actor, project_id)
    number = _clean_id(comment_id)
    parent = store.get_comment(db, number) if number is not None else None
    if parent is None or parent["project_id"] != row["id"]:
        raise ProjectError("Diesen Kommentar gibt es nicht (mehr).")
    root = parent["parent_id"] or parent["id"]  # answers stay in one flat thread
    return store.insert_comment(db, row["id"], parent["step"], actor.id, _comment_body(body), utc_now(),
                                parent_id=root)


def comments(db: Database, actor: User, project_id: object) -> dict[str, list[dict]]:
    """step -> threads (oldest first), each {id, author_name, body, created_at, answers: [...]}."""
    row = _readable(db, actor, project_id)
    threads: dict[str, list[dict]] = {s: [] for s in SECTIONS}
    by_id: dict[int, dict] = {}
    for c in store.comments_of(db, row["id"]):
        entry = {"id": c["id"], "author_name": c["author_name"], "body": c["body"], "created_at": c["created_at"],
                 "by_owner": c["author_id"] == row["owner_id"], "answers": []}
        if c["parent_id"] is None:
            by_id[c["id"]] = entry
            threads.setdefault(c["step"], []).append(entry)
        elif c["parent_id"] in by_id:
            by_id[c["parent_id"]]["answers"].append(entry)
    return threads


# --- prioritisation (pure) --------------------------------------------------------------------

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


def _tie_note(ahead: RankedNeed, this: RankedNeed) -> str:
    start = f"Punktgleich mit Rang {ahead.rank} („{ahead.label}“): "
    for key, better, word in (("benefit", max, "Nutzen"), ("effort", min, "Aufwand"), ("urgency", max, "Dringlichkeit")):
        a, b = getattr(ahead, key), getattr(this, key)
        if a != b:
            comparison = "höher" if better is max else "geringer"
            return start + f"dort ist der {word} {comparison} ({a} statt {b})."
    return start + "gleich bewertet, die Reihenfolge der Anforderungen entscheidet."


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
            note = f"Noch nicht vollständig bewertet: {', '.join(missing)} {'fehlen' if len(missing) > 1 else 'fehlt'}."
            unrated.append(RankedNeed(rank=None, score=None, note=note, **base))
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


# --- progress (pure) --------------------------------------------------------------------------

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


def step_progress(steps: dict[str, dict]) -> dict[str, str]:
    """step -> "leer" | "begonnen" | "vollständig"."""
    result = {}
    for step in STEPS:
        content = steps[step]
        if step == "priorisierung":
            needs = {str(n["id"]) for n in steps["anforderungen"]["needs"]}
            begun = bool(content["rationale"]) or any(k in needs for k in content["ratings"])
        else:
            begun = _has_text({k: v for k, v in content.items() if k != "next_id"})
        result[step] = "vollständig" if _complete(step, steps) else "begonnen" if begun else "leer"
    return result


def reached_step(steps: dict[str, dict]) -> str | None:
    """The furthest step worked on (begun or complete); None for an empty canvas."""
    progress = step_progress(steps)
    reached = [s for s in STEPS if progress[s] != "leer"]
    return reached[-1] if reached else None


def reached_label(steps: dict[str, dict]) -> str:
    progress = step_progress(steps)
    step = reached_step(steps)
    done = sum(1 for s in STEPS if progress[s] == "vollständig")
    if step is None:
        return "noch nicht begonnen"
    return f"Schritt {STEPS.index(step) + 1} von 4: {STEP_LABELS[step]} ({progress[step]}; {done} von 4 vollständig)"


# --- times for display ------------------------------------------------------------------------

def _local(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(ZoneInfo(DISPLAY_ZONE))
    except Exception:  # no time zone data on this machine: show UTC rather than fail
        return moment


def local_time(iso: str) -> str:
    """HH:MM in German local time, for "Gespeichert um …"."""
    return _local(iso).strftime("%H:%M")


def local_datetime(iso: str) -> str:
    return _local(iso).strftime("%d.%m.%Y, %H:%M")


def german_date(iso: str) -> str:
    """TT.MM.JJJJ from an ISO date (empty in, empty out)."""
    return date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else ""
