"""The readiness screen repeated after rest: the offer, the form for the second readings, and both screens shown
with their times.

A caution, or a stop on a reading that can settle (blood pressure, heart rate, SpO2, the standing pressure), may
be measured again after rest (``rehab.domain.safety.repeat_offered``). The repeat decides the session; the first
reading is kept and shown beside it.
"""

from __future__ import annotations

from datetime import tzinfo

import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.domain.safety import SOURCE_REPEAT
from rehab.services import sessions
from rehab.services.context import AccessDenied, Actor, ConflictError, NotFound
from rehab.store import Database
from rehab.ui.fmt import md_escape
from rehab.ui.forms import FieldErrors
from rehab.ui.plan_widgets import OUTCOME_TEXT, _reading, flash, remember_screen

_LABELS = {
    "spo2_percent": "SpO2 (%)",
    "standing_systolic_mmhg": "Standing systolic within 3 min (mmHg)",
    "standing_diastolic_mmhg": "Standing diastolic within 3 min (mmHg)",
}


def _rest_text(minimum: int) -> str:
    if minimum:
        return f"The clinic asks for at least {minimum} min of rest before re-measuring."
    return "The clinical reference gives no rest duration and the clinic has set none: rest as you judge."


def screens_panel(screens: list[sessions.ScreenTaken], tz: tzinfo) -> None:
    """Both screens of a session repeated after rest, with their times; the repeat decides the session."""
    if not screens:
        return
    lines = ["**Readiness screen repeated after rest** (the session is decided by the repeat; both are kept)"]
    for s in screens:
        when = s.at.astimezone(tz).strftime("%H:%M")
        lines.append(
            f"- {md_escape(s.label)}, {when}: **{OUTCOME_TEXT.get(s.outcome, s.outcome)}**; {md_escape(s.readings)}"
        )
    st.info("\n".join(lines))


def repeat_form(db: Database, actor: Actor, offer: sessions.RepeatOffer, tz: tzinfo) -> None:
    """Measure the readings again after rest; the other answers (pain, the questions, glucose) are kept."""
    first = offer.first_at.astimezone(tz).strftime("%H:%M")
    verdict = OUTCOME_TEXT.get(offer.first_outcome, offer.first_outcome).lower()
    found = "\n".join(
        f"- **{OUTCOME_TEXT.get(line.outcome, line.outcome)}**: {md_escape(line.text)}" for line in offer.first_lines
    )
    st.markdown(f"**Repeat after rest** · first reading at {first}: {md_escape(verdict)}\n\n{found}")
    st.caption(
        md_escape(
            f"First: {offer.first_readings}. {_rest_text(offer.min_rest_minutes)} Measure again at rest; the "
            "repeat decides the session and the first reading is kept. Pain, the questions and glucose are "
            "carried over from the first screen."
        ),
        help=SOURCE_REPEAT + ".",
    )
    errors = FieldErrors()
    key = f"repeat_{offer.session_id}_{offer.version}"
    values: dict[str, object] = {}
    with st.form(key):
        left, middle, right = st.columns(3)
        with left:
            values["systolic_mmhg"] = _reading("Resting systolic (mmHg)", f"{key}_sbp")
            errors.slot("systolic_mmhg")
            values["diastolic_mmhg"] = _reading("Resting diastolic (mmHg)", f"{key}_dbp")
            errors.slot("diastolic_mmhg")
        with middle:
            values["resting_heart_rate_bpm"] = _reading("Resting heart rate (bpm)", f"{key}_hr")
            errors.slot("resting_heart_rate_bpm")
            for name in ("spo2_percent", "standing_systolic_mmhg", "standing_diastolic_mmhg"):
                if name in offer.measured:  # taken at the first screen, so taken again
                    values[name] = _reading(_LABELS[name], f"{key}_{name}")
                    errors.slot(name)
        with right:
            if "orthostatic_symptoms" in offer.measured:
                choice = st.radio(
                    "Dizzy or light-headed on standing?", ["No", "Yes"], index=None, horizontal=True, key=f"{key}_up"
                )
                values["orthostatic_symptoms"] = None if choice is None else choice == "Yes"
                errors.slot("orthostatic_symptoms")
            errors.slot("repeat")
        submitted = st.form_submit_button("Record the repeat", type="primary")
    if not submitted:
        return
    try:
        outcome = sessions.repeat_screen(db, actor, offer.session_id, expected_version=offer.version, readings=values)
    except ValidationErrors as exc:
        errors.show(exc)
        return
    except (ConflictError, AccessDenied, NotFound) as exc:
        st.error(md_escape(str(exc)))
        return
    text = OUTCOME_TEXT.get(outcome.outcome, outcome.outcome).lower()
    kind = "success" if outcome.outcome == "go" else "warning"
    flash(kind, f"Repeat after rest recorded: {text}. Both readings are kept.")
    remember_screen(outcome)
    st.rerun()
