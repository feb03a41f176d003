"""The goals page's parts: the T-score, one card per goal with its verdict and reviews, and the new-goal forms.

Numbers are typed as text and read strictly (``read_number``): what cannot be stored as typed is refused at its
field, never rounded, clamped or dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import streamlit as st

from rehab.domain import measures
from rehab.domain.errors import ValidationError
from rehab.domain.goals import GAS_LEVELS, SOURCE_GAS, GoalKind, GoalStatus
from rehab.services import goals
from rehab.services.context import Actor
from rehab.services.goals import GoalView
from rehab.store import Database
from rehab.ui import sign_off
from rehab.ui.fmt import day, md_escape, md_text, when
from rehab.ui.forms import FieldErrors, typed_number

_FLASH = "_rehab_goal_flash"
STATUS_LABELS = {
    GoalStatus.ACTIVE: "active",
    GoalStatus.ACHIEVED: "achieved",
    GoalStatus.NOT_ACHIEVED: "not achieved",
    GoalStatus.DISCONTINUED: "discontinued",
    GoalStatus.AMENDED: "amended",
    GoalStatus.ENTERED_IN_ERROR: "entered in error",
}
RATING_LABELS = {level: f"{level:+d}: {text}" if level else f"0: {text}" for level, text in GAS_LEVELS.items()}


def show_flash() -> None:
    message = st.session_state.pop(_FLASH, None)
    if message:
        st.success(message)


def _done(message: str) -> None:
    st.session_state[_FLASH] = message
    st.rerun()


def read_number(field: str, typed: str) -> float:
    """The number exactly as typed (plain digits, a decimal point or comma), or a message at the field.

    The same reading as the other number fields (``forms.typed_number``): "1e3", "inf" or letters are refused.
    """
    if not typed.strip():
        raise ValidationError(field, "Enter the target value.")
    value = typed_number(typed.replace(",", "."))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValidationError(field, f"Type a number (“{typed[:20]}” is not one).")


def summary(found: goals.Goals) -> None:
    score = found.t_score
    if score.goals:
        shown = f"{score.value:.1f}" if score.value is not None else "not yet"
        st.metric("GAS T-score", shown, help=f"{SOURCE_GAS}. 50 = goals achieved as expected.")
        st.caption(md_text(score.reason))
    if not found.goals:
        st.info("No goals set yet. Agree 3–4 goals with the patient and add them below.")


def _verdict(view: GoalView) -> None:
    """At risk as a warning, on track or not judged as plain text; the rule and population beneath."""
    if view.trend is None:
        return
    if view.trend.at_risk:
        st.warning(md_text(view.trend.reason), icon=":material/flag:")
    else:
        st.write(md_text(view.trend.reason))
    st.caption(md_text(view.basis))


def goal_card(db: Database, actor: Actor, view: GoalView) -> None:
    goal = view.goal
    with st.container(border=True):
        status = STATUS_LABELS.get(GoalStatus(goal.status), goal.status)
        st.header(md_escape(goal.statement))
        if goal.kind == GoalKind.MEASURE and goal.measure_key and goal.target_value is not None:
            measure = measures.get(goal.measure_key)
            side = f" ({goal.side})" if goal.side else ""
            st.write(
                f"{md_escape(measure.name)}{side}: reach {goal.target_value:g} {md_escape(measure.unit_label)} "
                f"by {day(goal.target_date)} · set {day(goal.set_on)} · {status}"
            )
            _verdict(view)
        else:
            st.write(f"Goal Attainment Scale, baseline {goal.baseline:+d}, by {day(goal.target_date)} · {status}")
            for level, text in sorted((goal.gas_levels or {}).items(), reverse=True):
                st.markdown(f"- **{level:+d}** {md_escape(text)}" if level else f"- **0 (the goal)** {md_escape(text)}")
        for r in view.reviews:
            rated = f"rated {r.rating:+d}; " if r.rating is not None else ""
            st.caption(f"Review {when(r.reviewed_at)}: {rated}{md_escape(r.note)}")
        if goal.status == GoalStatus.ACTIVE:
            _review_form(db, actor, view)
            _close_form(db, actor, view)


def _apply(errors: FieldErrors, action: Callable[[], object], message: str) -> None:
    if errors.attempt(action):
        _done(message)


def _review_form(db: Database, actor: Actor, view: GoalView) -> None:
    goal = view.goal
    errors = FieldErrors()
    with st.form(f"goal_review_{goal.id}", clear_on_submit=True):
        rating = None
        if goal.kind == GoalKind.GAS:
            rating = st.radio(
                "Attainment at this review",
                sorted(GAS_LEVELS, reverse=True),
                format_func=lambda level: RATING_LABELS[level],
                index=None,
                key=f"goal_rating_{goal.id}",
            )
            errors.slot("rating")
        note = st.text_input("Review note", key=f"goal_note_{goal.id}")
        errors.slot("note")
        send = st.form_submit_button("Save review")
    if send:
        _apply(errors, lambda: goals.review(db, actor, goal.id, rating=rating, note=note), "Review saved.")


def _close_form(db: Database, actor: Actor, view: GoalView) -> None:
    goal = view.goal
    errors = FieldErrors()
    with st.expander("Close this goal"):
        with st.form(f"goal_close_{goal.id}"):
            choices = [
                GoalStatus.ACHIEVED,
                GoalStatus.NOT_ACHIEVED,
                GoalStatus.DISCONTINUED,
                GoalStatus.ENTERED_IN_ERROR,
            ]
            status = st.radio(
                "Outcome", choices, format_func=lambda s: STATUS_LABELS[s], horizontal=True, key=f"goal_st_{goal.id}"
            )
            errors.slot("status")
            reason = st.text_input("Reason (required for entered in error)", key=f"goal_reason_{goal.id}")
            errors.slot("reason")
            send = st.form_submit_button("Close goal")
        if send:
            _apply(
                errors,
                lambda: goals.close(db, actor, goal.id, goal.version, str(status), reason),
                "Goal closed; it stays on record.",
            )


def new_goal(db: Database, actor: Actor, patient_id: int) -> None:
    st.header("Set a goal")
    target, gas = st.tabs(["Measure target", "Goal Attainment Scale"])
    with target:
        _measure_form(db, actor, patient_id)
    with gas:
        _gas_form(db, actor, patient_id)


def _measure_form(db: Database, actor: Actor, patient_id: int) -> None:
    choices = [m for m in measures.all_measures() if m.higher_is_better is not None]
    errors = FieldErrors()
    with st.form("goal_measure"):
        statement = st.text_input("Goal, as agreed with the patient", key="goal_m_statement")
        errors.slot("statement")
        measure = st.selectbox(
            "Measure", choices, format_func=lambda m: f"{m.name} ({m.direction} is better)", key="goal_m_measure"
        )
        errors.slot("measure_key")
        side = st.radio("Side", ["both or not sided", "left", "right"], horizontal=True, key="goal_m_side")
        typed = st.text_input("Target value (in the measure's unit)", key="goal_m_value")
        errors.slot("target_value")
        by = st.date_input("Target date", value=date.today() + timedelta(days=42), key="goal_m_date")
        errors.slot("target_date")
        send = st.form_submit_button("Set goal", type="primary")
    if send and measure is not None:

        def save() -> int:
            value = read_number("target_value", typed)
            chosen_side = None if side == "both or not sided" else side
            values = {
                "statement": statement,
                "measure_key": measure.key,
                "side": chosen_side,
                "target_value": value,
                "target_date": by,
            }
            return goals.set_measure_goal(db, actor, patient_id, values)

        _apply(errors, save, "Goal set.")


def _gas_form(db: Database, actor: Actor, patient_id: int) -> None:
    errors = FieldErrors()
    st.caption(md_text(f"{SOURCE_GAS}. Describe each level so that anyone can rate it at review."))
    with st.form("goal_gas"):
        statement = st.text_input("Goal, as agreed with the patient", key="goal_g_statement")
        errors.slot("statement")
        levels: dict[int, str] = {}
        for level in sorted(GAS_LEVELS, reverse=True):
            levels[level] = st.text_input(RATING_LABELS[level], key=f"goal_g_level_{level}")
            errors.slot(f"level_{level}")
        baseline = st.radio(
            "Baseline",
            [-1, -2],
            format_func=lambda b: "−1: some ability related to the goal" if b == -1 else "−2: none",
            horizontal=True,
            key="goal_g_baseline",
        )
        errors.slot("baseline")
        by = st.date_input("Review date", value=date.today() + timedelta(days=42), key="goal_g_date")
        errors.slot("target_date")
        send = st.form_submit_button("Set goal", type="primary")
    if send:
        values = {"statement": statement, "levels": levels, "baseline": baseline, "target_date": by}
        _apply(errors, lambda: goals.set_gas_goal(db, actor, patient_id, values), "Goal set.")


def weights_setting(db: Database, actor: Actor) -> None:
    """Clinic settings: GAS importance × difficulty weights, off until the clinic signs the rule off."""
    on, version = goals.gas_weights(db)
    st.caption(
        md_text(
            f"{SOURCE_GAS}. The weight = importance × difficulty rule is marked UNVERIFIED in the clinical reference "
            "(believed from Turner-Stokes 2009, not in the excerpts found), so the T-score is unweighted unless the "
            "clinic signs the rule off here."
        )
    )
    sign_off.switch(
        "gas_weights",
        "Weight GAS goals by importance × difficulty (signed off by this clinic)",
        (on, version),
        lambda chosen, expected: goals.save_gas_weights(db, actor, chosen, expected_version=expected),
        "Saved; the next T-score uses it.",
    )
