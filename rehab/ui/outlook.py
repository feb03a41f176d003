"""The dashboard's Outlook panel: PREP2 and TWIST as predictions, never guarantees, with the path that led to
each category, the published accuracy and caveats with sources, a clinician's disagreement beside it, and the
findings PREP2 needs that are not measures (NIHSS, MEP status)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.domain.prognosis import Prediction
from rehab.domain.prognosis.common import NOT_A_GUARANTEE, TOOL_LABELS
from rehab.services import goals, prognosis
from rehab.services.context import Actor
from rehab.store import Database
from rehab.ui.fmt import md_escape, md_text, when
from rehab.ui.forms import LATEST, OLDEST, FieldErrors, number_field

_FINDING_FORM = "_rehab_finding_form"


@dataclass(frozen=True)
class Read:
    """What the panel shows, read before it is drawn (the benchmark's floor draws the same from memory)."""

    view: prognosis.Outlook
    stories: list[goals.GoalStory]


def read(db: Database, actor: Actor, patient_id: int) -> Read:
    return Read(prognosis.outlook(db, actor, patient_id), goals.goal_stories(db, actor, patient_id))


def show(db: Database, actor: Actor, patient_id: int, shown: Read | None = None) -> None:
    """The panel for ``patient_id``; its forms save through ``db`` as ``actor``."""
    shown = shown or read(db, actor, patient_id)
    view = shown.view
    with st.container(border=True):
        st.header("Outlook")
        if all(any(r.input == "condition" for r in t.prediction.refusals) for t in view.tools):
            st.caption(
                "PREP2 and TWIST were developed after stroke (Stinear 2017 [R89]; Smith 2017 [R93]), so no recovery "
                "prediction is made for this patient's condition."
            )
            _goals(shown.stories)
            return
        st.caption(
            md_text(
                "Recovery predictions from published tools, applied to this patient's recorded results. "
                + NOT_A_GUARANTEE
            )
        )
        for tool, column in zip(view.tools, st.columns(len(view.tools)), strict=True):
            with column:
                _tool(db, actor, patient_id, tool)
        _goals(shown.stories)
        _findings(db, actor, patient_id, view)


STANDING_ICONS = {"At risk": ":material/flag:", "On track": ":material/trending_up:", "Reached": ":material/check:"}


def _goals(stories: list[goals.GoalStory]) -> None:
    """Beside what the tools expected: what was set with the patient, what has happened since, and how each
    goal stands (on track, at risk or not judged, and why)."""
    st.subheader("Goals: what was set and what has happened")
    if not stories:
        st.caption("No active goals. Set them with the patient on the Goals page.")
        return
    for story in stories:
        with st.container(border=True):
            st.markdown(f"**{md_escape(story.statement)}**")
            aim, since, verdict = st.columns(3)
            with aim:
                st.caption("Set")
                st.markdown(md_text(story.target))
            with since:
                st.caption("So far")
                st.markdown(md_text(story.happened))
            with verdict:
                st.caption("Standing")
                icon = STANDING_ICONS.get(story.standing, "")
                said = story.reason.startswith(story.standing)  # "At risk: the trend reaches …" names it once
                rest = story.reason[len(story.standing) :].lstrip(": ") if said else story.reason
                st.markdown(f"{icon} **{md_escape(story.standing)}**".strip() + (f": {md_text(rest)}" if said else ""))
                if not said:
                    st.markdown(md_text(rest))
            st.caption(md_text(story.basis))


def _tool(db: Database, actor: Actor, patient_id: int, tool: prognosis.ToolOutlook) -> None:
    p = tool.prediction
    st.markdown(f"**{md_escape(TOOL_LABELS[p.tool])}**")
    if p.given:
        st.markdown(f"Predicted: **{md_escape(p.category_label)}**")
        st.caption("How this category was reached:")
        st.markdown("\n".join(f"{n}. {md_text(f.text)}" for n, f in enumerate(p.path, 1)))
    else:
        st.markdown("**No prediction**")
        st.markdown("\n".join(f"- **{md_text(r.input)}**: {md_text(r.reason)}" for r in p.refusals))
    for extra in p.also:
        st.markdown(md_text(f"{extra.text} ({extra.source})"))
    if tool.observed:
        st.markdown(md_text(tool.observed))
    st.caption(md_text("Accuracy: " + " ".join(f"{f.text} ({f.source})" for f in p.accuracy[:1])))
    with st.expander("Accuracy, caveats and sources"):
        _sourced(p)
    if tool.disagreement is not None:
        d = tool.disagreement
        st.warning(
            md_text(f"{d.recorded_by_name} disagrees with this prediction ({when(d.recorded_at)}): {d.reason}"),
            icon=":material/rate_review:",
        )
    if tool.earlier_disagreement is not None:
        d = tool.earlier_disagreement
        st.caption(md_text(f"{d.recorded_by_name} disagreed with an earlier prediction ({d.category}): {d.reason}"))
    if p.given:
        _disagree_form(db, actor, patient_id, tool)


def _sourced(p: Prediction) -> None:
    st.markdown(f"Developed in: {md_text(p.population)}")
    st.markdown("**Published accuracy**")
    st.markdown("\n".join(f"- {md_text(f.text)} *{md_text(f.source)}*" for f in p.accuracy))
    st.markdown("**Caveats**")
    st.markdown("\n".join(f"- {md_text(f.text)} *{md_text(f.source)}*" for f in p.caveats))
    if p.path:
        st.caption(md_text("Decision path source: " + p.path[0].source))
    st.caption(md_text(prognosis.SITES_HELP))


def _disagree_form(db: Database, actor: Actor, patient_id: int, tool: prognosis.ToolOutlook) -> None:
    tool_key = tool.prediction.tool.value
    label = "Change or withdraw my disagreement" if tool.disagreement else "I disagree with this prediction"
    with st.expander(label):
        errors = FieldErrors()
        with st.form(f"disagree_{tool_key}", clear_on_submit=True):
            reason = st.text_area(
                "Reason",
                key=f"disagree_reason_{tool_key}",
                max_chars=2000,
                help="Kept with the prediction, versioned and audited; shown beside it and in the clinical PDF.",
            )
            errors.slot("reason")
            save = st.form_submit_button("Record disagreement")
            withdraw = st.form_submit_button("Withdraw disagreement") if tool.disagreement else False
        if withdraw and tool.disagreement is not None:
            held = tool.disagreement
            errors.save(
                lambda: prognosis.withdraw_disagreement(
                    db, actor, held.id, expected_version=held.version, reason=reason
                )
            )
        elif save:
            errors.save(lambda: prognosis.disagree(db, actor, patient_id, tool_key, reason=reason))


def _findings(db: Database, actor: Actor, patient_id: int, view: prognosis.Outlook) -> None:
    with st.expander(f"PREP2 findings: NIHSS and MEP status ({len(view.findings)} recorded)"):
        st.caption(
            "PREP2's second step needs an upper-limb MEP by TMS on days 3–7 and the NIHSS on day 3 (day 0 = the day "
            "of the stroke); neither is a measure in the catalogue, so enter them here with the day they were found."
        )
        for f in view.findings:
            st.markdown(md_text(f"- {f.text} (recorded by {f.recorded_by_name})"))
        if view.findings:
            _withdraw_finding(db, actor, view.findings)
        errors = FieldErrors()
        # A refused finding stays in the form as typed, to correct; a saved one starts a fresh form.
        key = f"finding_{st.session_state.get(_FINDING_FORM, 0)}"
        with st.form("prognostic_finding"):
            kind = st.radio(
                "Finding",
                list(prognosis.FINDING_LABELS),
                format_func=prognosis.FINDING_LABELS.__getitem__,
                horizontal=True,
                key=f"{key}_kind",
            )
            errors.slot("kind")
            found_on = st.date_input("Day found", value=None, min_value=OLDEST, max_value=LATEST, key=f"{key}_day")
            errors.slot("found_on")
            nihss = number_field("NIHSS total (for NIHSS)", f"{key}_nihss", help="A whole number from 0 to 42.")
            errors.slot("value")
            mep = st.radio(
                "MEP status (for MEP)", list(prognosis.MEP_VALUES), format_func=prognosis.MEP_VALUES.__getitem__,
                index=None, horizontal=True, key=f"{key}_mep",
            )  # fmt: skip
            saved = st.form_submit_button("Save finding")
        if saved:
            raw = {"kind": kind, "found_on": found_on, "value": nihss if kind == prognosis.NIHSS else mep}
            try:
                prognosis.record_finding(db, actor, patient_id, raw)
            except ValidationErrors as exc:
                errors.show(exc)
                return
            st.session_state[_FINDING_FORM] = int(st.session_state.get(_FINDING_FORM, 0)) + 1
            st.rerun()


def _withdraw_finding(db: Database, actor: Actor, findings: list[prognosis.FindingRecord]) -> None:
    """A finding entered by mistake is withdrawn as a new version with a reason; the old one stays on record."""
    errors = FieldErrors()
    with st.form("withdraw_finding", clear_on_submit=True):
        chosen = st.selectbox("Finding entered in error", findings, format_func=lambda f: f.text, index=None)
        reason = st.text_input("Reason", key="withdraw_finding_reason")
        errors.slot("reason")
        submitted = st.form_submit_button("Mark entered in error")
    if submitted and chosen is not None:
        errors.save(
            lambda: prognosis.withdraw_finding(db, actor, chosen.id, expected_version=chosen.version, reason=reason)
        )
