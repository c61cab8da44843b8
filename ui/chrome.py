"""Page-wide settings every page needs: the document language and small style fixes."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import streamlit as st

from . import full_choice, german_chrome
from .unsaved import install_guard

_FAVICON = Path(__file__).parent / "assets" / "favicon.png"

# Streamlit hard-codes <html lang="en">; German content needs lang="de" (WCAG 3.1.1).
_LANG_SCRIPT = "<script>document.documentElement.lang = 'de';</script>"

# Lesson content: boxes (admonitions) carry their kind in a visible title, the colour and icon
# only repeat it (WCAG 1.4.1). Colours from the Okabe-Ito palette; the icons are hidden from
# screen readers (CSS alt text ""). Search hits use <mark> with dark text on every theme.
_CONTENT_CSS = """<style>
.admonition { border: 1px solid #8a8a8a; border-left: .4rem solid #0072B2; border-radius: .3rem;
  padding: .6rem 1rem .2rem 1rem; margin: 1rem 0 1.2rem 0; background: rgba(0, 114, 178, .06); }
.admonition > .admonition-title { font-weight: 700; margin-bottom: .35rem; }
.admonition > .admonition-title::before { margin-right: .45rem; }
.admonition.merke { border-left-color: #0072B2; background: rgba(0, 114, 178, .07); }
.admonition.merke > .admonition-title::before { content: "💡" / ""; }
.admonition.beispiel { border-left-color: #009E73; background: rgba(0, 158, 115, .07); }
.admonition.beispiel > .admonition-title::before { content: "📌" / ""; }
.admonition.achtung { border-left-color: #D55E00; background: rgba(213, 94, 0, .08); }
.admonition.achtung > .admonition-title::before { content: "⚠️" / ""; }
.admonition.info { border-left-color: #56B4E9; background: rgba(86, 180, 233, .10); }
.admonition.info > .admonition-title::before { content: "ℹ️" / ""; }
abbr[title] { text-decoration: underline dotted; text-underline-offset: .2em; cursor: help; }
mark { background: #ffe08a; color: #1a1a1a; padding: 0 .1em; border-radius: .15em; }
[data-testid="stMarkdownContainer"] img { max-width: 100%; height: auto; }
/* st.caption fades text with opacity .6 (3.9:1 on white, below WCAG AA 4.5:1); a solid grey reaches 6.9:1. */
[data-testid="stCaptionContainer"] { opacity: 1; color: #595856; }
/* Quoted text (e.g. reflection prompts) is grey #828180 by default: 3.9:1. The same solid grey as captions. */
[data-testid="stMarkdownContainer"] blockquote, [data-testid="stMarkdownContainer"] blockquote p { color: #595856; opacity: 1; }
/* Page links (lesson lists) keep their label on one line and cut it off: long lesson titles lost
   their status and score. Let them wrap instead (WCAG 1.4.10: no content lost). */
[data-testid="stPageLink-NavLink"] span, [data-testid="stPageLink-NavLink"] [data-testid="stMarkdownContainer"],
[data-testid="stPageLink-NavLink"] p { white-space: normal; overflow: visible; }
/* Keyboard focus on links (sidebar navigation, page links) was only a faint grey background:
   a clear outline instead (WCAG 2.4.7). */
[data-testid="stSidebarNav"] a:focus-visible, [data-testid="stPageLink-NavLink"]:focus-visible,
[data-testid="stMarkdownContainer"] a:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
/* Phones (320-390 px, WCAG 1.4.10 reflow): a wide lesson table scrolls inside its own box instead of
   pushing the page sideways; the options of a select box wrap instead of being cut mid-sentence (its
   chosen value is an input field, which cannot wrap: ui/full_choice.py repeats it below the box); the
   title leaves room for the lesson. */
[data-testid="stMarkdownContainer"] table { display: block; max-width: 100%; overflow-x: auto; }
[role="listbox"] [role="option"], [role="listbox"] [role="option"] *, [role="listbox"] li,
[role="listbox"] li * { white-space: normal; overflow: visible; text-overflow: clip; height: auto; }
@media (max-width: 640px) { h1 { font-size: 1.9rem; line-height: 1.25; } }
</style>"""


@cache
def favicon() -> str:
    """The favicon as a data URL: served from the page itself (no font or emoji CDN), and read and
    encoded once per process instead of on every rerun as a file path would be."""
    return "data:image/png;base64," + base64.b64encode(_FAVICON.read_bytes()).decode("ascii")


def apply_page_chrome() -> None:
    st.html(_LANG_SCRIPT, unsafe_allow_javascript=True)
    st.html(_CONTENT_CSS)
    install_guard()
    german_chrome.install()
    full_choice.install()
