"""Import assessments from a CSV file: documented template, preview, row-by-row problems, all rows or none."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.exports import import_csv
from rehab.services import imports
from rehab.services.context import Actor
from rehab.store import Database
from rehab.ui import auth as ui_auth
from rehab.ui import import_preview
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape

_DONE = "_rehab_import_done"
# the status first and columns sized to their contents: what matters is in view on a tablet (1,024 px)
_PREVIEW_COLUMNS = {
    "Row": st.column_config.NumberColumn(width=50),
    "Status": st.column_config.TextColumn(width=110),
    "MRN": st.column_config.TextColumn(width=80),
    "Patient": st.column_config.TextColumn(width=130),
    "Measure": st.column_config.TextColumn(width=70),
    "Taken at": st.column_config.TextColumn(width=140),
    "Side": st.column_config.TextColumn(width=50),
    "Value": st.column_config.TextColumn(width=70),
}


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
    checked = import_preview.checked(db, actor, data, upload.name)
    if checked.refused:
        st.error("Nothing was imported.\n\n" + "\n".join(f"- {md_escape(m)}" for m in checked.refused))
        return
    seen = checked.preview
    assert seen is not None  # a file is either refused or previewed
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
    st.caption(f"{seen.new_values:,} new value(s) to import, {seen.duplicates:,} already recorded (skipped).")
    st.dataframe(checked.table, hide_index=True, width="stretch", column_config=_PREVIEW_COLUMNS)
    label = f"Import {seen.new_values:,} value(s)"
    if st.button(label, type="primary", disabled=seen.new_values == 0, key="import_go"):
        _import(db, actor, data, upload.name)


def _import(db: Database, actor: Actor, data: bytes, name: str) -> None:
    """Write the file in batches inside one transaction, with the batches' progress on screen."""
    with st.status("Checking the file again and importing in one transaction…", expanded=True) as box:
        bar = st.progress(0.0, text="Checking every row against what is stored now…")

        def told(done: int, total: int) -> None:
            bar.progress(
                done / total if total else 1.0,
                text=f"{done:,} of {total:,} value(s) written; nothing is kept until all are",
            )

        try:
            result = imports.import_assessments(db, actor, data, filename=name, progress=told)
        except ValidationErrors as exc:
            box.update(label="Nothing was imported", state="error")
            st.error("Nothing was imported.\n\n" + "\n".join(f"- {md_escape(m)}" for m in exc.messages()))
            return
        box.update(label="Imported", state="complete", expanded=False)
    import_preview.forget()
    st.session_state[_DONE] = (
        f"Imported {result.values_written:,} value(s) for {result.patients} patient(s); "
        f"{result.duplicates_skipped:,} already recorded were skipped."
    )
    st.rerun()
