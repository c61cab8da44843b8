"""Zertifikat prüfen (public, no sign-in): /zertifikat-pruefen?code=K7MX-3QPA-9HTR confirms a
certificate and shows only name, course and date. The code's format is checked before any query."""

import streamlit as st

from lotse import certificate
from ui.context import store
from ui.escape import md_escape

EXAMPLE = certificate.EXAMPLE_CODE


def from_link() -> str:
    raw = st.query_params.get("code", "")
    return raw[:64] if isinstance(raw, str) else ""


st.title("Zertifikat prüfen")
st.markdown("Hier können Sie prüfen, ob ein Lotse-Zertifikat echt ist. Geben Sie den Prüfcode ein, der unten auf "
            "dem Zertifikat steht. Angezeigt werden nur Name, Kurs und Ausstellungsdatum.")
st.session_state.setdefault("verifizieren-code", from_link())
with st.form("verifizieren-form"):
    st.text_input("Prüfcode", key="verifizieren-code", max_chars=64, placeholder=EXAMPLE,
                  help=f"12 Zeichen, zum Beispiel {EXAMPLE}. Groß- und Kleinschreibung, Leerzeichen und "
                       "Bindestriche spielen keine Rolle.")
    st.form_submit_button("Prüfen", type="primary")

entered = st.session_state.get("verifizieren-code", "")
result = certificate.verify(store(), entered) if entered and entered.strip() else None
if result is None:
    st.stop()
if result.status == "valid":
    st.success("✓ Dieses Zertifikat ist gültig.", icon="✅")
    st.markdown(f"**Name:** {md_escape(result.holder_name)}  \n"
                f"**Kurs:** {md_escape(result.course_title)}  \n"
                f"**Ausgestellt am:** {result.issued_on}")
elif result.status == "malformed":
    st.warning("Das ist kein gültiger Prüfcode. Ein Prüfcode hat 12 Zeichen aus Großbuchstaben und Ziffern, "
               f"zum Beispiel {EXAMPLE}. Verwechslungsgefährdete Zeichen wie O und 0 oder I und 1 kommen darin nicht "
               "vor. Bitte prüfen Sie die Eingabe.", icon="⚠️")
else:
    st.error("Zu diesem Prüfcode gibt es kein Zertifikat. Bitte vergleichen Sie den Code noch einmal mit dem "
             "Zertifikat. Ein Zertifikat kann auch ungültig werden, wenn das Konto seiner Inhaberin oder seines "
             "Inhabers gelöscht wurde.", icon="✖️")
