"""Taking imported questions into the course (lotse/quiz_changes.py): plan, validated atomic write,
versions, undo, refusal and the lock. The content folder is a temp copy of the fixture course."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from learner_support import COURSE_DIR, LESSON_ONE, LESSON_TWO
from lotse.content import load_catalog
from lotse.identity import PermissionDenied, User
from lotse.interop.exchange import preview_import
from lotse.interop.quiz_yaml import load_quiz
from lotse.quiz_changes import (ChangeRefused, apply_import, current_version, list_versions, plan_import,
                                preview_quiz_yaml, restore_version)

TRAINER = User(7, "tanja", "Tanja Trainerin", "trainer")
LEARNER = User(8, "lena", "Lena Lernt", "learner")
GIFT = """::ozg-frage::Was verlangt das OZG?{=Online-Leistungen#Richtig. ~Papierformulare#Nein.####Das OZG verlangt Online-Angebote.}

::it-allein::„Technik allein ändert alles.“ Stimmt das?{F#Leider nein.#Richtig erkannt.####Es braucht mehr.}
"""


@pytest.fixture
def root(tmp_path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(COURSE_DIR, folder)
    return folder


def imported(text: str = GIFT, lesson: str = LESSON_ONE):
    preview = preview_import(text.encode(), "gift", lesson, ["begriffe", "ablauf"], "begriffe")
    assert preview.quiz is not None, preview.error
    return preview.quiz


def ids(root: Path, lesson: str = LESSON_ONE) -> list[str]:
    return [q.id for q in load_quiz(root / "quizzes" / f"{lesson}.yaml").questions]


def test_append_adds_new_questions_and_renames_a_clashing_id(root):
    before = ids(root)
    plan = plan_import(root, LESSON_ONE, imported(), "append", "fragen.gift (GIFT)")
    kinds = {c.id: c.kind for c in plan.changes}
    assert kinds == {"ozg-frage": "new", "it-allein-2": "new"}  # it-allein exists with other texts
    assert "übernommen als „it-allein-2“" in plan.changes[1].note
    apply_import(TRAINER, root, plan)
    assert ids(root) == before + ["ozg-frage", "it-allein-2"]
    assert not load_catalog(root).errors
    assert load_quiz(root / "quizzes" / f"{LESSON_ONE}.yaml").pass_mark == 70  # the quiz's settings stay


def test_append_leaves_out_a_question_that_is_already_in_the_quiz(root):
    apply_import(TRAINER, root, plan_import(root, LESSON_ONE, imported(), "append"))
    again = plan_import(root, LESSON_ONE, imported(), "append")
    assert {c.kind for c in again.changes} == {"unchanged"}
    assert len(again.quiz.questions) == len(ids(root))


def test_replace_shows_new_changed_unchanged_and_dropped_questions(root):
    quiz = load_quiz(root / "quizzes" / f"{LESSON_ONE}.yaml")
    text = (root / "quizzes" / f"{LESSON_ONE}.yaml").read_text(encoding="utf-8")
    edited = text.replace("Das OZG verpflichtet zu Online-Angeboten.", "Neu erklärt.")
    keep_two = preview_quiz_yaml(edited.encode(), LESSON_ONE).quiz
    keep_two = keep_two.model_copy(update={"questions": [keep_two.questions[0], keep_two.questions[1]]})
    plan = plan_import(root, LESSON_ONE, keep_two, "replace")
    kinds = {c.id: c.kind for c in plan.changes}
    assert kinds == {"ozg-ziel": "changed", "bereiche": "unchanged", "it-allein": "removed",
                     "reihenfolge": "removed"}
    assert plan.summary == "1 geändert, 1 unverändert, 2 entfällt"
    apply_import(TRAINER, root, plan)
    assert ids(root) == ["ozg-ziel", "bereiche"] and len(quiz.questions) == 4


def test_a_change_the_validator_refuses_leaves_the_file_as_it_was(root):
    path = root / "quizzes" / f"{LESSON_ONE}.yaml"
    before = path.read_text(encoding="utf-8")
    broken = imported().model_copy(update={"questions": [
        q.model_copy(update={"objective": "gibt-es-nicht"}) for q in imported().questions]})
    plan = plan_import(root, LESSON_ONE, broken, "append")
    with pytest.raises(ChangeRefused) as refused:
        apply_import(TRAINER, root, plan)
    assert refused.value.problems and all(p.path == f"quizzes/{LESSON_ONE}.yaml" for p in refused.value.problems)
    assert "das Quiz bleibt, wie es war" in refused.value.message
    assert path.read_text(encoding="utf-8") == before
    assert list_versions(TRAINER, root, LESSON_ONE) == []
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_every_version_is_kept_and_an_earlier_one_restored(root):
    path = root / "quizzes" / f"{LESSON_ONE}.yaml"
    original = path.read_text(encoding="utf-8")
    first = apply_import(TRAINER, root, plan_import(root, LESSON_ONE, imported(), "append", "fragen.gift (GIFT)"))
    kept = list_versions(TRAINER, root, LESSON_ONE)
    assert [v.action for v in kept] == ["append", "original"]
    assert kept[0].actor == "Tanja Trainerin (trainer)" and kept[0].summary == "2 neu" and kept[0].questions == 6
    assert current_version(root, LESSON_ONE, kept) == first.version
    restored = restore_version(TRAINER, root, LESSON_ONE, kept[1].id)
    assert path.read_text(encoding="utf-8") == original
    kept = list_versions(TRAINER, root, LESSON_ONE)
    assert [v.action for v in kept] == ["restore", "append", "original"]
    assert current_version(root, LESSON_ONE, kept) == restored.version
    restore_version(TRAINER, root, LESSON_ONE, first.version)  # undo the undo
    assert len(ids(root)) == 6


def test_a_plan_made_against_an_older_file_is_refused(root):
    stale = plan_import(root, LESSON_ONE, imported(), "append")
    apply_import(TRAINER, root, plan_import(root, LESSON_ONE, imported(), "replace"))
    after = (root / "quizzes" / f"{LESSON_ONE}.yaml").read_text(encoding="utf-8")
    with pytest.raises(ChangeRefused, match="inzwischen geändert"):
        apply_import(TRAINER, root, stale)
    assert (root / "quizzes" / f"{LESSON_ONE}.yaml").read_text(encoding="utf-8") == after


def test_concurrent_imports_never_interleave(root):
    """Eight trainers press the button at once, all on the same preview: one change is made, the
    others are told the quiz changed; the file is one whole version and every version is whole."""
    plans = [plan_import(root, LESSON_ONE, imported(), "append") for _ in range(8)]
    results: list[object] = []
    start = threading.Barrier(len(plans))

    def press(plan) -> None:
        start.wait()
        try:
            results.append(apply_import(TRAINER, root, plan))
        except ChangeRefused as refused:
            results.append(refused)

    threads = [threading.Thread(target=press, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(not isinstance(r, ChangeRefused) for r in results) == 1
    assert len(ids(root)) == 6
    assert [v.action for v in list_versions(TRAINER, root, LESSON_ONE)] == ["append", "original"]


def test_a_new_quiz_for_a_lesson_without_one_and_roles(root):
    (root / "quizzes" / f"{LESSON_TWO}.yaml").unlink()
    quiz = imported(lesson=LESSON_TWO).model_copy(update={"questions": imported().questions[:1]})
    plan = plan_import(root, LESSON_TWO, quiz, "append")
    assert plan.mode is None and [c.kind for c in plan.changes] == ["new"]
    with pytest.raises(PermissionDenied):
        apply_import(LEARNER, root, plan)
    assert not (root / "quizzes" / f"{LESSON_TWO}.yaml").exists()
    with pytest.raises(PermissionDenied):
        list_versions(LEARNER, root, LESSON_ONE)


def test_versions_can_live_in_a_folder_of_their_own(root, tmp_path):
    elsewhere = tmp_path / "versionen"
    apply_import(TRAINER, root, plan_import(root, LESSON_ONE, imported(), "append"), elsewhere)
    assert len(list((elsewhere / LESSON_ONE).glob("*.yaml"))) == 2
    assert not (root / "quizzes" / ".versions").exists()


def _press_in_a_process(root, plan, barrier, results) -> None:
    barrier.wait()
    try:
        apply_import(TRAINER, root, plan)
        results.put("übernommen")
    except ChangeRefused:
        results.put("abgelehnt")


def test_imports_from_several_processes_never_interleave(root):
    """Several app processes on one content folder: each has its own thread lock, so only the file lock
    in the versions folder keeps them apart. Four processes press at once: one change is made."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    plan = plan_import(root, LESSON_ONE, imported(), "append")
    barrier, results = context.Barrier(4), context.Queue()
    processes = [context.Process(target=_press_in_a_process, args=(root, plan, barrier, results)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    outcomes = sorted(results.get(timeout=5) for _ in processes)
    assert outcomes == ["abgelehnt"] * 3 + ["übernommen"]
    assert len(ids(root)) == 6
    assert [v.action for v in list_versions(TRAINER, root, LESSON_ONE)] == ["append", "original"]
