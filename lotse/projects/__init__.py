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

Modules: ``canvas`` (steps, fields, limits), ``validation``, ``ranking`` (prioritisation, pure),
``completion`` (progress per step, pure), ``model`` (dataclasses), ``authorisation``, ``storage``
(create/load/save), ``history`` (versions), ``sharing``, ``feedback`` (comments), ``times``.
This package re-exports the public API, so ``from lotse import projects as P`` is all pages need.
"""

from .authorisation import NOT_VISIBLE, OWNER_ONLY, can_read, trainer_may_read
from .canvas import (AGILE_LESSON_ID, GROUPS, GUIDANCE, ITEM_TEXT_MAX, LESSON_ID, LONG_MAX, MAX_RATINGS,
                     RATING_KEYS, RATING_LABELS, RATING_MAX, RATING_MIN, SECTIONS, SHORT_MAX, SPECS, STATUSES,
                     STEP_LABELS, STEP_LESSONS, STEP_TITLES, STEPS, SUBJECT_MAX, TITLE_MAX, Field, ListSpec,
                     ProjectError, StepSpec)
from .completion import reached_label, reached_step, step_progress
from .feedback import COMMENT_MAX, add_comment, answer_comment, comments
from .history import restore_version, summarize, versions
from .model import Project, Saved, SaveResult, VersionInfo
from .ranking import (HIGH_FROM, QUADRANTS, SCORE_EXPLANATION, Quadrant, RankedNeed, matrix_groups, need_label,
                      need_names, priority_score, quadrant, rank_needs)
from .sharing import share_options, share_project, shared_projects, shared_with, unshare_project
from .storage import (VERSIONS_KEPT, create_project, delete_project, list_projects, load_project, save_basics,
                      save_step, step_hints)
from .validation import clean_step, empty_content

__all__ = [
    # canvas: steps, fields and limits
    "STEPS", "SECTIONS", "STEP_LABELS", "STEP_TITLES", "LESSON_ID", "AGILE_LESSON_ID", "STEP_LESSONS", "GUIDANCE",
    "STATUSES", "GROUPS", "TITLE_MAX", "SUBJECT_MAX", "SHORT_MAX", "ITEM_TEXT_MAX", "LONG_MAX", "RATING_KEYS",
    "RATING_LABELS", "RATING_MIN", "RATING_MAX", "MAX_RATINGS", "ProjectError", "Field", "ListSpec", "StepSpec",
    "SPECS",
    # validation
    "clean_step", "empty_content",
    # ranking and quadrants
    "Quadrant", "QUADRANTS", "HIGH_FROM", "SCORE_EXPLANATION", "quadrant", "priority_score", "RankedNeed",
    "need_label", "need_names", "rank_needs", "matrix_groups",
    # completion
    "step_progress", "reached_step", "reached_label",
    # model
    "Saved", "Project", "SaveResult", "VersionInfo",
    # authorisation
    "NOT_VISIBLE", "OWNER_ONLY", "trainer_may_read", "can_read",
    # storage and versions
    "VERSIONS_KEPT", "create_project", "list_projects", "load_project", "save_step", "save_basics", "step_hints",
    "delete_project", "summarize", "versions", "restore_version",
    # sharing and comments
    "share_options", "share_project", "unshare_project", "shared_with", "shared_projects", "COMMENT_MAX",
    "add_comment", "answer_comment", "comments",
]
