"""The Assess page's entry around the fields: which measures, and a refused save shown where it belongs.

A refusal is kept in the session for one run, so the questions about implausible values can be drawn inside
the entry form with their "yes, this is right" boxes (a form's contents are fixed once drawn).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from rehab.domain import measures
from rehab.domain.errors import ValidationErrors
from rehab.store.patients import PatientRecord
from rehab.ui.assessment_form import field_label
from rehab.ui.fmt import md_text


def chosen_measures(mode: str) -> list[str]:
    if mode == "battery":
        sets = {b.key: b for b in measures.batteries()}
        chosen = st.selectbox(
            "Battery",
            list(sets),
            key="as_battery",
            format_func=lambda b: f"{sets[b].name} ({', '.join(measures.get(k).name for k in sets[b].measures)})",
        )
        return list(sets[chosen].measures)
    every = sorted(measures.all_measures(), key=lambda m: (m.construct, m.name))
    key = st.selectbox(
        "Measure",
        [m.key for m in every],
        key="as_measure",
        format_func=lambda k: f"{measures.get(k).construct.capitalize()} · {measures.get(k).name}",
    )
    return [key]


def refusal_of(exc: ValidationErrors, patient: PatientRecord, keys: set[str]) -> dict[str, Any]:
    """A refused save in the form's words: messages per measure, the date's, others, and questions to confirm."""
    out: dict[str, Any] = {"by_key": {}, "taken": "", "other": [], "asked": {}}
    for err in exc.errors:
        key, _, sub = err.field.partition(".")
        if isinstance(err, measures.Unconfirmed):
            out["asked"][err.question.id] = err.question.what
            out["by_key"].setdefault(key, []).append(("warning", err.message))
        elif key in keys:
            out["by_key"].setdefault(key, []).append(
                ("error", f"{field_label(patient, sub)}: {err.message}" if sub else err.message)
            )
        elif err.field == "taken_at":
            out["taken"] = err.message
        else:
            out["other"].append(err.message)
    return out


def show_refusal(refusal: dict[str, Any], slots: dict[str, Any], taken_slot: Any) -> None:
    if not refusal:
        return
    for key, lines in refusal["by_key"].items():
        if key in slots:
            with slots[key].container():
                for kind, text in lines:
                    (st.warning if kind == "warning" else st.error)(md_text(text))
    if refusal["taken"]:
        taken_slot.error(md_text(refusal["taken"]))
    for text in refusal["other"]:
        st.error(md_text(text))
    only_questions = all(kind == "warning" for lines in refusal["by_key"].values() for kind, _ in lines)
    if only_questions and not refusal["taken"] and not refusal["other"]:
        st.warning(
            "Nothing was saved yet: check the values questioned above. Correct them, or tick "
            "“Yes, this is right” for each, then save again."
        )
    else:
        st.error("Nothing was saved. Correct the fields marked above.")
