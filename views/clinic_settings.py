"""Administrators adopt the clinic's values for thresholds the reference does not fix, and name the hospital's
MRN identifier system for FHIR exports."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.domain.planning.loading_plan import PAUSE_DAYS_WHY
from rehab.services import settings as clinic_settings
from rehab.services.context import ConflictError
from rehab.ui import auth as ui_auth
from rehab.ui import goal_widgets, motricity_setting, plan_widgets, prognosis_settings, report_widgets
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape, md_text, when
from rehab.ui.forms import FieldErrors
from rehab.ui.tables import fitted

_EDITOR = "_rehab_measure_thresholds"


def render() -> None:
    actor = ui_auth.require(admin=True)
    db = get_db()
    st.title("Clinic settings")
    measures_tab, screen_tab, plans_tab, prognosis_tab, goals_tab, exchange_tab, reports_tab = st.tabs(
        ["Measure thresholds", "Readiness screen", "Loading plans", "Prognosis", "Goals", "Data exchange", "Reports"]
    )
    with measures_tab:
        _measure_thresholds(db, actor)
        motricity_setting.panel(db, actor)
    with screen_tab:
        plan_widgets.thresholds_panel(db, actor)
    with prognosis_tab:
        prognosis_settings.panel(db, actor)
    with goals_tab:
        goal_widgets.weights_setting(db, actor)
    with exchange_tab:
        _mrn_system(db, actor)
    with plans_tab:
        _pause_days(db, actor)
    with reports_tab:
        report_widgets.letterhead_panel(db, actor)


def _pause_days(db: Any, actor: Any) -> None:
    """The pause after which a plan's count of workouts at the load in force starts again."""
    current = clinic_settings.progression_settings(db)
    origin = f"Version {current.version}, set by {current.updated_by_name} on {when(current.updated_at)}."
    st.caption(md_escape("Product default (14 days)." if current.version == 0 else origin))
    with st.form(f"pause_days_{current.version}"):
        typed = st.text_input(
            "Restart progression after a pause of more than (days)",
            value=str(current.pause_days),
            key=f"pause_days_{current.version}_value",
            help=PAUSE_DAYS_WHY,
            width=360,
        )
        errors = FieldErrors()
        errors.slot("pause_days")
        submitted = st.form_submit_button("Save pause length", type="primary")
    st.caption(md_escape(PAUSE_DAYS_WHY))
    if not submitted:
        return
    errors.save(
        lambda: clinic_settings.save_pause_days(db, actor, typed, expected_version=current.version),
        "Pause length saved; it applies from the next decision of every plan.",
    )


def _measure_thresholds(db: Any, actor: Any) -> None:
    current, rows = clinic_settings.adjustable_thresholds(db, actor)
    origin = f"Version {current.version}, set by {current.updated_by_name} on {when(current.updated_at)}."
    st.caption(
        "Figures from a primary source are fixed and not listed. These come from a secondary source or were "
        "not verified against a source: an unverified figure is not applied until you give it a value here "
        "(entering the catalogue value signs it off). Clear a value to return to the catalogue's default. "
        + ("No clinic values yet." if current.version == 0 else md_escape(origin))
    )
    frame = pd.DataFrame(
        {
            "Measure": [r.measure for r in rows],
            "Threshold": [r.what for r in rows],
            "Population": [r.population for r in rows],
            "Catalogue": [r.catalogue_value for r in rows],
            "Unit": [r.unit for r in rows],
            "Evidence": [r.evidence for r in rows],
            "Clinic value": [r.clinic_value for r in rows],
            "In force": [r.in_force for r in rows],
            "Source": [r.source for r in rows],
        },
        index=[r.id for r in rows],
    )
    with st.form(f"measure_thresholds_{current.version}"):
        edited = st.data_editor(
            frame,
            key=f"{_EDITOR}_{current.version}",
            disabled=[c for c in frame.columns if c != "Clinic value"],
            column_config=fitted(
                frame,
                {
                    "Clinic value": st.column_config.NumberColumn(
                        help="The value your clinic applies; blank uses the catalogue (unverified figures stay off).",
                        format="%g",
                    ),
                    "Catalogue": st.column_config.NumberColumn(format="%g"),
                },
            ),
            width="stretch",
            height=min(40 + 35 * len(frame), 720),
        )
        submitted = st.form_submit_button("Save thresholds", type="primary")
    if not submitted:
        return
    values = {str(ident): _value(v) for ident, v in edited["Clinic value"].items()}
    try:
        clinic_settings.save_measure_overrides(db, actor, values, expected_version=current.version)
    except ValidationErrors as exc:
        errors = exc.by_field()
        names = {r.id: f"{r.measure} · {r.what} ({r.population})" for r in rows}
        st.error(
            "Nothing was saved.\n\n"
            + "\n".join(f"- {md_text(names.get(k, k))}: {md_text(m)}" for k, m in errors.items())
        )
        return
    except ConflictError as exc:
        st.error(md_text(str(exc)))
        return
    st.toast("Thresholds saved.")
    st.rerun()


def _value(raw: float | str | None) -> float | None:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    return float(raw)


def _mrn_system(db: Any, actor: Any) -> None:
    current = clinic_settings.fhir_settings(db)
    origin = (
        "Not set yet: exports use the product's own namespace, which no EHR will match."
        if current.version == 0
        else f"Version {current.version}, set by {current.updated_by_name} on {when(current.updated_at)}."
    )
    st.caption(
        "FHIR exports identify the patient by MRN with this identifier system (type MR), so that an EHR can "
        "match the patient and a transaction bundle creates the Patient only once. Ask the hospital's "
        "integration team for the URI of its MRN namespace. " + md_escape(origin)
    )
    with st.form(f"mrn_system_{current.version}"):
        typed = st.text_input(
            "MRN identifier system (URI)",
            value=current.mrn_system,
            help="An absolute URI, for example https://hospital.example.org/fhir/mrn or urn:oid:2.16.840.1.113883.2.1",
        )
        submitted = st.form_submit_button("Save identifier system", type="primary")
    if not submitted:
        return
    try:
        clinic_settings.save_mrn_system(db, actor, typed, expected_version=current.version)
    except ValidationErrors as exc:
        st.error("Nothing was saved. MRN identifier system " + md_text(exc.by_field().get("mrn_system", "")) + ".")
        return
    except ConflictError as exc:
        st.error(md_text(str(exc)))
        return
    st.toast("Identifier system saved.")
    st.rerun()
