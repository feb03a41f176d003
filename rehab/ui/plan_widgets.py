"""Widgets for the plan and treatment pages: builder, next-session loads, readiness screen, logging table.

Everything typed by a user (exercise names, reasons) is shown escaped or as table cells, never as markup.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from rehab.charts import LOAD_CHART_HELP, load_chart, load_chart_subtitle, load_text
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.planning import BodyRegion, Equipment, Exercise, PhaseTemplate
from rehab.domain.planning.record_baseline import RecordBaseline
from rehab.domain.safety import THRESHOLD_SOURCES
from rehab.services import (
    commands,
    exercise_library,
    plan_context,
    plan_inputs,
    plan_overview,
    plans,
    record_baselines,
    sessions,
)
from rehab.services import settings as clinic_settings
from rehab.services.context import AccessDenied, Actor, ConflictError, NotFound
from rehab.services.prescriptions import ItemPrescription
from rehab.store import Database
from rehab.ui import chart_view, narrow_tables
from rehab.ui.fmt import md_escape
from rehab.ui.forms import LATEST, OLDEST, FieldErrors, number_field, typed_number
from rehab.ui.timezones import clinic_timezone

_FLASH = "_rehab_plan_flash"
_SCREEN = "_rehab_last_screen"
_JUST_LOGGED = "_rehab_just_logged"
_SCREEN_FORM = "_rehab_screen_form"
OUTCOME_TEXT = {"go": "Go", "caution": "Go with caution", "stop": "Stop"}
ACTION_TEXT = {
    "start": "Starting load",
    "increase": "Increase",
    "hold": "Keep",
    "decrease": "Decrease",
    "override": "Clinician's load",
}
SCREEN_OK_NOTE = (
    "Only a clear 'go' allows a load increase after the session. After 'go with caution' loads are kept or "
    "lowered; a 'stop' records the session as not performed and every load stays as it is."
)
EFFORT_HELP = (
    "Effort 0–10 from reps in reserve: 10 = could not do another rep, 9 = one more was possible, "
    "8 = two more, 7 = three more (Zourdos 2016)."
)

# --- messages that survive a rerun -------------------------------------------------------------------------


def flash(kind: str, text: str) -> None:
    st.session_state.setdefault(_FLASH, []).append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state.pop(_FLASH, []):
        getattr(st, kind)(md_escape(text))


def _error_list(exc: ValidationError | ValidationErrors, heading: str = "Nothing was saved.") -> None:
    messages = list(exc.by_field().values())
    st.error(md_escape(heading) + "\n\n" + "\n".join(f"- {md_escape(m)}" for m in messages))


# --- readiness screen -------------------------------------------------------------------------------------


def screen_result(outcome: str, lines: list[sessions.ScreenLine]) -> None:
    """The verdict with every reason and the source behind it."""
    box = {"go": st.success, "caution": st.warning, "stop": st.error}[outcome]
    headline = {
        "go": "Readiness screen: go.",
        "caution": "Readiness screen: go with caution. Exercise at your judgement; no load will be increased "
        "after this session.",
        "stop": "Readiness screen: stop. No exercise today; the session is recorded as not performed and every "
        "load stays as it is.",
    }[outcome]
    body = [md_escape(headline)]
    for line in lines:
        body.append(f"- **{OUTCOME_TEXT.get(line.outcome, line.outcome)}**: {md_escape(line.text)}")
        body.append(f"  *Source: {md_escape(line.source)} ({md_escape(line.evidence)}).*")
    box("\n".join(body))
    if any(line.escalate for line in lines):
        st.error("Escalate now: arrange a medical review before any further exercise.")


def remember_screen(outcome: sessions.ScreenOutcome) -> None:
    st.session_state[_SCREEN] = outcome


def show_remembered_screen() -> None:
    """A stop has no open session to show its screen on, so its result is shown once after the rerun."""
    outcome = st.session_state.pop(_SCREEN, None)
    if isinstance(outcome, sessions.ScreenOutcome) and outcome.outcome == "stop":
        screen_result(outcome.outcome, outcome.lines)


def just_logged() -> bool:
    """True once after a session's sets were saved (the page then leads with the next session's loads)."""
    return bool(st.session_state.pop(_JUST_LOGGED, False))


def _yes_no(label: str, key: str) -> bool | None:
    choice = st.radio(label, ["No", "Yes"], index=None, horizontal=True, key=key)
    return None if choice is None else choice == "Yes"


def _reading(label: str, key: str, *, help: str | None = None) -> object:
    """A reading read exactly as typed (``number_field``): the screen itself refuses text or an implausible value
    with a field message, so nothing typed is emptied, rounded or clamped by the browser."""
    return number_field(label, key, help=help)


def readiness_form(db: Database, actor: Actor, patient_id: int, *, today: date, earliest: date) -> None:
    """Resting BP and heart rate, pain now and three questions, and the optional readings for the lower limits
    (SpO2, standing pressure with symptoms, capillary glucose); saving records the session."""
    errors = FieldErrors()
    # A fresh set of widget keys after each screen, so earlier answers are never carried into a new session.
    gen = int(st.session_state.get(_SCREEN_FORM, 0))
    key = f"screen_{gen}"
    with st.form("readiness"):
        day = st.date_input(
            "Session date", value=today, min_value=OLDEST, max_value=LATEST, key=f"{key}_date", format="YYYY-MM-DD"
        )
        errors.slot("session_date")
        left, middle, right = st.columns(3)
        with left:
            systolic = _reading("Resting systolic (mmHg)", f"{key}_sbp")
            errors.slot("systolic_mmhg")
            diastolic = _reading("Resting diastolic (mmHg)", f"{key}_dbp")
            errors.slot("diastolic_mmhg")
        with middle:
            heart_rate = _reading("Resting heart rate (bpm)", f"{key}_hr")
            errors.slot("resting_heart_rate_bpm")
            pain = _reading("Pain now (0–10)", f"{key}_pain")
            errors.slot("pain_now")
        with right:
            neuro = _yes_no("New or worsening neurological symptoms?", f"{key}_neuro")
            errors.slot("new_neuro_symptoms")
            chest = _yes_no("Chest pain?", f"{key}_chest")
            errors.slot("chest_pain")
            unwell = _yes_no("Feeling unwell or feverish?", f"{key}_unwell")
            errors.slot("unwell_or_fever")
        st.markdown("**Optional readings** (leave blank if not measured)")
        opt_left, opt_middle, opt_right = st.columns(3)
        with opt_left:
            spo2 = _reading("SpO2 (%)", f"{key}_spo2", help="Stops below the clinic's SpO2 lower limit.")
            errors.slot("spo2_percent")
            glucose = _reading(
                "Capillary glucose (mmol/L)",
                f"{key}_glucose",
                help="For patients with diabetes. Judged only if the clinic has signed off glucose limits.",
            )
            errors.slot("glucose_mmol_l")
        with opt_middle:
            standing_sbp = _reading(
                "Standing systolic within 3 min (mmHg)",
                f"{key}_up_sbp",
                help="Orthostatic check: rest lying or sitting, then measure within 3 minutes of standing.",
            )
            errors.slot("standing_systolic_mmhg")
            standing_dbp = _reading("Standing diastolic within 3 min (mmHg)", f"{key}_up_dbp")
            errors.slot("standing_diastolic_mmhg")
        with opt_right:
            symptoms = _yes_no("Dizzy or light-headed on standing?", f"{key}_up_symptoms")
            errors.slot("orthostatic_symptoms")
            next_morning = _yes_no(
                "Pain that rose after the last session still there the next morning?", f"{key}_next_morning"
            )
            errors.slot("pain_unsettled_next_morning")
        submitted = st.form_submit_button("Check readiness", type="primary")
    st.caption(SCREEN_OK_NOTE)
    if not submitted:
        return
    answers = {
        "systolic_mmhg": systolic,
        "diastolic_mmhg": diastolic,
        "resting_heart_rate_bpm": heart_rate,
        "pain_now": pain,
        "new_neuro_symptoms": neuro,
        "chest_pain": chest,
        "unwell_or_fever": unwell,
        "spo2_percent": spo2,
        "standing_systolic_mmhg": standing_sbp,
        "standing_diastolic_mmhg": standing_dbp,
        "orthostatic_symptoms": symptoms,
        "glucose_mmol_l": glucose,
        "pain_unsettled_next_morning": next_morning,
    }
    try:
        outcome = sessions.start_session(db, actor, patient_id, answers=answers, session_date=day)
    except ValidationErrors as exc:
        errors.show(exc)
        return
    except (ConflictError, AccessDenied, NotFound) as exc:
        st.error(md_escape(str(exc)))
        return
    st.session_state[_SCREEN_FORM] = gen + 1
    remember_screen(outcome)
    st.rerun()


THRESHOLD_LABELS = {
    "stop_systolic_at_or_above": "Stop: systolic at or above (mmHg)",
    "stop_diastolic_at_or_above": "Stop: diastolic at or above (mmHg)",
    "caution_systolic_above": "Caution: systolic above (mmHg)",
    "caution_diastolic_above": "Caution: diastolic above (mmHg)",
    "stop_heart_rate_above": "Stop: resting heart rate above (bpm)",
    "caution_heart_rate_at_or_above": "Caution: resting heart rate at or above (bpm)",
    "stop_pain_above": "Stop: pain now above (0–10)",
    "caution_pain_above": "Caution: pain now above (0–10)",
    "stop_heart_rate_below": "Stop: resting heart rate below (bpm)",
    "stop_systolic_below": "Stop: systolic below (mmHg)",
    "stop_spo2_below": "Stop: SpO2 below (%), when recorded",
    "orthostatic_systolic_drop": "Orthostatic: systolic fall of at least (mmHg)",
    "orthostatic_diastolic_drop": "Orthostatic: diastolic fall of at least (mmHg)",
    "glucose_check_on": "Apply capillary glucose limits (UNVERIFIED: off until signed off)",
    "stop_glucose_below": "Stop: glucose below (mmol/L), when applied",
    "stop_glucose_above": "Stop: glucose above (mmol/L), when applied",
    "repeat_min_rest_minutes": "Repeat after rest: minimum rest (min; 0 = none set)",
}


def _threshold_state(t: Any, name: str) -> str:
    value = getattr(t, name)
    if isinstance(value, bool):
        return "on (signed off by the clinic)" if value else "off until signed off"
    if name == "repeat_min_rest_minutes" and not value:
        return "none set (the reference gives no rest duration)"
    if name.endswith("_glucose_below") or name.endswith("_glucose_above"):
        return f"{value:g}" + ("" if t.glucose_check_on else " (off until signed off)")
    return f"{value:g}"


def thresholds_panel(db: Database, actor: Actor) -> None:
    """The clinic's screening thresholds with their sources; administrators can change them (each change is kept)."""
    current = clinic_settings.screen_thresholds(db)
    t = current.thresholds
    origin = (
        "Product defaults from the clinical reference §8.1–8.3 and §13.10."
        if current.is_default
        else f"Version {current.version}, set by {current.updated_by_name}."
    )
    st.caption(
        md_escape(origin)
        + " Several come from cardiac and heart-failure exercise tables, the pain model from tendinopathy, and "
        "the lower limits from AVERT's eligibility for very early mobilisation or from secondary sources, not "
        "stroke rehabilitation: adopt the source your clinic prefers. The glucose range is unverified and stays "
        "off until you sign it off."
    )
    table = pd.DataFrame(
        {
            "Threshold": [THRESHOLD_LABELS.get(n, n) for n in clinic_settings.THRESHOLD_FIELDS],
            "In force": [_threshold_state(t, n) for n in clinic_settings.THRESHOLD_FIELDS],
            "Source": [THRESHOLD_SOURCES.get(n, "") for n in clinic_settings.THRESHOLD_FIELDS],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    if not actor.is_admin:
        return
    errors = FieldErrors()
    values: dict[str, Any] = {}
    with st.form(f"thresholds_{current.version}"):
        cols = st.columns(2)
        for i, name in enumerate(clinic_settings.THRESHOLD_FIELDS):
            with cols[i % 2]:
                value = getattr(t, name)
                label = THRESHOLD_LABELS.get(name, name)
                help_text = THRESHOLD_SOURCES.get(name)
                key = f"thr_{current.version}_{name}"
                if isinstance(value, bool):
                    values[name] = st.checkbox(label, value=value, key=key, help=help_text)
                else:  # read as typed (39.5 stays 39.5; letters are refused at the field, never emptied)
                    values[name] = number_field(label, key, value=f"{value:g}", help=help_text)
                errors.slot(name)
        submitted = st.form_submit_button("Save thresholds")
    if submitted:
        try:
            clinic_settings.save_screen_thresholds(db, actor, values, expected_version=current.version)
        except ValidationErrors as exc:
            errors.show(exc)
            return
        except (ConflictError, AccessDenied) as exc:
            st.error(md_escape(str(exc)))
            return
        flash("success", "Screening thresholds saved.")
        st.rerun()


# --- next session: loads, reasons, confirmation and override --------------------------------------------


def next_session(
    db: Database, actor: Actor, plan_id: int, plan_version: int, items: list[ItemPrescription], *, day: date
) -> None:
    """Each exercise's load for the next session with its reason; confirm large increases, override any load."""
    if not items:
        return
    week = items[0].week
    st.header(f"Next session · plan week {week} ({items[0].phase_name.lower()})")
    st.caption(f"From {day.isoformat()}. Sets and reps follow the plan's week; the load follows the progression rule.")
    for p in items:
        with st.container(border=True):
            left, middle, right = st.columns([4, 3, 2])
            with left:
                st.markdown(f"**{md_escape(p.label)}**")
            with middle:
                verb = ACTION_TEXT.get(p.action, p.action)
                st.markdown(f"**{md_escape(p.load_text)}** · {md_escape(verb)}")
            with right:
                if p.pending_confirmation and st.button(
                    f"Confirm {p.proposed_text}", key=f"confirm_{p.decision_id}", type="primary", width="stretch"
                ):
                    _confirm(db, actor, plan_id, plan_version, p)
                _override(db, actor, plan_id, plan_version, p)
            if p.pending_confirmation:
                st.warning(
                    md_escape(
                        f"The rule suggests {p.proposed_text}, more than 10 % above the current load: "
                        "a clinician must confirm it (or override it) before it is used."
                    )
                )
            if p.deload:
                st.info("Lighter (deload) week.")
            if p.retest_due:
                st.info("Re-test due this week: repeat the core measures and the repetition maximum.")
            st.caption(md_escape(card_paragraph(p)))


_BAND_START = " The plan starts with the lightest band"


def card_reason(p: ItemPrescription) -> str:
    """The reason for this load, without the template's description (shown once per page, on demand).

    A starting load's stored reason is week 1's whole template text (dose, rationale, sources); on a card
    in week 5 that reads as this week's dose, so it is replaced by what it means now.
    """
    if p.action != "start":
        return p.reason
    text = (
        "Starting load, set from the baseline 1RM when the plan began; the progression rule changes it as "
        "the patient earns it."
    )
    if _BAND_START in p.reason:
        text += p.reason[p.reason.index(_BAND_START) :]
    return text


def card_paragraph(p: ItemPrescription) -> str:
    """One short paragraph: this week's phase, the dose (sets × reps at load, % of 1RM) and the reason."""
    reps = f"{p.target_reps} reps"
    if p.reps_range[0] != p.reps_range[1]:
        reps += f" (range {p.reps_range[0]}–{p.reps_range[1]})"
    dose = f"{p.sets} set{'s' if p.sets != 1 else ''} × {reps} at {p.load_text}"
    if p.percent_of_baseline is not None:
        dose += f", {p.percent_of_baseline:.0f} % of the baseline 1RM"
        if p.phase_load_text:
            low, high = p.phase_percent_1rm
            dose += (
                f" (below this phase's {low:g}–{high:g} %, {p.phase_load_text}: the rule raises it as the "
                "patient earns it, or override)"
            )
        if p.above_baseline_guideline and "re-test the 1RM" not in p.reason:  # the ceiling hold already asks
            dose += "; re-test the 1RM to re-anchor the plan"
    return f"Week {p.week}, {p.phase_name.lower()}: {dose}. {card_reason(p)}"


def _confirm(db: Database, actor: Actor, plan_id: int, version: int, p: ItemPrescription) -> None:
    try:
        plans.confirm_increase(db, actor, plan_id, p.decision_id, expected_version=version)
    except (ConflictError, AccessDenied, NotFound) as exc:
        flash("error", str(exc))
        st.rerun()
    flash("success", f"Increase to {p.proposed_text} confirmed for {p.label}.")
    st.rerun()


def _override(db: Database, actor: Actor, plan_id: int, version: int, p: ItemPrescription) -> None:
    with st.popover("Override", width="stretch"):
        errors = FieldErrors()
        prefix = f"override_{p.item_id}"
        if p.uses_bands:
            level = st.selectbox(
                "Band for the next session",
                list(range(len(p.band_colours))),
                index=p.band_level or 0,
                format_func=lambda i: p.band_colours[i],
                key=f"{prefix}_band",
            )
            load = None
        else:
            load = st.text_input(  # text, read by the typed command: nothing typed is clamped or dropped
                "Load for the next session (kg)",
                value="" if p.load_kg is None else f"{p.load_kg:g}",
                key=f"{prefix}_load",
                help="0–1000 kg, and never above the latest 1RM.",
            )
            level = None
        errors.slot("override_load")
        reason = st.text_input("Reason (kept in the record)", key=f"{prefix}_reason", max_chars=500)
        errors.slot("override_reason")
        if st.button("Save override", key=f"{prefix}_save", type="primary"):
            try:
                plans.override_load(
                    db,
                    actor,
                    plan_id,
                    p.item_id,
                    expected_version=version,
                    reason=reason,
                    load_kg=load,
                    band_level=level,
                )
            except ValidationErrors as exc:
                errors.show(exc)
                return
            except (ConflictError, AccessDenied, NotFound) as exc:
                flash("error", str(exc))
                st.rerun()
            st.session_state.pop(f"{prefix}_reason", None)
            flash("success", f"Override saved for {p.label}; the progression continues from it.")
            st.rerun()


# --- logging a session ---------------------------------------------------------------------------------------


def mark_just_logged() -> None:
    st.session_state[_JUST_LOGGED] = True


def not_performed(db: Database, actor: Actor, record: Any) -> None:
    """Record an open session as not performed after all, with why; every load stays as it is."""
    with st.expander("The session did not go ahead"):
        reason = st.text_input("Why not?", key=f"not_performed_{record.id}", max_chars=500)
        if st.button("Record as not performed", key="not_performed_save"):
            try:
                sessions.mark_not_performed(db, actor, record.id, expected_version=record.version, reason=reason)
            except ValidationErrors as exc:
                _error_list(exc)
                return
            except (ConflictError, AccessDenied, NotFound) as exc:
                flash("error", str(exc))
                st.rerun()
            flash("info", "Recorded as not performed; every load stays as it is.")
            st.rerun()


# --- the plan overview -------------------------------------------------------------------------------------


def plan_summary(ov: plan_overview.PlanOverview) -> None:
    """The phases with their rationale, the rhythm, the neural period and the baselines."""
    st.header("Phases")
    st.markdown(md_escape(" → ".join(f"{p.name} (weeks {p.weeks}, {p.percent_1rm} 1RM)" for p in ov.phases)))
    with st.expander("The plan's template: every phase with its dose, rationale and sources"):
        for phase in ov.phases:
            st.markdown(
                f"**{md_escape(phase.name)}** · weeks {phase.weeks} · {phase.percent_1rm} 1RM · "
                f"{phase.sets} set(s) · {phase.reps} reps"
            )
            st.caption(md_escape("Why: " + phase.rationale))
            st.caption(md_escape(f"Sources: {phase.sources}. Evidence: {phase.evidence}."))
        for line in ov.rhythm:
            st.caption(md_escape(line))
    if ov.plan is not None and ov.plan.notes:
        st.caption("Plan notes")
        st.text(ov.plan.notes)
    if ov.neural_text:
        st.info(md_escape(ov.neural_text))
    if not ov.items.empty:
        st.header("Baselines")
        narrow_tables.table(ov.items, key="plan_baselines", title=("Exercise",))
    if not ov.schedule.empty:
        with st.expander("The template's schedule by week (from the baseline 1RM)"):
            st.caption(
                "What the phase template alone would prescribe. Session to session, the progression rule moves "
                "the load from the starting load; sets and reps follow this schedule."
            )
            narrow_tables.table(ov.schedule, key="plan_schedule", title=("Week", "Exercise"))


def progress_charts(ov: plan_overview.PlanOverview) -> None:
    if not any(not c.points.empty for c in ov.charts):
        st.info("No sessions logged yet: the charts appear after the first session is saved.")
        return
    st.caption(LOAD_CHART_HELP)
    for number, chart in enumerate(ov.charts):
        if chart.points.empty:
            st.caption(md_escape(f"{chart.label}: no sets logged yet."))
            continue
        chart_view.show(
            load_chart(chart.points, chart.bands, title=chart.label, titled=False),
            load_text(chart.points, title=chart.label),
            title=chart.label,
            key=f"load{number}",
            subtitle=load_chart_subtitle(chart.uses_bands),
        )


# --- building a plan ---------------------------------------------------------------------------------------


_PREFILLED = "pb_prefilled"  # widget keys already filled from the record (cleared with the other pb_ keys)


def _prefill(key: str, offer: RecordBaseline | None, patient_id: int) -> None:
    """Fill the baseline widgets once from a current recorded 1RM; never over anything already entered."""
    done: set[str] = st.session_state.setdefault(_PREFILLED, set())
    mark = f"{patient_id}:{key}"
    if offer is None or offer.stale or mark in done:
        return
    done.add(mark)
    fields = [f"{key}_method", f"{key}_one_rm", f"{key}_load", f"{key}_reps"]
    if any(st.session_state.get(f) not in (None, "") for f in fields[1:]):
        return
    r = offer.record
    wanted = "tested_1rm" if offer.tested else "estimated_submaximal"
    if st.session_state.get(fields[0], wanted) != wanted:
        return  # the other method is already chosen on the form
    if offer.tested:
        st.session_state[fields[0]] = wanted
        st.session_state[fields[1]] = f"{r.one_rm_kg:g}"  # the text boxes hold text
    elif r.load_kg is not None and r.reps is not None:
        st.session_state[fields[0]] = wanted
        st.session_state[fields[2]] = f"{r.load_kg:g}"
        st.session_state[fields[3]] = str(int(r.reps))


def _offer_note(offer: RecordBaseline, entry: dict[str, Any]) -> None:
    """Where the prefill came from, or why a recorded 1RM was not used."""
    r = offer.record
    if offer.stale:
        st.warning(
            md_escape(
                f"Not filled in: the assessment on {r.taken_on.isoformat()} by {r.assessor_name} recorded "
                f"{offer.value_text}, {offer.age_days} days ago. {offer.reason}"
            )
        )
        return
    if offer.tested:
        same = entry.get("method") == "tested_1rm" and entry.get("one_rm_kg") == r.one_rm_kg
    else:
        same = (
            entry.get("method") == "estimated_submaximal"
            and entry.get("load_kg") == r.load_kg
            and entry.get("reps") == r.reps
        )
    if same:
        text = offer.caption
        if not offer.tested and (r.formula or "epley") != plan_inputs.ESTIMATE_FORMULA:
            text += "; the plan re-estimates it from the same set with Epley"
        st.caption(md_escape(text + ". Change it if it is no longer right."))
    else:
        st.caption(
            md_escape(
                f"The assessment on {r.taken_on.isoformat()} by {r.assessor_name} recorded {offer.value_text}; "
                "the value entered here is used instead."
            )
        )


def _baseline_inputs(
    exercise: Exercise,
    side: str | None,
    errors: FieldErrors,
    offer: RecordBaseline | None = None,
    patient_id: int = 0,
) -> dict[str, Any] | None:
    prefix = plan_inputs.baseline_prefix(exercise.key, side)
    key = f"pb_{exercise.key}_{side or 'both'}"
    if side is not None:
        label = plan_context.SIDE_TEXT[side]
        if not st.checkbox(f"Include the {label.lower()}", value=True, key=f"{key}_on"):
            return None
    _prefill(key, offer, patient_id)
    methods = ["estimated_submaximal", "tested_1rm"]
    method = st.radio(
        "Baseline",
        methods,
        format_func=lambda m: plan_context.METHOD_TEXT[m],
        horizontal=True,
        key=f"{key}_method",
        label_visibility="collapsed",
    )
    entry: dict[str, Any] = {"exercise_key": exercise.key, "side": side, "method": method}
    if offer is not None and offer.stale:
        _offer_note(offer, entry)  # before the empty fields, so it is read before a value is typed
    if exercise.uses_bands and side != "non_paretic":
        bands = ", ".join(f"{b.colour} ≈ {b.nominal_kg:g} kg" for b in exercise.band_levels)
        st.caption(md_escape(f"Band exercise: enter the band's nominal resistance as the load ({bands})."))
    cols = st.columns(2)
    if method == "tested_1rm":
        with cols[0]:
            entry["one_rm_kg"] = number_field("Tested 1RM (kg)", f"{key}_one_rm")
            errors.slot(prefix + "one_rm_kg")
    else:
        with cols[0]:
            entry["load_kg"] = number_field("Load lifted (kg)", f"{key}_load")
            errors.slot(prefix + "load_kg")
        with cols[1]:
            entry["reps"] = number_field(
                "Reps completed (1–12)",
                f"{key}_reps",
                help="Taken to (near) failure. 1–10 reps give the best estimate; 11–12 are marked low accuracy.",
            )
            errors.slot(prefix + "reps")
    typed = {k: isinstance(entry.get(k), int | float) for k in ("one_rm_kg", "load_kg", "reps")}
    if typed["one_rm_kg"] or (typed["load_kg"] and typed["reps"]):  # text is refused at the field on saving
        try:
            preview = plan_inputs.preview_baseline(
                method, one_rm_kg=entry.get("one_rm_kg"), load_kg=entry.get("load_kg"), reps=entry.get("reps")
            )
        except ValidationErrors as exc:
            message = exc.message if isinstance(exc, ValidationError) else "; ".join(exc.by_field().values())
            st.caption(md_escape(message))
        else:
            st.caption(md_escape(f"1RM {preview.one_rm_kg:.1f} kg · {preview.detail}"))
            if preview.low_accuracy:
                st.warning("Low-accuracy estimate (11–12 reps): prefer a heavier load for 10 reps or fewer.")
    if offer is not None and not offer.stale:
        _offer_note(offer, entry)
    return entry


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """An edited table's rows keyed by column name (pandas types the keys only as Hashable)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _range(
    label: str,
    value: tuple[Any, Any],
    key: str,
    *,
    low: float | int,
    high: float | int,
    step: float | int,
    fmt: str | None = None,
) -> tuple[Any, Any]:
    """A from–to pair as one range slider: quick to set by touch."""
    return st.slider(label, low, high, value=(value[0], value[1]), step=step, key=key, format=fmt)


def _template_editor(template: PhaseTemplate, errors: FieldErrors) -> dict[str, Any]:
    values = plan_inputs.template_values(template)
    out: dict[str, Any] = {"phases": {}}
    cols = st.columns(3)
    with cols[0]:
        out["sessions_per_week"] = _range(
            "Sessions a week", values["sessions_per_week"], "tpl_sessions", low=1, high=7, step=1
        )
        errors.slot("template.sessions_per_week")
    with cols[1]:
        out["deload_every_weeks"] = number_field(
            "Lighter week every … weeks (0 = none)",
            "tpl_deload",
            value=str(values["deload_every_weeks"]),
            help="Coaches use a lighter week every 4–6 weeks (Bell 2022/2024; strength sport, not rehab).",
        )
        errors.slot("template.deload_every_weeks")
    with cols[2]:
        out["reassessment_every_weeks"] = number_field(
            "Re-test every … weeks", "tpl_retest", value=str(values["reassessment_every_weeks"])
        )
        errors.slot("template.reassessment_every_weeks")
    for phase in template.phases:
        v = values["phases"][phase.key]
        key = f"tpl_{phase.key}"
        with st.container(border=True):
            st.markdown(f"**{md_escape(phase.name)}** (from week {phase.first_week})")
            st.caption(md_escape("Why: " + phase.rationale))
            edits: dict[str, Any] = {}
            left, right = st.columns(2)
            with left:
                pct = (float(v["percent_1rm"][0]), float(v["percent_1rm"][1]))
                edits["percent_1rm"] = _range("%1RM", pct, f"{key}_pct", low=10.0, high=100.0, step=1.0, fmt="%.0f %%")
                errors.slot(f"template.{phase.key}.percent_1rm")
                edits["reps_start"] = _range(
                    "Reps, first half of the phase", v["reps_start"], f"{key}_rs", low=1, high=30, step=1
                )
                errors.slot(f"template.{phase.key}.reps_start")
            with right:
                edits["sets"] = _range("Sets", v["sets"], f"{key}_sets", low=1, high=6, step=1)
                errors.slot(f"template.{phase.key}.sets")
                edits["reps_end"] = _range(
                    "Reps, second half of the phase", v["reps_end"], f"{key}_re", low=1, high=30, step=1
                )
                errors.slot(f"template.{phase.key}.reps_end")
            if phase.last_week is not None:
                edits["last_week"] = number_field("Last week of this phase", f"{key}_last", value=str(v["last_week"]))
            errors.slot(f"template.{phase.key}.last_week")
            out["phases"][phase.key] = edits
    out["above_guideline_reason"] = st.text_input(
        "Reason for going above 80 % 1RM (only if you do)",
        key="tpl_reason",
        max_chars=500,
        help="The AHA/ASA statement recommends 50–80 % 1RM for stroke survivors; trials used 80–84 %.",
    )
    errors.slot("template.above_guideline_reason")
    errors.slot("template.phases")
    return out


def _exercise_label(exercise: Exercise) -> str:
    sides = "one side at a time" if exercise.unilateral else "both sides"
    kit = exercise.equipment.value.replace("_", " ")
    return f"{exercise.name} · {kit}, {sides}"


def plan_builder(db: Database, actor: Actor, patient_id: int, ov: plan_overview.PlanOverview, *, today: date) -> None:
    """Choose exercises, enter each baseline, adjust the template, then create the plan in one save."""
    errors = FieldErrors()
    library = ov.exercises
    order = sorted(library, key=lambda k: (library[k].body_region.value, library[k].name))
    chosen = st.multiselect(
        "Exercises",
        order,
        format_func=lambda k: _exercise_label(library[k]),
        key="pb_exercises",
        placeholder="Choose exercises",
    )
    errors.slot("baselines")
    base = ov.template if ov.plan is None else plans.DEFAULT_TEMPLATE
    # The re-test interval as set below in this builder (the previous run's value), else the template's.
    typed = typed_number(st.session_state.get("tpl_retest"))
    retest_weeks = typed if isinstance(typed, int) and 1 <= typed <= 52 else base.reassessment_every_weeks
    recorded = record_baselines.offered(
        db, actor, patient_id, today=today, retest_every_weeks=retest_weeks, tz=clinic_timezone()
    )
    if chosen:
        st.caption(
            "Baselines are filled in from the latest tested or estimated 1RM on the assessment record for the "
            f"same exercise and side, when it is no older than the re-test interval ({retest_weeks} weeks)."
        )
    baselines: list[dict[str, Any]] = []
    for key in chosen:
        exercise = library[key]
        with st.container(border=True):
            st.markdown(f"**{md_escape(exercise.name)}**")
            sides = ["paretic", "non_paretic"] if exercise.unilateral else [None]
            for side in sides:
                offer = recorded.get(exercise.key, side)
                entry = _baseline_inputs(exercise, side, errors, offer, patient_id)
                if entry is not None:
                    baselines.append(entry)
    left, right = st.columns(2)
    with left:
        rule = st.selectbox(
            "Progression rule",
            list(plan_context.RULE_NAMES),
            format_func=plan_context.RULE_NAMES.__getitem__,
            key="pb_rule",
        )
        st.caption(plan_context.RULE_LABELS[rule])
        errors.slot("rule")
    with right:
        start = st.date_input("Start date", value=today, key="pb_start", format="YYYY-MM-DD")
        errors.slot("start_date")
    with st.expander("Phases and rhythm for this plan (defaults from the clinical reference)"):
        template = _template_editor(base, errors)
    notes = st.text_area("Notes (optional)", key="pb_notes", max_chars=2000)
    if ov.plan is not None:
        st.warning("Creating a new plan ends the current one. It stays readable with all its sessions.")
    if st.button("Create plan", type="primary", key="pb_create"):
        try:
            plans.create_plan(
                db,
                actor,
                patient_id,
                baselines=commands.baseline_entries(baselines),
                template=template,
                rule=rule,
                start_date=start,
                notes=notes,
                replaces_plan_id=ov.plan.id if ov.plan else None,
            )
        except ValidationErrors as exc:
            errors.show(exc)
            return
        except (ConflictError, AccessDenied, NotFound) as exc:
            flash("error", str(exc))
            st.rerun()
        for name in [k for k in st.session_state if str(k).startswith(("pb_", "tpl_"))]:
            del st.session_state[name]
        flash("success", "Plan created.")
        st.rerun()


def custom_exercise_form(db: Database, actor: Actor) -> None:
    """Add an exercise to the clinic's library (available to every plan from then on)."""
    errors = FieldErrors()
    with st.form("custom_exercise", clear_on_submit=False):
        name = st.text_input("Name", key="cx_name", max_chars=120)
        errors.slot("name")
        cols = st.columns(2)
        regions = [r.value for r in BodyRegion]
        kits = [e.value for e in Equipment]
        with cols[0]:
            region = st.selectbox("Body region", regions, format_func=lambda v: v.replace("_", " "), key="cx_region")
            errors.slot("body_region")
            sides = st.radio("Trained", ["one side at a time", "both sides together"], horizontal=True, key="cx_sides")
            errors.slot("unilateral")
        with cols[1]:
            kit = st.selectbox("Equipment", kits, format_func=lambda v: v.replace("_", " "), key="cx_equipment")
            errors.slot("equipment")
            step = number_field(
                "Smallest load step (kg)",
                "cx_step",
                help="Leave empty for the equipment's usual step (machine and cable 2.5 kg, free weight and "
                "body weight 1 kg). Bands progress one band at a time.",
            )
            errors.slot("load_step_kg")
        submitted = st.form_submit_button("Add exercise")
    if submitted:
        data = {
            "name": name,
            "body_region": region,
            "unilateral": sides == "one side at a time",
            "equipment": kit,
            "load_step_kg": step,
        }
        try:
            exercise_library.add_custom_exercise(db, actor, data)
        except ValidationErrors as exc:
            errors.show(exc)
            return
        for key in [k for k in st.session_state if str(k).startswith("cx_")]:
            del st.session_state[key]
        flash("success", f"{name.strip()} added to the exercise library.")
        st.rerun()
