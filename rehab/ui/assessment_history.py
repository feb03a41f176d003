"""A patient's assessment history, filterable, with amendment and entered-in-error corrections."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rehab.domain import measures
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.units import fmt
from rehab.services import assessments
from rehab.services.context import Actor, ConflictError
from rehab.store import Database
from rehab.store.assessments import AssessmentRecord
from rehab.store.patients import PatientRecord
from rehab.ui.assessment_form import entry_fields, field_label
from rehab.ui.fmt import md_text, when
from rehab.ui.forms import confirmations
from rehab.ui.tables import fitted

CONSTRUCTS = ["strength", "tone", "motor", "balance", "posture", "gait", "transfers", "confidence"]
_ASKED = "_rehab_fix_asked"
STATUS_LABELS = {"final": "current", "amended": "amended (replaced)", "entered_in_error": "entered in error"}


def _value(record: AssessmentRecord) -> str:
    measure = measures.get(record.measure_key)
    if record.value_text:
        return f"{measure.unit_label} {record.value_text}" if measure.grades else f"grade {record.value_text}"
    unit = {"N.m": "N·m"}.get(record.unit, measure.unit_label if record.unit == measure.unit else record.unit)
    return f"{fmt(round(record.value, 2))} {unit}"


def show(db: Database, actor: Actor, patient: PatientRecord) -> None:
    c1, c2 = st.columns(2)
    construct = c1.selectbox(
        "Construct",
        ["", *CONSTRUCTS],
        key="hist_construct",
        format_func=lambda c: c.capitalize() if c else "All constructs",
    )
    options = [m.key for m in measures.all_measures() if not construct or m.construct == construct]
    measure_key = c2.selectbox(
        "Measure",
        ["", *options],
        key="hist_measure",
        format_func=lambda k: measures.get(k).name if k else "All measures",
    )
    rows = assessments.history(db, actor, patient.id, construct=construct or None, measure_key=measure_key or None)
    if not rows:
        st.info("No assessments recorded yet.")
        return
    sides = {"left": "Left", "right": "Right"}
    if patient.paretic_side in ("left", "right"):
        sides = {s: f"{s.capitalize()} ({'paretic' if s == patient.paretic_side else 'non-paretic'})" for s in sides}
    table = pd.DataFrame(
        {
            "Ref": [r.id for r in rows],
            "When": [when(r.taken_at) for r in rows],
            "Measure": [measures.get(r.measure_key).name for r in rows],
            "Side": [sides.get(r.side or "", "") for r in rows],
            "Site": [r.site or "" for r in rows],
            "Result": [_value(r) for r in rows],
            "Checked": ["confirmed as typed" if r.plausibility_confirmed else "" for r in rows],
            "Status": [STATUS_LABELS.get(r.status, r.status) for r in rows],
            "Why changed": [r.status_reason for r in rows],
            "Assessor": [r.assessor_name for r in rows],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", column_config=fitted(table))
    for r in rows:
        if r.plausibility_confirmed:
            st.markdown(md_text(f"#{r.id} confirmed as typed by {r.assessor_name}: {r.plausibility_confirmed}"))
    _corrections(db, actor, patient, [r for r in rows if r.status == "final"])


def _corrections(db: Database, actor: Actor, patient: PatientRecord, rows: list[AssessmentRecord]) -> None:
    if not rows:
        return
    with st.expander("Correct a result"):
        st.caption(
            "A correction never overwrites: the old value stays in the history, marked amended or "
            "entered in error, with your reason. Both are recorded in the audit log."
        )
        by_id = {r.id: r for r in rows}
        chosen = st.selectbox(
            "Result",
            list(by_id),
            key="fix_choice",
            format_func=lambda i: (
                f"#{i} · {when(by_id[i].taken_at)} · {measures.get(by_id[i].measure_key).name} · {_value(by_id[i])}"
            ),
        )
        record = by_id[chosen]
        action = st.radio(
            "Correction",
            ["amend", "error"],
            key=f"fix_action_{record.id}",
            horizontal=True,
            format_func=lambda a: "Amend the value" if a == "amend" else "Mark entered in error",
        )
        entry = None
        if action == "amend":
            entry = entry_fields(
                measures.get(record.measure_key), patient, f"fix_{record.id}", with_context=False, site=record.site
            )
        reason = st.text_input("Reason", key=f"fix_reason_{record.id}", max_chars=300)
        slot = st.empty()
        asked_before: dict[str, tuple[str, str]] = st.session_state.get(f"{_ASKED}_{record.id}", {})
        for _what, text in asked_before.values():
            st.warning(md_text(text), icon=":material/help:")
        confirmed = confirmations({i: what for i, (what, _t) in asked_before.items()}, f"fix_ok_{record.id}")
        if st.button("Save correction", key=f"fix_save_{record.id}", type="primary"):
            try:
                if entry is not None:
                    if record.side:
                        entry["sides"] = {record.side: entry.get("sides", {}).get(record.side)}
                    assessments.amend(
                        db,
                        actor,
                        record.id,
                        expected_version=record.version,
                        entry=entry,
                        reason=reason,
                        confirmed=confirmed,
                    )
                else:
                    assessments.mark_entered_in_error(
                        db, actor, record.id, expected_version=record.version, reason=reason
                    )
            except ValidationErrors as exc:
                asked = {
                    e.question.id: (e.question.what, e.message)
                    for e in exc.errors
                    if isinstance(e, measures.Unconfirmed)
                }
                if asked and len(asked) == len(exc.errors):
                    # asked on the next run, with its "yes, this is right" box
                    st.session_state[f"{_ASKED}_{record.id}"] = asked
                    st.rerun()
                slot.error(
                    md_text(
                        " ".join(
                            f"{field_label(patient, k.partition('.')[2]) if '.' in k else k}: {v}"
                            for k, v in exc.by_field().items()
                        )
                    )
                )
                return
            except ValidationError as exc:
                slot.error(md_text(f"{exc.field}: {exc.message}"))
                return
            except ConflictError as exc:
                slot.error(md_text(str(exc)))
                return
            st.session_state.pop(f"{_ASKED}_{record.id}", None)
            st.toast("Correction saved.")
            st.rerun()
