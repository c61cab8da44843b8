"""Seminar groups (cohorts): trainers create them and invite learners with a code or link.

Authorisation comes from lotse.access: a trainer manages only the cohorts they lead, an admin all.
The invite code is the only capability a learner needs to join, so it is random, short enough to
read out on the phone, uses no look-alike characters, and can be disabled or renewed any time.
"""

from __future__ import annotations

import secrets
from datetime import date
from urllib.parse import quote

from progress import Conflict, Store

from progress import cohorts as store
from progress.users import get_user

from .access import require_cohort, require_learner_access, require_role, visible_cohorts
from .display_names import cohort_names
from .visibility import Policy, current_policy, grants
from .identity import PermissionDenied, User

NAME_MAX = 120
PLACE_MAX = 120
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read aloud, to type and to tell apart on a projector.
INVITE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
INVITE_LENGTH = 8  # 25^8 ≈ 1.5e11 codes
INVALID_CODE = ("Der Einladungscode ist ungültig oder nicht mehr aktiv. Bitte fragen Sie Ihre Trainerin oder "
                "Ihren Trainer.")


class CohortError(ValueError):
    """Input a person can fix; the message is German and shown as it is."""


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def normalise_code(text: str | None) -> str | None:
    """The code as stored, from what someone typed or pasted (case, spaces, dashes ignored); None if malformed."""
    if not text:
        return None
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != INVITE_LENGTH or any(ch not in INVITE_ALPHABET for ch in code):
        return None
    return code


def invite_link(base_url: str, code: str) -> str:
    """The link a trainer hands out: the app's start address with ``?invite=CODE``.

    Not ``/anmelden``: the sign-in page is the default page for signed-out visitors and Streamlit
    serves the default page at ``/`` only (``/anmelden`` would show "Page not found" first). Signed
    in, the start page offers to join (ui.session.offer_invite).
    """
    return f"{base_url.rstrip('/')}/?invite={quote(code)}"


def _text(value: str | None, what: str, limit: int, required: bool) -> str:
    """Whitespace-collapsed text; ``what`` names the field in messages ("Der Ort"); only the name is required."""
    text = " ".join((value or "").split())
    if required and not text:
        raise CohortError("Bitte geben Sie einen Namen für die Kohorte an.")
    if len(text) > limit:
        raise CohortError(f"{what} darf höchstens {limit} Zeichen lang sein (jetzt: {len(text)}).")
    return text


def _day(value: date | str | None, label: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise CohortError(f"{label}: bitte ein Datum im Format JJJJ-MM-TT angeben.") from None


def _fields(name: str, seminar_date: date | str | None, place: str | None,
            pre_deadline: date | str | None) -> dict:
    values = {"name": _text(name, "Der Name", NAME_MAX, True),
              "place": _text(place, "Der Ort", PLACE_MAX, False),
              "seminar_date": _day(seminar_date, "Seminarbeginn"),
              "pre_deadline": _day(pre_deadline, "Frist für die Vorbereitung")}
    if values["seminar_date"] and values["pre_deadline"] and values["pre_deadline"] > values["seminar_date"]:
        raise CohortError("Die Frist für die Vorbereitung muss vor oder am Seminarbeginn liegen.")
    return values


def create_cohort(db: Store, actor: User, name: str, seminar_date: date | str | None = None,
                  place: str = "", pre_deadline: date | str | None = None,
                  trainer_id: int | None = None) -> dict:
    """A new cohort led by ``actor`` (an admin may name another trainer); returns the cohort row."""
    require_role(actor, "trainer", "admin")
    values = _fields(name, seminar_date, place, pre_deadline)
    leader = actor.id
    if trainer_id is not None and trainer_id != actor.id:
        if not actor.is_admin:
            raise PermissionDenied("Nur die Administration kann Kohorten für andere anlegen.")
        other = get_user(db, trainer_id)
        if other is None or other.role not in ("trainer", "admin"):
            raise CohortError("Die gewählte Person ist keine Trainerin und kein Trainer.")
        leader = trainer_id
    for _ in range(10):
        try:
            cohort_id = store.insert_cohort(db, values["name"], leader, new_invite_code(), values["seminar_date"],
                                            values["place"], values["pre_deadline"])
            return store.get_cohort(db, cohort_id)
        except Conflict:  # invite code collision: astronomically rare, try another
            continue
    raise RuntimeError("could not find a free invite code")


def update_cohort(db: Store, actor: User, cohort_id: int, name: str, seminar_date: date | str | None,
                  place: str, pre_deadline: date | str | None) -> dict:
    require_cohort(db, actor, cohort_id)
    store.update_cohort(db, cohort_id, **_fields(name, seminar_date, place, pre_deadline))
    return store.get_cohort(db, cohort_id)


def list_cohorts(db: Store, actor: User) -> list[dict]:
    """The cohorts the actor manages (trainer: own; admin: all), each with a member count."""
    require_role(actor, "trainer", "admin")
    return visible_cohorts(db, actor)


def get_cohort(db: Store, actor: User, cohort_id: int) -> dict:
    return require_cohort(db, actor, cohort_id)


def disable_invite(db: Store, actor: User, cohort_id: int) -> None:
    require_cohort(db, actor, cohort_id)
    store.update_cohort(db, cohort_id, invite_active=0)


def renew_invite(db: Store, actor: User, cohort_id: int) -> str:
    """A fresh active code; the old code stops working."""
    require_cohort(db, actor, cohort_id)
    for _ in range(10):
        code = new_invite_code()
        try:
            store.update_cohort(db, cohort_id, invite_code=code, invite_active=1)
            return code
        except Conflict:
            continue
    raise RuntimeError("could not find a free invite code")


def members(db: Store, actor: User, cohort_id: int, policy: Policy | None = None, *,
            presenting: bool = False) -> list[dict]:
    """The members for managing the cohort; "last active" only for those the visibility policy
    (or their own choice) lets the trainer see activity times of (None otherwise). While presenting,
    ``display_name`` is the pseudonym and ``login`` is None, in pseudonym order (lotse.display_names)."""
    require_cohort(db, actor, cohort_id)
    people = store.members(db, cohort_id)
    allowed = grants(db, policy or current_policy(), [p["id"] for p in people])
    shown = [{**p, "last_active_at": p["last_active_at"] if allowed[p["id"]].activity else None} for p in people]
    if not presenting:
        return shown
    names = cohort_names(db, cohort_id, True, actor.id)
    shown.sort(key=lambda p: names.order(p["id"], p["display_name"]))
    return [{**p, "display_name": names.of(p["id"], p["display_name"]), "login": None} for p in shown]


def remove_member(db: Store, actor: User, cohort_id: int, user_id: int) -> bool:
    """Take a learner out of a cohort (their own learning record stays theirs); False if not a member."""
    require_cohort(db, actor, cohort_id)
    if not store.is_member(db, cohort_id, user_id):
        return False
    store.remove_member(db, cohort_id, user_id)
    return True


def invite_preview(db: Store, code: str | None) -> dict | None:
    """What the sign-in page may show about an active invite: name, date, place (the code is the key)."""
    normalised = normalise_code(code)
    cohort = store.cohort_by_invite(db, normalised) if normalised else None
    if cohort is None:
        return None
    return {"id": cohort["id"], "name": cohort["name"], "seminar_date": cohort["seminar_date"],
            "place": cohort["place"], "pre_deadline": cohort["pre_deadline"]}


def enrol(db: Store, actor: User, code: str | None) -> tuple[dict, bool]:
    """Join the cohort behind an invite code: (cohort preview, newly joined?)."""
    require_role(actor, "learner")
    cohort = invite_preview(db, code)
    if cohort is None:
        raise CohortError(INVALID_CODE)
    return cohort, store.add_member(db, cohort["id"], actor.id)


def cohorts_of_learner(db: Store, actor: User, learner_id: int) -> list[dict]:
    """The cohorts a learner belongs to (name, date, place, deadline), for the learner and their trainers."""
    require_learner_access(db, actor, learner_id)
    rows = store.cohorts_of_member(db, learner_id)
    if actor.role == "trainer" and actor.id != learner_id:
        rows = [r for r in rows if r["trainer_id"] == actor.id]  # not the other trainers' groups
    return [{k: r[k] for k in ("id", "name", "seminar_date", "place", "pre_deadline")} for r in rows]
