"""Datenschutzhinweise: what Lotse stores, why, for how long, who sees it, your rights. Open to everyone."""

from __future__ import annotations

import streamlit as st

from lotse.german_format import plural
from lotse.visibility import policy_from, privacy_notice
from ui.context import settings
from ui.escape import md_escape
from ui.session import current_user

config = settings()
policy = policy_from(config)
idle_hours = config.session_idle_minutes / 60
idle = f"{config.session_idle_minutes} Minuten" if config.session_idle_minutes < 120 else plural(idle_hours, "Stunde", "Stunden")

st.title("Datenschutzhinweise")
st.write("Lotse ist eine Lernplattform für Führungskräfte und Beschäftigte in Kommunalverwaltungen. Wir speichern "
         "nur, was für das Lernen und die Seminarbegleitung nötig ist, und zeigen Ihnen hier, was das ist.")

st.header("Was gespeichert wird und wozu")
st.markdown("""
- **Ihr Konto:** Login, Anzeigename, Rolle, wann das Konto angelegt wurde und wann Sie zuletzt aktiv waren.
  Ihr Passwort speichern wir nicht, nur eine nicht umkehrbare Prüfsumme (Argon2id). Bei Anmeldung mit
  Dienstkonto speichern wir die Kennung, die Ihr Identitätsanbieter übermittelt.
- **Kohorten:** In welchen Seminargruppen Sie Mitglied sind und seit wann – damit Ihre Trainerin oder Ihr
  Trainer das Seminar auf den Lernstand der Gruppe abstimmen kann.
- **Lerndaten:** welche Lektionen Sie geöffnet und gelesen haben, die Lesezeit, Ihre Quiz-Versuche mit
  Antworten und Punkten, gespeicherte Entwürfe und ein Protokoll dieser Lernschritte. Weitere Funktionen
  (z. B. Reflexionen, Projekte, Wiederholungskarten, Selbsteinschätzung) speichern Ihre Eingaben ebenfalls
  unter Ihrem Konto. Zweck: Sie sehen Ihren Fortschritt und können dort weitermachen, wo Sie aufgehört haben.
- **Anmeldesitzungen:** eine Prüfsumme des Sitzungsschlüssels, Beginn, letzte Aktivität und Ablauf – damit Sie
  angemeldet bleiben, wenn Sie die Seite neu laden.
- **Fehlgeschlagene Anmeldungen:** Login, Adresse des Geräts und Zeitpunkt – zum Schutz vor dem Erraten von
  Passwörtern.
- **Cookies:** Nach der Anmeldung setzt Lotse das technisch notwendige Cookie `lotse_session`. Es enthält nur
  einen zufälligen Schlüssel, keinen Namen und kein Passwort. Dazu kommt ein Sicherheits-Cookie der
  Anwendungssoftware (Schutz vor gefälschten Anfragen) und bei Anmeldung mit Dienstkonto dessen
  Anmelde-Cookie. Es gibt keine Cookies für Werbung oder Reichweitenmessung.
""")

st.header("Wie lange")
st.markdown(f"""
- **Anmeldung:** endet beim Abmelden sofort, nach {idle} ohne Aktivität und spätestens nach
  {config.session_max_days} Tagen. Beendete Sitzungen werden spätestens einen Tag danach gelöscht.
- **Fehlgeschlagene Anmeldungen:** höchstens 24 Stunden.
- **Einmalcodes** zum Setzen eines Passworts: 72 Stunden gültig, nach dem Einlösen unbrauchbar.
- **Nach dem Ende einer Kohorte:** {policy.retention_months} Monate nach dem Ende (letzter Seminartag oder
  Ende der letzten Arbeitsphase) endet die Mitgliedschaft: Die Trainerin oder der Trainer sieht dann nichts
  mehr von Ihnen.
- **Lernprotokoll** (einzelne Lernschritte mit Zeitpunkt) und **Zugriffsprotokoll:** {policy.retention_months}
  Monate, danach gelöscht.
- **Konto und Lerndaten** (Lernstand, Quizversuche, Ihre Eingaben): bis Sie Ihr Konto löschen. Konten von
  Lernenden, die lange nicht genutzt wurden, löscht der Betreiber nach einer festen Frist vollständig.
- **Zertifikate:** Der Prüfnachweis (Name, Kurs, Datum, Prüfcode) bleibt, bis Sie Ihr Konto löschen, damit
  Dritte die Echtheit prüfen können.
""")

st.header("Wer Ihre Daten sieht")
st.markdown("""
- **Sie selbst** sehen alle Ihre Daten und können sie herunterladen.
- **Die Trainerinnen und Trainer Ihrer Kohorten** – und nur, solange Sie Mitglied sind; Trainerinnen und
  Trainer anderer Gruppen sehen nichts von Ihnen:
""" + "\n".join(f"  - {md_escape(line)}" for line in privacy_notice(policy)) + """
- **Die Administration** sieht Ihre Kontodaten (Login, Name, Rolle, Status), um Konten zu verwalten.
- **Auswertungen über Fragen** (wie oft eine Frage richtig beantwortet wird) werden jedes Mal neu aus den
  vorhandenen Antworten berechnet und zeigen keine Namen. Löschen Sie Ihr Konto, fließen Ihre Antworten
  nicht mehr ein; es bleiben keine Auswertungen über Sie zurück.
- Eine Weitergabe an Dritte findet nicht statt.
""")

st.header("Ihre Rechte")
st.markdown("""
- **Auskunft und Datenübertragbarkeit** (Art. 15 und 20 DSGVO): Unter „Mein Konto“ laden Sie alle Ihre Daten
  als JSON-Datei herunter.
- **Berichtigung** (Art. 16): Ihren Anzeigenamen ändern Sie unter „Mein Konto“.
- **Löschung** (Art. 17): Unter „Mein Konto“ löschen Sie Ihr Konto mit allen Lerndaten endgültig.
- **Einschränkung und Widerspruch** (Art. 18 und 21): Wenden Sie sich an die unten genannte Stelle.
- **Beschwerde** (Art. 77): Sie können sich bei der zuständigen Datenschutz-Aufsichtsbehörde beschweren.
""")

if current_user() is not None:
    st.page_link("app_pages/konto.py", label="Zu „Mein Konto“: alle Daten herunterladen oder das Konto löschen",
                 icon=":material/account_circle:")
else:
    st.caption("Melden Sie sich an; dann finden Sie unter „Mein Konto“ den Download Ihrer Daten.")

st.header("Kontakt")
st.markdown("Verantwortlich ist die Stelle, die diese Lotse-Instanz betreibt. Fragen zum Datenschutz richten Sie "
            f"bitte an: {md_escape(config.contact)}")
