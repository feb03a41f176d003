"""The result panel shown straight after saving: value, category, flags and what the change means."""

from __future__ import annotations

import streamlit as st

from rehab.domain import measures
from rehab.domain.measures import Change
from rehab.domain.units import fmt
from rehab.services.assessments import Result
from rehab.ui.fmt import md_escape

VERDICT_ICON = {True: ":material/trending_up:", False: ":material/trending_down:", None: ":material/trending_flat:"}


def value_text(result: Result) -> str:
    record = result.record
    measure = measures.get(record.measure_key)
    if record.value_text:
        return f"{measure.unit_label} {record.value_text}" if measure.grades else f"grade {record.value_text}"
    unit = {"N.m": "N·m"}.get(record.unit, measure.unit_label if record.unit == measure.unit else record.unit)
    return f"{fmt(round(record.value, 2))} {unit}"


def change_text(change: Change) -> str:
    """The change in the measure's terms: a shift of grade for an ordinal scale (MAS 1 → 1+), never a
    difference of grade positions; a signed difference otherwise."""
    measure = measures.get(change.key)
    if measure.grades:
        return f"{measure.grades[int(change.before)]} → {measure.grades[int(change.after)]}"
    sign = "+" if change.delta > 0 else ""
    return f"{sign}{fmt(round(change.delta, 2))} {change.unit}"


def _change_line(label: str, change: Change | None) -> None:
    if change is None:
        return
    st.markdown(
        f"{VERDICT_ICON[change.improved]} **{label}:** {change_text(change)}: {change.verdict}",
        help=change.reason,
    )


def show(results: list[Result]) -> None:
    for result in results:
        record = result.record
        measure = measures.get(record.measure_key)
        where = " · ".join(x for x in (record.site, result.side_label) if x)
        with st.container(border=True):
            st.markdown(f"**{md_escape(measure.name)}**" + (f" · {md_escape(where)}" if where else ""))
            cols = st.columns([1, 2])
            cols[0].metric(md_escape(where) if where else "Result", value_text(result), border=False)
            with cols[1]:
                if result.interpretation.category:
                    st.markdown(f"Category: **{md_escape(result.interpretation.category)}**")
                st.caption(md_escape(result.working))
                if record.plausibility_confirmed:
                    st.markdown(md_escape(record.plausibility_confirmed), help="Stored with the value and exported.")
            for flag in result.interpretation.flags:
                st.warning(f"{flag.message} ({flag.population}; {flag.source})", icon=":material/flag:")
            if result.interpretation.population:
                st.caption(md_escape(result.interpretation.population))
            for note in result.interpretation.notes:
                st.caption(md_escape(note))
            interp = result.interpretation
            if interp.since_previous is None:
                st.caption("First result for this measure: later results will be compared with it.")
            _change_line("Since the previous result", interp.since_previous)
            _change_line("Since the first result", interp.since_first)
