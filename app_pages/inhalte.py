"""Inhaltsprüfung: the validator's findings for trainers and admins."""

from datetime import date

import streamlit as st

from lotse.content.review import due_for_review
from lotse.german_format import date_long

from ui.context import catalog
from ui.session import require

require("trainer", "admin")
st.title("Inhaltsprüfung")
content = catalog()
questions = sum(len(entry.quiz.questions) for entry in content.quizzes.values())
st.write(f"Im Kurs sichtbar: **{len(content.lessons)} Lektionen**, {len(content.quizzes)} Quizze mit "
         f"{questions} Fragen, {len(content.glossary)} Glossarbegriffe.")

if not content.problems:
    st.success("✓ Alle Inhalte sind in Ordnung.")
else:
    errors, warnings = content.errors, content.warnings
    if errors:
        st.error(f"✗ {len(errors)} Fehler: Die betroffenen Lektionen werden Lernenden nicht angezeigt, "
                 "bis die Fehler behoben sind.")
    if warnings:
        st.warning(f"⚠ {len(warnings)} Hinweise: Diese Lektionen werden angezeigt, sollten aber überarbeitet werden.")
    st.caption("Jede Zeile nennt Datei, Zeile und Feld. Dieselbe Liste gibt `python -m lotse validate` aus.")
    st.dataframe(
        [{"Art": "Fehler" if p.severity == "error" else "Hinweis", "Datei": p.path, "Zeile": p.line,
          "Feld": p.field, "Meldung": p.message} for p in content.problems],
        hide_index=True, width="stretch",
    )

st.header("Fällige Überprüfungen", anchor="ueberpruefung")
today = date.today()
due = due_for_review(content.lessons, today)
if not due:
    st.success(f"✓ Keine Lektion ist zur Überprüfung fällig (Stand der Prüfung: {date_long(today)}).")
else:
    st.warning(f"⚠ {len(due)} Lektionen sind zur Überprüfung fällig: Prüfen Sie die Fakten an den Quellen und "
               "setzen Sie danach `stand` und `review_by` neu.")
    st.dataframe(
        [{"Lektion": s.title, "Datei": f"lessons/{s.lesson_id}.md",
          "Stand": date_long(s.stand) if s.stand else "fehlt",
          "Überprüfen bis": date_long(s.review_by) if s.review_by else "fehlt"} for s in due],
        hide_index=True, width="stretch",
    )
