"""Every validator message an author can meet is German (issue 17, item 9 / validator leftovers).

One broken course per rule (the cases of test_validator.py plus the file-level faults), the whole
validator run on each, and no message may contain English words. What an author types stays as it
is: quoted values („…“), technical names in parentheses, paths and code are taken out before the
check.
"""

from __future__ import annotations

import re

import pytest

from content_builder import COURSE, GLOSSARY, LESSON, QUIZ, write_course
from lotse.content import load_catalog
from lotse.content.catalog import MAX_FILE_BYTES
from test_validator import LESSON_CASES, QUIZ_CASES, WARNING_CASES

ENGLISH = re.compile(r"\b(must|should|invalid|expected|field|the|is|are|not|found|unknown|missing|only|used|twice|"
                     r"cannot|add|use|appears|value|error|line|file|words|least|required|input|needs|allowed|"
                     r"lies|before|due|already|defined|tested|by|any|syntax|refused|nested|more|than|save|please|contains|appear)\b",
                     re.IGNORECASE)


def _what_authors_read(message: str) -> str:
    """The message without quoted values, technical names in parentheses, paths and code."""
    text = re.sub(r"„[^“]*“", " ", message)
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"!\[[^\]]*\]", " ", text)
    return " ".join(word for word in text.split() if not re.search(r"[/.:#_\[\]*&0-9'=]", word.strip(".,;")))


def _broken_courses(tmp_path):
    for name, (old, new), *_ in QUIZ_CASES:
        yield f"quiz {name}", write_course(tmp_path / f"q-{name}", quizzes={"eins": QUIZ.replace(old, new, 1)})
    for name, (old, new), *_ in LESSON_CASES:
        yield f"lesson {name}", write_course(tmp_path / f"l-{name}", lessons={"eins": LESSON.replace(old, new, 1)})
    for name, (old, new), *_ in WARNING_CASES:
        yield f"warning {name}", write_course(tmp_path / f"w-{name}", lessons={"eins": LESSON.replace(old, new, 1)})
    more = {
        "no stand": {"lessons": {"eins": LESSON.replace("stand: 2026-12-07\nreview_by: 2099-12-31\n", "")}},
        "review before stand": {"lessons": {"eins": LESSON.replace("review_by: 2099-12-31", "review_by: 2026-06-01")}},
        "stand in future": {"lessons": {"eins": LESSON.replace("stand: 2026-12-07", "stand: 2999-01-01")}},
        "lesson without quiz": {"quizzes": {}},
        "quiz without lesson": {"lessons": {}},
        "front matter not closed": {"lessons": {"eins": LESSON.replace("\n---\n\n## Einstieg", "\n\n## Einstieg")}},
        "not a mapping": {"quizzes": {"eins": "- nur\n- eine Liste\n"}},
        "prerequisite itself": {"lessons": {"eins": LESSON.replace("sources:", "prerequisites: [eins]\nsources:")}},
        "untested objective": {"lessons": {"eins": LESSON.replace(
            "    text: Sie können etwas.", "    text: Sie können etwas.\n  - id: zweites\n    text: Noch was.")}},
        "two modules one id": {"course": COURSE + "  - id: m1\n    order: 1\n    title: Noch eins\n"},
        "two lessons one slot": {"lessons": {"eins": LESSON, "zwei": LESSON.replace("id: eins", "id: zwei")},
                                 "quizzes": {"eins": QUIZ, "zwei": QUIZ.replace("lesson: eins", "lesson: zwei")}},
        "link not a lesson": {"lessons": {"eins": LESSON.replace("Das OZG ist wichtig.", "Siehe [dort](plan.pdf).")}},
        "tab in yaml": {"quizzes": {"eins": QUIZ.replace("pass_mark: 70", "pass_mark:\t70\n\tx: 1")}},
        "colon in text": {"quizzes": {"eins": QUIZ.replace("    prompt: Was gilt?", "    prompt: Was gilt: das? ja: nein")}},
        "unclosed quote": {"quizzes": {"eins": QUIZ.replace("    prompt: Was gilt?", '    prompt: "Was gilt?')}},
        "bad indent": {"quizzes": {"eins": QUIZ.replace("    prompt: Was gilt?", "    prompt: Was gilt?\n   x: y")}},
    }
    for name, parts in more.items():
        root = write_course(tmp_path / f"m-{name.replace(' ', '-')}", **{k: v for k, v in parts.items() if k != "course"})
        if "course" in parts:
            (root / "lessons" / "course.yaml").write_text(parts["course"], encoding="utf-8")
        yield name, root
    files = {
        "not utf-8": LESSON.encode("utf-8") + b"\n\xff\xfe kaputt\n",
        "null byte": LESSON.encode("utf-8") + b"\x00",
        "too large": LESSON.encode("utf-8") + b"x" * (MAX_FILE_BYTES + 1),
    }
    for name, data in files.items():
        root = write_course(tmp_path / f"f-{name.replace(' ', '-')}")
        (root / "lessons" / "eins.md").write_bytes(data)
        yield name, root
    root = write_course(tmp_path / "glossary-twice")
    (root / "lessons" / "glossary" / "zweite.yaml").write_text(GLOSSARY, encoding="utf-8")
    yield "glossary term twice", root
    root = write_course(tmp_path / "no-course")
    (root / "lessons" / "course.yaml").unlink()
    yield "no course file", root


def test_every_validator_message_is_german(tmp_path):
    english, seen = [], 0
    for name, root in _broken_courses(tmp_path):
        problems = load_catalog(root).problems
        assert problems, f"{name}: the broken course has no problem"
        for problem in problems:
            seen += 1
            found = ENGLISH.findall(_what_authors_read(problem.message))
            if found:
                english.append(f"{name}: {problem} -> {sorted(set(found))}")
            assert problem.message.strip() and problem.path and problem.line >= 1
    assert seen > 50
    assert english == [], "\n".join(english)


@pytest.mark.parametrize("broken, words", [
    (("pass_mark: 70", "pass_mark:\t70\n\tx: 1"), "Tabulatorzeichen"),
    (("    prompt: Was gilt?", "    prompt: Was gilt: das? ja: nein"), "Anführungszeichen"),
])
def test_yaml_syntax_errors_say_what_to_do(tmp_path, broken, words):
    problems = load_catalog(write_course(tmp_path, quizzes={"eins": QUIZ.replace(*broken)})).problems
    assert any(words in p.message and p.field == "yaml" for p in problems), [str(p) for p in problems]
