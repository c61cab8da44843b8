"""A lesson's status for one learner, from their progress row (see lotse.learning for the policy).

Its own small module so that the learner's record (lotse.learning) and the reports built from it
(lotse.progress_report, the cockpit matrix, onboarding) all read it without importing each other.
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    NOT_STARTED = "nicht begonnen"
    STARTED = "begonnen"
    READ = "gelesen"
    FAILED = "Quiz nicht bestanden"
    PASSED = "Quiz bestanden"


STATUS_ICONS = {Status.NOT_STARTED: "○", Status.STARTED: "◐", Status.READ: "●",
                Status.FAILED: "✗", Status.PASSED: "✓"}


def status_of(row: dict | None) -> Status:
    if row is None:
        return Status.NOT_STARTED
    if row["passed"]:
        return Status.PASSED
    if row["attempts"]:
        return Status.FAILED
    if row["read_at"]:
        return Status.READ
    return Status.STARTED
