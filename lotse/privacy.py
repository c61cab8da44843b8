"""Data protection (DSGVO): export a person's data, delete an account, purge inactive accounts.

* Export (Art. 15/20): everything stored about one person as JSON. The tables are found from the
  schema (progress.privacy_sql): any table with a column referencing users(id) or named user_id,
  plus tables owned by those (answers -> attempts). A feature that adds a table with a user_id
  column is therefore exported (and deleted) without anyone touching this module. Secrets are
  left out: columns ending in ``_hash`` (password, session token and reset code hashes).
* Deletion (Art. 17): the users row goes; ON DELETE CASCADE removes what belongs to it; columns
  without a cascading key are cleared explicitly; then the schema is checked again and any
  remaining row naming the person is reported (and the deletion rolled back).
* Anonymous aggregates: none are stored. Item statistics are computed on the fly from the
  answers that exist, so after a deletion they no longer include the person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from progress import Store

from progress import accounts_sql
from progress import cohorts as cohort_store
from progress import privacy_sql as store
from progress.users import get_user

from . import sessions
from .access import require_role
from .identity import PermissionDenied, User

EXPORT_FORMAT = "lotse-datenexport"
EXPORT_VERSION = 1
ABOUT = ("Alle Daten, die Lotse über Sie speichert (Art. 15 und 20 DSGVO). 'profile' ist Ihr Konto, "
         "'cohorts' Ihre Seminargruppen, 'tables' enthält je Tabelle alle Zeilen zu Ihnen (z. B. lesson_progress = "
         "Lernstand, attempts = Quiz-Versuche mit Beginn (started_at) und Abgabe (submitted_at), answers = Ihre Antworten, events = Lernprotokoll, drafts = "
         "Entwürfe). Passwörter und Sitzungsschlüssel sind nur als Prüfsumme gespeichert und nicht enthalten.")


class PrivacyError(ValueError):
    """Input a person can fix; the message is German."""


class DeletionIncomplete(RuntimeError):
    """Rows naming the person were still there after deletion (the deletion was rolled back)."""


def _may_handle(actor: User, user_id: int) -> None:
    """The person themselves, or an admin acting on a request."""
    require_role(actor, "learner", "trainer", "admin")
    if actor.id != user_id and not actor.is_admin:
        raise PermissionDenied("Das ist nur für das eigene Konto möglich.")


def _decoded(value: Any) -> Any:
    """JSON stored as text (payloads, responses) is exported as JSON, not as an escaped string."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _public(row: dict) -> dict:
    return {k: _decoded(v) for k, v in row.items() if not k.endswith("_hash")}


def _unique(rows: list[dict]) -> list[dict]:
    """A row reached two ways (own comment on own project) is exported once."""
    seen, unique = set(), []
    for row in rows:
        key = json.dumps(row, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def export_user_data(db: Store, actor: User, user_id: int, now: datetime | None = None) -> dict:
    _may_handle(actor, user_id)
    profile = accounts_sql.user_row(db, user_id)
    if profile is None:
        raise PermissionDenied("Dieses Konto gibt es nicht.")
    owners = store.owner_columns(db)
    found: dict[str, list[dict]] = {}
    for owner in owners:
        found.setdefault(owner.table, []).extend(store.rows_of(db, owner, user_id))
    for link in store.child_links(db, owners):
        found.setdefault(link.table, []).extend(store.child_rows_of(db, link, user_id))
    tables = {table: _unique([_public(r) for r in rows]) for table, rows in sorted(found.items())}
    tables["login_failures"] = accounts_sql.failures_of_login(db, profile["login"])
    cohorts = [{k: c[k] for k in ("name", "seminar_date", "place", "pre_deadline")}
               for c in cohort_store.cohorts_of_member(db, user_id)]
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": sessions.iso(sessions.utc(now)),
            "about": ABOUT, "profile": _public(profile), "cohorts": cohorts, "tables": tables}


def export_json(db: Store, actor: User, user_id: int) -> str:
    """The export as a UTF-8 JSON document (umlauts kept readable)."""
    return json.dumps(export_user_data(db, actor, user_id), ensure_ascii=False, indent=2, default=str)


def remaining_personal_data(db: Store, user_id: int, login: str) -> dict[str, int]:
    """Rows that still name the person, per table.column (empty after a complete deletion)."""
    left = {f"{o.table}.{o.column}": store.count_rows_of(db, o, user_id) for o in store.owner_columns(db)}
    left["users.id"] = int(store.user_exists(db, user_id))
    left["login_failures.login"] = store.count_failures_of_login(db, login)
    return {k: n for k, n in left.items() if n}


@dataclass(frozen=True)
class Deleted:
    user_id: int
    login: str


def _delete(db: Store, user: User) -> None:
    with db.transaction():
        for owner in store.owner_columns(db):
            if owner.on_delete not in ("CASCADE", "SET NULL"):
                store.delete_rows_of(db, owner, user.id)
        store.delete_failures_of_login(db, user.login)
        store.delete_user(db, user.id)
        left = remaining_personal_data(db, user.id, user.login)
        if left:
            raise DeletionIncomplete(f"personal data left after deleting user {user.id}: {left}")


def delete_account(db: Store, actor: User, user_id: int, confirm_login: str) -> Deleted:
    """Art. 17: delete the account and everything that belongs to it. ``confirm_login`` must match."""
    _may_handle(actor, user_id)
    user = get_user(db, user_id)
    if user is None:
        raise PermissionDenied("Dieses Konto gibt es nicht.")
    if confirm_login.strip().lower() != user.login:
        raise PrivacyError("Zur Bestätigung bitte genau Ihren Login eingeben.")
    if user.is_admin and accounts_sql.admin_count(db) <= 1:
        raise PrivacyError("Das letzte Administrationskonto kann nicht gelöscht werden.")
    _delete(db, user)
    db.checkpoint()  # the deleted rows leave the write-ahead log too
    return Deleted(user.id, user.login)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months earlier (clamped to the month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def inactive_accounts(db: Store, actor: User, months: int, now: datetime | None = None) -> list[dict]:
    """Learner accounts without any activity for ``months`` months (trainers and admins are kept)."""
    require_role(actor, "admin")
    if months < 1:
        raise PrivacyError("Bitte mindestens 1 Monat angeben.")
    cutoff = months_before(sessions.utc(now), months)
    return accounts_sql.inactive_learners(db, sessions.iso(cutoff))


def purge_inactive(db: Store, actor: User, months: int, now: datetime | None = None,
                   dry_run: bool = False) -> list[dict]:
    """Retention job: delete learner accounts inactive for ``months`` months; returns who (login, last active)."""
    found = inactive_accounts(db, actor, months, now)
    if not dry_run:
        for row in found:
            user = get_user(db, row["id"])
            if user is not None:
                _delete(db, user)
        db.checkpoint()
    return found
