"""Nothing typed is lost when the learner leaves a page.

Two gaps in Streamlit: (1) a text field commits its value when it loses focus, but a click on a
sidebar or page link right then sends the page change at once, which replaces the pending commit:
the on_change callback (the quiz draft, the project autosave) never runs and the text is gone.
(2) A reload or closing the tab drops text that was never sent.

The script below, installed once per browser window, remembers fields typed into since their last
commit. A link click that follows such a commit waits until Streamlit has finished the commit's run
and then follows the link; before a reload or closing the tab the browser asks („Seite verlassen?“,
in the browser's own language) while such text exists. Fields Lotse keeps only in the session (the
reflection draft) count as unsaved as long as they hold text.

Texts kept only in the session survive page changes through ``keep``/``restore`` below.
"""

from __future__ import annotations

import json

import streamlit as st

# aria-labels of fields that are not saved when they lose focus (only with their own button)
HELD_UNTIL_SAVED = ("Ihr neuer Eintrag",)
_DRAFTS = "lotse-drafts"

_SCRIPT = """<script>(() => {
  if (window.__lotseUnsaved) return;
  window.__lotseUnsaved = true;
  const held = %s;
  const dirty = new Set();
  let committedAt = 0;
  const isField = (el) => el && el.matches && el.matches(
    "[data-testid='stMain'] textarea, [data-testid='stMain'] input[type='text'], [data-testid='stMain'] input:not([type])");
  const isHeld = (el) => held.includes(el.getAttribute('aria-label'));
  document.addEventListener('input', (e) => { if (isField(e.target)) dirty.add(e.target); }, true);
  const commit = (el) => {  // Streamlit sends the value now; held fields stay unsaved until their button
    if (!dirty.has(el)) return;
    committedAt = Date.now();
    if (!isHeld(el)) dirty.delete(el);
  };
  document.addEventListener('focusout', (e) => commit(e.target), true);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.tagName === 'INPUT') commit(e.target);
  }, true);
  const scriptState = () => (document.querySelector("[data-testid='stApp']") || {getAttribute: () => ''})
    .getAttribute('data-test-script-state');
  document.addEventListener('click', (e) => {
    const link = e.target.closest && e.target.closest("[data-testid='stSidebarNav'] a, a[data-testid='stPageLink-NavLink']");
    if (!link || link.__lotseReplay || Date.now() - committedAt > 3000) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const started = Date.now();
    let seenRun = scriptState() === 'running';
    const follow = () => {
      const running = scriptState() === 'running';
      seenRun = seenRun || running;
      const waited = Date.now() - started;
      if ((running || (!seenRun && waited < 1500)) && waited < 8000) return setTimeout(follow, 40);
      committedAt = 0;
      link.__lotseReplay = true;
      link.click();
      link.__lotseReplay = false;
    };
    setTimeout(follow, 40);
  }, true);
  window.addEventListener('beforeunload', (e) => {
    const unsaved = [...dirty].some((el) => el.isConnected && el.value.trim());
    if (unsaved) { e.preventDefault(); e.returnValue = ''; }
  });
})();</script>"""


def guard_script() -> str:
    return _SCRIPT % json.dumps(list(HELD_UNTIL_SAVED))


def install_guard() -> None:
    st.html(guard_script(), unsafe_allow_javascript=True)


def restore(key: str) -> None:
    """Put a text kept with ``keep`` back into its widget (once; afterwards the widget owns it)."""
    drafts = st.session_state.get(_DRAFTS, {})
    if key not in st.session_state and drafts.get(key):
        st.session_state[key] = drafts[key]


def keep(key: str) -> None:
    """on_change: keep the widget's text in the session, beyond the page (Streamlit forgets a
    widget's value when its page is left)."""
    st.session_state.setdefault(_DRAFTS, {})[key] = st.session_state.get(key, "")


def forget(key: str) -> None:
    st.session_state.get(_DRAFTS, {}).pop(key, None)
