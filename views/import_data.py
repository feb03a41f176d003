"""Import assessments from a CSV file: documented template, preview, row-by-row problems, all rows or none."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.exports import import_csv
from rehab.services import imports
from rehab.ui import auth as ui_auth
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape

_DONE = "_rehab_import_done"


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    st.title("Import assessments")
    st.caption(
        "Bring assessments from another system or a spreadsheet. Every row is checked first; if any row has a "
        "problem nothing is imported. Values already recorded (same patient, measure, time, side and site) are "
        "skipped, so importing the same file twice adds nothing."
    )
    st.download_button(
        "Download the template (CSV)",
        data=import_csv.template_csv(),
        file_name="assessments-template.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    with st.expander("What goes in each column"):
        st.dataframe(
            pd.DataFrame(import_csv.template_help(), columns=["Column", "What to enter"]),
            hide_index=True,
            width="stretch",
        )
    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(md_escape(done))
    upload = st.file_uploader("CSV file", type=["csv"], key="import_file")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        with st.spinner(f"Checking {upload.name}: every row is validated before anything is imported…"):
            seen = imports.preview(db, actor, data)
    except ValidationErrors as exc:
        messages = exc.messages()
        st.error("Nothing was imported.\n\n" + "\n".join(f"- {md_escape(m)}" for m in messages))
        return
    if seen.ignored_columns:
        st.caption(md_escape("Columns not imported (for reading only): " + ", ".join(seen.ignored_columns)))
    if seen.problems:
        st.error(
            f"Nothing can be imported: {len(seen.problems)} problem(s) in the file. Correct them and upload it again."
        )
        st.dataframe(
            pd.DataFrame(
                [(p.row, p.column, p.message) for p in seen.problems], columns=["Row", "Column", "What is wrong"]
            ),
            hide_index=True,
            width="stretch",
        )
        return
    st.header("Preview")
    st.caption(f"{seen.new_values} new value(s) to import, {seen.duplicates} already recorded (skipped).")
    st.dataframe(
        pd.DataFrame(
            [(r.row, r.mrn, r.patient, r.measure, r.taken_at, r.side, r.value, r.status) for r in seen.rows],
            columns=["Row", "MRN", "Patient", "Measure", "Taken at", "Side", "Value", "Status"],
        ),
        hide_index=True,
        width="stretch",
    )
    if st.button(f"Import {seen.new_values} value(s)", type="primary", disabled=seen.new_values == 0, key="import_go"):
        try:
            with st.spinner(f"Importing {seen.new_values} value(s) in one transaction…"):
                result = imports.import_assessments(db, actor, data, filename=upload.name)
        except ValidationErrors as exc:
            messages = exc.messages()
            st.error("Nothing was imported.\n\n" + "\n".join(f"- {md_escape(m)}" for m in messages))
            return
        st.session_state[_DONE] = (
            f"Imported {result.values_written} value(s) for {result.patients} patient(s); "
            f"{result.duplicates_skipped} already recorded were skipped."
        )
        st.rerun()
