"""Full-text search (FTS5) over lessons, safe snippets, and the glossary A-Z."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learner_support import LESSON_ONE, LESSON_TWO, fixture_catalog, new_database
from lotse.search import (glossary_items, index_lessons, initial, search_catalog, search_lessons, snippet_html,
                          sort_key)
import engines
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL


@pytest.fixture
def db(tmp_path):
    database, _ = new_database(tmp_path)
    index_lessons(database, fixture_catalog())
    return database


def ids(hits) -> list[str]:
    return [hit.lesson_id for hit in hits]


def test_index_is_built_once_and_follows_changes(tmp_path):
    database, _ = new_database(tmp_path)
    catalog = fixture_catalog()
    assert index_lessons(database, catalog) == 2
    assert index_lessons(database, catalog) == 0          # unchanged lessons are not rewritten
    changed = dataclasses.replace(catalog.lesson(LESSON_TWO), body="Ganz neuer Text über Haushaltsplanung.")
    edited = dataclasses.replace(catalog, lessons=[catalog.lesson(LESSON_ONE), changed])
    assert index_lessons(database, edited) == 1
    assert ids(search_lessons(database, "Haushaltsplanung")) == [LESSON_TWO]
    only_one = dataclasses.replace(catalog, lessons=[catalog.lesson(LESSON_ONE)])
    index_lessons(database, only_one)
    assert ids(search_lessons(database, "Haushaltsplanung")) == []


@pytest.mark.parametrize("query, expected", [
    ("Zuständigkeit", [LESSON_ONE]),
    ("zustandigkeit", [LESSON_ONE]),        # umlauts folded
    ("ZUSTÄND", [LESSON_ONE]),              # prefix, any case
    ("ubungen", [LESSON_ONE]),
    ("Verwaltungsdigitalisierung", [LESSON_ONE]),   # the title is searched too
    ("Quote Prozent", [LESSON_TWO]),        # all words must occur
    ("Quote Zuständigkeit", []),
    ("Wort-das-es-nicht-gibt", []),
])
def test_search_finds_words_in_titles_and_texts(db, query, expected):
    assert ids(search_lessons(db, query)) == expected


def test_snippets_mark_the_hits(db):
    hit = search_lessons(db, "Zuständigkeit")[0]
    assert "[[Zuständigkeit]]" in hit.snippet and hit.title == "Grundlagen der Verwaltungsdigitalisierung"


@pytest.mark.parametrize("query", ['"', "AND", "OR NOT", "*", "NEAR(a b)", "title:OZG", ")(", "-OZG", "^OZG",
                                   "'; DROP TABLE lesson_texts; --", "   ", "\x00", "a" * 5000])
def test_fts_syntax_in_a_query_is_searched_as_words(db, query):
    assert isinstance(search_lessons(db, query), list)
    assert raw(db).execute("SELECT COUNT(*) FROM lesson_texts").fetchone()[0] == 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=60))
def test_any_query_is_safe(db, query):
    hits = search_lessons(db, query)
    assert all(hit.lesson_id in (LESSON_ONE, LESSON_TWO) for hit in hits)


def test_search_catalog_indexes_on_demand_and_hides_removed_lessons(tmp_path):
    database, _ = new_database(tmp_path)
    catalog = fixture_catalog()
    assert ids(search_catalog(database, catalog, "OZG")) == [LESSON_ONE]
    index_lessons(database, catalog)
    without_one = dataclasses.replace(catalog, lessons=[catalog.lesson(LESSON_TWO)])
    assert search_catalog(database, without_one, "OZG") == []
    assert search_catalog(database, catalog, "   ") == []


@pytest.mark.parametrize("snippet, expected", [
    ("Das [[OZG]] gilt", "Das <mark>OZG</mark> gilt"),
    ("<script>alert(1)</script> [[x]]", "&lt;script&gt;alert(1)&lt;/script&gt; <mark>x</mark>"),
    ('[[<img src=x onerror="a()">]]', "<mark>&lt;img src=x onerror=&quot;a()&quot;&gt;</mark>"),
    ("ein ]] halber [[ Marker", "ein ]] halber [[ Marker"),
    ("Zeile eins\n\nZeile zwei", "Zeile eins Zeile zwei"),
    ("A & B", "A &amp; B"),
])
def test_snippet_html_escapes_first_then_marks(snippet, expected):
    assert snippet_html(snippet) == expected


@given(st.text())
def test_snippet_html_never_lets_markup_through(text):
    out = snippet_html(text).replace("<mark>", "").replace("</mark>", "")
    assert "<" not in out and ">" not in out and "\n" not in out


# --- glossary --------------------------------------------------------------------------------------------


def test_glossary_is_a_to_z_with_umlauts_filed_under_their_letter():
    items = glossary_items(fixture_catalog())
    assert [item.term for item in items] == ["Änderungsmanagement", "E-Akte", "OZG"]
    assert [item.letter for item in items] == ["A", "E", "O"]


def test_glossary_terms_link_to_the_lessons_that_use_them():
    by_id = {item.term_id: item for item in glossary_items(fixture_catalog())}
    assert by_id["ozg"].lessons == [(LESSON_ONE, "Grundlagen der Verwaltungsdigitalisierung")]
    assert by_id["e-akte"].lessons == [(LESSON_TWO, "Vertiefung mit Zahlen")]


@pytest.mark.parametrize("query, expected", [
    ("ozg", ["ozg"]),
    ("onlinezugang", ["ozg"]),            # alias
    ("anderung", ["aenderungsmanagement"]),
    ("Papierakte", ["e-akte"]),           # definition
    ("  ", ["aenderungsmanagement", "e-akte", "ozg"]),
    ("gibt es nicht", []),
])
def test_glossary_filter(query, expected):
    assert [item.term_id for item in glossary_items(fixture_catalog(), query)] == expected


@pytest.mark.parametrize("text, letter", [("Änderung", "A"), ("Öffnung", "O"), ("Übung", "U"), ("ßx", "S"),
                                          ("élan", "E"), ("42", "#"), ("", "#")])
def test_initial(text, letter):
    assert initial(text) == letter


def test_sort_key_orders_like_a_german_dictionary():
    words = ["Zebra", "Ärger", "Apfel", "Öl", "Ofen", "Straße", "Strasse"]
    assert sorted(words, key=sort_key) == ["Apfel", "Ärger", "Ofen", "Öl", "Straße", "Strasse", "Zebra"]


def test_glossary_shows_other_names_but_not_the_inflected_forms_kept_for_matching():
    from lotse.content.models import GlossaryTerm

    term = GlossaryTerm(id="tom", term="TOM", definition="Maßnahmen.", aliases=[
        "technische und organisatorische Maßnahmen", "technischen und organisatorischen Maßnahmen", "Tom"])
    assert term.other_names == ["technische und organisatorische Maßnahmen"]
    lotse = GlossaryTerm(id="lotse", term="Digitallotse", definition="Rolle.",
                         aliases=["Digitallotsen", "Digitallotsin", "Digitale Lotsen", "digitale Lotsen"])
    assert lotse.other_names == ["Digitallotsin", "Digitale Lotsen"]  # a feminine form is a name of its own
    assert lotse.spellings == ["Digitallotse", *lotse.aliases]  # matching in lesson text still uses every form


def test_german_stemming_on_postgresql_finds_other_forms_of_a_word(tmp_path):
    """PostgreSQL's german configuration stems: the genitive finds the nominative and back."""
    if engines.engine() != "postgresql":
        pytest.skip("stemming is PostgreSQL's german text search (FTS5 matches prefixes only)")
    database, _ = new_database(tmp_path)
    catalog = fixture_catalog()
    changed = dataclasses.replace(catalog.lesson(LESSON_TWO), body="Der Datenschutz gilt auch für Behörden.")
    index_lessons(database, dataclasses.replace(catalog, lessons=[catalog.lesson(LESSON_ONE), changed]))
    assert ids(search_lessons(database, "Datenschutzes")) == [LESSON_TWO]
    assert "[[Datenschutz]]" in search_lessons(database, "Datenschutzes")[0].snippet
    assert ids(search_lessons(database, "Behörde")) == [LESSON_TWO]


def test_a_title_hit_ranks_before_a_hit_in_the_text(tmp_path):
    database, _ = new_database(tmp_path)
    catalog = fixture_catalog()
    one = catalog.lesson(LESSON_ONE)
    two = dataclasses.replace(catalog.lesson(LESSON_TWO), body="Ein Satz über Grundlagen im Text.")
    index_lessons(database, dataclasses.replace(catalog, lessons=[one, two]))
    assert ids(search_lessons(database, "Grundlagen")) == [LESSON_ONE, LESSON_TWO]  # "Grundlagen der ..." is one's title
