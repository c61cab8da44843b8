"""The project canvas as data: the four steps of lesson 6-2, their guidance and lesson links, the
fields of each step with their limits, and the rating scale.

Pages build their forms from ``SPECS``; validation (``validation.py``) checks content against it.
"""

from __future__ import annotations

from dataclasses import dataclass

STEPS = ("ist", "anforderungen", "priorisierung", "massnahmen")
SECTIONS = ("rahmen",) + STEPS  # "rahmen": title and subject of the project, versioned like a step
STEP_LABELS = {"rahmen": "Projekt", "ist": "Ist-Analyse", "anforderungen": "Anforderungen",
               "priorisierung": "Priorisierung", "massnahmen": "Maßnahmen"}
# The four building blocks of the course, worded as in lesson 6-2.
STEP_TITLES = {"ist": "Vorhandene Strukturen analysieren", "anforderungen": "Anforderungen erfassen",
               "priorisierung": "Handlungsbedarfe priorisieren", "massnahmen": "Maßnahmen ableiten"}
LESSON_ID = "6-2-vom-ist-zur-massnahme"
AGILE_LESSON_ID = "6-3-agile-arbeitsformen"
# (lesson id, section anchor, link text) per step: the guided forms follow these lessons.
STEP_LESSONS = {
    "ist": [(LESSON_ID, "strukturen-analysieren", "Lektion „Vom Ist zur Maßnahme“: Schritt 1")],
    "anforderungen": [(LESSON_ID, "anforderungen-erfassen", "Lektion „Vom Ist zur Maßnahme“: Schritt 2"),
                      ("6-1-nutzerzentrierung-service-design", "doppelte-nutzerzentrierung",
                       "Lektion „Nutzerzentrierung und Service Design“")],
    "priorisierung": [(LESSON_ID, "priorisieren", "Lektion „Vom Ist zur Maßnahme“: Schritt 3")],
    "massnahmen": [(LESSON_ID, "massnahmen-ableiten", "Lektion „Vom Ist zur Maßnahme“: Schritt 4"),
                   (AGILE_LESSON_ID, "werkzeuge", "Lektion „Agile Arbeitsformen und Werkzeuge“: Kanban-Board")],
}
GUIDANCE = {
    "ist": "Wie läuft es heute wirklich? Halten Sie fest, wer beteiligt ist, welche Schritte es vom Eingang "
           "bis zum Ergebnis gibt, wo auf Papier, per E-Mail oder im Fachverfahren gearbeitet wird und wo "
           "Daten abgetippt werden (Medienbrüche). Erheben Sie das am besten mit den Menschen, die den "
           "Ablauf täglich erledigen.",
    "anforderungen": "Was brauchen die Menschen, die mit dem Ablauf zu tun haben – Bürgerinnen und Bürger "
                     "ebenso wie Kolleginnen und Kollegen? Halten Sie jede Anforderung in einem Satz fest: "
                     "Wer braucht was, damit welches Ergebnis eintritt. Trennen Sie den Bedarf vom "
                     "Lösungswunsch: „Wir brauchen eine App“ ist ein Lösungswunsch.",
    "priorisierung": "Was ist am wichtigsten und machbar? Schätzen Sie für jede Anforderung Nutzen, Aufwand "
                     "und Dringlichkeit grob von 1 bis 5, am besten gemeinsam im Team. Es geht nicht um exakte "
                     "Zahlen, sondern um eine nachvollziehbare Diskussion. Halten Sie fest, was Sie "
                     "zurückstellen und warum.",
    "massnahmen": "Was tun wir konkret, wer, bis wann? Eine Maßnahme ist so konkret beschrieben, dass jemand "
                  "morgen damit anfangen kann: Ziel, Inhalt, Verantwortung, Ressourcen und Zeitplan. Das "
                  "Board zeigt wie ein Kanban-Board, was offen, in Arbeit und erledigt ist.",
}

STATUSES = ("Offen", "In Arbeit", "Erledigt")
GROUPS = ("Bürgerinnen und Bürger", "Kolleginnen und Kollegen")

TITLE_MAX = 120
SUBJECT_MAX = 200
SHORT_MAX = 200
ITEM_TEXT_MAX = 300
LONG_MAX = 2000

RATING_KEYS = ("benefit", "effort", "urgency")
RATING_LABELS = {"benefit": "Nutzen", "effort": "Aufwand", "urgency": "Dringlichkeit"}
RATING_MIN, RATING_MAX = 1, 5
MAX_RATINGS = 200


class ProjectError(ValueError):
    """Input a person can fix; the message is German and shown as it is."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    limit: int = ITEM_TEXT_MAX
    kind: str = "text"  # text | long | choice | date | ref
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class ListSpec:
    key: str
    label: str  # the list, e.g. "Beteiligte"
    item: str  # one entry, e.g. "Beteiligte Stelle"
    fields: tuple[Field, ...]
    max_items: int = 30


@dataclass(frozen=True)
class StepSpec:
    lists: tuple[ListSpec, ...] = ()
    texts: tuple[Field, ...] = ()


SPECS: dict[str, StepSpec] = {
    "ist": StepSpec(
        lists=(
            ListSpec("actors", "Beteiligte", "Beteiligte", (
                Field("name", "Wer ist beteiligt? (Person, Stelle oder Rolle)", required=True),
                Field("task", "Aufgabe im Ablauf"))),
            ListSpec("process_steps", "Ablaufschritte heute", "Schritt", (
                Field("step", "Was geschieht?", required=True),
                Field("who", "Wer erledigt den Schritt?"),
                Field("medium", "Womit? (Papier, E-Mail, Tabelle, Fachverfahren …)")), max_items=40),
        ),
        texts=(
            Field("systems", "Systeme und Medien", LONG_MAX, "long",
                  help="Welche Programme, Formulare und Ablagen werden genutzt?"),
            Field("media_breaks", "Medienbrüche", LONG_MAX, "long",
                  help="Wo werden Daten abgetippt, ausgedruckt oder von einem System ins andere übertragen?"),
            Field("volumes", "Mengen und Zeiten", LONG_MAX, "long",
                  help="Wie viele Fälle pro Monat? Wie lange dauert ein Fall, wie viel davon ist Warten?"),
            Field("pain_points", "Schmerzpunkte", LONG_MAX, "long", required=True,
                  help="Was ärgert Beschäftigte oder Bürgerinnen und Bürger? Wo passieren Fehler?"),
        ),
    ),
    "anforderungen": StepSpec(
        lists=(
            ListSpec("needs", "Anforderungen", "Anforderung", (
                Field("group", "Für wen?", kind="choice", choices=GROUPS, required=True),
                Field("who", "Wer braucht es?", required=True),
                Field("what", "Was wird gebraucht?", required=True),
                Field("why", "Damit … (welches Ergebnis eintritt)"))),
        ),
        texts=(
            Field("methods", "Wie haben Sie die Anforderungen erhoben?", LONG_MAX, "long",
                  help="Zum Beispiel Gespräche, Hospitation, Auswertung von Rückfragen, Umfrage, Workshop."),
        ),
    ),
    "priorisierung": StepSpec(
        texts=(
            Field("rationale", "Begründung: Was stellen Sie zurück und warum?", LONG_MAX, "long"),
        ),
    ),
    "massnahmen": StepSpec(
        lists=(
            ListSpec("measures", "Maßnahmen", "Maßnahme", (
                Field("title", "Was genau wird getan?", required=True),
                Field("need", "Welcher Bedarf wird gedeckt?", kind="ref"),
                Field("owner", "Verantwortlich", SHORT_MAX, required=True),
                Field("due", "Umgesetzt bis", kind="date", required=True),
                Field("status", "Stand", kind="choice", choices=STATUSES),
                Field("success", "Woran messen Sie den Erfolg?"),
                Field("resources", "Ressourcen (Zeit, Geld)"))),
        ),
    ),
}
