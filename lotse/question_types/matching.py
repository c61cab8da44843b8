"""Matching: each left-hand item gets its right-hand text. Response: the chosen right-hand text per
pair, None where nothing was chosen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Grade, QuestionBase, QuestionType, Strict, Text, as_list, distinct, make_grade

RULE = "So wird gezählt: Sie erhalten für jede richtige Zuordnung einen Anteil der Punkte."


class Pair(Strict):
    left: Text
    right: Text


class Matching(QuestionBase):
    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2)
    distractors: list[Text] = []

    @model_validator(mode="after")
    def _distinct_sides(self) -> Matching:
        distinct([p.left for p in self.pairs], "left-hand items")
        rights = {p.right for p in self.pairs}
        if len(rights) < 2:
            raise ValueError("matching needs at least two distinct right-hand items")
        if rights & set(self.distractors):
            raise ValueError("a distractor must not equal a right-hand item")
        return self

    @property
    def choices(self) -> list[str]:
        """Right-hand texts offered to the learner (each once)."""
        seen: dict[str, None] = {}
        for text in [p.right for p in self.pairs] + list(self.distractors):
            seen.setdefault(text, None)
        return list(seen)


def grade(question: Matching, response: Any) -> Grade:
    chosen = as_list(response)[: len(question.pairs)]
    right = sum(1 for pair, answer in zip(question.pairs, chosen) if answer == pair.right)
    return make_grade(question, right / len(question.pairs), [])


def response_text(question: Matching, response: Any) -> str | None:
    chosen = as_list(response)
    if not any(chosen):
        return None
    chosen += [None] * len(question.pairs)
    return "; ".join(f"{p.left} → {r if isinstance(r, str) and r else '–'}"
                     for p, r in zip(question.pairs, chosen))


def _pairs(question: Matching) -> list[str]:
    return [f"{pair.left} → {pair.right}" for pair in question.pairs]


def wrong_response(question: Matching) -> list[str]:
    """Every left-hand item gets a right-hand text that is not its own."""
    choices = question.choices
    return [next(c for c in choices if c != pair.right) for pair in question.pairs]


def xapi_interaction(question: Matching, lang: str) -> dict:
    from lotse.interop.xapi_parts import component_ids

    choices = question.choices
    pairs = [f"left-{i}[.]right-{choices.index(p.right) + 1}" for i, p in enumerate(question.pairs, 1)]
    return {"interactionType": "matching", "correctResponsesPattern": ["[,]".join(pairs)],
            "source": component_ids("left", [p.left for p in question.pairs], lang),
            "target": component_ids("right", choices, lang)}


def xapi_response(question: Matching, response: Any) -> str:
    from lotse.interop.xapi_parts import component_index

    lefts = [p.left for p in question.pairs]
    pairs = list(response.items()) if isinstance(response, Mapping) else response
    if isinstance(pairs, (list, tuple)) and all(p is None or isinstance(p, str) for p in pairs):
        # the quiz page's format: the chosen right-hand text per pair, None where none chosen
        pairs = [(left, right) for left, right in zip(lefts, pairs) if right is not None]
    if not isinstance(pairs, (list, tuple)) or \
            not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
        return str(response)
    return "[,]".join(f"{component_index(left, lefts, 'left')}[.]"
                      f"{component_index(right, question.choices, 'right')}" for left, right in pairs)


def moodle_write(question: Matching, q: Any, warnings: list[str]) -> None:
    from lotse.interop import moodle_xml_parts as mx

    mx.add_value(q, "shuffleanswers", "true")
    mx.combined_feedback(q)
    for left, right in [(p.left, p.right) for p in question.pairs] + [("", d) for d in question.distractors]:
        sub = mx.add_text(q, "subquestion", left)
        mx.add_text(sub, "answer", right, fmt=None)


def gift_write(question: Matching, warnings: list[str]) -> list[str]:
    from lotse.interop.gift_parts import NotRepresentable, gift_escape, gift_text

    if any("->" in p.left for p in question.pairs):
        raise NotRepresentable("„->“ im linken Text ist in GIFT nicht darstellbar")
    return ([f"={gift_text(p.left)} -> {gift_escape(p.right)}" for p in question.pairs]
            + [f"= -> {gift_escape(d)}" for d in question.distractors])


def example() -> dict:
    return {"id": "beispiel-zuordnung", "type": "matching", "objective": "ziel",
            "prompt": "Ordnen Sie die Gesetze ihrem Thema zu.",
            "explanation": "Das OZG regelt den Onlinezugang, die DSGVO den Datenschutz.",
            "pairs": [{"left": "OZG", "right": "Onlinezugang"}, {"left": "DSGVO", "right": "Datenschutz"}],
            "distractors": ["Straßenbau"]}


def moodle_read(q: Any, fmt: str, notes: list[str], data: dict) -> dict:
    """A subquestion without text is a distractor."""
    from lotse.interop import moodle_xml_parts as mx

    pairs, distractors = [], []
    for sub in q.findall("subquestion"):
        left, right = mx.rich(sub, fmt, notes), mx.text_of(sub, "answer/text")
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    return {"type": "matching", "pairs": pairs, "distractors": distractors}


def ilias_read(item: Any, data: dict) -> dict:
    """Definitions (labels with match_group) get terms assigned; pairs with points are correct."""
    from lotse.interop import qti_parts as iq
    from lotse.interop.common import Refused, append_explanation

    response = iq.response(item, "response_grp")
    definitions: dict[str, str] = {}
    terms: dict[str, str] = {}
    for label in response.iter("response_label"):
        if iq.image_only(label):
            raise Refused("Zuordnung mit Bildern kann nicht übernommen werden")
        side = definitions if label.get("match_group") is not None else terms
        side[label.get("ident", "")] = iq.material(label, item.notes)
    pairs, ignored = [], 0
    for test, negated, condition in iq.tests(item, response.get("ident"), ("varsubset",)):
        points = iq.points(condition)
        term, _, definition = (test.text or "").partition(",")
        if negated or points is None:
            continue
        pair = (term.strip(), definition.strip(), points)
        if points > 0 and pair[0] in terms and pair[1] in definitions:
            if pair[:2] not in {p[:2] for p in pairs}:
                pairs.append(pair)
        else:
            ignored += 1
    if ignored:
        item.notes.append("Paare ohne Punkte oder mit Minuspunkten nicht übernommen")
    if not pairs:
        raise Refused("keine Zuordnung gibt Punkte")
    if len({p for _, _, p in pairs}) > 1:
        item.notes.append("ILIAS gewichtet die Paare unterschiedlich, Lotse zählt jedes Paar gleich")
    result = _ilias_pair_up(item, pairs, definitions, terms)
    iq.set_points(data, sum(p for _, _, p in pairs), item.notes)
    for term, definition, _ in pairs:
        text = item.feedback.get(f"correct_{term}_{definition}")
        if text:
            append_explanation(data, f"{definitions[definition]} → {terms[term]}: {text}")
    return result


def _ilias_pair_up(item: Any, pairs: list[tuple[str, str, float]], definitions: dict[str, str],
             terms: dict[str, str]) -> dict:
    """Lotse pairs: left = definition, right = its term; unused terms are distractors. If a
    definition has several terms (ILIAS mode n:1), left = term and right = definition."""
    from lotse.interop.common import Refused

    for left_side, right_side, lefts, rights in ((1, 0, definitions, terms), (0, 1, terms, definitions)):
        by_left: dict[str, list[str]] = {}
        for pair in pairs:
            by_left.setdefault(pair[left_side], []).append(pair[right_side])
        if all(len(v) == 1 for v in by_left.values()):
            break
    else:
        raise Refused("Zuordnung mit mehreren richtigen Partnern auf beiden Seiten ist in Lotse "
                       "nicht darstellbar")
    missing = [lefts[i] for i in lefts if i not in by_left]
    if missing:
        item.notes.append("ohne richtigen Partner nicht übernommen: " + ", ".join(missing))
    used = {r[0] for r in by_left.values()}
    right_texts = {rights[r[0]] for r in by_left.values()}
    distractors = [rights[i] for i in rights if i not in used and rights[i] not in right_texts]
    return {"type": "matching", "distractors": list(dict.fromkeys(distractors)),
            "pairs": [{"left": lefts[i], "right": rights[r[0]]} for i, r in by_left.items()]}


TYPE = QuestionType(
    name="matching", label="Zuordnung", model=Matching, grade=grade,
    answered=lambda q, r: any(v is not None for v in as_list(r)),
    response_text=response_text,
    correct_answer=lambda q: "; ".join(_pairs(q)), solution_lines=_pairs,
    right_response=lambda q: [p.right for p in q.pairs], wrong_response=wrong_response,
    xapi_interaction=xapi_interaction, xapi_response=xapi_response,
    moodle_qtype="matching", moodle_write=moodle_write, gift_write=gift_write,
    example=example, counting_rule=RULE, yaml_keys=("pairs", "distractors"),
    moodle_readers={"matching": moodle_read, "match": moodle_read},
    ilias_readers={"matching question": ilias_read, "assmatchingquestion": ilias_read},
)
