"""Multiple choice: any number of options are right. Response: list of chosen option indexes."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, field_validator

from . import choice
from .base import Grade, QuestionBase, QuestionType, as_list, distinct, make_grade, valid_index
from .choice import ChoiceOption

RULE = ("So wird gezählt: Jede richtige Auswahl bringt einen Anteil der Punkte, jede falsche "
        "Auswahl zieht einen Anteil ab. Weniger als 0 Punkte gibt es nicht. Wer alles oder "
        "nichts ankreuzt, erhält 0 Punkte; ein richtiges und ein falsches Kreuz heben sich auf.")


class MultipleChoice(QuestionBase):
    type: Literal["multiple_choice"]
    options: list[ChoiceOption] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _weights_consistent(cls, options: list[ChoiceOption]) -> list[ChoiceOption]:
        if not any(o.correct for o in options):
            raise ValueError("multiple choice needs at least one correct option")
        distinct([o.text for o in options], "option texts")
        given = [o.weight for o in options if o.weight is not None]
        if given and len(given) != len(options):
            raise ValueError("give a weight on every option or on none")
        if given:
            positive = sum(w for w in given if w > 0)
            if not math.isclose(positive, 100, abs_tol=0.01):
                raise ValueError(f"positive weights must add up to 100, they add up to {positive:g}")  # not German text
        return options

    def option_weight(self, index: int) -> float:
        """Weight in percent; by default +100/k for each of the k correct options and
        -100/min(k, w) for each of the w wrong ones, so ticking every box always earns 0."""
        option = self.options[index]
        if option.weight is not None:
            return option.weight
        k = sum(o.correct for o in self.options)
        if option.correct:
            return 100.0 / k
        return -100.0 / min(k, len(self.options) - k)


def _chosen(question: MultipleChoice, response: Any) -> list[int]:
    return sorted({i for i in as_list(response) if valid_index(i, len(question.options)) is not None})


def grade(question: MultipleChoice, response: Any) -> Grade:
    chosen = _chosen(question, response)
    total = math.fsum(question.option_weight(i) for i in chosen)  # exact: independent of order
    return make_grade(question, total / 100, [question.options[i].feedback for i in chosen])


def response_text(question: MultipleChoice, response: Any) -> str:
    picked = [question.options[i].text for i in as_list(response)
              if valid_index(i, len(question.options)) is not None]
    return "; ".join(picked) or "keine Auswahl"


def example() -> dict:
    return {"id": "beispiel-mehrfach", "type": "multiple_choice", "objective": "ziel",
            "prompt": "Welche Angaben gehören in ein Verzeichnis der Verarbeitungstätigkeiten?",
            "explanation": "Art. 30 DSGVO nennt unter anderem Zwecke und Empfänger.",
            "options": [{"text": "Zwecke der Verarbeitung", "correct": True, "feedback": "Ja."},
                        {"text": "Empfänger der Daten", "correct": True, "feedback": "Ja."},
                        {"text": "Lieblingsfarbe der Leitung", "feedback": "Nein."}]}


def ilias_read(item: Any, data: dict) -> dict:
    """An option is correct if checking it gives points. ILIAS' points for *unchecked* options
    have no Lotse equivalent: then Lotse's default weights are used (and noted)."""
    from lotse.interop import qti_parts as iq
    from lotse.interop.common import choice_data
    from .choice import ilias_choice_points

    response = iq.response(item, "response_lid")
    labels = iq.labels(item, response)
    checked, unchecked = ilias_choice_points(item, response)
    on = [checked.get(ident, 0.0) for ident, _ in labels]
    off = [unchecked.get(ident, 0.0) for ident, _ in labels]
    k = sum(p > 0 for p in on) or 1
    positive = sum(p for p in on if p > 0)
    if any(off) or not positive:
        if any(off):
            item.notes.append("Punkte für nicht angekreuzte Antworten nicht übernommen (Lotse "
                              "bewertet mit seinen Standardgewichten)")
        weights = [100 / k if p > 0 else -100 / k for p in on]
    else:
        weights = [p / positive * 100 for p in on]
        if min(weights) < -100:
            item.notes.append("Abzug für eine falsche Antwort auf -100 % begrenzt")
            weights = [max(w, -100.0) for w in weights]
    rows = [(text, w, item.feedback.get(f"response_{ident}")) for (ident, text), w in zip(labels, weights)]
    result, notes = choice_data(rows, single=False)
    item.notes.extend(notes)
    limit = response.find("render_choice")
    if limit is not None and (limit.get("maxnumber") or "0") not in ("", "0"):
        item.notes.append(f"ILIAS erlaubt höchstens {limit.get('maxnumber')} Kreuze, Lotse beliebig viele")
    iq.set_points(data, sum(max(a, b) for a, b in zip(on, off)), item.notes)
    return result


def ilias_read_kprim(item: Any, data: dict) -> dict:
    """Four statements, each right or wrong -> multiple choice: tick = the statement is right."""
    from lotse.interop import qti_parts as iq
    from lotse.interop.common import choice_data

    response = iq.response(item, "response_lid")
    labels = iq.labels(item, response)
    idents = {ident for ident, _ in labels}
    right = {(test.get("respident") or ""): (test.text or "").strip().lower() in ("1", "true")
             for test, negated, condition in iq.tests(item, None, ("varequal",))
             if not negated and iq.points(condition) is None and test.get("respident") in idents}
    k = sum(right.values()) or 1
    rows = [(text, 100 / k if right.get(ident) else -100 / k, item.feedback.get(f"response_{ident}"))
            for ident, text in labels]
    result, _ = choice_data(rows, single=False)
    item.notes.append("Kprim-Frage als Mehrfachauswahl übernommen (angekreuzt = Aussage trifft "
                      "zu, Teilpunkte nach der Lotse-Regel statt nach ILIAS)")
    points = [p for c in item.node.iter("respcondition") if (p := iq.points(c)) is not None]
    iq.set_points(data, max(points, default=0.0), item.notes)
    return result


TYPE = QuestionType(
    name="multiple_choice", label="Mehrfachauswahl", model=MultipleChoice, grade=grade,
    answered=lambda q, r: bool(r),
    response_text=response_text,
    correct_answer=lambda q: "; ".join(choice.right_texts(q)),
    solution_lines=choice.right_texts,
    right_response=lambda q: [i for i, o in enumerate(q.options) if o.correct],
    wrong_response=lambda q: [i for i, o in enumerate(q.options) if not o.correct],
    xapi_interaction=choice.xapi_interaction, xapi_response=choice.xapi_response,
    moodle_qtype="multichoice", moodle_write=choice.moodle_write, gift_write=choice.gift_write,
    example=example, counting_rule=RULE, yaml_keys=("options",),
    ilias_readers={"multiple choice question": ilias_read, "assmultiplechoice": ilias_read,
                   "kprim choice question": ilias_read_kprim, "asskprimchoice": ilias_read_kprim},
)
