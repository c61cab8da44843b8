"""Ordering: items in the right order. Response: item index (file order) per position, None where
nothing was chosen."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from .base import Grade, QuestionBase, QuestionType, Text, as_list, distinct, make_grade, valid_index

RULE = "So wird gezählt: Sie erhalten für jede richtige Position einen Anteil der Punkte."


class Ordering(QuestionBase):
    type: Literal["ordering"]
    items: list[Text] = Field(min_length=2)

    @field_validator("items")
    @classmethod
    def _items_distinct(cls, items: list[str]) -> list[str]:
        return distinct(items, "items")


def grade(question: Ordering, response: Any) -> Grade:
    placed = as_list(response)[: len(question.items)]
    right = sum(1 for position, item in enumerate(placed)
                if valid_index(item, len(question.items)) is not None and item == position)
    return make_grade(question, right / len(question.items), [])


def response_text(question: Ordering, response: Any) -> str | None:
    count = len(question.items)
    if not isinstance(response, list) or all(valid_index(i, count) is None for i in response):
        return None
    texts = [question.items[i] if valid_index(i, count) is not None else "–" for i in response]
    return "; ".join(f"{n}. {t}" for n, t in enumerate(texts, 1))


def _numbered(question: Ordering) -> list[str]:
    return [f"{n}. {item}" for n, item in enumerate(question.items, 1)]


def xapi_interaction(question: Ordering, lang: str) -> dict:
    from lotse.interop.xapi_parts import component_ids

    order = [f"item-{i}" for i in range(1, len(question.items) + 1)]
    return {"interactionType": "sequencing", "correctResponsesPattern": ["[,]".join(order)],
            "choices": component_ids("item", list(question.items), lang)}


def xapi_response(question: Ordering, response: Any) -> str:
    from lotse.interop.xapi_parts import component_index

    items = response if isinstance(response, (list, tuple)) else [response]
    return "[,]".join(component_index(v, list(question.items), "item") for v in items)


def moodle_write(question: Ordering, q: Any, warnings: list[str]) -> None:
    from lotse.interop import moodle_xml_parts as mx

    for tag, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"),
                       ("selectcount", len(question.items)),
                       ("gradingtype", "ABSOLUTE_POSITION"), ("showgrading", "SHOW")):
        mx.add_value(q, tag, value)
    mx.combined_feedback(q)
    for position, item in enumerate(question.items, start=1):
        mx.add_text(q, "answer", item, fraction=str(position))
    warnings.append(f"{question.id}: Reihenfolge braucht Moodle ≥ 4.4 oder das Plugin qtype_ordering")


def example() -> dict:
    return {"id": "beispiel-reihenfolge", "type": "ordering", "objective": "ziel",
            "prompt": "Bringen Sie die Schritte der Haushaltsaufstellung in die richtige Reihenfolge.",
            "explanation": "Erst der Entwurf, dann die Beratung, dann der Beschluss.",
            "items": ["Entwurf", "Beratung", "Beschluss"]}


def moodle_read(q: Any, fmt: str, notes: list[str], data: dict) -> dict:
    """qtype_ordering; per-item feedback goes into the explanation."""
    from lotse.ids import is_ascii_number
    from lotse.interop import moodle_xml_parts as mx
    from lotse.interop.common import append_explanation

    items = []
    for answer in q.findall("answer"):
        items.append(mx.rich(answer, fmt, notes))
        feedback = mx.rich(answer.find("feedback"), fmt, notes)
        if feedback:
            append_explanation(data, f"{items[-1]}: {feedback}")
    grading = mx.text_of(q, "gradingtype").upper() or "RELATIVE"
    if grading not in ("ABS", "ABSOLUTE", "ABSOLUTE_POSITION"):
        notes.append(f"Moodle bewertet mit {grading}, Lotse nach absoluter Position")
    count = mx.text_of(q, "selectcount")
    if mx.text_of(q, "selecttype").upper() not in ("", "ALL", "EXACT") and is_ascii_number(count) \
            and 0 < int(count) < len(items):
        notes.append(f"Moodle zeigt nur {count} von {len(items)} Elementen, Lotse alle")
    return {"type": "ordering", "items": items}


def ilias_read(item: Any, data: dict) -> dict:
    """Items in their correct order: `<varequal respident="OQT" index="position">answer</varequal>`,
    where the answer is the label's ident (ILIAS < 5.2) or its index in the list (5.2+)."""
    from lotse.interop import qti_parts as iq
    from lotse.interop.common import Refused, append_explanation

    response = iq.response(item, "response_lid")
    labels = list(response.iter("response_label"))
    if response.get("ident") in ("OQP", "OQNP") or any(iq.image_only(label) for label in labels):
        raise Refused("Reihenfolge mit Bildern kann nicht übernommen werden")
    texts = [iq.material(label, item.notes) for label in labels]
    idents = [label.get("ident", "") for label in labels]
    positions: dict[int, float] = {}
    for test, negated, condition in iq.tests(item, response.get("ident"), ("varequal",)):
        answer = (test.text or "").strip()
        index = idents.index(answer) if answer in idents \
            else int(answer) if answer.isdecimal() and len(answer) < 10 else -1
        if not negated and test.get("index") is not None and 0 <= index < len(labels):
            positions[index] = iq.number(test.get("index"), "Position")
            feedback = item.feedback.get(_ilias_link(condition))
            if feedback:
                append_explanation(data, f"{texts[index]}: {feedback}")
    order = sorted(range(len(labels)), key=positions.get) if len(positions) == len(labels) \
        else range(len(labels))
    depths = [e.text for e in response.iter("mattext") if e.get("label") == "answerdepth"]
    if any((d or "0").strip() not in ("", "0") for d in depths):
        item.notes.append("Einrückungen (verschachtelte Reihenfolge) nicht übernommen")
    _ilias_points(item, data)
    return {"type": "ordering", "items": [texts[i] for i in order]}


def _ilias_link(condition: Any) -> str:
    shown = condition.find("displayfeedback")
    return shown.get("linkrefid", "") if shown is not None else ""


def _ilias_points(item: Any, data: dict) -> None:
    from lotse.interop import qti_parts as iq

    if item.meta.get("points"):
        points = iq.number(item.meta["points"], "Punktzahl")
    else:
        points = sum(p for c in item.node.iter("respcondition") if (p := iq.points(c)) and p > 0)
    iq.set_points(data, points, item.notes)


def ilias_read_horizontal(item: Any, data: dict) -> dict:
    """The words of `ordertext` in their correct order, split at `separator` (or spaces)."""
    from lotse.interop.text_formats import to_markdown

    text = item.meta.get("ordertext", "")
    separator = item.meta.get("separator") or "::"
    parts = text.split(separator) if separator in text else text.split()
    _ilias_points(item, data)
    return {"type": "ordering", "items": [to_markdown(p, "plain") for p in parts if p.strip()]}


TYPE = QuestionType(
    name="ordering", label="Reihenfolge", model=Ordering, grade=grade,
    answered=lambda q, r: any(v is not None for v in as_list(r)),
    response_text=response_text,
    correct_answer=lambda q: "; ".join(_numbered(q)), solution_lines=_numbered,
    right_response=lambda q: list(range(len(q.items))),
    wrong_response=lambda q: list(range(1, len(q.items))) + [0],
    xapi_interaction=xapi_interaction, xapi_response=xapi_response,
    moodle_qtype="ordering", moodle_write=moodle_write, gift_write=None,
    gift_refusal="Reihenfolge-Fragen (ordering) sind in GIFT nicht darstellbar; bitte Moodle XML "
                 "verwenden (Fragetyp „ordering“)",
    example=example, counting_rule=RULE, yaml_keys=("items",),
    moodle_readers={"ordering": moodle_read},
    ilias_readers={"ordering question": ilias_read, "assorderingquestion": ilias_read,
                   "ordering horizontal": ilias_read_horizontal, "assorderinghorizontal": ilias_read_horizontal},
)
