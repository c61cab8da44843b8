"""Lektion (/lektion?id=...): objectives, contents, the lesson text, terms, sources, "Als gelesen
markieren", the quiz and the neighbouring lessons."""

import streamlit as st

from lotse import learning
from ui import lesson_view as view
from ui.context import catalog, db
from ui.quiz_panel import render_quiz
from ui.session import require

user = require("learner", "trainer", "admin")
content = catalog()
lesson = view.lesson_from_query(content)
view.track_view(user, lesson)
row = learning.own_lesson_state(db(), user, lesson.id)
quiz = content.quiz(lesson.id)
rendered = view.rendered_lesson(content, lesson)
terms = content.glossary_for(lesson)

st.title(lesson.meta.title)
view.render_intro(content, lesson, learning.status_of(row))
view.render_objectives(lesson)
view.render_toc(rendered, view.extra_sections(terms, quiz))
view.render_body(rendered)
view.render_terms(terms)
view.render_sources(lesson)
view.render_mark_read(user, lesson, row)

if quiz is not None:
    render_quiz(user, lesson, quiz, row, {anchor: title for _, anchor, title in rendered.toc})
view.render_neighbours(content, lesson)
