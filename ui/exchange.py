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
from lotse.interop.exchange import (FORMAT_LABELS, MAX_UPLOAD_BYTES, export_filename, export_quiz, guess_format,
                                    import_targets, preview_import, problem_rows, question_rows, skipped_rows)
from lotse.interop.lrs import LrsError
from lotse.quiz_changes import (MODE_LABELS, QUIZ_YAML, UPLOAD_LABELS, ChangeRefused, apply_import, current_quiz,
                                current_version, list_versions, plan_import, preview_quiz_yaml, restore_version)
from lotse.secrets_store import SecretError
from lotse.xapi_export import (XapiExportError, base_iri_warning, cohort_statements, lrs_config, send_to_lrs,
                               statements_json)

from .context import catalog, content_changed, settings, store
from .downloads import guarded
from .escape import md_escape

PLACEHOLDERS = "„Keine Rückmeldung hinterlegt.“ und „Keine Erläuterung hinterlegt.“"


def _lesson_title(lesson_id: str) -> str:
    lesson = catalog().lesson(lesson_id)
    return f"{lesson.meta.title} ({lesson_id})" if lesson else lesson_id


# --- (a) import ------------------------------------------------------------------------


IMPORT_ROUND = "austausch-import-runde"  # a new uploader after each change taken into the course
IMPORT_RESULT = "austausch-import-ergebnis"
UPLOAD_FORMATS = {**FORMAT_LABELS, **UPLOAD_LABELS}


def _upload_key() -> str:
    round_ = st.session_state.get(IMPORT_ROUND, 0)
    return "austausch-import-datei" + (f"-{round_}" if round_ else "")


def import_panel(user: User) -> None:
    st.header("Fragen importieren")
    st.markdown("Übernehmen Sie Fragen aus Moodle oder ILIAS in den Kurs: Laden Sie eine GIFT- oder Moodle-XML-Datei "
                "hoch, den Export eines ILIAS-Fragenpools oder -Tests (die ZIP-Datei, wie ILIAS sie herunterlädt, "
                "oder die QTI-XML-Datei daraus) oder eine Lotse-Quizdatei (YAML). Lotse zeigt, welche Fragen "
                "übernommen werden, was Sie prüfen sollten und welche Fragen nicht übernommen werden können – "
                "keine Frage geht stillschweigend verloren. Danach vergleicht Lotse die Fragen mit dem Quiz der "
                "Lektion, und Sie übernehmen sie mit einem Klick; jede frühere Fassung bleibt erhalten.")
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
    upload = st.file_uploader(f"GIFT-, Moodle-XML-, ILIAS- oder Quizdatei (höchstens {MAX_UPLOAD_BYTES // 1_048_576} MB)",
                              type=["txt", "gift", "xml", "zip", "yaml", "yml"], key=_upload_key(),
                              max_upload_size=MAX_UPLOAD_BYTES // 1_048_576)
    choice = st.radio("Format der Datei", ["auto", *UPLOAD_FORMATS], horizontal=True, key="austausch-import-format",
                      format_func=lambda f: UPLOAD_FORMATS.get(f, "automatisch erkennen"))
    _show_result()
    if upload is not None:
        _preview_and_take_over(user, lesson_id, objectives, objective, upload, choice)
    _versions_section(user, lesson_id)


def _preview_and_take_over(user: User, lesson_id: str, objectives: dict, objective: str, upload, choice: str) -> None:
    data = upload.getvalue()
    if choice != "auto":
        fmt = choice
    elif upload.name.lower().endswith((".yaml", ".yml")):
        fmt = QUIZ_YAML
    else:
        fmt = guess_format(upload.name, data)
    st.caption(f"Datei {md_escape(upload.name)}, gelesen als {UPLOAD_FORMATS[fmt]}.")
    if fmt == QUIZ_YAML:
        preview = preview_quiz_yaml(data, lesson_id)
    else:
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
    _take_over_section(user, lesson_id, preview.quiz, f"{upload.name} ({UPLOAD_FORMATS[fmt]})")


def _preview_tables(preview) -> None:
    if preview.quiz is not None:
        st.success(f"{plural(len(preview.quiz.questions), 'Frage', 'Fragen')} gelesen.")
        st.subheader("Gelesene Fragen")
        st.dataframe(question_rows(preview.quiz), hide_index=True)
    if preview.attention:
        st.subheader(f"Bitte prüfen ({plural(len(preview.attention), 'Frage', 'Fragen')})")
        st.markdown(f"Fehlende Texte sind mit Platzhaltern gefüllt ({PLACEHOLDERS}); bitte ersetzen Sie sie.")
        st.dataframe([{"Hinweis": a} for a in preview.attention], hide_index=True)
    if preview.skipped:
        st.subheader(f"Nicht übernommen ({plural(len(preview.skipped), 'Frage', 'Fragen')})")
        st.dataframe(skipped_rows(preview.skipped), hide_index=True)


def _take_over_section(user: User, lesson_id: str, imported, source: str) -> None:
    st.subheader("In den Kurs übernehmen")
    root = settings().content_dir
    text, current = current_quiz(root, lesson_id)
    if current is not None:
        st.markdown(f"Das Quiz der Lektion hat jetzt {plural(len(current.questions), 'Frage', 'Fragen')}.")
        mode = st.radio("Wie sollen die Fragen übernommen werden?", list(MODE_LABELS), key=f"austausch-import-art-{lesson_id}",
                        format_func=MODE_LABELS.get)
    else:
        mode = "replace"
        if text is None:
            st.markdown("Die Lektion hat noch kein Quiz; die Fragen werden ihr Quiz.")
        else:
            st.warning("Die vorhandene Quizdatei der Lektion ist fehlerhaft, Lernende sehen sie nicht. "
                       "Die Fragen ersetzen sie.")
    try:
        plan = plan_import(root, lesson_id, imported, mode, source)
    except ChangeRefused as refused:
        st.error(md_escape(refused.message))
        return
    total = len(plan.quiz.questions)
    st.markdown(f"**Vorschau gegenüber dem aktuellen Quiz:** {plan.summary}. Danach hat das Quiz "
                f"{plural(total, 'Frage', 'Fragen')}.")
    st.dataframe([change.row for change in plan.changes], hide_index=True)
    if not (plan.of("new") or plan.of("changed") or plan.of("removed")):
        st.info("Nichts zu übernehmen: Alle Fragen der Datei sind schon so im Quiz.")
        return
    confirm_key = f"austausch-import-bestaetigt-{lesson_id}"
    confirmed = st.checkbox("Ich habe die Vorschau geprüft. Die neue Fassung gilt sofort für alle Lernenden der "
                            "Lektion; begonnene und abgegebene Versuche bleiben erhalten.", key=confirm_key)
    st.button("In den Kurs übernehmen", type="primary", disabled=not confirmed, key="austausch-import-uebernehmen",
              on_click=_take_over, args=(user, plan, confirm_key), icon=":material/publish:")


def _take_over(user: User, plan, confirm_key: str) -> None:
    """Button callback: the plan the trainer saw (made against the file as it was then) is applied."""
    st.session_state[confirm_key] = False
    outcome = _changed(lambda: apply_import(user, settings().content_dir, plan, settings().content_versions))
    if outcome is None:
        return
    st.session_state[IMPORT_ROUND] = st.session_state.get(IMPORT_ROUND, 0) + 1
    st.session_state[IMPORT_RESULT] = {
        "ok": True, "problems": problem_rows(outcome.warnings),
        "message": f"In den Kurs übernommen: {outcome.summary} (quizzes/{plan.lesson}.yaml). Lernende sehen die "
                   "neue Fassung ab sofort, ohne Neustart. Rückgängig machen können Sie es unter „Frühere "
                   "Fassungen dieses Quiz“."}


def _changed(change):
    """Run a change of the course's quizzes; on refusal keep the German reason for the next run and
    return None, on success tell the app that the content changed and return the outcome."""
    try:
        outcome = change()
    except PermissionDenied:
        st.session_state[IMPORT_RESULT] = {"ok": False, "message": DENIED, "problems": []}
        return None
    except ChangeRefused as refused:
        st.session_state[IMPORT_RESULT] = {"ok": False, "message": refused.message,
                                           "problems": problem_rows(refused.problems)}
        return None
    content_changed()
    return outcome


def _show_result() -> None:
    result = st.session_state.pop(IMPORT_RESULT, None)
    if result is None:
        return
    (st.success if result["ok"] else st.error)(md_escape(result["message"]))
    if result["problems"]:
        st.dataframe(result["problems"], hide_index=True)


def _versions_section(user: User, lesson_id: str) -> None:
    root, folder = settings().content_dir, settings().content_versions
    try:
        kept = list_versions(user, root, lesson_id, folder)
    except PermissionDenied:
        return
    with st.expander(f"Frühere Fassungen dieses Quiz ({len(kept)})", icon=":material/history:"):
        if not kept:
            st.markdown("Noch keine: Sobald Sie Fragen in dieses Quiz übernehmen, bleibt hier jede Fassung "
                        "erhalten, auch die vorherige, und Sie können jede wiederherstellen.")
            return
        now = current_version(root, lesson_id, kept)
        st.dataframe([{"Zeitpunkt": _when(v), "Was": v.label, "Von": v.actor or "–", "Fragen": v.questions,
                       "Änderung": v.summary, "Gilt jetzt": "ja" if v.id == now else ""} for v in kept],
                     hide_index=True)
        others = [v for v in kept if v.id != now]
        if not others:
            return
        labels = {v.id: f"{_when(v)} – {v.label} ({plural(v.questions, 'Frage', 'Fragen')})" for v in others}
        chosen = st.selectbox("Fassung zum Wiederherstellen", list(labels), format_func=labels.get,
                              key=f"austausch-fassung-{lesson_id}")
        st.button("Diese Fassung wiederherstellen", key="austausch-fassung-wiederherstellen",
                  on_click=_restore, args=(user, lesson_id, chosen), icon=":material/undo:")


def _when(version) -> str:
    return f"{datetime_short(version.at, sep=' ', seconds=True)} Uhr"


def _restore(user: User, lesson_id: str, version_id: str) -> None:
    outcome = _changed(lambda: restore_version(user, settings().content_dir, lesson_id, version_id,
                                               settings().content_versions))
    if outcome is not None:
        st.session_state[IMPORT_RESULT] = {"ok": True, "problems": problem_rows(outcome.warnings),
                                           "message": f"{outcome.summary}. Lernende sehen sie ab sofort."}


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
