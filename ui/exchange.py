"""The three parts of the page „Fragen & Lerndaten austauschen“ (app_pages/austausch.py).

Everything that comes from an uploaded file (names, texts, messages) is shown in tables, code
blocks or escaped Markdown, never as HTML. The core decides and checks roles again.
"""

from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

from lotse.access import DENIED, visible_cohorts
from lotse.german_format import datetime_short, plural
from lotse.identity import PermissionDenied, User
from lotse.interop.common import InteropError
from lotse.interop.exchange import (FORMAT_LABELS, MAX_UPLOAD_BYTES, SaveOutcome, export_filename,
                                    export_quiz, guess_format, import_targets, preview_import, problem_rows,
                                    question_rows, quiz_path, save_quiz, skipped_rows)
from lotse.interop.lrs import LrsError
from lotse.secrets_store import SecretError
from lotse.xapi_export import (XapiExportError, base_iri_warning, cohort_statements, lrs_config, send_to_lrs,
                               statements_json)

from .context import catalog, settings, store
from .downloads import guarded
from .escape import md_escape

PLACEHOLDERS = "„Keine Rückmeldung hinterlegt.“ und „Keine Erläuterung hinterlegt.“"


def _lesson_title(lesson_id: str) -> str:
    lesson = catalog().lesson(lesson_id)
    return f"{lesson.meta.title} ({lesson_id})" if lesson else lesson_id


# --- (a) import ------------------------------------------------------------------------


def import_panel(user: User) -> None:
    st.header("Fragen importieren")
    st.markdown("Übernehmen Sie Fragen aus Moodle oder ILIAS: Laden Sie eine GIFT- oder Moodle-XML-Datei "
                "hoch oder den Export eines ILIAS-Fragenpools oder -Tests (die ZIP-Datei, wie ILIAS sie "
                "herunterlädt, oder die QTI-XML-Datei daraus). Lotse zeigt, welche Fragen übernommen werden, "
                "was Sie prüfen sollten und welche Fragen nicht übernommen werden können – keine Frage geht "
                "stillschweigend verloren.")
    targets = {target.id: target for target in import_targets(catalog())}
    if not targets:
        st.info("Es gibt noch keine Lektionen, denen Sie Fragen zuordnen können.")
        return
    lesson_id = st.selectbox("Ziellektion", list(targets), key="austausch-import-lektion",
                             format_func=lambda i: f"{targets[i].title} ({i})"
                             + ("" if targets[i].published else " – noch nicht veröffentlicht"))
    objectives = targets[lesson_id].objectives
    objective = st.selectbox("Lernziel für Fragen ohne Lernziel", list(objectives), key=f"austausch-import-ziel-{lesson_id}",
                             format_func=lambda i: f"{objectives[i]} ({i})",
                             help="Moodle- und ILIAS-Dateien kennen keine Lernziele. Sie können es später in der Quizdatei ändern.")
    upload = st.file_uploader(f"GIFT-, Moodle-XML- oder ILIAS-Datei (höchstens {MAX_UPLOAD_BYTES // 1_048_576} MB)",
                              type=["txt", "gift", "xml", "zip"], key="austausch-import-datei",
                              max_upload_size=MAX_UPLOAD_BYTES // 1_048_576)
    choice = st.radio("Format der Datei", ["auto", *FORMAT_LABELS], horizontal=True, key="austausch-import-format",
                      format_func=lambda f: FORMAT_LABELS.get(f, "automatisch erkennen"))
    if upload is None:
        return
    data = upload.getvalue()
    fmt = guess_format(upload.name, data) if choice == "auto" else choice
    st.caption(f"Datei {md_escape(upload.name)}, gelesen als {FORMAT_LABELS[fmt]}.")
    preview = preview_import(data, fmt, lesson_id, list(objectives), objective)
    if preview.error:
        st.error("Die Datei kann nicht übernommen werden. " + md_escape(preview.error))
    _preview_tables(preview)
    if preview.yaml_text is None:
        return
    st.download_button("Quizdatei herunterladen (YAML)", preview.yaml_text, file_name=f"{lesson_id}.yaml",
                       mime="text/yaml", key="austausch-import-yaml", on_click="ignore",
                       icon=":material/download:")
    with st.expander("Quizdatei ansehen"):
        st.code(preview.yaml_text, language="yaml")
    if user.is_admin:
        _save_section(user, lesson_id, preview.yaml_text)
    else:
        st.info("Speichern können nur Administratorinnen und Administratoren, weil ein Quiz für alle Lernenden "
                f"der Lektion gilt. Bitte geben Sie die heruntergeladene Datei an die Autorin oder den Autor der "
                f"Lektion; sie gehört nach quizzes/{lesson_id}.yaml.")
        current = catalog().quiz(lesson_id)
        if current is not None:
            st.warning(f"Die Lektion hat schon ein Quiz ({plural(len(current.questions), 'Frage', 'Fragen')}). "
                       "Diese Datei enthält nur die übernommenen Fragen und würde es ersetzen; sollen die "
                       "vorhandenen Fragen bleiben, müssen sie in die Datei übernommen werden.")


def _preview_tables(preview) -> None:
    if preview.quiz is not None:
        st.success(f"{plural(len(preview.quiz.questions), 'Frage', 'Fragen')} übernommen.")
        st.subheader("Übernommene Fragen")
        st.dataframe(question_rows(preview.quiz), hide_index=True)
    if preview.attention:
        st.subheader(f"Bitte prüfen ({plural(len(preview.attention), 'Frage', 'Fragen')})")
        st.markdown(f"Fehlende Texte sind mit Platzhaltern gefüllt ({PLACEHOLDERS}); bitte ersetzen Sie sie.")
        st.dataframe([{"Hinweis": a} for a in preview.attention], hide_index=True)
    if preview.skipped:
        st.subheader(f"Nicht übernommen ({plural(len(preview.skipped), 'Frage', 'Fragen')})")
        st.dataframe(skipped_rows(preview.skipped), hide_index=True)


def _save_section(user: User, lesson_id: str, yaml_text: str) -> None:
    st.subheader("Als Quiz der Lektion speichern")
    root = settings().content_dir
    exists = quiz_path(root, lesson_id).exists()
    replace = False
    if exists:
        current = catalog().quiz(lesson_id)
        size = f" ({len(current.questions)} Fragen)" if current else ""
        st.warning(f"Die Lektion hat schon ein Quiz{size}. Speichern ersetzt es für alle Lernenden; bisherige "
                   "Versuche bleiben gespeichert.")
        replace = st.checkbox("Ja, das vorhandene Quiz ersetzen", key=f"austausch-import-ersetzen-{lesson_id}")
    if not st.button("Quiz speichern", type="primary", disabled=exists and not replace,
                     key="austausch-import-speichern"):
        return
    try:
        outcome = save_quiz(user, root, lesson_id, yaml_text, replace=replace)
    except PermissionDenied:
        st.error(DENIED)
        return
    except InteropError as err:
        st.error(md_escape(err.message))
        return
    _show_outcome(lesson_id, outcome)


def _show_outcome(lesson_id: str, outcome: SaveOutcome) -> None:
    name = f"quizzes/{lesson_id}.yaml"
    if outcome.ok:
        extra = f", aber {len(outcome.problems)} Hinweise (siehe Tabelle)" if outcome.problems else ""
        st.success(f"Gespeichert als {name}. Die Inhaltsprüfung meldet keine Fehler{extra}.")
    else:
        st.error(f"Gespeichert als {name}, aber die Inhaltsprüfung meldet Fehler: Lernende sehen das Quiz "
                 "erst, wenn sie behoben sind.")
    if outcome.problems:
        st.dataframe(problem_rows(outcome.problems), hide_index=True)
    if outcome.previous is not None:
        st.download_button("Vorherige Fassung herunterladen", outcome.previous, file_name=f"{lesson_id}-vorher.yaml",
                           mime="text/yaml", key="austausch-import-vorher", on_click="ignore")


# --- (b) export ------------------------------------------------------------------------


def export_panel() -> None:
    st.header("Fragen exportieren")
    st.markdown("Laden Sie das Quiz einer Lektion für Moodle herunter (in Moodle: Fragensammlung → Import). "
                "Moodle XML enthält alle Fragen; GIFT ist ein einfaches Textformat, in dem Reihenfolge-Fragen "
                "nicht darstellbar sind.")
    quizzes = {lesson_id: entry.quiz for lesson_id, entry in catalog().quizzes.items()}
    if not quizzes:
        st.info("Es gibt noch keine Quizze.")
        return
    lesson_id = st.selectbox("Quiz der Lektion", list(quizzes), format_func=_lesson_title, key="austausch-export-lektion")
    quiz = quizzes[lesson_id]
    gift, xml = export_quiz(quiz, "gift"), export_quiz(quiz, "moodle-xml")
    left, right = st.columns(2)
    left.download_button("GIFT herunterladen", gift.text, file_name=export_filename(lesson_id, "gift"),
                         mime="text/plain", key="austausch-export-gift", on_click="ignore", icon=":material/download:")
    right.download_button("Moodle XML herunterladen", xml.text, file_name=export_filename(lesson_id, "moodle-xml"),
                          mime="application/xml", key="austausch-export-xml", on_click="ignore",
                          icon=":material/download:")
    total = len(quiz.questions)
    st.caption(f"GIFT: {total - len(gift.skipped)} von {total} Fragen · Moodle XML: {total - len(xml.skipped)} "
               f"von {total} Fragen")
    if gift.skipped:
        st.warning(f"{len(gift.skipped)} Fragen sind in GIFT nicht darstellbar und fehlen in der GIFT-Datei; "
                   "die Moodle-XML-Datei enthält sie.")
        st.dataframe([{"Frage-ID": s.name, "Grund": s.reason} for s in gift.skipped], hide_index=True)
    notes = [{"Format": "GIFT", "Hinweis": w} for w in gift.warnings] + \
            [{"Format": "Moodle XML", "Hinweis": w} for w in xml.warnings]
    if notes:
        with st.expander(f"Hinweise für den Import in Moodle ({len(notes)})"):
            st.dataframe(notes, hide_index=True)


# --- (c) xAPI --------------------------------------------------------------------------


def xapi_panel(user: User) -> None:
    st.header("Lerndaten (xAPI)")
    st.markdown("Geben Sie die Lerndaten einer Kohorte im Standardformat xAPI 1.0.3 weiter, zum Beispiel an "
                "einen Learning Record Store (LRS) Ihres Bildungsinstituts: geöffnete und gelesene Lektionen, "
                "Antworten und Quizergebnisse. Personen erscheinen unter einem gleichbleibenden Pseudonym, "
                "ohne Namen oder Anmeldenamen. Weil xAPI jede Antwort mit Zeitpunkt enthält, sind nur Personen "
                "dabei, bei denen die Vereinbarung zur Nutzung von Lotse oder ihre eigene Freigabe Antworten und "
                "Zeitpunkte zeigt.")
    cohorts = {c["id"]: c for c in visible_cohorts(store(), user)}
    if not cohorts:
        st.info("Sie leiten noch keine Kohorte. Legen Sie unter „Kohorten verwalten“ eine an.")
        return
    cohort_id = st.selectbox("Kohorte", list(cohorts), format_func=lambda i: cohorts[i]["name"],
                             key="austausch-xapi-kohorte")
    prepared_key = f"austausch-xapi-daten-{cohort_id}"
    if st.button("Lerndaten zusammenstellen", key="austausch-xapi-zusammenstellen"):
        statements = _statements(user, cohort_id)
        if statements is not None:
            moment = datetime_short(datetime.now(timezone.utc), sep=" ")
            st.session_state[prepared_key] = (None, len(statements), moment)  # the file is built when clicked
    prepared = st.session_state.get(prepared_key)
    if prepared and base_iri_warning(settings()):
        st.warning(base_iri_warning(settings()))
    if prepared:
        count, moment = prepared[1], prepared[2]
        content, config = catalog(), settings()
        fresh = guarded(user, lambda db, actor: statements_json(cohort_statements(db, actor, cohort_id, content, config)))
        st.download_button(f"{count} Aussagen als JSON herunterladen (Stand {moment} Uhr)", fresh,
                           file_name=f"xapi-kohorte-{cohort_id}.json", mime="application/json",
                           key="austausch-xapi-json", on_click="ignore", icon=":material/download:")
    _lrs_section(user, cohort_id)


def _statements(user: User, cohort_id: int) -> list[dict] | None:
    try:
        return cohort_statements(store(), user, cohort_id, catalog(), settings())
    except PermissionDenied:
        st.error(DENIED)
    except (XapiExportError, SecretError) as err:
        st.error(md_escape(str(err)))
    return None


def _lrs_section(user: User, cohort_id: int) -> None:
    try:
        config = lrs_config(settings())
    except XapiExportError as err:
        st.error(md_escape(str(err)))
        return
    if config is None:
        st.caption("Es ist kein Learning Record Store eingerichtet. Die Administration kann einen über "
                   "LOTSE_LRS_URL, LOTSE_LRS_USER und LOTSE_LRS_PASSWORD anbinden.")
        return
    st.subheader("An einen Learning Record Store senden")
    st.markdown("Lotse merkt sich, was das LRS angenommen hat: Keine Aussage wird ein zweites Mal gesendet.")
    if not st.button("An LRS senden", key="austausch-xapi-senden"):
        return
    statements = _statements(user, cohort_id)
    if statements is None:
        return
    with st.spinner("Die Lerndaten werden gesendet …"):
        try:
            report = send_to_lrs(store(), user, statements, config)
        except LrsError as err:
            sent = len(err.report.sent) if err.report else 0
            st.error(f"Das LRS hat die Lerndaten nicht angenommen: {md_escape(str(err))}. Vorher gesendet: "
                     f"{sent} Aussagen. Ein erneutes Senden setzt dort fort.")
            return
        except PermissionDenied:
            st.error(DENIED)
            return
    st.success(f"{len(report.sent)} Aussagen gesendet, {len(report.skipped)} übersprungen (schon gesendet).")
