"""Taking imported questions into the course from the browser, with versions to undo it.

The quiz files in ``quizzes/`` stay the course's content (content is data). A change made in the
browser (an import, appended or replacing, or the restore of an earlier version) is

1. planned against the current file: which questions are new, changed (same id, other content),
   unchanged or dropped; the plan remembers a digest of the file it was made against;
2. applied under a lock (a thread lock and a file lock in the versions folder, so two trainers or
   two app processes on one content folder never interleave): the file must still be the one the
   plan was made against, the whole course is validated with the new file in place (a shadow
   folder whose lessons and other quizzes are the real ones), and only a change the validator
   accepts is written, atomically (temporary file, then ``os.replace``);
3. recorded: every version written is kept in the versions folder (default ``quizzes/.versions/
   <lesson>/<stamp>.yaml``, configurable with LOTSE_CONTENT_VERSIONS) with a JSON record of who,
   when and what beside it; the file as it was before the first change in the browser is kept too.

Learners see the new version on their next page without a restart: the app reloads the content
when a file's modification time changes (ui/context.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Literal

import yaml
from pydantic import ValidationError

from .access import require_role
from .content import load_catalog
from .content.models import Quiz
from .content.problems import Problem
from .content.yaml_lines import safe_load
from .files import write_atomically
from .german_format import datetime_short
from .identity import User
from .interop.common import SLUG_RE, unique_slug
from .interop.quiz_yaml import dump_quiz, error_text

Mode = Literal["append", "replace"]
MODE_LABELS = {"append": "Hinzufügen: Die vorhandenen Fragen bleiben, die neuen kommen dazu",
               "replace": "Ersetzen: Das Quiz enthält danach nur die Fragen der Datei"}
KIND_LABELS = {"new": "neu", "changed": "geändert", "unchanged": "unverändert", "removed": "entfällt"}
ACTION_LABELS = {"original": "Fassung vor der ersten Änderung im Browser", "append": "Fragen hinzugefügt",
                 "replace": "Quiz ersetzt", "create": "Quiz angelegt", "restore": "frühere Fassung wiederhergestellt"}
MAX_QUIZ_BYTES = 512 * 1024  # as the catalog's limit per content file


class ChangeRefused(Exception):
    """The change was not made; ``message`` says why in German, ``problems`` are the validator's."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


# --- where things are -------------------------------------------------------------------


def quiz_file(root: Path, lesson: str) -> Path:
    if not SLUG_RE.match(lesson):
        raise ChangeRefused(f"„{lesson}“ ist keine gültige Lektions-ID.")
    return root / "quizzes" / f"{lesson}.yaml"


def versions_root(root: Path, configured: str | Path | None = None) -> Path:
    """The versions folder: LOTSE_CONTENT_VERSIONS if set, else quizzes/.versions in the content folder
    (the quiz loader reads only quizzes/*.yaml, never this subfolder)."""
    return Path(configured).expanduser() if configured else root / "quizzes" / ".versions"


def digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None


def parse_quiz_text(text: str) -> Quiz:
    """A quiz YAML text -> Quiz; ChangeRefused with German messages if it is none."""
    if len(text.encode("utf-8")) > MAX_QUIZ_BYTES:
        raise ChangeRefused(f"Die Quizdatei ist zu groß (höchstens {MAX_QUIZ_BYTES // 1024} KB).")
    try:
        return Quiz.model_validate(safe_load(text))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (Zeile {mark.line + 1})" if mark else ""
        raise ChangeRefused(f"Die Datei ist kein gültiges YAML{where}.") from err
    except ValidationError as err:
        raise ChangeRefused(f"Die Datei ist kein gültiges Quiz: {error_text(err)}") from err


def current_quiz(root: Path, lesson: str) -> tuple[str | None, Quiz | None]:
    """The quiz file's text (None: no file) and the quiz in it (None: none or invalid)."""
    text = _read(quiz_file(root, lesson))
    if text is None:
        return None, None
    try:
        return text, parse_quiz_text(text)
    except ChangeRefused:
        return text, None


# --- planning ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionChange:
    kind: str  # new, changed, unchanged, removed
    id: str
    prompt: str
    note: str = ""

    @property
    def row(self) -> dict:
        return {"Änderung": KIND_LABELS[self.kind], "Frage-ID": self.id,
                "Frage": " ".join(self.prompt.split())[:160], "Hinweis": self.note}


@dataclass(frozen=True)
class ImportPlan:
    lesson: str
    mode: Mode | None  # None: the lesson has no quiz yet (or a broken one), the import creates it
    base: str | None  # digest of the file the plan was made against (None: no file)
    quiz: Quiz
    changes: list[QuestionChange] = field(default_factory=list)
    source: str = ""  # e.g. "fragen.gift (GIFT)", for the record

    def of(self, kind: str) -> list[QuestionChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def text(self) -> str:
        return dump_quiz(self.quiz)

    @property
    def summary(self) -> str:
        counts = [(len(self.of(k)), KIND_LABELS[k]) for k in ("new", "changed", "unchanged", "removed")]
        return ", ".join(f"{n} {label}" for n, label in counts if n) or "keine Fragen"


def _same(a, b) -> bool:
    return a.model_dump(mode="json") == b.model_dump(mode="json")


def _content(question) -> str:
    """A question without its id: the same question imported twice has been renamed the first time."""
    return json.dumps(question.model_dump(mode="json", exclude={"id"}), sort_keys=True)


def plan_import(root: Path, lesson: str, imported: Quiz, mode: Mode, source: str = "") -> ImportPlan:
    """What taking ``imported`` into the lesson's quiz would do (nothing is written).

    append: every current question stays; an imported question with a new id is added; one with an
    id the quiz has and the same content is left out (unchanged); one with a known id and other
    content is added under a new id. replace: the quiz holds exactly the imported questions; the
    pass mark and when the correct answers are shown stay as they were.
    """
    text, current = current_quiz(root, lesson)
    imported = imported.model_copy(update={"lesson": lesson})
    if current is None:
        changes = [QuestionChange("new", q.id, q.prompt) for q in imported.questions]
        return ImportPlan(lesson, None, digest(text), imported, changes, source)
    known = {q.id: q for q in current.questions}
    changes: list[QuestionChange] = []
    if mode == "append":
        questions = list(current.questions)
        taken = set(known)
        contents = {_content(q): q.id for q in current.questions}
        for q in imported.questions:
            twin = contents.get(_content(q))
            if twin is not None:
                note = "schon im Quiz, nicht doppelt übernommen" + (f" (als „{twin}“)" if twin != q.id else "")
                changes.append(QuestionChange("unchanged", twin, q.prompt, note))
                continue
            if q.id in taken:
                new_id = unique_slug(q.id, taken)
                changes.append(QuestionChange("new", new_id, q.prompt, f"ID „{q.id}“ ist schon vergeben, "
                                              f"übernommen als „{new_id}“"))
                q = q.model_copy(update={"id": new_id})
            else:
                changes.append(QuestionChange("new", q.id, q.prompt))
            taken.add(q.id)
            questions.append(q)
    elif mode == "replace":
        questions = list(imported.questions)
        for q in imported.questions:
            old = known.get(q.id)
            kind = "new" if old is None else ("unchanged" if _same(old, q) else "changed")
            changes.append(QuestionChange(kind, q.id, q.prompt))
        kept = {q.id for q in imported.questions}
        changes += [QuestionChange("removed", q.id, q.prompt) for q in current.questions if q.id not in kept]
    else:
        raise ChangeRefused(f"Unbekannte Art der Übernahme „{mode}“.")
    try:
        quiz = Quiz.model_validate({**current.model_dump(), "questions": [q.model_dump() for q in questions]})
    except ValidationError as err:
        raise ChangeRefused(f"Zusammen ergeben die Fragen kein gültiges Quiz: {error_text(err)}") from err
    return ImportPlan(lesson, mode, digest(text), quiz, changes, source)


# --- checking with the new file in place -------------------------------------------------


def _key(problem: Problem) -> tuple:
    return problem.path, problem.field, problem.message


def blocking_problems(root: Path, lesson: str, text: str) -> tuple[list[Problem], list[Problem]]:
    """(errors the new file would bring, all problems reported for the quiz and its lesson) when
    ``text`` replaces quizzes/<lesson>.yaml. The course is loaded from a shadow folder: its lessons
    folder is a link to the real one, its quizzes are links to the real files, except this one."""
    root = root.resolve()
    before = load_catalog(root)
    shown = f"quizzes/{lesson}.yaml"
    with tempfile.TemporaryDirectory(prefix="lotse-check-") as folder:
        shadow = Path(folder).resolve()
        (shadow / "lessons").symlink_to(root / "lessons", target_is_directory=True)
        (shadow / "quizzes").mkdir()
        for path in (root / "quizzes").glob("*.y*ml"):
            if path.stem != lesson:
                (shadow / "quizzes" / path.name).symlink_to(path)
        (shadow / "quizzes" / f"{lesson}.yaml").write_text(text, encoding="utf-8")
        after = load_catalog(shadow)
    old = {_key(p) for p in before.errors}
    lesson_entry = before.lesson(lesson)
    lesson_shown = {str(lesson_entry.path.relative_to(root))} if lesson_entry else set()
    lesson_shown |= {p.path for p in after.problems if p.path.startswith("lessons/") and
                     Path(p.path).stem == lesson}
    errors = [p for p in after.errors if p.path == shown or _key(p) not in old]
    if lesson not in after.quizzes and not errors:  # the lesson itself is not valid: the quiz stays unseen
        errors = [p for p in after.errors if p.path in lesson_shown]
    concerned = [p for p in after.problems if p.path == shown or p.path in lesson_shown]
    return errors, concerned


# --- writing, under a lock -------------------------------------------------------------------

_thread_lock = threading.Lock()


@contextlib.contextmanager
def _locked(versions: Path) -> Iterator[None]:
    """One change at a time: among the threads of this process and, through an exclusive file lock
    in the versions folder, among processes on the same content folder."""
    versions.mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(versions / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Version:
    id: str  # the stamp, e.g. 20261207T051230123456Z
    lesson: str
    at: datetime
    action: str
    actor: str  # name and role of who made it ("" for the file as it was before)
    summary: str
    questions: int
    digest: str
    path: Path

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def _stamp(folder: Path) -> tuple[str, datetime]:
    now = datetime.now(timezone.utc)
    while True:
        stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
        if not (folder / f"{stamp}.yaml").exists():
            return stamp, now
        now = now.replace(microsecond=(now.microsecond + 1) % 1_000_000)


def _keep_version(versions: Path, lesson: str, text: str, action: str, actor: User | None,
                  summary: str, source: str = "") -> str:
    folder = versions / lesson
    folder.mkdir(parents=True, exist_ok=True)
    stamp, now = _stamp(folder)
    try:
        questions = len(parse_quiz_text(text).questions)
    except ChangeRefused:
        questions = 0
    record = {"lesson": lesson, "at": now.isoformat(timespec="seconds"), "action": action,
              "actor_id": actor.id if actor else None, "actor_login": actor.login if actor else None,
              "actor_name": actor.display_name if actor else None, "actor_role": actor.role if actor else None,
              "summary": summary, "source": source, "questions": questions, "digest": digest(text)}
    write_atomically(folder / f"{stamp}.yaml", text)
    write_atomically(folder / f"{stamp}.json", json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    return stamp


@dataclass(frozen=True)
class ChangeOutcome:
    lesson: str
    version: str  # id of the version now in place
    summary: str
    warnings: list[Problem]


def _apply(actor: User, root: Path, lesson: str, text: str, base: str | None, action: str,
           summary: str, versions: Path, source: str = "") -> ChangeOutcome:
    path = quiz_file(root, lesson)
    with _locked(versions):
        before = _read(path)
        if digest(before) != base:
            raise ChangeRefused("Das Quiz wurde inzwischen geändert (zum Beispiel von einer anderen Person). "
                                "Es wurde nichts übernommen; bitte sehen Sie sich die Vorschau noch einmal an.")
        errors, concerned = blocking_problems(root, lesson, text)
        if errors:
            raise ChangeRefused("Die Inhaltsprüfung meldet Fehler; das Quiz bleibt, wie es war.", errors)
        if before is not None and not list((versions / lesson).glob("*.yaml")):
            _keep_version(versions, lesson, before, "original", None, "so, wie die Datei vorher war")
        stamp = _keep_version(versions, lesson, text, action, actor, summary, source)
        try:
            write_atomically(path, text)
        except OSError as err:
            for suffix in (".yaml", ".json"):
                (versions / lesson / f"{stamp}{suffix}").unlink(missing_ok=True)
            raise ChangeRefused(f"Die Datei {path.name} konnte nicht geschrieben werden: "
                                f"{err.strerror or err}") from err
    shown = f"quizzes/{lesson}.yaml"
    return ChangeOutcome(lesson, stamp, summary, [p for p in concerned if p.severity == "warning" and p.path == shown])


def apply_import(actor: User, root: Path, plan: ImportPlan, versions: Path | None = None) -> ChangeOutcome:
    """Write the planned quiz (trainers and admins): refused, with nothing changed, if the file
    changed since the plan was made or the validator finds an error the new file would bring."""
    require_role(actor, "trainer", "admin")
    action = plan.mode or "create"
    return _apply(actor, root, plan.lesson, plan.text, plan.base, action, plan.summary,
                  versions or versions_root(root), plan.source)


# --- versions and undo ------------------------------------------------------------------------


def _version(path: Path, lesson: str) -> Version | None:
    try:
        record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        at = datetime.fromisoformat(record["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    name, role = record.get("actor_name"), record.get("actor_role")
    actor = f"{name} ({role})" if name else ""
    return Version(path.stem, lesson, at, str(record.get("action", "")), actor, str(record.get("summary", "")),
                   int(record.get("questions") or 0), str(record.get("digest", "")), path)


def list_versions(actor: User, root: Path, lesson: str, versions: Path | None = None) -> list[Version]:
    """The kept versions of a quiz, newest first."""
    require_role(actor, "trainer", "admin")
    quiz_file(root, lesson)  # checks the id
    folder = (versions or versions_root(root)) / lesson
    found = [_version(p, lesson) for p in folder.glob("*.yaml")] if folder.is_dir() else []
    return sorted((v for v in found if v is not None), key=lambda v: v.id, reverse=True)


def current_version(root: Path, lesson: str, kept: list[Version]) -> str | None:
    """The id of the kept version the quiz file holds now (None: edited outside the browser)."""
    now = digest(_read(quiz_file(root, lesson)))
    return next((v.id for v in kept if v.digest == now), None)


def restore_version(actor: User, root: Path, lesson: str, version_id: str,
                    versions: Path | None = None) -> ChangeOutcome:
    """Put an earlier version back (itself recorded as a new version); checked like an import."""
    require_role(actor, "trainer", "admin")
    versions = versions or versions_root(root)
    kept = {v.id: v for v in list_versions(actor, root, lesson, versions)}
    version = kept.get(version_id)
    if version is None:
        raise ChangeRefused("Diese Fassung gibt es nicht (mehr).")
    text = version.path.read_text(encoding="utf-8")
    base = digest(_read(quiz_file(root, lesson)))
    when = datetime_short(version.at, sep=" ")  # Berlin time, whatever the server's zone
    summary = f"Fassung vom {when} ({version.questions} Fragen) wiederhergestellt"
    return _apply(actor, root, lesson, text, base, "restore", summary, versions)



# --- a Lotse quiz file as upload -------------------------------------------------------------

QUIZ_YAML = "quiz-yaml"
UPLOAD_LABELS = {QUIZ_YAML: "Lotse-Quiz (YAML)"}


def preview_quiz_yaml(data: bytes, lesson: str):
    """An uploaded quizzes/*.yaml file -> the exchange's ImportPreview for ``lesson`` (its lesson
    field is set to the target lesson; never raises for bad input)."""
    from .interop.exchange import ImportPreview

    preview = ImportPreview(lesson=lesson, fmt=QUIZ_YAML)
    try:
        quiz = parse_quiz_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        preview.error = "Die Datei ist nicht UTF-8-kodiert."
        return preview
    except ChangeRefused as err:
        preview.error = err.message
        return preview
    preview.quiz = quiz.model_copy(update={"lesson": lesson})
    preview.yaml_text = dump_quiz(preview.quiz)
    return preview
