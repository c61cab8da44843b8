"""Item analysis of one quiz for one cohort (Moodle's quiz statistics, see item_stats.py).

Marks come from the chosen attempt of each learner (first by default, as Moodle), option
counts from the stored responses of the same attempts; the statistics themselves are the pure
``item_statistics`` function.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from progress import Store

from progress import analytics as sql

from ..content import Catalog
from ..identity import User
from ..german_format import decimal, percent, share
from ..question_types import REGISTRY, get
from ..visibility import Policy, current_policy, small_group_note
from . import item_stats
from .cohort import authorised_cohort
from .course import course_lessons, plain
from .item_stats import distractor_flags, item_flags, item_statistics
from .quiz_stats import QuizStatistics, quiz_statistics
from .responses import frequent_answers, option_counts

ATTEMPT_LABELS = {"first": "Erster Versuch", "last": "Letzter Versuch", "best": "Bester Versuch",
                  "all": "Alle Versuche"}
TYPE_LABELS = {name: kind.label for name, kind in REGISTRY.items()}
MIN_RELIABLE = 10  # fewer attempts than this: the figures are shown, with a warning

FLAG_TEXTS = {
    item_stats.FLAG_TOO_EASY: "sehr leicht",
    item_stats.FLAG_TOO_HARD: "sehr schwer",
    item_stats.FLAG_NEGATIVE_DISCRIMINATION: "trennt umgekehrt: Lösung und Formulierung prüfen",
    item_stats.FLAG_VERY_WEAK_DISCRIMINATION: "trennt sehr schwach",
    item_stats.FLAG_WEAK_DISCRIMINATION: "trennt schwach",
    item_stats.FLAG_LOW_EFFICIENCY: "geringe Trenneffizienz",
}

# What a trainer can do about each hint, in plain words (keyed by the German hint text).
FLAG_ACTIONS = {
    FLAG_TEXTS[item_stats.FLAG_TOO_EASY]: "Fast alle lösen sie. Gut als Einstieg; wenn sie etwas prüfen soll, "
                                          "machen Sie die falschen Antworten glaubwürdiger.",
    FLAG_TEXTS[item_stats.FLAG_TOO_HARD]: "Kaum jemand löst sie. Prüfen Sie, ob die Lektion das Wissen wirklich "
                                          "vermittelt und ob die Frage verständlich ist; sonst im Seminar aufgreifen.",
    FLAG_TEXTS[item_stats.FLAG_NEGATIVE_DISCRIMINATION]: "Wer sonst gut ist, liegt hier eher falsch. Prüfen Sie "
                                                         "zuerst, ob die richtige Lösung korrekt hinterlegt ist.",
    FLAG_TEXTS[item_stats.FLAG_VERY_WEAK_DISCRIMINATION]: "Die Frage sagt kaum etwas über das Verständnis. "
                                                          "Formulierung und Antwortoptionen überarbeiten.",
    FLAG_TEXTS[item_stats.FLAG_WEAK_DISCRIMINATION]: "Die Frage unterscheidet wenig. Bei Gelegenheit schärfer "
                                                     "formulieren; kein dringender Handlungsbedarf.",
    FLAG_TEXTS[item_stats.FLAG_LOW_EFFICIENCY]: "Die Frage nutzt ihre Möglichkeiten nicht. Antwortoptionen "
                                                "prüfen: Ist eine zu offensichtlich oder zu abwegig?",
    "Option ohne Wahl": "Eine Antwortoption wählt niemand. Ersetzen Sie sie durch einen typischen Irrtum aus "
                        "der Praxis.",
}


def questions_to_check(analysis: ItemAnalysis) -> list[dict]:
    """The flagged questions first, each hint with what to do (for the top of Fragenanalyse)."""
    return [{"Frage": f"{q.number}. {plain(q.prompt, 90)}", "Auffällig": flag,
             "Was tun?": FLAG_ACTIONS.get(flag, "Frage und Antwortoptionen prüfen.")}
            for q in analysis.questions for flag in q.flags]


THRESHOLDS = [
    ("Leichtigkeit (Facility)", "Anteil der erreichten Punkte. Über "
     f"{share(item_stats.FACILITY_TOO_EASY)} heißt „sehr leicht“, unter {share(item_stats.FACILITY_TOO_HARD)} "
     "„sehr schwer“ (Moodle: very easy / difficult)."),
    ("Standardabweichung", "Streuung der Punkte dieser Frage, als Anteil der Höchstpunktzahl."),
    ("Trennschärfe (Discrimination index)", "Korrelation der Punkte dieser Frage mit den Punkten der übrigen "
     f"Fragen, in %. Ab {item_stats.DISCRIMINATION_VERY_GOOD:.0f} sehr gut, ab "
     f"{item_stats.DISCRIMINATION_ADEQUATE:.0f} ausreichend; darunter „trennt schwach“, unter "
     f"{item_stats.DISCRIMINATION_VERY_WEAK:.0f} „trennt sehr schwach“, unter 0 „trennt umgekehrt“ "
     "(wer insgesamt gut ist, löst diese Frage seltener: oft ein Fehler in der Lösung)."),
    ("Trenneffizienz (Discriminative efficiency)", "Trennschärfe im Verhältnis zur bestmöglichen bei dieser "
     f"Punkteverteilung, in %. Unter {item_stats.DISCRIMINATIVE_EFFICIENCY_DUBIOUS:.0f} „geringe Trenneffizienz“ "
     "(Moodle markiert solche Fragen als zweifelhaft)."),
    ("Antwortoptionen", "Eine falsche Option, die niemand wählt, lenkt nicht ab; eine richtige, die niemand "
     "wählt, deutet auf eine unklare Frage."),
]


@dataclass(frozen=True)
class OptionRow:
    label: str
    correct: bool
    count: int
    share: float | None  # percent of the attempts
    flag: str


@dataclass(frozen=True)
class QuestionRow:
    number: int
    question_id: str
    prompt: str
    type_label: str
    n: int
    facility: float | None  # percent
    sd: float | None  # percent
    discrimination_index: float | None
    discriminative_efficiency: float | None
    flags: list[str]
    options: list[OptionRow] = field(default_factory=list)
    frequent: list[tuple[str, int]] = field(default_factory=list)  # non-choice questions


@dataclass(frozen=True)
class ItemAnalysis:
    lesson_id: str
    lesson_title: str
    which: str
    attempts: int
    learners: int
    questions: list[QuestionRow]
    quiz: QuizStatistics | None = None
    withheld: str | None = None  # fewer people than the policy's minimum: why nothing is shown

    @property
    def reliable(self) -> bool:
        return self.attempts >= MIN_RELIABLE

    def table(self) -> list[dict]:
        return [{"Nr.": q.number, "Frage": q.prompt, "Typ": q.type_label, "Antworten": q.n,
                 "Leichtigkeit (%)": _round(q.facility), "Standardabweichung (%)": _round(q.sd),
                 "Trennschärfe (%)": _round(q.discrimination_index),
                 "Trenneffizienz (%)": _round(q.discriminative_efficiency),
                 "Hinweise": "; ".join(q.flags) or "–"} for q in self.questions]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def quiz_lessons(catalog: Catalog) -> list[tuple[str, str]]:
    """(lesson id, label) of the lessons with a quiz, in course order."""
    return [(lesson.id, lesson.label) for lesson in course_lessons(catalog) if lesson.quiz]


def item_analysis(db: Store, actor: User, cohort_id: int, catalog: Catalog, lesson_id: str,
                  which: str = "first", policy: Policy | None = None) -> ItemAnalysis | None:
    """Statistics per question of the lesson's quiz; None if the lesson or quiz is unknown.

    Group figures only: from fewer than ``policy.min_group`` people nothing but the counts is
    returned, and a typed answer is listed only when at least that many gave it.
    """
    policy = policy or current_policy()
    cohort = authorised_cohort(db, actor, cohort_id)
    if which not in ATTEMPT_LABELS:
        raise ValueError(f"unknown attempt choice {which!r}")
    lesson = next((l for l in course_lessons(catalog) if l.id == lesson_id and l.quiz), None)
    if lesson is None:
        return None
    quiz = lesson.quiz
    rows = sql.item_answers(db, [cohort.id], lesson_id, which)
    known = {q.id for q in quiz.questions}
    marks: dict[int, dict[str, float]] = defaultdict(dict)
    responses: dict[str, list] = defaultdict(list)
    learners = set()
    for row in rows:
        if row["question_id"] not in known:  # a question removed from the quiz since
            continue
        marks[row["attempt_id"]][row["question_id"]] = row["mark"]
        responses[row["question_id"]].append(_decode(row["response"]))
        learners.add(row["user_id"])
    max_marks = {q.id: q.points for q in quiz.questions}
    attempts = list(marks.values())
    if learners and len(learners) < policy.min_group:
        return ItemAnalysis(lesson_id, lesson.title, which, len(marks), len(learners), [],
                            withheld=small_group_note(policy))
    stats = item_statistics(attempts, max_marks)
    flags = item_flags(stats)
    questions = [_question_row(number, q, stats[q.id], flags[q.id], responses[q.id], policy.min_group)
                 for number, q in enumerate(quiz.questions, start=1)]
    return ItemAnalysis(lesson_id, lesson.title, which, len(marks), len(learners), questions,
                        quiz_statistics(attempts, max_marks))


def quiz_figures(stats: QuizStatistics) -> list[dict]:
    """The quiz as a whole, as Moodle's report shows it: points and percent of the maximum."""
    def points(value: float | None) -> str:
        if value is None:
            return "–"
        share = f" ({percent(100 * value / stats.max_total, 1, fixed=False)})" if stats.max_total else ""
        return f"{decimal(value)}{share}"

    def number(value: float | None, unit: str = "") -> str:
        return "–" if value is None else f"{decimal(value)}{unit}"

    rows = [
        ("Mittelwert", points(stats.mean), f"Durchschnittliche Punktzahl von {decimal(stats.max_total)} möglichen.",
         "Unter etwa der Hälfte: Lektion und Quiz passen nicht zusammen – die schwersten Fragen unten ansehen."),
        ("Median", points(stats.median), "Die Hälfte der Versuche liegt darunter, die Hälfte darüber.",
         "Liegt er weit vom Mittelwert entfernt, ziehen einige Ausreißer den Mittelwert; dann dem Median trauen."),
        ("Standardabweichung", points(stats.sd), "Wie weit die Ergebnisse auseinanderliegen.",
         "Sehr groß: Die Gruppe ist gemischt – im Seminar mit unterschiedlichen Niveaus planen."),
        ("Schiefe", number(stats.skewness), "Unter 0: die meisten liegen über dem Mittelwert, wenige fallen ab; "
                                             "über 0: umgekehrt.",
         "Deutlich über 0: Vielen fällt das Quiz schwer – Grundlagen im Seminar wiederholen."),
        ("Wölbung (Kurtosis)", number(stats.kurtosis), "Über 0: die Ergebnisse ballen sich um die Mitte; "
                                                        "unter 0: sie verteilen sich breit.",
         "Meist kein Handlungsbedarf; nur zusammen mit den anderen Werten lesen."),
        ("Interne Konsistenz (Cronbachs Alpha)", percent(stats.cic, 2, fixed=False) if stats.cic is not None else "–",
         "Messen die Fragen gemeinsam dasselbe? Je höher, desto verlässlicher unterscheidet das Quiz; "
         "bei wenigen Fragen oder Versuchen ist der Wert kaum aussagekräftig.",
         "Unter etwa 50 %: Fragen mit dem Hinweis „trennt schwach“ oder „trennt umgekehrt“ überarbeiten."),
        ("Fehlerquote", percent(stats.error_ratio, 2, fixed=False) if stats.error_ratio is not None else "–", "Anteil der Streuung, der auf Messfehler zurückgeht.",
         "Über etwa 50 %: Ergebnisse sind eher Zufall – mehr oder klarere Fragen helfen."),
        ("Standardfehler", points(stats.standard_error), "Um so viele Punkte kann ein Ergebnis zufällig schwanken.",
         "Unterschiede zwischen Personen oder Gruppen, die kleiner sind, nicht überbewerten."),
    ]
    return [{"Kennzahl": name, "Wert": value, "Bedeutung": meaning, "Was tun bei einem auffälligen Wert?": action}
            for name, value, meaning, action in rows]


def _decode(text: str):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _question_row(number: int, q, s, codes: list[str], responses: list, min_group: int = 1) -> QuestionRow:
    options = []
    counts = option_counts(q, responses)
    if counts is not None and s.n:
        flags = distractor_flags({i: c.count for i, c in enumerate(counts)})
        for i, c in enumerate(counts):
            flag = ""
            if flags[i]:
                flag = "richtige Antwort nie gewählt" if c.correct else "nie gewählt: lenkt nicht ab"
            options.append(OptionRow(c.label, c.correct, c.count, 100 * c.count / s.n, flag))
    words = [FLAG_TEXTS[c] for c in codes]
    if any(o.flag for o in options):
        words.append("Option ohne Wahl")
    return QuestionRow(number, q.id, plain(q.prompt), get(q.type).label, s.n,
                       None if s.facility is None else 100 * s.facility, None if s.sd is None else 100 * s.sd,
                       s.discrimination_index, s.discriminative_efficiency, words, options,
                       [] if counts is not None else [(text, times) for text, times in frequent_answers(q, responses)
                                                      if times >= min_group])


def option_table(question: QuestionRow) -> list[dict]:
    return [{"Antwortoption": o.label, "Richtig": "ja" if o.correct else "nein", "Gewählt": o.count,
             "Anteil": percent(o.share), "Hinweis": o.flag or "–"} for o in question.options]
