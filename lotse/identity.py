"""Who is acting: the signed-in user as the core sees it, and the authorisation error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["learner", "trainer", "admin"]
ROLES: tuple[Role, ...] = ("learner", "trainer", "admin")
ROLE_LABELS = {"learner": "Lernende", "trainer": "Trainerin/Trainer", "admin": "Administration"}


class PermissionDenied(Exception):
    """The acting user may not do this. Pages show a plain message; nothing leaks."""


@dataclass(frozen=True)
class User:
    id: int
    login: str
    display_name: str
    role: Role
    disabled: bool = False

    @property
    def is_trainer(self) -> bool:
        return self.role in ("trainer", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
