"""Drawing Seminar live: the join code with its QR code, and a question's results as chart and table."""

from __future__ import annotations

import base64
import html
import io
from urllib.parse import quote

import segno
import streamlit as st

from lotse.live import SCALE_HINT, Results
from lotse.live_export import result_lines

from .charts import bar_chart, show
from .escape import md_escape
from .session import public_base_url

JOIN_PAGE = "mitmachen"


def join_link(code: str) -> str:
    return f"{public_base_url()}/{JOIN_PAGE}?code={quote(code)}"


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code as PNG (segno writes PNG itself; error correction M survives a dim projector)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def spaced(code: str) -> str:
    """ABC DEF: easier to read off a wall and to type."""
    return f"{code[:3]} {code[3:]}"


def join_box(code: str, *, qr_width: int = 220) -> None:
    """Code, link and QR code, for the trainer's page and the projector."""
    left, right = st.columns([3, 2], vertical_alignment="center")
    link = join_link(code)
    left.markdown(f"### Mitmachen mit dem Code **{spaced(code)}**")
    left.markdown(f"Öffnen Sie auf dem Handy [{md_escape(link)}]({link}) oder scannen Sie den QR-Code.")
    # An <img> of our own PNG rather than st.image, whose toolbar adds an English "Fullscreen" button.
    data = base64.b64encode(qr_png(link)).decode("ascii")
    alt = html.escape(f"QR-Code mit dem Link zum Mitmachen: {link}", quote=True)
    with right:
        st.html(f'<img src="data:image/png;base64,{data}" alt="{alt}" width="{qr_width}" height="{qr_width}">')


def record_section(record: list[Results], *, key: str) -> None:
    """The cohort's live questions so far, each with its group results (cockpit, briefing, live page)."""
    if not record:
        st.caption("Noch keine Live-Fragen gestellt.")
    for number, result in enumerate(record, start=1):
        with st.expander(f"{number}. {result.question.prompt}"):
            results_view(result, key=f"{key}-{result.question.id}")


def results_view(result: Results, *, key: str) -> None:
    """A question's results: counts as a chart with its table, or why nothing is shown yet."""
    question = result.question
    st.markdown(f"**{result.answers} {'Antwort' if result.answers == 1 else 'Antworten'}**"
                + ("" if question.state != "closed" else " · Frage geschlossen"))
    if result.withheld:
        st.info(result_lines(result)[0], icon=":material/visibility_off:")
        return
    label = "Wort" if question.kind == "word" else "Antwort"
    rows = [{label: text, "Anzahl": count} for text, count in result.rows]
    subtitle = SCALE_HINT if question.kind == "scale" else None
    chart = bar_chart(rows, label, "Anzahl", title=question.prompt[:80], subtitle=subtitle, counts=True,
                      horizontal=question.kind != "scale")
    show(chart, rows, key=key, plain_table=True)
    for line in result_lines(result)[len(result.rows):]:  # mean and solution, in words
        st.markdown(f"**{md_escape(line)}**")
