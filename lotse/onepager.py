"""The one-pager a learner hands to their head of department (Amtsleitung): problem, needs,
priorities with the benefit/effort matrix, and measures with owners and dates, as Markdown and PDF.

User text is escaped for Markdown (so ``[a](javascript:…)`` or ``<script>`` stay literal text in
any viewer) and written to the PDF as plain text (fpdf2's markup is never switched on).
"""

from __future__ import annotations

import re
from datetime import date

from fpdf.fonts import FontFace

from .pdf import FONT_FAMILY, new_pdf
from .german_format import date_short
from .projects import (QUADRANTS, SCORE_EXPLANATION, SPECS, Project, RankedNeed, matrix_groups, need_names,
                       rank_needs)

HEADINGS = ("1. Ausgangslage: Wie läuft es heute?", "2. Anforderungen: Was wird gebraucht?",
            "3. Prioritäten: Was gehen wir zuerst an?", "4. Maßnahmen: Wer tut was bis wann?")
NOTHING = "Noch keine Angaben."
# Matrix layout: rows high benefit then low benefit; columns low effort then high effort.
GRID = (("quick_wins", "grosse_vorhaben"), ("lueckenfueller", "zurueckstellen"))
ROW_LABELS = ("Nutzen hoch", "Nutzen gering")
COLUMN_LABELS = ("Aufwand gering", "Aufwand hoch")
MAX_IN_FIELD = 8  # items listed per field of the drawn matrix; the rank table lists all

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


def md_escape(text: str, line_start: bool = True) -> str:
    """One line of user text as literal Markdown (CommonMark backslash escapes).

    ``line_start``: the text begins a line, so a leading "-", "+", "=" or "1." would start a list
    or heading and is escaped too (not needed inside a sentence or a table cell).
    """
    text = _SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    if not line_start:
        return text
    return _BLOCK_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def md_paragraph(text: str) -> str:
    """Multi-line user text: each line escaped, kept apart by hard line breaks."""
    return "  \n".join(md_escape(line) for line in text.split("\n") if line.strip())


def md_cell(text: str) -> str:
    return md_escape(" / ".join(line.strip() for line in str(text).split("\n") if line.strip()), False) or "–"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _rating(value: int | None) -> str:
    return "–" if value is None else str(value)


def _measure_need(project: Project, measure: dict) -> str:
    if measure.get("need") is None:
        return ""
    return need_names(project.needs).get(measure["need"], "(Anforderung nicht mehr vorhanden)")


def _field_text(entries: list[RankedNeed]) -> list[str]:
    return [f"{e.rank}. {e.label}" if e.rank else f"{e.label} (ohne Rang)" for e in entries]


def _actor_text(actor: dict) -> str:
    return actor["name"] + (f" ({actor['task']})" if actor["task"] else "")


def _process_step_text(step: dict) -> str:
    details = ", ".join(x for x in (step["who"], step["medium"]) if x)
    return step["step"] + (f" ({details})" if details else "")


def _rank_row(entry: RankedNeed, label: str) -> list[str]:
    """One row of the ranked list (Markdown and PDF differ only in how the label is escaped)."""
    return [_rating(entry.rank), label, _rating(entry.benefit), _rating(entry.effort), _rating(entry.urgency),
            _rating(entry.score), entry.quadrant.name if entry.quadrant else "–"]


# --- Markdown ---------------------------------------------------------------------------------

def _md_problem(project: Project) -> list[str]:
    ist = project.steps["ist"]
    lines = [f"## {HEADINGS[0]}", ""]
    actors = [_actor_text(a) for a in ist["actors"]]
    if actors:
        lines += ["**Beteiligte:** " + md_escape("; ".join(actors), False), ""]
    if ist["process_steps"]:
        lines += ["**Ablauf heute:**", ""]
        for number, s in enumerate(ist["process_steps"], start=1):
            lines.append(f"{number}. " + md_escape(_process_step_text(s), False))
        lines.append("")
    for f in SPECS["ist"].texts:
        if ist[f.key]:
            lines += [f"**{f.label}:**  ", md_paragraph(ist[f.key]), ""]
    if len(lines) == 2:
        lines += [NOTHING, ""]
    return lines


def _md_needs(project: Project) -> list[str]:
    lines = [f"## {HEADINGS[1]}", ""]
    needs = project.needs
    if not needs:
        return lines + [NOTHING, ""]
    rows = [[md_cell(n["group"]), md_cell(n["who"]), md_cell(n["what"]), md_cell(n["why"])] for n in needs]
    lines += _table(["Für wen", "Wer braucht es?", "Was wird gebraucht?", "Damit …"], rows)
    methods = project.steps["anforderungen"]["methods"]
    if methods:
        lines += ["**Wie erhoben:**  ", md_paragraph(methods), ""]
    return lines


def _md_priorities(project: Project, ranked: list[RankedNeed]) -> list[str]:
    lines = [f"## {HEADINGS[2]}", ""]
    if not ranked:
        return lines + [NOTHING, ""]
    groups = matrix_groups(ranked)
    lines += ["**Nutzen-Aufwand-Matrix**", ""]
    rows = []
    for label, keys in zip(ROW_LABELS, GRID):
        cells = [f"**{label}**"]
        for key in keys:
            items = "; ".join(md_escape(t, False) for t in _field_text(groups[key])) or "–"
            cells.append(f"**{QUADRANTS[key].label}** – {items}")
        rows.append(cells)
    lines += _table([" ", *COLUMN_LABELS], rows)
    lines += ["**Rangfolge**", ""]
    rows = [_rank_row(e, md_cell(e.label)) for e in ranked]
    lines += _table(["Rang", "Anforderung", "Nutzen", "Aufwand", "Dringlichkeit", "Punkte", "Feld der Matrix"], rows)
    notes = [e for e in ranked if e.note]
    if notes:
        lines += [f"- {md_escape(e.label, False)}: {md_escape(e.note, False)}" for e in notes] + [""]
    lines += [f"*Berechnung:* {SCORE_EXPLANATION}", ""]
    rationale = project.steps["priorisierung"]["rationale"]
    if rationale:
        lines += ["**Begründung:**  ", md_paragraph(rationale), ""]
    return lines


def _md_measures(project: Project) -> list[str]:
    lines = [f"## {HEADINGS[3]}", ""]
    if not project.measures:
        return lines + [NOTHING, ""]
    rows = [[md_cell(m["title"]), md_cell(_measure_need(project, m)), md_cell(m["owner"]),
             date_short(m["due"]) or "–", m["status"], md_cell(m["success"])] for m in project.measures]
    return lines + _table(["Maßnahme", "Bedarf", "Verantwortlich", "Bis", "Stand", "Erfolg erkennbar an"], rows)


def file_stem(title: str) -> str:
    """A safe ASCII file name stem from the project title ("Hallenbelegung für Vereine" ->
    "Projekt-Hallenbelegung-fuer-Vereine")."""
    folded = title.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}))
    words = re.findall(r"[A-Za-z0-9]+", folded)
    return "-".join(["Projekt", *words])[:80].rstrip("-")


COURSE_TITLE = "Führung und Digitalisierung in der Kommunalverwaltung"  # when the content names none


def footer(course_title: str | None = None) -> str:
    """The last line: this course (the content's course title), never another one."""
    return f"Erstellt mit Lotse, Projektwerkstatt im Kurs „{course_title or COURSE_TITLE}“."


def onepager_markdown(project: Project, today: date | None = None, course_title: str | None = None) -> str:
    today = today or date.today()
    ranked = rank_needs(project.needs, project.ratings)
    lines = [f"# {md_escape(project.title)}", ""]
    if project.subject:
        lines += [f"**Vorgang oder Leistung:** {md_escape(project.subject, False)}  "]
    lines += [f"**Verfasst von:** {md_escape(project.owner_name, False)} · **Stand:** {date_short(today)}", ""]
    lines += _md_problem(project) + _md_needs(project) + _md_priorities(project, ranked) + _md_measures(project)
    lines += ["---", "", md_escape(footer(course_title))]
    return "\n".join(lines) + "\n"


# --- PDF --------------------------------------------------------------------------------------

LINE = 5.2
HEADINGS_STYLE = FontFace(emphasis="BOLD", fill_color=(232, 232, 232))
# Light tints of the Okabe-Ito palette; each field is also named in words (never colour alone).
FIELD_FILL = {"quick_wins": (214, 238, 228), "grosse_vorhaben": (253, 236, 204),
              "lueckenfueller": (214, 232, 245), "zurueckstellen": (246, 221, 204)}


class _Writer:
    def __init__(self, project: Project):
        self.pdf = new_pdf(f"{project.title} – Projektübersicht")
        self.pdf.set_margins(18, 16, 18)
        self.pdf.add_page()
        self.width = self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def font(self, size: float = 10.5, bold: bool = False) -> None:
        self.pdf.set_font(FONT_FAMILY, "B" if bold else "", size)

    def text(self, text: str, size: float = 10.5, bold: bool = False, gap: float = 1.5) -> None:
        self.font(size, bold)
        self.pdf.multi_cell(self.width, LINE if size < 12 else size * 0.5, text, align="L",
                            new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def heading(self, text: str) -> None:
        if self.pdf.get_y() > self.pdf.h - 45:
            self.pdf.add_page()
        self.pdf.ln(2)
        self.text(text, size=13, bold=True, gap=1)

    def labelled(self, label: str, value: str) -> None:
        self.text(label, bold=True, gap=0)
        self.text(value)

    def table(self, headers: list[str], rows: list[list[str]], widths: tuple[float, ...]) -> None:
        self.font(9)
        self.pdf.set_fill_color(255, 255, 255)
        with self.pdf.table(col_widths=widths, width=self.width, text_align="LEFT", line_height=4.6,
                            first_row_as_headings=True, markdown=False, headings_style=HEADINGS_STYLE) as table:
            header = table.row()
            for h in headers:
                header.cell(h)
            for row in rows:
                cells = table.row()
                for value in row:
                    cells.cell(value or "–")
        self.pdf.ln(3)

    def matrix(self, ranked: list[RankedNeed]) -> None:
        """A drawn 2×2 grid: benefit upwards, effort to the right, each field named and listing its needs."""
        pdf, groups = self.pdf, matrix_groups(ranked)
        label_w = 22
        cell_w = (self.width - label_w) / 2
        contents = {}
        for key in QUADRANTS:
            items = _field_text(groups[key])
            if len(items) > MAX_IN_FIELD:
                items = items[:MAX_IN_FIELD] + [f"… und {len(items) - MAX_IN_FIELD} weitere (siehe Rangfolge)"]
            contents[key] = items or ["–"]
        heights = []
        for keys in GRID:
            tallest = 0.0
            for key in keys:
                self.font(9)
                body = pdf.multi_cell(cell_w - 4, 4.4, "\n".join(contents[key]), dry_run=True, output="HEIGHT")
                tallest = max(tallest, body + 12)
            heights.append(max(tallest, 26.0))
        if pdf.get_y() + sum(heights) + 18 > pdf.h - pdf.b_margin:
            pdf.add_page()  # the heading moves along with the grid
        self.text("Nutzen-Aufwand-Matrix", bold=True, gap=1)
        x0, y = pdf.l_margin, pdf.get_y()
        for row_label, keys, height in zip(ROW_LABELS, GRID, heights):
            self.font(9, bold=True)
            pdf.set_xy(x0, y + height / 2 - 2.5)
            pdf.multi_cell(label_w - 2, 4.4, row_label, align="L")
            for col, key in enumerate(keys):
                x = x0 + label_w + col * cell_w
                pdf.set_fill_color(*FIELD_FILL[key])
                pdf.set_draw_color(90, 90, 90)
                pdf.rect(x, y, cell_w, height, style="DF")
                pdf.set_xy(x + 2, y + 2)
                self.font(9.5, bold=True)
                pdf.multi_cell(cell_w - 4, 4.6, QUADRANTS[key].label, align="L")
                pdf.set_x(x + 2)
                self.font(9)
                pdf.multi_cell(cell_w - 4, 4.4, "\n".join(contents[key]), align="L")
            y += height
        self.font(9, bold=True)
        for col, label in enumerate(COLUMN_LABELS):
            pdf.set_xy(x0 + label_w + col * cell_w, y + 1)
            pdf.cell(cell_w, 5, label, align="C")
        pdf.set_fill_color(255, 255, 255)
        pdf.set_xy(x0, y + 8)


def _pdf_problem(w: _Writer, project: Project) -> None:
    ist = project.steps["ist"]
    w.heading(HEADINGS[0])
    empty = True
    if ist["actors"]:
        w.labelled("Beteiligte", "; ".join(_actor_text(a) for a in ist["actors"]))
        empty = False
    if ist["process_steps"]:
        steps = [f"{number}. {_process_step_text(s)}" for number, s in enumerate(ist["process_steps"], start=1)]
        w.labelled("Ablauf heute", "\n".join(steps))
        empty = False
    for f in SPECS["ist"].texts:
        if ist[f.key]:
            w.labelled(f.label, ist[f.key])
            empty = False
    if empty:
        w.text(NOTHING)


def _pdf_needs(w: _Writer, project: Project) -> None:
    w.heading(HEADINGS[1])
    if not project.needs:
        w.text(NOTHING)
        return
    w.table(["Für wen", "Wer braucht es?", "Was wird gebraucht?", "Damit …"],
            [[n["group"], n["who"], n["what"], n["why"]] for n in project.needs], (22, 22, 30, 26))
    if project.steps["anforderungen"]["methods"]:
        w.labelled("Wie erhoben", project.steps["anforderungen"]["methods"])


def _pdf_priorities(w: _Writer, project: Project, ranked: list[RankedNeed]) -> None:
    w.heading(HEADINGS[2])
    if not ranked:
        w.text(NOTHING)
        return
    w.matrix(ranked)
    w.text("Rangfolge", bold=True, gap=1)
    w.table(["Rang", "Anforderung", "Nutzen", "Aufwand", "Dringl.", "Punkte", "Feld der Matrix"],
            [_rank_row(e, e.label) for e in ranked],
            (9, 38, 12, 13, 12, 11, 21))
    for e in ranked:
        if e.note:
            w.text(f"{e.label}: {e.note}", size=9, gap=0.5)
    w.text("Berechnung: " + SCORE_EXPLANATION, size=8.5)
    if project.steps["priorisierung"]["rationale"]:
        w.labelled("Begründung", project.steps["priorisierung"]["rationale"])


def _pdf_measures(w: _Writer, project: Project) -> None:
    w.heading(HEADINGS[3])
    if not project.measures:
        w.text(NOTHING)
        return
    w.table(["Maßnahme", "Bedarf", "Verantwortlich", "Bis", "Stand", "Erfolg erkennbar an"],
            [[m["title"], _measure_need(project, m), m["owner"], date_short(m["due"]), m["status"], m["success"]]
             for m in project.measures], (27, 19, 25, 17, 13, 21))


def onepager_pdf(project: Project, today: date | None = None, course_title: str | None = None) -> bytes:
    today = today or date.today()
    w = _Writer(project)
    w.text(project.title, size=17, bold=True, gap=1)
    meta = [f"Vorgang oder Leistung: {project.subject}"] if project.subject else []
    meta.append(f"Verfasst von: {project.owner_name} · Stand: {date_short(today)}")
    w.text("\n".join(meta), size=10, gap=2)
    ranked = rank_needs(project.needs, project.ratings)
    _pdf_problem(w, project)
    _pdf_needs(w, project)
    _pdf_priorities(w, project, ranked)
    _pdf_measures(w, project)
    w.text(footer(course_title), size=8)
    return bytes(w.pdf.output())
