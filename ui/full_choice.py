"""The chosen value of a select box, in full, where the box cuts it.

Streamlit 1.67 draws a select box as a combobox <input>: an input cannot wrap, so on a phone a long
choice ("Digitalisierung als Führungsaufgabe: vom PDF-Formular …") is cut mid-sentence (WCAG 1.4.10:
no content lost on reflow). A script, installed once per browser window, puts the whole value on a
line below each box whose value does not fit, and removes the line again when it fits (a wider
window, a shorter choice). The line is hidden from screen readers: they already read the input's
value. tests/browser/test_walkthrough.py and test_cohort_ready.py count a cut value without its
line as cut-off text.
"""

from __future__ import annotations

import streamlit as st

CSS_CLASS = "lotse-full-choice"

_SCRIPT = """<script>(() => {
  if (window.__lotseFullChoice) return;
  window.__lotseFullChoice = true;
  const update = (input) => {
    const box = input.closest("[data-testid='stSelectbox']");
    if (!box) return;
    let line = box.querySelector(':scope > .%(css)s');
    const cut = input.value && input.scrollWidth > input.clientWidth + 1;
    if (!cut) { if (line) line.remove(); return; }
    if (!line) {
      line = document.createElement('div');
      line.className = '%(css)s';
      line.setAttribute('aria-hidden', 'true');
      box.appendChild(line);
    }
    if (line.textContent !== input.value) line.textContent = input.value;
  };
  // A box gets its width when it comes into view (an expander opens, a tab is chosen) or the window
  // changes: the resize callback runs after layout and before paint, so the line is there in the
  // first frame that shows the box, and nothing below it moves later under a finger or a click.
  const sized = new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target)));
  const watched = new WeakSet();
  let pending = false;
  const all = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {  // once per frame, however many changes Streamlit makes
      pending = false;
      document.querySelectorAll("[data-testid='stSelectbox'] input[role='combobox']").forEach((input) => {
        if (!watched.has(input)) { watched.add(input); sized.observe(input); }
        update(input);
      });
    });
  };
  // a box can also come into view without a change of its own: an expander opens, a tab is chosen
  new MutationObserver(all).observe(document.body, {subtree: true, childList: true, attributes: true,
      attributeFilter: ['value', 'open', 'hidden', 'aria-selected', 'aria-expanded']});
  for (const kind of ['input', 'toggle', 'click']) document.addEventListener(kind, all, true);
  all();
})();</script>
<style>.%(css)s { margin-top: .3rem; font-size: .9rem; line-height: 1.35; white-space: normal;
  overflow-wrap: anywhere; color: #31333f; }</style>"""


def script() -> str:
    return _SCRIPT % {"css": CSS_CLASS}


def install() -> None:
    st.html(script(), unsafe_allow_javascript=True)
