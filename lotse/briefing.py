"""The seminar briefing as Markdown and as PDF (one page or two a trainer prints or downloads).

The content comes from lotse.analytics.briefing_content; here it becomes a list of blocks that
both renderers share, so the Markdown and the PDF always say the same. Names and typed answers
are user text: the Markdown renderer escapes them, the PDF prints them as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from progress import Store

from . import access_log
from .analytics.cohort import authorised_cohort
from .analytics.briefing_content import MIN_ANSWERS, BriefingContent, LearnerState, briefing_content, quoted
from .german_format import date_short, percent, share
from .analytics.figures import MASTERY_THRESHOLD
from .content import Catalog
from .identity import User
from .visibility import Policy
from .pdf import FONT_FAMILY, new_pdf

RULES = (
    "Bereit heißt: alle Lektionen abgeschlossen (Quiz bestanden; Lektionen ohne Quiz gelesen). "
    "Lernziele: Anteil der Punkte im besten Versuch jeder Person; „erreicht“ ab "
    f"{share(MASTERY_THRESHOLD)} der Punkte eines Lernziels. Fragen: Anteil richtiger Antworten im ersten "
    f"Versuch; Fragen und Lernziele mit weniger als {MIN_ANSWERS} Antworten bleiben außen vor."
)


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "heading", "text", "item", "numbered"
    text: str
    strong: str = ""  # printed bold before ``text``, separated by a space


def seminar_briefing(db: Store, actor: User, cohort_id: int, catalog: Catalog, *,
                     pseudonymous: bool = False, now: datetime | None = None,
                     policy: Policy | None = None) -> BriefingContent:
    """The briefing's content for a cohort the actor leads (PermissionDenied otherwise)."""
    return briefing_content(db, actor, cohort_id, catalog, pseudonymous=pseudonymous, now=now, policy=policy)


def _date(day) -> str:
    return date_short(day)


def _names(states: list[LearnerState], total: int | None, count: int | None) -> str:
    """The names the policy shows; the others only counted (or nothing when counts are withheld)."""
    names = [s.label if total is None else f"{s.label} ({s.done} von {total})" for s in states]
    if count == 0:
        return "niemand"
    hidden = 0 if count is None else count - len(states)
    if hidden:
        names.append(f"{hidden} {'Person' if hidden == 1 else 'Personen'} ohne Namen")
    return ", ".join(names) or "ohne Angabe (zu kleine Gruppe)"


def _readiness(c: BriefingContent) -> list[Block]:
    groups = (("Bereit", c.ready, None), ("Auf dem Weg", c.on_the_way, c.lessons_total),
              ("Noch nicht begonnen", c.not_started, None))
    out = []
    for index, (title, states, total) in enumerate(groups):
        count = c.counts[index] if c.counts else None
        out.append(Block("item", _names(states, total, count), f"{title} ({count}):" if count is not None else f"{title}:"))
    return out


def blocks(c: BriefingContent) -> list[Block]:
    out = [Block("title", f"Seminar-Briefing: {c.cohort.name}")]
    if c.seminar_date:
        when = {0: "heute", 1: "morgen"}.get(c.days_until, f"in {c.days_until} Tagen") if c.days_until >= 0 \
            else f"vor {-c.days_until} Tagen"
        place = f" in {c.cohort.place}" if c.cohort.place else ""
        out.append(Block("text", f"Seminar am {_date(c.seminar_date)}{place} ({when})."))
    else:
        out.append(Block("text", "Für diese Kohorte ist noch kein Seminartermin eingetragen."))
    out.append(Block("text", f"Stand: {_date(c.created)}. {c.members} Teilnehmende, {c.lessons_total} Lektionen."))
    out.append(Block("heading", "Wer ist vorbereitet?"))
    out += _readiness(c)
    if c.withheld:
        out.append(Block("text", c.withheld))
    out.append(Block("heading", "Schwächste Lernziele"))
    if c.withheld:
        out.append(Block("text", c.withheld))
    elif not c.weakest:
        out.append(Block("text", "Noch zu wenige Quizergebnisse für eine Aussage."))
    for m in c.weakest:
        out.append(Block("numbered", f"(Lektion {m.lesson.code} {m.lesson.title}): {percent(m.share)} der Punkte, "
                         f"{m.reached} von {m.learners} erreichen das Ziel.", m.text))
    out.append(Block("heading", "Am häufigsten falsch beantwortete Fragen"))
    if c.withheld:
        out.append(Block("text", c.withheld))
    elif not c.missed:
        out.append(Block("text", "Noch zu wenige Antworten für eine Aussage."))
    for q in c.missed:
        wrong = f" Häufigste falsche Antwort: {q.mistake} ({percent(q.mistake_share)} der Antworten)." if q.mistake else ""
        out.append(Block("numbered", f"(Lektion {q.lesson.code}): {percent(q.facility)} richtig im ersten Versuch, "
                         f"{q.answers} Antworten.{wrong}", quoted(q.prompt)))
    out.append(Block("heading", "Vorschläge für die Seminartage"))
    if not c.members:
        out.append(Block("text", "Noch hat niemand die Einladung angenommen; Vorschläge folgen, sobald Teilnehmende "
                                 "in Lotse lernen."))
    elif c.withheld:
        out.append(Block("text", c.withheld))
    elif not c.focus:
        out.append(Block("text", "Keine auffälligen Lücken: die Gruppe ist gut vorbereitet. Planen Sie Zeit für "
                                 "Fragen aus der Praxis ein."))
    for topic in c.focus:
        out.append(Block("numbered", topic.reason, topic.title + "."))
    out.append(Block("heading", "So entsteht dieses Briefing"))
    out.append(Block("text", RULES))
    out.append(Block("text", f"Gruppenwerte erscheinen erst ab {c.min_group} Personen. Namen nur, soweit die "
                             "Vereinbarung zur Nutzung von Lotse es erlaubt oder die Person es selbst freigegeben hat."))
    return out


# Inline syntax only: every escaped text follows our own words on its line, so line-start
# syntax (#, -, 1.) cannot be triggered by it.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown syntax in user or content text, and fold line breaks."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def briefing_markdown(c: BriefingContent) -> str:
    lines: list[str] = []
    number = 0
    for b in blocks(c):
        text = escape_markdown(b.text)
        strong = f"**{escape_markdown(b.strong)}** " if b.strong else ""
        if b.kind == "title":
            lines += [f"# {text}", ""]
        elif b.kind == "heading":
            number = 0
            lines += ["", f"## {text}", ""]
        elif b.kind == "item":
            lines.append(f"- {strong}{text}")
        elif b.kind == "numbered":
            number += 1
            lines.append(f"{number}. {strong}{text}")
        else:
            lines += [text, ""]
    return "\n".join(lines).strip() + "\n"


def briefing_pdf(c: BriefingContent) -> bytes:
    pdf = new_pdf(f"Seminar-Briefing: {c.cohort.name}")
    pdf.add_page()
    number = 0
    for b in blocks(c):
        if b.kind == "title":
            pdf.set_font(FONT_FAMILY, "B", 16)
            pdf.multi_cell(0, 8, b.text, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(2)
        elif b.kind == "heading":
            number = 0
            pdf.ln(3)
            pdf.set_font(FONT_FAMILY, "B", 13)
            pdf.multi_cell(0, 7, b.text, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(1)
        else:
            prefix = ""
            if b.kind == "item":
                prefix = "•  "
            elif b.kind == "numbered":
                number += 1
                prefix = f"{number}.  "
            _paragraph(pdf, prefix, b.strong, b.text)
    return bytes(pdf.output())


def _paragraph(pdf, prefix: str, strong: str, text: str) -> None:
    """One paragraph with an optional bold lead-in, wrapped as a whole (successive write() calls
    wrap each piece on its own and could split the first word after the bold part), and written
    as plain fragments rather than markdown=True, so asterisks in user text are printed."""
    pdf.set_font(FONT_FAMILY, "", 11)
    with pdf.text_columns(text_align="LEFT", line_height=1.4) as columns, columns.paragraph() as paragraph:
        paragraph.write(prefix)
        if strong:
            pdf.set_font(FONT_FAMILY, "B", 11)
            paragraph.write(strong.strip() + " ")
            pdf.set_font(FONT_FAMILY, "", 11)
        paragraph.write(text.strip())
    pdf.ln(2.5)


def briefing_download(db: Store, actor: User, c: BriefingContent, kind: str) -> bytes:
    """The PDF ("pdf") or Markdown ("md") download; access is checked again and the people named
    in it are logged (lotse.access_log)."""
    authorised_cohort(db, actor, c.cohort.id)
    access_log.record(db, actor, c.named_ids, c.cohort.id, access_log.BRIEFING)
    return briefing_pdf(c) if kind == "pdf" else briefing_markdown(c).encode("utf-8")


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def briefing_filename(c: BriefingContent, extension: str) -> str:
    name = c.cohort.name.lower().translate(_UMLAUTS)
    slug = re.sub(r"[^a-z0-9]+", "-", name).strip("-")
    return f"briefing-{slug or 'kohorte'}-{c.created.isoformat()}.{extension}"
