"""One patient at a glance: key figures with verdicts, then strength, balance, posture, walking and load charts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from rehab.charts import Panel, dashboard_panel, panel_text, section_budget
from rehab.services import dashboard
from rehab.services.context import AccessDenied, NotFound
from rehab.ui import auth as ui_auth
from rehab.ui import chart_view, layout, nav, outlook
from rehab.ui.db import get_db
from rehab.ui.fmt import condition_label, md_escape

_VIEWED = "_rehab_viewed_dashboard"
_RANGE = "dashboard_range"


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    patient_id = nav.selected_patient()
    if patient_id is None:
        st.title("Dashboard")
        st.info("Choose a patient on the Caseload or Patients page first.")
        if st.button("Go to the caseload"):
            nav.go(nav.CASELOAD)
        return
    chosen = st.session_state.get(_RANGE)
    start, end = chosen if isinstance(chosen, tuple) and len(chosen) == 2 else (None, None)
    try:
        view = dashboard.dashboard(
            db, actor, patient_id, start=start, end=end, audit_view=st.session_state.get(_VIEWED) != patient_id
        )
    except (AccessDenied, NotFound) as exc:
        st.title("Dashboard")
        st.error(md_escape(str(exc)))
        return
    st.session_state[_VIEWED] = patient_id
    show(view, outlook=lambda: outlook.show(db, actor, patient_id))


def show(view: dashboard.Dashboard, *, outlook: Callable[[], None] | None = None) -> None:
    """Draw a dashboard already read (the benchmark's floor draws the same from memory); ``outlook`` draws the
    Outlook panel under the key figures."""
    patient = view.patient
    st.title(f"Dashboard · {md_escape(patient.display_name)}")
    facts = [*view.facts[:1], condition_label(patient.condition), *view.facts[1:], view.plan_line]
    if view.next_retest:
        facts.append(f"next re-test due {view.next_retest.isoformat()}")
    st.caption(md_escape(" · ".join(facts)))
    left, right = st.columns([3, 1])
    with right:
        if st.button("Open the record", key="dash_to_record"):
            nav.go(nav.PATIENT)
    with left:
        if view.first_day and view.last_day and view.first_day < view.last_day:
            st.date_input(
                "Charts from – to",
                value=(view.first_day, view.last_day),
                min_value=view.first_day,
                max_value=max(view.last_day, date.today()),
                key=_RANGE,
                help="Limits the charts; key figures always compare the latest result with the first.",
            )
    _figures(view)
    if outlook is not None:
        outlook()
    for number, section in enumerate(view.sections):
        if not section.panels:
            continue
        st.header(section.title)
        st.caption(section.text)
        budget = section_budget(section.panels)
        # A row of two columns per pair of panels: side by side on a desktop, one under the other (in order)
        # when the screen is narrow, and each chart as wide as its column.
        with layout.grid(f"section{number}"):
            _panels(section.panels, budget)


def _panels(panels: list[Panel], budget: int) -> None:
    for first in range(0, len(panels), 2):
        for panel, column in zip(panels[first : first + 2], st.columns(2), strict=False):
            with column:
                chart_view.show(
                    dashboard_panel(panel, max_points=budget), panel_text(panel), title=panel.title, key=panel.key
                )


def _figures(view: dashboard.Dashboard) -> None:
    if not view.figures:
        st.info("No assessments recorded yet.")
        return
    st.header("Key figures")
    st.caption("Latest result, the change since the first result, and whether that change is real (beyond the MDC) "
               "and meaningful (beyond the MCID). Hover the ? for the figures and sources.")  # fmt: skip
    for construct in dashboard.CONSTRUCT_ORDER:
        figures = [f for f in view.figures if f.construct == construct]
        if not figures:
            continue
        st.subheader(dashboard.CONSTRUCT_TITLES[construct])
        with layout.grid(construct, pairs=True):
            _metrics(figures)


def _metrics(figures: list[dashboard.KeyFigure]) -> None:
    per_row = min(4, len(figures))  # two figures share the row between them, not a quarter each ("54 poi…")
    for start in range(0, len(figures), per_row):
        columns = st.columns(per_row)
        for column, figure in zip(columns, figures[start : start + per_row], strict=False):
            with column:
                st.metric(
                    md_escape(figure.label),
                    figure.value,
                    delta=figure.delta,
                    delta_color=figure.delta_color,
                    delta_arrow=figure.delta_arrow,
                    help=figure.reason,
                )
                st.caption(md_escape(f"{figure.verdict} · {figure.taken_on.isoformat()}"))
