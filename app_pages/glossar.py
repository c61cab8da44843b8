"""Glossar: every term A-Z with a filter; each term links to the lessons that use it."""

import streamlit as st

from lotse.german_format import plural
from lotse.search import glossary_items
from ui.context import catalog
from ui.escape import md_escape
from ui.lesson_view import lesson_link
from ui.session import require


ALL = "Alle"


def anchor(letter: str) -> str:
    return "glossar-" + ("ziffern" if letter == "#" else letter.lower())


user = require("learner", "trainer", "admin")
content = catalog()

st.title("Glossar")
query = st.text_input("Begriff suchen", key="glossar-suche", max_chars=100,
                      help="Filtert nach Begriff, anderer Schreibweise oder Erklärung.")
items = glossary_items(content, query)
if not items:
    st.info("Kein Begriff passt zu Ihrer Suche." if query.strip() else "Das Glossar ist noch leer.")
    st.stop()

# A to Z first, terms starting with a digit ("#", shown as "0–9") last: the glossary opens on "A".
letters = sorted({item.letter for item in items}, key=lambda letter: (letter == "#", letter))
if not query.strip() and len(letters) > 1:
    # One letter at a time: the whole glossary is several hundred elements, slow to draw in the browser.
    chosen = st.pills("Anfangsbuchstabe", [*letters, ALL], default=letters[0], key="glossar-buchstabe",
                      format_func=lambda letter: "0–9" if letter == "#" else letter,
                      help="Zeigt die Begriffe mit diesem Anfangsbuchstaben; „Alle“ zeigt das ganze Glossar.")
    if chosen != ALL:
        items = [item for item in items if item.letter == (chosen or letters[0])]
st.caption(f"{plural(len(items), 'Begriff', 'Begriffe')}")

current = None
for item in items:
    if item.letter != current:
        current = item.letter
        st.header("0–9" if current == "#" else md_escape(current), anchor=anchor(current))
    st.subheader(md_escape(item.term), anchor=f"begriff-{item.term_id}")
    if item.aliases:
        st.caption("Auch: " + md_escape(", ".join(item.aliases)))
    st.markdown(md_escape(item.definition))
    if item.source:
        st.caption("Quelle: " + md_escape(item.source))
    for lesson_id, title in item.lessons:
        lesson_link(lesson_id, f"Verwendet in: {title}", icon="📖")
