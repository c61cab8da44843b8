"""Was sieht meine Trainerin? What trainers can see about the signed-in person right now (made
from the same policy the trainer views obey), the person's voluntary opt-in, and the access log."""

from __future__ import annotations

import streamlit as st

from lotse.access_log import own_entries
from lotse.german_format import datetime_short
from lotse.visibility import (LEVEL_LABELS, NEVER, Choice, Level, save_own_choice, what_my_trainer_sees,
                              withdraw_own_choice)
from ui.context import store
from ui.escape import md_escape
from ui.session import require, set_notice

user = require("learner", "trainer", "admin")
st.title("Was sieht meine Trainerin?")
view = what_my_trainer_sees(store(), user)
if view.cohorts:
    st.markdown("So sieht es jetzt aus – für die Trainerin oder den Trainer jeder Ihrer Kohorten: "
             + ", ".join(md_escape(name) for name in view.cohorts) + ".")  # cohort names are user text
else:
    st.info("Sie sind in keiner Kohorte: Außer Ihnen sieht niemand Ihre Lerndaten. Treten Sie einer Kohorte bei, "
            "gilt das Folgende.")

st.header("Das sieht Ihre Trainerin oder Ihr Trainer")
st.markdown("\n".join(f"- ✓ {md_escape(s.text)}" for s in view.seen))
st.header("Das sieht sie oder er nicht")
st.markdown("\n".join([f"- ✗ {md_escape(s.text)}" for s in view.not_seen] + [f"- ✗ Nie: {md_escape(NEVER)}"]))

st.header("Freiwillig mehr teilen")
st.write("Sie können mehr freigeben, zum Beispiel Ihre Antworten, damit Ihre Trainerin Ihnen gezielt Rückmeldung "
         "geben kann. Das ist freiwillig; Sie können es jederzeit zurücknehmen. Weniger als die Einstellung des "
         f"Betreibers („{LEVEL_LABELS[view.policy.level]}“) ist nicht möglich.")
levels = [level for level in Level if level >= view.policy.level]
current = view.choice.level if view.choice else view.policy.level
with st.form("sichtbarkeit-form"):
    level = st.radio("Was darf Ihre Trainerin je Person über Sie sehen?", levels, format_func=LEVEL_LABELS.get,
                     index=levels.index(max(current, view.policy.level)), key="sichtbarkeit-stufe")
    reading = st.checkbox("Auch meine Lesezeit je Lektion", value=view.grant.reading_time,
                          disabled=view.policy.reading_time, key="sichtbarkeit-lesezeit")
    activity = st.checkbox("Auch, wann ich zuletzt aktiv war und wann ich Quizversuche abgegeben habe",
                           value=view.grant.activity, disabled=view.policy.activity, key="sichtbarkeit-aktivitaet")
    st.caption("Lesezeit und Zeitpunkte gelten nur zusammen mit „Lernstand je Person“ oder „Antworten je Person“.")
    if st.form_submit_button("Freigabe speichern"):
        save_own_choice(store(), user, Choice(Level(level), reading, activity))
        set_notice("Ihre Freigabe ist gespeichert. Sie gilt ab sofort.")
        st.rerun()
if view.choice is not None and st.button("Freigabe zurücknehmen", key="sichtbarkeit-zuruecknehmen"):
    withdraw_own_choice(store(), user)
    set_notice("Ihre Freigabe ist zurückgenommen. Es gilt wieder die Einstellung des Betreibers.")
    st.rerun()

st.header("Wer hat Ihre Daten angesehen?")
entries = own_entries(store(), user)
if not entries:
    st.info("Noch niemand hat Ihre Detailansicht geöffnet oder Daten mit Ihrem Namen heruntergeladen.")
else:
    st.dataframe([{"Wann": datetime_short(e.at, sep=" ") + " Uhr", "Wer": e.who, "Kohorte": e.cohort, "Was": e.what}
                  for e in entries], hide_index=True, key="sichtbarkeit-protokoll")
st.caption(f"Protokolleinträge werden nach {view.policy.retention_months} Monaten gelöscht. Alle Einträge sind auch "
           "in Ihrem Datenexport unter „Mein Konto“ enthalten.")
