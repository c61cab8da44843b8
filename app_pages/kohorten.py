"""Trainers: create and edit cohorts, hand out the invite code and link, manage members."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lotse.cohorts import (CohortError, create_cohort, disable_invite, invite_link, list_cohorts, members,
                           remove_member, renew_invite, update_cohort)
from lotse.german_format import date_short
from lotse.identity import PermissionDenied
from lotse.ids import parse_id
from ui.cockpit import presentation_toggle
from ui.context import store
from ui.escape import md_escape
from ui.session import public_base_url, require, set_notice
from ui.tables import day_of, german_dates

user = require("trainer", "admin")
st.title("Kohorten verwalten")


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def cohort_form(key: str, cohort: dict | None) -> tuple | None:
    """The cohort fields; returns them when the form was submitted."""
    with st.form(key):
        name = st.text_input("Name der Kohorte (bis 120 Zeichen)", value=cohort["name"] if cohort else "",
                             key=f"{key}-name")
        seminar = st.date_input("Seminarbeginn", value=day(cohort and cohort["seminar_date"]), key=f"{key}-datum",
                                format="DD.MM.YYYY")
        place = st.text_input("Ort (bis 120 Zeichen)", value=cohort["place"] if cohort else "", key=f"{key}-ort")
        deadline = st.date_input("Frist für die Vorbereitungslektionen (optional)", format="DD.MM.YYYY",
                                 value=day(cohort and cohort["pre_deadline"]), key=f"{key}-frist")
        label = "Änderungen speichern" if cohort else "Kohorte anlegen"
        if st.form_submit_button(label, type="primary"):
            return name, seminar, place, deadline
    return None


cohorts = list_cohorts(store(), user)
with st.expander("Neue Kohorte anlegen", expanded=not cohorts):
    values = cohort_form("kohorte-neu", None)
    if values:
        try:
            created = create_cohort(store(), user, values[0], seminar_date=values[1], place=values[2],
                                    pre_deadline=values[3])
            st.session_state["kohorten-auswahl"] = created["id"]
            set_notice(f"Die Kohorte „{created['name']}“ ist angelegt.")
            st.rerun()
        except CohortError as error:
            st.error(str(error))

if not cohorts:
    st.info("Sie haben noch keine Kohorte. Legen Sie oben die erste an.")
    st.stop()

by_id = {c["id"]: c for c in cohorts}
wanted = parse_id(st.query_params.get("kohorte", ""))
if wanted in by_id and "kohorten-auswahl" not in st.session_state:
    st.session_state["kohorten-auswahl"] = wanted
if st.session_state.get("kohorten-auswahl") not in by_id:
    st.session_state["kohorten-auswahl"] = cohorts[0]["id"]
left, right = st.columns([3, 2], vertical_alignment="bottom")
cohort_id = left.selectbox("Kohorte", list(by_id), key="kohorten-auswahl", format_func=lambda i: (
    by_id[i]["name"] + (f" – {date_short(by_id[i]['seminar_date'])}" if by_id[i]["seminar_date"] else "")
    + f" ({by_id[i]['members']} Mitglieder)"))
with right:
    presenting = presentation_toggle("kohorten")
cohort = by_id[cohort_id]

try:
    st.header("Einladung")
    if cohort["invite_active"]:
        st.write("Geben Sie den Code oder den Link an die Teilnehmenden weiter. Wer sich damit anmeldet oder "
                 "registriert, wird Mitglied dieser Kohorte.")
        st.code(cohort["invite_code"], language=None)
        st.code(invite_link(public_base_url(), cohort["invite_code"]), language=None)
        left, right = st.columns(2)
        if left.button("Code deaktivieren", key=f"kohorte-{cohort_id}-deaktivieren"):
            disable_invite(store(), user, cohort_id)
            set_notice("Der Einladungscode ist deaktiviert; niemand kann mehr damit beitreten.")
            st.rerun()
    else:
        st.warning("Der Einladungscode ist deaktiviert. Mit einem neuen Code können wieder Personen beitreten.")
        right = st
    if right.button("Neuen Code erzeugen", key=f"kohorte-{cohort_id}-erneuern"):
        renew_invite(store(), user, cohort_id)
        set_notice("Ein neuer Einladungscode ist aktiv; der alte gilt nicht mehr.")
        st.rerun()

    st.header("Angaben")
    values = cohort_form(f"kohorte-{cohort_id}-bearbeiten", cohort)
    if values:
        try:
            update_cohort(store(), user, cohort_id, *values)
            set_notice("Die Angaben wurden gespeichert.")
            st.rerun()
        except CohortError as error:
            st.error(str(error))

    people = members(store(), user, cohort_id, presenting=presenting)
    st.header(f"Mitglieder ({len(people)})")
    if not people:
        st.info("Noch niemand ist dieser Kohorte beigetreten.")
    else:
        # "Zuletzt aktiv" only where the visibility policy or the person's choice allows (None otherwise)
        st.dataframe([{"Name": p["display_name"], **({} if presenting else {"Login": p["login"]}),
                       "Beigetreten": day_of(p["joined_at"]), "Zuletzt aktiv": day_of(p["last_active_at"])}
                      for p in people], hide_index=True, column_config=german_dates("Beigetreten", "Zuletzt aktiv"))
        if any(p["last_active_at"] is None for p in people):
            st.caption("Leeres „Zuletzt aktiv“: nicht freigegeben (Vereinbarung zur Nutzung von Lotse).")
        with st.form(f"kohorte-{cohort_id}-entfernen"):
            names = {p["id"]: p["display_name"] if presenting else f"{p['display_name']} ({p['login']})" for p in people}
            member = st.selectbox("Mitglied", list(names), format_func=names.get, key=f"kohorte-{cohort_id}-mitglied")
            sure = st.checkbox("Ja, diese Person aus der Kohorte entfernen (ihr Lernstand bleibt ihr erhalten).",
                               key=f"kohorte-{cohort_id}-entfernen-sicher")
            if st.form_submit_button("Aus der Kohorte entfernen"):
                if not sure:
                    st.error("Bitte bestätigen Sie das Entfernen mit dem Häkchen.")
                else:
                    remove_member(store(), user, cohort_id, member)
                    set_notice(f"{names[member]} ist nicht mehr Mitglied dieser Kohorte.")
                    st.rerun()
except PermissionDenied as denied:
    st.error(md_escape(str(denied)))
