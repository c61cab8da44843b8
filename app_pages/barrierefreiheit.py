"""Erklärung zur Barrierefreiheit (§ 12b BGG, § 7 BITV 2.0; for municipal bodies the Land's law):
status of compliance, known gaps, how it was assessed, feedback contact, enforcement procedure.
Open to everyone. How the assessment is done: docs/accessibility.md.

OPERATOR: the values in OPERATOR below are placeholders and must be filled in by the public body
running Lotse (name, address, date of publication, the Land's enforcement procedure). Update
KNOWN_GAPS and ASSESSED_ON after every check (at least once a year and after larger changes).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import streamlit as st

from ui.context import settings
from ui.escape import md_escape
from ui.session import public_base_url

ASSESSED_ON = "23.11.2026"
TOOL = "axe-core 4.12 (automatische Prüfung nach WCAG 2.1, Stufen A und AA)"

# To be filled in by the operator; shown marked as missing until then.
OPERATOR = {
    "name": "",  # e.g. "Stadt Musterstadt, Amt für Digitalisierung"
    "address": "",  # postal address for feedback
    "published_on": "",  # date the app went online
    "enforcement": "",  # the Land's procedure, see _ENFORCEMENT_HINT
}
_MISSING = "[vom Betreiber zu ergänzen: {}]"

KNOWN_GAPS = [
    ("Englische Bedienelemente der Anwendungssoftware",
     "Einige Bedienelemente stammen aus der verwendeten Software (Streamlit). Lotse übersetzt deren Beschriftungen "
     "im Browser ins Deutsche (Hilfe-Symbole, Ankerlinks an Überschriften, Seitenleiste, Passwortfelder, "
     "Datei-Upload, die Meldung „Seite nicht gefunden“, der Sprunglink zum Hauptinhalt). Englisch bleiben: die "
     "Schaltflächen an Tabellen (zum Beispiel „Download as CSV“, „Search“, „Show/hide columns“), die Teile von "
     "Datumsfeldern („day“, „month“, „year“) und das Menü an Diagrammen („Show data“, „Save as PNG“ "
     "usw.). Screenreader lesen diese englisch vor (WCAG 3.1.2); alle Inhalte und Hinweise von Lotse selbst "
     "sind deutsch."),
    ("Struktur der Seitennavigation",
     "Die Navigationsleiste ist technisch eine Liste, deren Zwischenüberschriften keine Listeneinträge sind. "
     "Screenreader können deshalb die Zahl der Einträge falsch ansagen (WCAG 1.3.1). Die Links selbst sind "
     "vollständig beschriftet und mit der Tastatur erreichbar."),
    ("Tabellen",
     "Tabellen werden als Grafik gezeichnet; für Screenreader gibt es eine gleichwertige Tabelle, die aber nur den "
     "gerade sichtbaren Ausschnitt enthält. Große Tabellen (zum Beispiel im Kohorten-Cockpit) lassen sich "
     "zusätzlich als CSV-Datei herunterladen und in einem Tabellenprogramm lesen."),
    ("Diagramme",
     "Diagramme sind Grafiken. Unter jedem Diagramm stehen dieselben Zahlen als Tabelle; Farben werden nie "
     "allein zur Unterscheidung verwendet."),
    ("PDF-Dokumente",
     "Zertifikat, Seminar-Briefing und Projekt-Übersicht als PDF sind nicht mit Strukturinformationen (Tags) "
     "versehen. Sprache und Titel sind gesetzt, der Text ist auslesbar; Überschriften und Tabellen erkennen "
     "Screenreader darin aber nicht. Dieselben Inhalte stehen barrierefrei auf den Seiten von Lotse."),
    ("Zeitbegrenzung der Anmeldung",
     "Nach längerer Zeit ohne Aktivität endet die Anmeldung ohne Vorwarnung (WCAG 2.2.1). Antworten im Quiz "
     "werden beim Ausfüllen gespeichert und gehen dabei nicht verloren."),
    ("Leichte Sprache und Gebärdensprache",
     "Erläuterungen zu den Inhalten und zur Bedienung in Leichter Sprache und in Deutscher Gebärdensprache "
     "(§ 4 BITV 2.0) gibt es noch nicht."),
]

_ENFORCEMENT_HINT = (
    "Für Stellen des Bundes ist das die Schlichtungsstelle nach § 16 BGG (siehe unten). Für Kommunen und "
    "Landesbehörden gilt das Recht des Landes, zum Beispiel eine Schlichtungs- oder Ombudsstelle bei der oder dem "
    "Landesbeauftragten für Menschen mit Behinderungen.")


def operator(key: str, what: str) -> str:
    value = OPERATOR.get(key, "").strip()
    return md_escape(value) if value else _MISSING.format(what)


def contact_line(contact: str) -> str:
    """The feedback contact as a mail link when it is an e-mail address, else as text."""
    address = contact.strip()
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        return f"[{md_escape(address)}](mailto:{quote(address, safe='@')}?subject=Barriere%20in%20Lotse)"
    return md_escape(address) or _MISSING.format("Kontaktadresse")


config = settings()
st.title("Erklärung zur Barrierefreiheit")
st.markdown(
    f"{operator('name', 'Name der öffentlichen Stelle')} ist bemüht, die Lernplattform Lotse "
    f"({md_escape(public_base_url())}) barrierefrei zugänglich zu machen – im Einklang mit dem "
    "Behindertengleichstellungsgesetz und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) "
    "beziehungsweise den entsprechenden Gesetzen des Landes, mit denen die Richtlinie (EU) 2016/2102 umgesetzt "
    "wird. Diese Erklärung gilt für alle Seiten von Lotse.")

st.header("Stand der Vereinbarkeit mit den Anforderungen")
st.markdown("Lotse ist mit den Anforderungen der BITV 2.0 (Europäische Norm EN 301 549, Web Content Accessibility "
            "Guidelines WCAG 2.1 Stufe AA) **teilweise vereinbar**. Die Abweichungen stehen im nächsten Abschnitt.")

st.header("Nicht barrierefreie Inhalte")
st.markdown("Die folgenden Inhalte sind nicht oder nur eingeschränkt barrierefrei:")
for title, text in KNOWN_GAPS:
    st.markdown(f"- **{md_escape(title)}:** {md_escape(text)}")

st.header("Erstellung dieser Erklärung")
st.markdown(
    f"Diese Erklärung wurde am {ASSESSED_ON} erstellt. Grundlage ist eine **Selbstbewertung**: Jede Seite wurde "
    f"als Lernende, als Trainerin und als Administration mit {TOOL} geprüft, außerdem die Sprache jeder Seite, die "
    "Beschriftung aller Eingabefelder und die vollständige Bedienung eines Quiz allein mit der Tastatur. Diese "
    "Prüfungen laufen bei jeder Änderung der Software automatisch. Eine Prüfung durch eine unabhängige Stelle "
    f"(BITV-Test) hat nicht stattgefunden. Online seit: {operator('published_on', 'Datum der Veröffentlichung')}.")

st.header("Barrieren melden: Kontakt")
st.markdown(
    "Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder brauchen Sie einen Inhalt in einer anderen "
    "Form? Schreiben Sie uns – bitte mit der Seite und einer kurzen Beschreibung. Wir antworten Ihnen so bald wie "
    "möglich und suchen mit Ihnen eine Lösung.")
st.markdown(f"**E-Mail:** {contact_line(config.contact)}  \n"
            f"**Post:** {operator('address', 'Anschrift der öffentlichen Stelle')}")

st.header("Durchsetzungsverfahren und Schlichtung")
st.markdown(
    "Wenn Sie auf Ihre Meldung keine zufriedenstellende Antwort erhalten haben, können Sie ein "
    "Durchsetzungsverfahren einleiten beziehungsweise eine Schlichtung beantragen. Die Schlichtung ist kostenlos, "
    "Sie brauchen dafür keinen Rechtsbeistand.")
st.markdown(f"**Zuständig für Lotse:** {operator('enforcement', 'Durchsetzungsverfahren des Landes')}")
if not OPERATOR["enforcement"].strip():
    st.markdown(md_escape(_ENFORCEMENT_HINT))
st.markdown(
    "**Für öffentliche Stellen des Bundes:** Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG) "
    "bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen, Mauerstraße 53, "
    "10117 Berlin, [www.schlichtungsstelle-bgg.de](https://www.schlichtungsstelle-bgg.de).")
