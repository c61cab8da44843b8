"""The project as pages see it, and what saving and the version history hand back."""

from __future__ import annotations

from dataclasses import dataclass, field


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
