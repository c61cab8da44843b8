"""Who is acting: the signed-in user as the core sees it, and the authorisation error."""

from __future__ import annotations

from progress.users import Role, User  # the store builds the record from its rows

ROLES: tuple[Role, ...] = ("learner", "trainer", "admin")
ROLE_LABELS = {"learner": "Lernende", "trainer": "Trainerin/Trainer", "admin": "Administration"}


class PermissionDenied(Exception):
    """The acting user may not do this. Pages show a plain message; nothing leaks."""


__all__ = ["ROLES", "ROLE_LABELS", "PermissionDenied", "Role", "User"]
