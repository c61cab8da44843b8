"""Suche: full-text search over lesson titles and texts, with highlighted snippets and links.
The query is kept in the URL (?q=...), so a search can be bookmarked and survives a reload."""

import streamlit as st

from lotse.search import glossary_items, search_catalog, snippet_html
from ui.context import catalog, store
from ui.escape import md_escape
from ui.lesson_view import lesson_link
from ui.session import require

MAX_QUERY = 200


def _keep_query() -> None:
    st.query_params["q"] = st.session_state["suche-begriff"]


user = require("learner", "trainer", "admin")
content = catalog()

st.title("Suche")
if "suche-begriff" not in st.session_state:
    st.session_state["suche-begriff"] = str(st.query_params.get("q", ""))[:MAX_QUERY]
query = st.text_input("Suchbegriff", key="suche-begriff", max_chars=MAX_QUERY, on_change=_keep_query,
                      placeholder="zum Beispiel Datenschutz oder Onlinezugang",
                      help="Sucht in den Titeln und Texten aller Lektionen. Umlaute dürfen Sie auch ohne Punkte "
                           "schreiben; ein Wortanfang genügt.")

if query.strip():
    hits = search_catalog(store(), content, query)
    st.header(f"Treffer in Lektionen: {len(hits)}")
    if not hits:
        st.info("Keine Lektion enthält diesen Begriff. Versuchen Sie ein anderes oder kürzeres Wort.")
    for hit in hits:
        with st.container(border=True):
            lesson_link(hit.lesson_id, hit.title, icon="📖")
            st.markdown(f'<div class="lotse-snippet">{snippet_html(hit.snippet)}</div>', unsafe_allow_html=True)
    terms = glossary_items(content, query)[:10]
    if terms:
        st.header(f"Treffer im Glossar: {len(terms)}")
        for item in terms:
            st.markdown(f"**{md_escape(item.term)}**: {md_escape(item.definition)}")
        st.page_link("app_pages/glossar.py", label="Zum Glossar", icon="📚")
