"""The cohort's Seminar-live record as CSV and PDF: per question its group results, never names."""

from __future__ import annotations

from .analytics.exports import to_csv
from .german_format import decimal, percent
from .live import KIND_LABELS, MIN_ANSWERS, Results
from .pdf import FONT_FAMILY, new_pdf


def _share(count: int, total: int) -> str:
    return percent(100 * count / total) if total else "–"


def result_lines(result: Results) -> list[str]:
    """The results in words, one line per option or word (the same text in CSV, PDF and pages)."""
    if result.withheld:
        return [f"Weniger als {MIN_ANSWERS} Antworten: keine Verteilung (Schutz der Einzelnen)."]
    lines = [f"{label}: {count} ({_share(count, result.answers)})" for label, count in result.rows]
    if result.mean is not None:
        lines.append(f"Mittelwert: {decimal(result.mean, 1, fixed=True)}")
    if result.correct_labels:
        lines.append("Richtig: " + "; ".join(result.correct_labels))
    return lines


def record_csv(record: list[Results]) -> bytes:
    rows = []
    for number, result in enumerate(record, start=1):
        for line in result_lines(result):
            rows.append({"Nr.": number, "Frage": result.question.prompt, "Art": KIND_LABELS[result.question.kind],
                         "Antworten": result.answers, "Ergebnis": line})
    return to_csv(rows)


def record_pdf(cohort_name: str, record: list[Results]) -> bytes:
    pdf = new_pdf(f"Seminar live: {cohort_name}")
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 16)
    pdf.multi_cell(0, 8, f"Seminar live: {cohort_name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 10)
    pdf.multi_cell(0, 6, "Ergebnisse der Fragen im Seminarraum, nur als Gruppenwerte.", new_x="LMARGIN", new_y="NEXT")
    if not record:
        pdf.multi_cell(0, 6, "Noch keine Live-Fragen gestellt.", new_x="LMARGIN", new_y="NEXT")
    for number, result in enumerate(record, start=1):
        pdf.ln(3)
        pdf.set_font(FONT_FAMILY, "B", 12)
        pdf.multi_cell(0, 6, f"{number}. {result.question.prompt}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT_FAMILY, "", 10)
        pdf.multi_cell(0, 5, f"{KIND_LABELS[result.question.kind]}, {result.answers} Antworten",
                       new_x="LMARGIN", new_y="NEXT")
        for line in result_lines(result):
            pdf.multi_cell(0, 5, f"•  {line}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
