"""Short answer: typed text compared with accepted answers. Response: the text as typed."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from .base import (Grade, QuestionBase, QuestionType, Strict, Text, make_grade, normalise_text,
                   quoted)


class TextAnswer(Strict):
    text: Text
    weight: float = Field(default=100, ge=0, le=100)
    feedback: str | None = None


class ShortAnswer(QuestionBase):
    type: Literal["short_answer"]
    answers: list[TextAnswer] = Field(min_length=1)
    case_sensitive: bool = False

    @field_validator("answers")
    @classmethod
    def _one_full_answer(cls, answers: list[TextAnswer]) -> list[TextAnswer]:
        if not any(a.weight == 100 for a in answers):
            raise ValueError("at least one answer must have weight 100")
        return answers


def grade(question: ShortAnswer, response: Any) -> Grade:
    if not isinstance(response, str) or not response.strip():
        return make_grade(question, 0, [])
    given = normalise_text(response, question.case_sensitive)
    for answer in question.answers:
        if normalise_text(answer.text, question.case_sensitive) == given:
            return make_grade(question, answer.weight / 100, [answer.feedback] if answer.feedback else [])
    return make_grade(question, 0, [])


def plain_response(question: Any, response: Any) -> str:
    """xAPI response of a typed answer (fill-in, numeric): the text, trimmed."""
    from lotse.interop.common import format_number

    if isinstance(response, bool):
        return str(response).lower()
    if isinstance(response, (int, float)):
        return format_number(float(response))
    return str(response).strip()


def _full(question: ShortAnswer) -> list[str]:
    return [a.text for a in question.answers if a.weight == 100]


def xapi_interaction(question: ShortAnswer, lang: str) -> dict:
    case = "{case_matters=%s}" % str(question.case_sensitive).lower()
    return {"interactionType": "fill-in", "correctResponsesPattern": [case + text for text in _full(question)]}


def moodle_write(question: ShortAnswer, q: Any, warnings: list[str]) -> None:
    from lotse.interop import moodle_xml_parts as mx

    mx.add_value(q, "usecase", int(question.case_sensitive))
    for answer in question.answers:
        mx.add_answer(q, answer.text, answer.weight, answer.feedback, "moodle_auto_format")


def gift_write(question: ShortAnswer, warnings: list[str]) -> list[str]:
    from lotse.interop.common import format_weight
    from lotse.interop.gift_parts import NotRepresentable, gift_escape, gift_feedback

    if any("->" in a.text for a in question.answers):
        raise NotRepresentable("„->“ in einer Antwort ist in GIFT nicht darstellbar")
    if question.case_sensitive:
        warnings.append(f"{question.id}: Groß-/Kleinschreibung kennt GIFT nicht (Moodle vergleicht ohne)")
    return [f"=%{format_weight(a.weight)}%" + ("[plain]" if a.text.startswith("[") else "")
            + gift_escape(a.text) + gift_feedback(a.feedback) for a in question.answers]


def example() -> dict:
    return {"id": "beispiel-kurz", "type": "short_answer", "objective": "ziel",
            "prompt": "Wie heißt der Grundsatz, nur die nötigen Daten zu erheben?",
            "explanation": "Art. 5 DSGVO nennt ihn Datenminimierung.",
            "answers": [{"text": "Datenminimierung"}, {"text": "Datensparsamkeit", "weight": 50}]}


def moodle_read(q: Any, fmt: str, notes: list[str], data: dict) -> dict:
    from lotse.interop import moodle_xml_parts as mx

    answers = []
    for answer in q.findall("answer"):
        if mx.text_of(answer) == "*":
            notes.append("Moodle-Platzhalter * wird in Lotse wörtlich verglichen")
        answers.append({"text": mx.text_of(answer), "weight": mx.fraction(answer),
                        "feedback": mx.rich(answer.find("feedback"), fmt, notes) or None})
    usecase = mx.text_of(q, "usecase") not in ("", "0")
    return {"type": "short_answer", "answers": answers, "case_sensitive": usecase}


def ilias_read(item: Any, data: dict) -> dict:
    """Short answers: one input field in Lotse, so only questions that ask for one answer."""
    from lotse.interop import qti_parts as iq
    from lotse.interop.common import Refused

    wanted = item.meta.get("correctanswers", "1") or "1"
    if wanted not in ("0", "1"):
        raise Refused(f"verlangt {wanted} verschiedene Antworten; eine Lotse-Kurzantwort hat ein "
                       "Eingabefeld")
    fields = [r.get("ident") for r in item.node.iter("response_str")]
    answers: dict[str, float] = {}
    for test, negated, condition in iq.tests(item, fields[0] if fields else None, ("varsubset", "varequal")):
        points = iq.points(condition)
        if negated or points is None:
            continue
        for text in (test.text or "").split(","):  # ILIAS joins answers with equal points by ","
            if text.strip():
                answers.setdefault(text.strip(), points)
    best = max(answers.values(), default=0.0)
    if best <= 0:
        raise Refused("keine Antwort gibt Punkte")
    if min(answers.values()) < 0:
        item.notes.append("Minuspunkte für Antworten nicht übernommen (in Lotse 0 Punkte)")
    rating = item.meta.get("textrating", "ci").lower()
    if rating.startswith("l"):
        item.notes.append(f"ILIAS akzeptiert Tippfehler (Levenshtein-Abstand {rating[1:]}), Lotse "
                          "nur die genaue Schreibweise")
    iq.set_points(data, best, item.notes)
    return {"type": "short_answer", "case_sensitive": rating == "cs",
            "answers": [{"text": text, "weight": max(p, 0.0) / best * 100} for text, p in answers.items()]}


TYPE = QuestionType(
    name="short_answer", label="Kurzantwort", model=ShortAnswer, grade=grade,
    answered=lambda q, r: isinstance(r, str) and r != "",
    response_text=lambda q, r: quoted(r),
    correct_answer=lambda q: " oder ".join(f"„{text}“" for text in _full(q)),
    solution_lines=_full,
    right_response=lambda q: max(q.answers, key=lambda a: a.weight).text,
    wrong_response=lambda q: "keine der Antworten",
    xapi_interaction=xapi_interaction, xapi_response=plain_response,
    moodle_qtype="shortanswer", moodle_write=moodle_write, gift_write=gift_write, gift_meta=("case_sensitive",),
    example=example, yaml_keys=("answers", "case_sensitive"),
    moodle_readers={"shortanswer": moodle_read},
    ilias_readers={"textsubset question": ilias_read, "asstextsubset": ilias_read},
)
