"""The patient details form, shared by registration and editing."""

from __future__ import annotations

from typing import Any

import streamlit as st

from rehab.domain.patients import (
    CONDITION_LABELS,
    EVENT_CONDITIONS,
    SEX_LABELS,
    SIDE_LABELS,
    Condition,
    Sex,
    Side,
)
from rehab.store.patients import PatientRecord
from rehab.ui.forms import LATEST, OLDEST, FieldErrors


def _index(options: list[Any], value: Any) -> int | None:
    return options.index(value) if value in options else None


def patient_fields(
    prefix: str,
    errors: FieldErrors,
    *,
    current: PatientRecord | None = None,
    team_options: list[tuple[int, str]] | None = None,
    team_current: list[int] | None = None,
) -> tuple[dict[str, Any], list[int] | None]:
    """Render the fields inside an open st.form; return the raw values and the chosen care team."""
    left, right = st.columns(2)
    with left:
        mrn = st.text_input(
            "MRN (hospital number)", value=current.mrn if current else "", key=f"{prefix}_mrn", max_chars=32
        )
        errors.slot("mrn")
        given = st.text_input(
            "Given name", value=current.given_name if current else "", key=f"{prefix}_given", max_chars=100
        )
        errors.slot("given_name")
        family = st.text_input(
            "Family name", value=current.family_name if current else "", key=f"{prefix}_family", max_chars=100
        )
        errors.slot("family_name")
        birth = st.date_input(
            "Date of birth",
            value=current.birth_date if current else None,
            min_value=OLDEST,
            max_value=LATEST,
            key=f"{prefix}_birth",
            format="YYYY-MM-DD",
        )
        errors.slot("birth_date")
        sexes = list(Sex)
        sex = st.selectbox(
            "Sex",
            sexes,
            index=_index(sexes, Sex(current.sex)) if current else None,
            format_func=lambda s: SEX_LABELS[s],
            key=f"{prefix}_sex",
            placeholder="Choose",
        )
        errors.slot("sex")
    with right:
        conditions = list(Condition)
        condition = st.selectbox(
            "Condition",
            conditions,
            index=_index(conditions, Condition(current.condition)) if current else None,
            format_func=lambda c: CONDITION_LABELS[c],
            key=f"{prefix}_condition",
            placeholder="Choose",
        )
        errors.slot("condition")
        event = st.date_input(
            "Event date (onset or injury)",
            value=current.event_date if current else None,
            min_value=OLDEST,
            max_value=LATEST,
            key=f"{prefix}_event",
            format="YYYY-MM-DD",
            help="Required for stroke, brain injury and spinal cord injury: days since the event guide interpretation.",
        )
        errors.slot("event_date")
        sides = list(Side)
        side = st.selectbox(
            "Paretic / affected side",
            sides,
            index=_index(sides, Side(current.paretic_side)) if current else None,
            format_func=lambda s: SIDE_LABELS[s],
            key=f"{prefix}_side",
            placeholder="Choose",
        )
        errors.slot("paretic_side")
        team: list[int] | None = None
        if team_options is not None:
            labels = dict(team_options)
            team = st.multiselect(
                "Care team",
                [uid for uid, _ in team_options],
                default=team_current or [],
                format_func=lambda uid: labels.get(uid, f"#{uid}"),
                key=f"{prefix}_team",
                help="Clinicians on the care team can see and update this patient.",
            )
            errors.slot("care_team")
    notes = st.text_area("Notes", value=current.notes if current else "", key=f"{prefix}_notes", max_chars=5000)
    errors.slot("notes")
    data = {
        "mrn": mrn,
        "given_name": given,
        "family_name": family,
        "birth_date": birth,
        "sex": sex.value if sex else None,
        "condition": condition.value if condition else None,
        "event_date": event,
        "paretic_side": side.value if side else None,
        "notes": notes,
    }
    return data, team


__all__ = ["EVENT_CONDITIONS", "patient_fields"]
