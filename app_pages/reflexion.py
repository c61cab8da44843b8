"""Rollenreflexion: a private journal on the reflection prompts of the lessons, with dated,
editable entries, export, and sharing single entries with a cohort's trainer. Trainers see how
many entries their members have written and the entries shared with them."""

from collections import Counter

import streamlit as st

from lotse import reflection
from lotse.german_format import datetime_long
from lotse.identity import PermissionDenied
from ui.cockpit import presentation_toggle
from ui.context import catalog, store
from ui.downloads import guarded
from ui.escape import md_escape
from ui.lesson_view import LESSON_PAGE
from ui.notice import show_notice
from ui.session import require
from ui.unsaved import forget, keep, restore

user = require("learner", "trainer", "admin")
content = catalog()
database = store()
NOTICE = "reflexion-notiz"


def own_text(text: str) -> str:
    """A learner's text for st.markdown: shown literally, line breaks kept."""
    return "  \n".join(md_escape(line) if line.strip() else "" for line in text.split("\n"))


def notify(kind: str, text: str) -> None:
    st.session_state[NOTICE] = (kind, text)


def add(prompt: reflection.Prompt, key: str) -> None:
    try:
        reflection.add_entry(database, user, content, prompt.lesson_id, prompt.id, st.session_state.get(key, ""))
    except reflection.ReflectionError as problem:
        notify("warning", str(problem))
        return
    st.session_state[key] = ""
    forget(key)
    notify("success", "Ihr Eintrag ist gespeichert. Nur Sie können ihn lesen.")


def edit(entry_id: int, key: str) -> None:
    try:
        reflection.edit_entry(database, user, entry_id, st.session_state.get(key, ""))
    except reflection.ReflectionError as problem:
        notify("warning", str(problem))
        return
    notify("success", "Ihre Änderung ist gespeichert. Die frühere Fassung finden Sie unter „Frühere Fassungen“.")


def delete(entry_id: int) -> None:
    reflection.delete_entry(database, user, entry_id)
    notify("success", "Der Eintrag ist gelöscht.")


def share(entry_id: int, key: str) -> None:
    cohort_id = st.session_state.get(key)
    if cohort_id is None:
        notify("warning", "Bitte wählen Sie zuerst eine Kohorte aus.")
        return
    try:
        reflection.share_entry(database, user, entry_id, cohort_id)
    except (PermissionDenied, reflection.ReflectionError) as problem:
        notify("warning", str(problem))
        return
    notify("success", "Der Eintrag ist geteilt. Sie können die Freigabe jederzeit zurücknehmen.")


def unshare(entry_id: int, cohort_id: int) -> None:
    reflection.unshare_entry(database, user, entry_id, cohort_id)
    notify("success", "Die Freigabe ist zurückgenommen.")


def render_entry(entry: dict, targets: list[dict]) -> None:
    base = f"reflexion-eintrag-{entry['id']}"
    with st.container(border=True):
        dates = f"Geschrieben am {datetime_long(entry['created_at'])}"
        if entry["updated_at"] != entry["created_at"]:
            dates += f" · zuletzt geändert am {datetime_long(entry['updated_at'])}"
        st.caption(dates)
        st.markdown(own_text(entry["text"]))
        for item in entry["shares"]:
            st.markdown(md_escape(f"👁 Geteilt mit {item['trainer_name']} (Kohorte „{item['cohort_name']}“) "
                                  f"seit {datetime_long(item['shared_at'])}"))
            st.button("Freigabe zurücknehmen", key=f"{base}-zuruecknehmen-{item['cohort_id']}", on_click=unshare,
                      args=(entry["id"], item["cohort_id"]))
        if not entry["shares"]:
            st.caption("🔒 Privat – nur Sie können diesen Eintrag lesen.")
        with st.expander("Bearbeiten"):
            st.text_area("Eintrag bearbeiten", value=entry["text"], key=f"{base}-text", height=160,
                         max_chars=reflection.TEXT_MAX)
            st.button("Änderung speichern", key=f"{base}-speichern", on_click=edit, args=(entry["id"], f"{base}-text"))
            history = reflection.entry_history(database, user, entry["id"])
            if history:
                st.markdown("**Frühere Fassungen**")
                for version in history:
                    st.caption(f"Fassung vom {datetime_long(version['written_at'])}")
                    st.markdown(own_text(version["text"]))
            st.button("Eintrag löschen", key=f"{base}-loeschen", on_click=delete, args=(entry["id"],), icon="🗑️")
        shared_ids = {s["cohort_id"] for s in entry["shares"]}
        open_targets = [t for t in targets if t["cohort_id"] not in shared_ids]
        if open_targets:
            with st.expander("Mit Ihrer Trainerin oder Ihrem Trainer teilen"):
                st.markdown("Geteilt wird nur dieser eine Eintrag, in seiner jeweils aktuellen Fassung. "
                            "Ihre anderen Einträge bleiben privat.")
                names = {t["cohort_id"]: f"{t['trainer_name']} (Kohorte „{t['cohort_name']}“)" for t in open_targets}
                st.selectbox("Teilen mit", list(names), format_func=names.get, key=f"{base}-ziel", index=None,
                             placeholder="Bitte wählen …")
                st.button("Eintrag teilen", key=f"{base}-teilen", on_click=share, args=(entry["id"], f"{base}-ziel"))


def render_journal() -> None:
    prompts = reflection.prompts(content)
    if not prompts:
        st.info("Im Kurs gibt es gerade keine Leitfragen zur Reflexion.")
        return
    entries = reflection.my_entries(database, user)
    written = Counter((e["lesson_id"], e["prompt_id"]) for e in entries)

    def label(p: reflection.Prompt) -> str:
        count = written[(p.lesson_id, p.id)]
        mark = f" ({count} {'Eintrag' if count == 1 else 'Einträge'})" if count else ""
        return f"{p.topic}: {p.text[:90]}{'…' if len(p.text) > 90 else ''}{mark}"

    chosen = st.selectbox("Leitfrage", prompts, key="reflexion-leitfrage", format_func=label)
    st.subheader(md_escape(f"{chosen.topic}"))
    st.markdown(f"> {md_escape(chosen.text)}")
    st.page_link(LESSON_PAGE, query_params={"id": chosen.lesson_id}, icon="📖",
                 label=f"Aus der Lektion „{chosen.lesson_title}“")
    key = f"reflexion-neu-{chosen.lesson_id}-{chosen.id}"
    restore(key)  # a draft typed before the learner left the page
    st.text_area("Ihr neuer Eintrag", key=key, height=180, max_chars=reflection.TEXT_MAX, on_change=keep, args=(key,),
                 help="Schreiben Sie so, wie Sie denken – niemand bewertet diesen Text. Ein Entwurf bleibt erhalten, "
                      "bis Sie ihn speichern, auch wenn Sie zwischendurch eine andere Seite öffnen.")
    st.button("Eintrag speichern", key=f"{key}-speichern", type="primary", on_click=add, args=(chosen, key))
    entries = [e for e in entries if e["lesson_id"] == chosen.lesson_id and e["prompt_id"] == chosen.id]
    if entries:
        st.subheader(f"Ihre Einträge zu dieser Leitfrage ({len(entries)})")
        targets = reflection.share_targets(database, user)
        for entry in entries:
            render_entry(entry, targets)


def render_export() -> None:
    st.header("Journal herunterladen")
    st.markdown("Alle Ihre Einträge mit Datum und früheren Fassungen, zum Aufheben oder Mitnehmen ins Seminar.")
    left, right = st.columns(2)
    with left:
        st.download_button("Als Markdown-Datei herunterladen",
                           guarded(user, lambda db, actor: reflection.export_markdown(db, actor, content)),
                           file_name="reflexionsjournal.md", mime="text/markdown", key="reflexion-export-md", icon="📄")
    with right:
        st.download_button("Als JSON-Datei herunterladen",
                           guarded(user, lambda db, actor: reflection.export_json(db, actor, content)),
                           file_name="reflexionsjournal.json", mime="application/json", key="reflexion-export-json",
                           icon="🗂️")


def render_trainer_view() -> None:
    cohorts = reflection.led_cohorts(database, user)
    if not cohorts:
        return
    st.header("Reflexionen Ihrer Kohorten")
    st.markdown("Sie sehen, wie viele Einträge die Teilnehmenden geschrieben haben. Lesen können Sie nur "
                "Einträge, die jemand ausdrücklich mit Ihnen geteilt hat.")
    presenting = presentation_toggle("reflexion")
    for cohort in cohorts:
        st.subheader(md_escape(f"Kohorte „{cohort['name']}“"))
        counts = reflection.entry_counts(database, user, cohort["id"], presenting=presenting)
        if not counts:
            st.caption("Noch keine Teilnehmenden.")
            continue
        st.dataframe([{"Teilnehmende": c["display_name"], "Einträge": c["entries"], "Mit Ihnen geteilt": c["shared"]}
                      for c in counts], hide_index=True, key=f"reflexion-kohorte-{cohort['id']}")
        for entry in reflection.shared_with_me(database, user, cohort["id"], presenting=presenting):
            prompt = reflection.find_prompt(content, entry["lesson_id"], entry["prompt_id"])
            with st.container(border=True):
                st.markdown(md_escape(f"{entry['learner_name']} · {prompt.topic if prompt else 'Leitfrage'}"))
                if prompt:
                    st.caption(md_escape(prompt.text))
                st.caption(f"Geteilt am {datetime_long(entry['shared_at'])} · "
                           f"zuletzt geändert am {datetime_long(entry['updated_at'])}")
                if entry["text"] is None:
                    st.caption("Im Präsentationsmodus ausgeblendet: Dieser Eintrag wurde nur mit Ihnen geteilt.")
                else:
                    st.markdown(own_text(entry["text"]))


st.title("Rollenreflexion")
st.markdown("Ihr persönliches Reflexionsjournal zu den Leitfragen der Lektionen. Ihre Einträge sind privat: "
            "Nur Sie können sie lesen. Wenn Sie möchten, teilen Sie einzelne Einträge mit der Trainerin oder "
            "dem Trainer Ihrer Kohorte.")
show_notice(NOTICE)
if user.is_trainer:
    render_trainer_view()
st.header("Ihr eigenes Journal" if user.is_trainer else "Ihr Journal")
render_journal()
render_export()
