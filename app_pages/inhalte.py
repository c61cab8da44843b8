"""Inhaltsprüfung: the validator's findings for trainers and admins."""

import streamlit as st

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
