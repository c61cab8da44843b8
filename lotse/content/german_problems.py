"""Schema errors in German: the field named in words an author understands, the fault as a sentence.

Pydantic reports e.g. `questions.2.options.0.feedback: Field required` or "Input should be a valid
integer"; authors read „Frage 3, Antwortmöglichkeit 1: „Rückmeldung“ (feedback) fehlt. Bitte ergänzen.“
The technical path stays in Problem.field (file and line too), so nothing is lost for people who
know the format.
"""

from __future__ import annotations

import re

from ..german_format import decimal
from lotse.question_types import REGISTRY

FIELD_WORDS = {
    "id": "Kennung", "title": "Titel", "module": "Modul", "order": "Reihenfolge",
    "duration_minutes": "Dauer in Minuten", "objectives": "Lernziele", "glossary": "Glossarbegriffe",
    "prerequisites": "Voraussetzungen", "sources": "Quellen", "stand": "Stand", "review_by": "Nächste Prüfung",
    "reflection_prompts": "Leitfragen zur Reflexion", "self_assessment": "Selbsteinschätzung",
    "topic": "Thema", "competence": "Kompetenz", "statement": "Aussage",
    "lesson": "Lektion", "pass_mark": "Bestehensgrenze in Prozent", "questions": "Fragen",
    "show_correct": "Richtige Antworten zeigen", "type": "Fragetyp", "prompt": "Fragetext",
    "objective": "Lernziel", "explanation": "Erklärung", "section": "Abschnitt", "points": "Punkte",
    "category": "Kategorie", "options": "Antwortmöglichkeiten", "text": "Text", "feedback": "Rückmeldung",
    "correct": "richtig", "weight": "Gewichtung", "answer": "richtige Antwort",
    "feedback_true": "Rückmeldung zu „Stimmt“", "feedback_false": "Rückmeldung zu „Stimmt nicht“",
    "items": "Schritte", "pairs": "Paare", "left": "linke Seite", "right": "rechte Seite",
    "distractors": "Ablenker", "answers": "Antworten", "case_sensitive": "Groß-/Kleinschreibung beachten",
    "value": "Wert", "tolerance": "Toleranz", "unit": "Einheit", "terms": "Begriffe", "term": "Begriff",
    "definition": "Erklärung des Begriffs", "aliases": "andere Schreibweisen", "source": "Quelle",
}
# list name -> what one entry is called ("Frage 3")
ENTRY_WORDS = {
    "questions": "Frage", "options": "Antwortmöglichkeit", "answers": "Antwort", "pairs": "Paar",
    "items": "Schritt", "objectives": "Lernziel", "terms": "Begriff", "sources": "Quelle",
    "distractors": "Ablenker", "modules": "Modul", "reflection_prompts": "Leitfrage",
    "self_assessment": "Aussage", "glossary": "Glossarbegriff", "prerequisites": "Voraussetzung",
}

# the question types' own fields and messages (lotse.question_types); the general words above win
FIELD_WORDS |= {k: v for t in REGISTRY.values() for k, v in t.field_words.items() if k not in FIELD_WORDS}
ENTRY_WORDS |= {k: v for t in REGISTRY.values() for k, v in t.entry_words.items() if k not in ENTRY_WORDS}

_VALUE_ERRORS = [  # our own model checks (lotse/content/models.py), English there for the code
    (r"single choice needs exactly one correct option, found (\d+)",
     r"Bei einer Einfachauswahl muss genau eine Antwortmöglichkeit richtig sein (correct: true); es sind \1."),
    (r"multiple choice needs at least one correct option",
     "Bei einer Mehrfachauswahl muss mindestens eine Antwortmöglichkeit richtig sein (correct: true)."),
    (r"give a weight on every option or on none",
     "Geben Sie eine Gewichtung (weight) bei jeder Antwortmöglichkeit an oder bei keiner."),
    (r"positive weights must add up to 100, they add up to (.+)",
     r"Die positiven Gewichtungen müssen zusammen 100 ergeben; es sind \1."),
    (r"matching needs at least two distinct right-hand items",
     "Eine Zuordnung braucht mindestens zwei verschiedene rechte Seiten."),
    (r"a distractor must not equal a right-hand item", "Ein Ablenker darf nicht gleich einer rechten Seite sein."),
    (r"at least one answer must have weight 100", "Mindestens eine Antwort muss die Gewichtung 100 haben."),
    (r"must be a finite number", "Das muss eine endliche Zahl sein."),
    *(pair for t in REGISTRY.values() for pair in t.value_errors),
    (r"(.+) must be distinct", "Jeder Eintrag darf nur einmal vorkommen."),
]


def field_words(loc: tuple) -> str:
    """("questions", 2, "options", 0, "feedback") -> „Frage 3, Antwortmöglichkeit 1: „Rückmeldung“ (feedback)“."""
    places, last = [], None
    for position, step in enumerate(loc):
        if isinstance(step, int):
            list_name = loc[position - 1] if position else ""
            places.append(f"{ENTRY_WORDS.get(list_name, 'Eintrag')} {step + 1}")
            last = None
        else:
            last = str(step)
    where = ", ".join(places)
    if last is None:
        return where or "Datei"
    name = f"„{FIELD_WORDS[last]}“ ({last})" if last in FIELD_WORDS else f"„{last}“"
    return f"{where}: {name}" if where else name


def _number(value: object) -> str:
    return decimal(value, 6) if isinstance(value, (int, float)) else str(value)


def german_message(item: dict, loc: tuple, question_types: tuple[str, ...]) -> str:
    """One pydantic error item as a German sentence naming the field."""
    kind, ctx, field = item["type"], item.get("ctx") or {}, field_words(loc)
    if kind == "union_tag_invalid":
        return (f"Unbekannter Fragetyp „{ctx.get('tag')}“. Erlaubt sind: {', '.join(question_types)} "
                "(siehe docs/authoring.md).")
    if kind == "union_tag_not_found":
        return f"{field} fehlt: Bitte einen Fragetyp angeben ({', '.join(question_types)})."
    if kind == "value_error":
        text = str(item["msg"]).removeprefix("Value error, ")
        for pattern, german in _VALUE_ERRORS:
            if re.fullmatch(pattern, text):
                return f"{field}: {re.sub(pattern, german, text)}"
        return f"{field}: Dieser Wert ist nicht zulässig."
    sentences = {
        "missing": "{f} fehlt. Bitte ergänzen.",
        "extra_forbidden": "{f}: Dieses Feld kennt Lotse nicht. Bitte prüfen Sie die Schreibweise (siehe "
                           "docs/authoring.md).",
        "string_pattern_mismatch": "{f} muss eine Kennung aus Kleinbuchstaben a–z, Ziffern und „-“ sein "
                                   "(höchstens 64 Zeichen).",
        "string_too_short": "{f} darf nicht leer sein.",
        "too_short": "{f} braucht mindestens {min_length} Einträge.",
        "int_parsing": "{f} muss eine ganze Zahl sein, zum Beispiel 10.",
        "int_type": "{f} muss eine ganze Zahl sein, zum Beispiel 10.",
        "int_from_float": "{f} muss eine ganze Zahl sein, zum Beispiel 10.",
        "float_parsing": "{f} muss eine Zahl sein, zum Beispiel 70.",
        "float_type": "{f} muss eine Zahl sein, zum Beispiel 70.",
        "bool_parsing": "{f} muss true (ja) oder false (nein) sein.",
        "bool_type": "{f} muss true (ja) oder false (nein) sein.",
        "string_type": "{f} muss ein Text sein.",
        "list_type": "{f} muss eine Liste sein (jede Zeile beginnt mit „- “).",
        "dict_type": "{f} muss Felder der Form „name: Wert“ enthalten.",
        "model_type": "{f} muss Felder der Form „name: Wert“ enthalten.",
        "model_attributes_type": "{f} muss Felder der Form „name: Wert“ enthalten.",
        "greater_than_equal": "{f} muss mindestens {ge} sein.",
        "greater_than": "{f} muss größer als {gt} sein.",
        "less_than_equal": "{f} darf höchstens {le} sein.",
        "less_than": "{f} muss kleiner als {lt} sein.",
        "date_parsing": "{f} muss ein Datum in der Form JJJJ-MM-TT sein, zum Beispiel 2026-12-07.",
        "date_from_datetime_parsing": "{f} muss ein Datum in der Form JJJJ-MM-TT sein, zum Beispiel 2026-12-07.",
        "date_type": "{f} muss ein Datum in der Form JJJJ-MM-TT sein, zum Beispiel 2026-12-07.",
        "literal_error": "{f} muss einer dieser Werte sein: {expected}.",
    }
    template = sentences.get(kind, "{f}: Dieser Wert ist nicht zulässig.")
    values = {name: _number(value) for name, value in ctx.items()}
    values["expected"] = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " oder ")
    return template.format(f=field, **{k: v for k, v in values.items() if k != "f"})
