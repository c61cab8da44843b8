"""Streamlit's own English in the page chrome, replaced by German in the browser.

Streamlit 1.67 has no setting for the language of its built-in texts: screen-reader labels
("Help for …", "Link to heading", "Collapse sidebar", "Show password"), the file uploader ("Drag and
drop file here", "Browse files", "5MB per file") and the "Page not found" dialog. A MutationObserver,
installed once per browser window, rewrites exactly these strings (whole attribute values or whole
text nodes, never parts of content) as they appear. A browser test (tests/browser/
test_cohort_ready.py) lists every English string a page still shows, so a Streamlit upgrade that
changes one of them is caught. What remains is listed in the accessibility statement.
"""

from __future__ import annotations

import json

import streamlit as st

# Whole attribute values (aria-label, title) and whole text nodes.
EXACT = {
    "Link to heading": "Link zu diesem Abschnitt",
    "Collapse sidebar": "Seitenleiste einklappen",
    "Expand sidebar": "Seitenleiste ausklappen",
    "Show password": "Eingegebene Zeichen anzeigen",
    "Hide password": "Eingegebene Zeichen verbergen",
    "Clear all": "Alle Einträge entfernen",
    "Clear value": "Auswahl entfernen",
    "Help": "Hilfe",
    "Open": "Öffnen",
    "Close": "Schließen",
    "Page not found": "Seite nicht gefunden",
    "Drag and drop file here": "Datei hierher ziehen",
    "Drag and drop files here": "Dateien hierher ziehen",
    "Drag and drop a file here": "Datei hierher ziehen",
    "Browse files": "Datei auswählen",
    "Upload": "Hochladen",
    "Delete": "Löschen",
    "Remove file": "Datei entfernen",
    "Fullscreen": "Vollbild",
    "Close fullscreen": "Vollbild beenden",
    "Show password text": "Eingegebene Zeichen anzeigen",
    "Skip to main content": "Zum Hauptinhalt springen",
    "App pages": "Seiten von Lotse",
    "Sidebar": "Seitenleiste",
    "Running...": "Läuft …",
    "Stop": "Anhalten",
}
# (regular expression, replacement) for texts with a variable part
PATTERNS = [
    (r"^Help for (.+)$", "Hilfe zu $1"),
    (r"^Limit (\d+(?:\.\d+)?)\s?([KMG]B) per file(.*)$", "höchstens $1 $2 pro Datei$3"),
    (r"^(\d+(?:\.\d+)?)\s?([KMG]B) per file(.*)$", "höchstens $1 $2 pro Datei$3"),
    (r"^(?:You have requested page|The page that you have requested).*Running the app's main page\.$",
     "Diese Adresse gibt es in Lotse nicht. Sie sehen jetzt die Startseite."),
]

_SCRIPT = """<script>(() => {
  if (window.__lotseGerman) return;
  window.__lotseGerman = true;
  const exact = %s;
  const patterns = %s.map(([source, target]) => [new RegExp(source, 's'), target]);
  const german = (text) => {
    if (!text) return null;
    const trimmed = text.trim();
    if (Object.prototype.hasOwnProperty.call(exact, trimmed)) return exact[trimmed];
    for (const [pattern, target] of patterns) if (pattern.test(trimmed)) return trimmed.replace(pattern, target);
    return null;
  };
  const ATTRIBUTES = ['aria-label', 'title'];
  const fixElement = (el) => {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name);
      const better = german(value);
      if (better !== null && better !== value) el.setAttribute(name, better);
    }
  };
  const fixText = (node) => {
    const parent = node.parentElement;  // content (Markdown) is never touched, only Streamlit's dialogs and uploader
    if (!parent || parent.closest("textarea, input")) return;
    if (parent.closest("[data-testid='stMarkdownContainer']")
        && !parent.closest("[role='dialog'], [data-testid='stFileUploader']")) return;
    const better = german(node.nodeValue);
    if (better !== null && better !== node.nodeValue.trim()) node.nodeValue = better;
  };
  const fixTree = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    root.querySelectorAll('[aria-label], [title]').forEach(fixElement);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) fixText(node);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes') fixElement(m.target);
      else if (m.type === 'characterData') fixText(m.target);
      else m.addedNodes.forEach(fixTree);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ATTRIBUTES});
  fixTree(document.body);
})();</script>"""


def script() -> str:
    return _SCRIPT % (json.dumps(EXACT), json.dumps(PATTERNS))


def install() -> None:
    st.html(script(), unsafe_allow_javascript=True)
