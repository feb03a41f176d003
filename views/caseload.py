"""Who needs attention: the caseload with flags, to sort, filter, search and open a patient from."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.services import caseload
from rehab.ui import auth as ui_auth
from rehab.ui import narrow_tables, nav
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape, md_text
from rehab.ui.forms import FieldErrors

_VIEWED = "_rehab_viewed_caseload"
_ACKED = "_rehab_caseload_acknowledged"
PAGE_ROWS = 500  # rows sent to the browser at once; search or filter to narrow larger caseloads
CARD_ROWS = 50  # patients shown as cards on a narrow screen (new flags first), the rest by search or filter


SHOWN = [
    "Patient",
    "Flags",
    "Next action",
    "Last session",
    "Plan week",
    "Berg",
    "TUG (s)",
    "Goals",
    "Days since event",
    "Age",
    "MRN",
    "Sessions/week (4 wk)",
    "Why",
]
CARD = ["Patient", "Flags", "Next action", "Last session"]  # a patient's card on a narrow screen


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    data = caseload.caseload(db, actor, audit_view=not st.session_state.get(_VIEWED))
    st.session_state[_VIEWED] = True
    show(data)


def show(data: caseload.Caseload) -> None:
    """Draw a caseload already read (the benchmark's floor draws the same from memory)."""
    st.title("Caseload")
    done = st.session_state.pop(_ACKED, None)
    if done:
        st.success(md_text(done))
    table = data.table
    counts = {f: int(table[caseload.FLAG_LABELS[f]].sum()) for f in caseload.FLAGS}
    with_new = int((table["New"] > 0).sum())
    st.caption(
        f"{len(table)} {data.scope} on {data.today.isoformat()}; {with_new} with a new flag. "
        + " · ".join(f"{caseload.FLAG_LABELS[f]}: {counts[f]}" for f in caseload.FLAGS)
    )
    _find_and_open(data)


@st.fragment
def _find_and_open(data: caseload.Caseload) -> None:
    """Searching, filtering and choosing rerun only this part: the caseload read once per page visit is
    reused, so typing a name does not query the whole caseload again."""
    ui_auth.require()  # a fragment rerun skips app.py; an expired session still stops here
    table = data.table
    search, flags, order = st.columns([5, 5, 4])  # the sort names ("New flags first") read whole on a tablet
    with search:
        text = st.text_input("Search by name or MRN", key="caseload_search")
    with flags:
        chosen = st.multiselect(
            "Show patients flagged for",
            list(caseload.FLAGS),
            format_func=caseload.FLAG_LABELS.__getitem__,
            key="caseload_flags",
            help=" ".join(f"{caseload.FLAG_LABELS[f]}: {caseload.FLAG_HELP[f]}" for f in caseload.FLAGS),
        )
    with order:
        sort = st.selectbox(
            "Sort", list(caseload.SORT_LABELS), format_func=caseload.SORT_LABELS.__getitem__, key="caseload_sort"
        )
    no_goals = st.toggle(
        f"Only patients with no goals set ({int((table['Goals'] == caseload.NO_GOALS).sum())})",
        key="caseload_no_goals",
        help="No active goal: none set yet, or every goal achieved, not achieved or discontinued.",
    )
    shown = caseload.filtered(table, text=text, flags=chosen, sort=sort, no_goals=no_goals)
    if shown.empty:
        st.info("No patients match." if (text or chosen or no_goals) else "No active patients yet.")
        return
    with st.expander("What the flags mean"):
        st.markdown(f"**NEW, standing, Ack'd**: {caseload.STATUS_HELP}")
        for flag in caseload.FLAGS:
            st.markdown(f"**{caseload.FLAG_LABELS[flag]}**: {caseload.FLAG_HELP[flag]}")
    top = shown.head(PAGE_ROWS)
    narrow_tables.table(
        top,
        key="caseload",
        title=("Patient",),
        columns=SHOWN,
        placeholder="—",  # no event date, no plan, no Berg yet: a dash, not "None"
        config={
            "Patient": st.column_config.TextColumn(width=150, pinned=True),
            "Flags": st.column_config.ListColumn(
                width=250, help="Each raised flag as a label, new ones first. " + caseload.STATUS_HELP
            ),
            "Next action": st.column_config.TextColumn(width=140, help="What the most pressing flag asks for"),
            "Last session": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "Goals": st.column_config.TextColumn(help="Active goals, or none set (see the Goals page)"),
            "Why": st.column_config.TextColumn(help="Each raised flag with its status, figures and source"),
        },
        # a table while name, flags, next action, last session and plan week stand side by side (a laptop of
        # 1,280 px beside the sidebar; the columns after them scroll inside it); narrower (a tablet beside the
        # sidebar, a phone, 200 % zoom) one card a patient, with a link to the patient's dashboard
        fit=SHOWN[: SHOWN.index("Plan week") + 1],
        card_columns=CARD,
        card_footer=_open_link,
        max_cards=CARD_ROWS,
    )
    if len(shown) > PAGE_ROWS:
        st.caption(f"Showing the first {PAGE_ROWS} of {len(shown)}; search or filter to narrow the list.")
    labels = dict(zip(top["patient_id"], top["Patient"] + " · MRN " + top["MRN"], strict=True))
    choice = st.selectbox("Patient", list(labels), format_func=labels.__getitem__, key="caseload_choice")
    one, two = st.columns(2)
    with one:
        if st.button("Open dashboard", type="primary", key="caseload_dashboard") and choice is not None:
            nav.open_dashboard(int(choice))
    with two:
        if st.button("Open record", key="caseload_record") and choice is not None:
            nav.open_patient(int(choice))
    if choice is not None:
        _acknowledge(data, top[top["patient_id"] == choice].iloc[0])


def _open_link(row: Mapping[str, object]) -> None:
    name = md_escape(str(row["Patient"]))
    nav.patient_page_link(nav.DASHBOARD, int(row["patient_id"]), f"Open dashboard: {name}")  # type: ignore[call-overload]


def _acknowledge(data: caseload.Caseload, row: object) -> None:
    """Acknowledge one of the chosen patient's flags with a note: it then sorts below standing flags until
    their data change."""
    acknowledged = set(row["Flags"])  # type: ignore[index]
    raised = [
        f
        for f in caseload.SEVERITY
        if row[caseload.FLAG_LABELS[f]]  # type: ignore[index]
        and caseload.BADGE[caseload.triage.ACKNOWLEDGED].format(caseload.BADGE_LABELS[f]) not in acknowledged
    ]
    if not raised:
        return
    st.header("Acknowledge a flag")
    st.caption(
        "For a flag that can wait: it moves below the other flags until the patient's data next change "
        "(a new result, session, plan or record edit). Your note is kept with your name, and the "
        "acknowledgement is audited."
    )
    errors = FieldErrors()
    with st.form("caseload_ack_form", clear_on_submit=True):
        flag = st.selectbox(
            "Flag",
            raised,
            format_func=caseload.FLAG_LABELS.__getitem__,
            key="caseload_ack_flag",
        )
        errors.slot("flag")
        note = st.text_area("Note", key="caseload_ack_note", max_chars=caseload.NOTE_MAX, placeholder="Why it can wait")
        errors.slot("note")
        submitted = st.form_submit_button("Acknowledge", key="caseload_ack")
    if submitted and flag is not None:
        actor = ui_auth.require()
        try:
            caseload.acknowledge(get_db(), actor, int(row["patient_id"]), flag, note, today=data.today)  # type: ignore[index]
        except ValidationErrors as exc:
            errors.show(exc)
            return
        st.session_state[_ACKED] = f"{caseload.FLAG_LABELS[flag]} acknowledged for {row['Patient']}."  # type: ignore[index]
        st.rerun(scope="app")  # the caseload is read again with the acknowledgement
