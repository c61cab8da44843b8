"""Shared top of the cockpit pages: which cohort, and presentation mode (pseudonyms).

Both choices are kept in session state under page-independent keys, so switching between the
cockpit pages keeps them (Streamlit forgets a widget's own key when a page stops showing it).
The list offered comes from the core, which checks the role; every core call checks the cohort.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeVar

import streamlit as st

from lotse.access import DENIED
from lotse.analytics.cohort import CohortInfo, trainer_cohorts
from lotse.analytics.course import parse_day
from lotse.german_format import date_short
from lotse.identity import PermissionDenied, User
from lotse.ids import parse_id

from .context import catalog, store

COHORT_KEY = "cockpit-shared-cohort"  # not a widget key: shared by all cockpit pages
PRESENTATION_KEY = "cockpit-shared-presentation"

View = TypeVar("View")


def _label(cohort: CohortInfo) -> str:
    day = parse_day(cohort.seminar_date)
    return f"{cohort.name} (Seminar {date_short(day)})" if day else cohort.name


def _remember(source: str, target: str) -> None:
    st.session_state[target] = st.session_state[source]
    if target == COHORT_KEY:  # an explicit choice beats the link the page was opened with
        st.query_params.pop("kohorte", None)


def cockpit_header(user: User, page: str) -> tuple[CohortInfo | None, bool]:
    """Cohort selector and presentation toggle; (None, mode) when the user leads no cohort."""
    cohorts = trainer_cohorts(store(), user)
    if not cohorts:
        st.info("Sie leiten noch keine Kohorte. Legen Sie unter „Kohorten verwalten“ eine an.")
        return None, False
    by_id = {c.id: c for c in cohorts}
    wanted = _query_cohort() or st.session_state.get(COHORT_KEY)
    if wanted not in by_id:
        wanted = cohorts[0].id
    st.session_state[COHORT_KEY] = wanted
    cohort_key = f"{page}-cohort"
    # Seed the widget from the shared key (instead of a default value, which Streamlit would
    # ignore once the widget has state of its own).
    if st.session_state.get(cohort_key) != wanted:
        st.session_state[cohort_key] = wanted
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    chosen = left.selectbox("Kohorte", list(by_id), format_func=lambda i: _label(by_id[i]), key=cohort_key,
                            on_change=_remember, args=(cohort_key, COHORT_KEY))
    with right:
        presenting = presentation_toggle(page)
    return by_id[chosen], presenting


PRESENTATION_HELP = ("Für den Beamer im Seminarraum: Auf allen Seiten für Trainerinnen und Trainer (Cockpit, "
                     "Teilnehmende, Briefing, Projekte der Kohorte, Rollenreflexion, Kohorten verwalten) und in "
                     "ihren Exporten erscheint „Person 1, 2, …“ statt Namen; Logins werden nicht gezeigt. Dieselbe "
                     "Person hat in einer Kohorte überall dasselbe Pseudonym. Die Inhalte geteilter Projekte und "
                     "die Rückmeldungen dazu bleiben sichtbar – sie sind für das Seminar geteilt; Namen, die "
                     "jemand selbst in diese Texte geschrieben hat, bleiben stehen. Geteilte Reflexionseinträge "
                     "werden ausgeblendet: Sie wurden nur mit Ihnen geteilt, nicht mit dem Raum.")


def presentation_toggle(page: str) -> bool:
    """The presentation-mode toggle of a trainer page, kept across pages under PRESENTATION_KEY."""
    mode_key = f"{page}-presentation"
    if mode_key not in st.session_state:
        st.session_state[mode_key] = bool(st.session_state.get(PRESENTATION_KEY, False))
    presenting = st.toggle("Präsentationsmodus (Pseudonyme)", key=mode_key, on_change=_remember,
                           args=(mode_key, PRESENTATION_KEY), help=PRESENTATION_HELP)
    st.session_state[PRESENTATION_KEY] = presenting
    return presenting


def cohort_view(user: User, page: str, build: Callable[..., View]) -> tuple[CohortInfo, View]:
    """The cockpit header, then the core's view of the chosen cohort.

    `build(db, user, cohort_id, catalog, pseudonymous=...)` is a core function such as
    cohort_overview. Stops the page when the user leads no cohort or the core refuses access.
    """
    cohort, presenting = cockpit_header(user, page)
    if cohort is None:
        st.stop()
    try:
        return cohort, build(store(), user, cohort.id, catalog(), pseudonymous=presenting)
    except PermissionDenied:
        denied()


def _query_cohort() -> int | None:
    """?kohorte=<id> from a link; anything that is not a plain number is ignored."""
    return parse_id(st.query_params.get("kohorte", ""))


def denied() -> NoReturn:
    """The access message; ends the page run."""
    st.error(DENIED)
    st.stop()


def presenting() -> bool:
    """Whether the presentation mode (pseudonyms) is on, as cockpit_header left it for this run."""
    return bool(st.session_state.get(PRESENTATION_KEY, False))
