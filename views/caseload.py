"""Who needs attention: the caseload with flags, to sort, filter, search and open a patient from."""

from __future__ import annotations

import streamlit as st

from rehab.services import caseload
from rehab.ui import auth as ui_auth
from rehab.ui import nav
from rehab.ui.db import get_db

_VIEWED = "_rehab_viewed_caseload"
PAGE_ROWS = 500  # rows sent to the browser at once; search or filter to narrow larger caseloads


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    data = caseload.caseload(db, actor, audit_view=not st.session_state.get(_VIEWED))
    st.session_state[_VIEWED] = True
    show(data)


def show(data: caseload.Caseload) -> None:
    """Draw a caseload already read (the benchmark's floor draws the same from memory)."""
    st.title("Caseload")
    table = data.table
    counts = {f: int(table[caseload.FLAG_LABELS[f]].sum()) for f in caseload.FLAGS}
    st.caption(
        f"{len(table)} {data.scope} on {data.today.isoformat()}. "
        + " · ".join(f"{caseload.FLAG_LABELS[f]}: {counts[f]}" for f in caseload.FLAGS)
    )
    _find_and_open(data)


@st.fragment
def _find_and_open(data: caseload.Caseload) -> None:
    """Searching, filtering and choosing rerun only this part: the caseload read once per page visit is
    reused, so typing a name does not query the whole caseload again."""
    ui_auth.require()  # a fragment rerun skips app.py; an expired session still stops here
    table = data.table
    search, flags, order = st.columns([2, 2, 1])
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
    shown = caseload.filtered(table, text=text, flags=chosen, sort=sort)
    if shown.empty:
        st.info("No patients match." if (text or chosen) else "No active patients yet.")
        return
    with st.expander("What the flags mean"):
        for flag in caseload.FLAGS:
            st.markdown(f"**{caseload.FLAG_LABELS[flag]}**: {caseload.FLAG_HELP[flag]}")
    st.dataframe(
        shown.head(PAGE_ROWS).drop(columns=["patient_id"]),
        hide_index=True,
        placeholder="—",  # no event date, no plan, no Berg yet: a dash, not "None"
        width="stretch",
        column_config={
            "Last session": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "Why": st.column_config.TextColumn(width="large", help="Each raised flag with its figures and source"),
            **{
                caseload.FLAG_LABELS[f]: st.column_config.CheckboxColumn(help=caseload.FLAG_HELP[f])
                for f in caseload.FLAGS
            },
        },
    )
    if len(shown) > PAGE_ROWS:
        st.caption(f"Showing the first {PAGE_ROWS} of {len(shown)}; search or filter to narrow the list.")
    top = shown.head(PAGE_ROWS)
    labels = dict(zip(top["patient_id"], top["Patient"] + " · MRN " + top["MRN"], strict=True))
    choice = st.selectbox("Patient", list(labels), format_func=labels.__getitem__, key="caseload_choice")
    one, two = st.columns(2)
    with one:
        if st.button("Open dashboard", type="primary", key="caseload_dashboard") and choice is not None:
            nav.open_dashboard(int(choice))
    with two:
        if st.button("Open record", key="caseload_record") and choice is not None:
            nav.open_patient(int(choice))
