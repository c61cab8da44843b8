"""Escaping user and content text for st.markdown, so it shows literally."""

from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape any ASCII punctuation character; escaping all of them also
# disarms Streamlit's own directives (":red[...]", ":material/...:", "$...$").
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def md_escape(text: object) -> str:
    """``text`` on one line with every ASCII punctuation mark escaped: no Markdown, no directives."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
