"""Altair charts done right: German titles and axis titles, tooltips, a colour-blind-safe palette
(Okabe-Ito), and under every chart the same numbers as a table (``show``).

The builders take rows with German keys (the table headings) and rename them to plain field
names inside the chart, because Vega-Lite reads "." and "[" in field names as paths.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lotse.german_format import day_names, month_names

# Okabe & Ito (2008), distinguishable with the common colour vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SINGLE = OKABE_ITO[0]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]]  # line styles: series differ by more than colour
# German number and date formats in axes, labels and tooltips (12,5 instead of 12.5).
GERMAN = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0€"]},
    "time": {"dateTime": "%A, der %e. %B %Y, %X", "date": "%d.%m.%Y", "time": "%H:%M:%S",
             "periods": ["AM", "PM"],
             # d3 lists the days from Sunday, Babel from Monday
             "days": day_names()[-1:] + day_names()[:-1],
             "shortDays": day_names("abbreviated")[-1:] + day_names("abbreviated")[:-1],
             "months": month_names(), "shortMonths": month_names("abbreviated")},
}


def _category_axis() -> alt.Axis:
    """Long lesson/objective labels on the left; the axis title sits above them, not across them."""
    return alt.Axis(labelLimit=320, titleAngle=0, titleAlign="right", titleAnchor="start", titleX=-5, titleY=-8)


def _count_axis() -> alt.Axis:
    """Axis of a count (people, answers, events): whole-number ticks only, no "0.5 Teilnehmende"."""
    return alt.Axis(tickMinStep=1, format="d")


def _frame(rows: list[dict], fields: dict[str, str]) -> pd.DataFrame:
    """Only the needed columns, renamed to safe field names (fields: safe name -> German key)."""
    return pd.DataFrame([{safe: row.get(key) for safe, key in fields.items()} for row in rows])


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text, subtitle=subtitle or alt.Undefined, anchor="start")


def bar_chart(rows: list[dict], category: str, value: str, *, title: str, value_title: str | None = None,
              category_title: str | None = None, subtitle: str | None = None, horizontal: bool = True,
              value_format: str = ",.0f", domain: tuple[float, float] | None = None,
              extra_tooltip: list[str] | None = None, sort: bool = False, counts: bool = False) -> alt.Chart:
    """One bar per category (in the given order unless ``sort``), value written at the bar's end.
    ``counts``: the values are counts, so the value axis has whole-number ticks only."""
    extras = extra_tooltip or []
    fields = {"c": category, "v": value, **{f"t{i}": key for i, key in enumerate(extras)}}
    data = _frame(rows, fields)
    order = alt.SortField("v", order="ascending") if sort else list(data["c"]) if len(data) else alt.Undefined
    scale = alt.Scale(domain=list(domain)) if domain else alt.Undefined
    cat = alt.X("c:N", title=category_title or category, sort=order, axis=alt.Axis(labelLimit=320, labelAngle=0)) \
        if not horizontal else alt.Y("c:N", title=category_title or category, sort=order, axis=_category_axis())
    val = (alt.X if horizontal else alt.Y)("v:Q", title=value_title or value, scale=scale,
                                           axis=_count_axis() if counts else alt.Undefined)
    tooltip = [alt.Tooltip("c:N", title=category_title or category),
               alt.Tooltip("v:Q", title=value_title or value, format=value_format)]
    tooltip += [alt.Tooltip(f"t{i}:N", title=key) for i, key in enumerate(extras)]
    base = alt.Chart(data, title=_title(title, subtitle))
    bars = base.mark_bar(color=SINGLE).encode(cat, val, tooltip=tooltip)
    labels = base.mark_text(align="left" if horizontal else "center", dx=3 if horizontal else 0,
                            dy=0 if horizontal else -6).encode(cat, val, text=alt.Text("v:Q", format=value_format))
    # A fixed step per bar: long lists grow instead of squeezing (Vega hides labels that collide).
    return (bars + labels).properties(height=alt.Step(24) if horizontal else 300)


def grouped_bars(rows: list[dict], category: str, series: list[str], *, title: str, value_title: str,
                 series_title: str, subtitle: str | None = None) -> alt.Chart:
    """Several counts per category side by side (e.g. learners who opened / read / passed a lesson)."""
    long = [{"c": row[category], "s": name, "v": row.get(name)} for row in rows for name in series
            if row.get(name) is not None]
    data = pd.DataFrame(long, columns=["c", "s", "v"])
    order = list(dict.fromkeys(row[category] for row in rows))
    colour = alt.Color("s:N", title=series_title, sort=series, scale=alt.Scale(domain=series, range=OKABE_ITO[:len(series)]),
                       legend=alt.Legend(orient="top"))
    tooltip = [alt.Tooltip("c:N", title=category), alt.Tooltip("s:N", title=series_title),
               alt.Tooltip("v:Q", title=value_title)]
    return alt.Chart(data, title=_title(title, subtitle)).mark_bar().encode(
        alt.Y("c:N", title=category, sort=order, axis=_category_axis()),
        alt.X("v:Q", title=value_title, axis=_count_axis()),
        alt.YOffset("s:N", sort=series), colour, tooltip=tooltip,
    ).properties(height=alt.Step(8))  # with yOffset the step sizes each bar, not each category


def line_chart(rows: list[dict], x: str, series: list[str], *, title: str, x_title: str, value_title: str,
               series_title: str, subtitle: str | None = None) -> alt.Chart:
    """One line per series of daily counts; series differ in colour, dash pattern and point shape."""
    long = [{"x": row[x], "s": name, "v": row.get(name) or 0} for row in rows for name in series]
    data = pd.DataFrame(long, columns=["x", "s", "v"])
    colour = alt.Color("s:N", title=series_title, sort=series, scale=alt.Scale(domain=series, range=OKABE_ITO[:len(series)]),
                       legend=alt.Legend(orient="top"))
    # No legend=None on dash and shape: Vega-Lite merges the three into one legend, and switching
    # some of them off dropped the legend altogether.
    dash = alt.StrokeDash("s:N", title=series_title, sort=series, scale=alt.Scale(domain=series, range=DASHES[:len(series)]))
    shape = alt.Shape("s:N", title=series_title, sort=series)
    tooltip = [alt.Tooltip("x:T", title=x_title, format="%d.%m.%Y"), alt.Tooltip("s:N", title=series_title),
               alt.Tooltip("v:Q", title=value_title)]
    base = alt.Chart(data, title=_title(title, subtitle)).encode(
        alt.X("x:T", title=x_title, axis=alt.Axis(format="%d.%m.")), alt.Y("v:Q", title=value_title, axis=_count_axis()),
        colour, tooltip=tooltip)
    return (base.mark_line().encode(dash) + base.mark_point(filled=True, size=30).encode(shape)).properties(height=280)


def show(chart: alt.Chart, rows: list[dict], *, key: str, caption: str | None = None,
         column_config: dict | None = None, plain_table: bool = False) -> None:
    """The chart, then the same numbers as a table (for screen readers and for number people).
    ``plain_table``: a static HTML table instead of the interactive one (short lists on a projector,
    read from a distance and by screen readers as text).

    The spec goes to st.vega_lite_chart unvalidated: Altair's JSON-schema check costs about 25 ms
    per chart on every rerun; tests/test_pages_trainer.py validates every builder's output instead.
    """
    spec = chart.configure(locale=GERMAN).to_dict(validate=False)
    st.vega_lite_chart(spec=spec, width="stretch", key=f"{key}-chart", alt=alt_text(spec))
    if caption:
        st.caption(caption)
    if plain_table:
        st.table(pd.DataFrame(rows).set_index(list(rows[0])[0]) if rows else pd.DataFrame())
        return
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"{key}-table",
                 column_config={**localized_numbers(rows), **(column_config or {})},
                 height=min(400, 38 + 35 * max(1, len(rows))))


def alt_text(spec: dict) -> str:
    """What a screen reader announces for the chart: its title (on the chart or, for layered charts
    such as bars with value labels, on a layer) and where the numbers are."""
    title = spec.get("title") or next((layer["title"] for layer in spec.get("layer", []) if layer.get("title")), "")
    text = title.get("text", "") if isinstance(title, dict) else title
    text = " ".join(text) if isinstance(text, list) else str(text)
    return f"Diagramm: {text}. Die Zahlen stehen in der Tabelle darunter."


def localized_numbers(rows: list[dict]) -> dict:
    """Columns holding decimal numbers, written as the reader's browser writes them (14,3 in German):
    the table then says what the chart says, and still sorts as numbers."""
    decimal = {k for row in rows for k, v in row.items() if isinstance(v, float) and not v.is_integer()}
    return {k: st.column_config.NumberColumn(k, format="localized") for k in decimal}
