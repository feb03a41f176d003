"""Import assessments or falls from another system: the kind of file and how it is read, a preview with every
problem by row (or FHIR entry), then all rows or none."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from rehab import turns
from rehab.domain.errors import ValidationErrors
from rehab.exports.import_dates import ReadOptions
from rehab.services import falls_import, imports, report_settings, settings
from rehab.services.context import Actor
from rehab.store import Database
from rehab.ui import auth as ui_auth
from rehab.ui import import_preview, import_widgets, narrow_tables
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape

_DONE = "_rehab_import_done"
# the status and the value first, columns sized to their contents: what matters is in view on a tablet (1,024 px)
_PREVIEW_COLUMNS = {
    "Row": st.column_config.NumberColumn(width=45),
    "Entry": st.column_config.NumberColumn(width=45),
    "Status": st.column_config.TextColumn(width=105),
    "Check": st.column_config.TextColumn(width=60),
    "Measure": st.column_config.TextColumn(width=70),
    "Side": st.column_config.TextColumn(width=45),
    "Value": st.column_config.TextColumn(width=75),
    "As typed": st.column_config.TextColumn(width=75),
    "Taken at": st.column_config.TextColumn(width=140),
    "MRN": st.column_config.TextColumn(width=80),
    "Patient": st.column_config.TextColumn(width=130),
}


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    st.title("Import")
    st.caption(
        "Bring assessments or falls from another system, a device or a spreadsheet. Every row is checked first; if "
        "any row has a problem nothing is imported. What is already recorded is skipped, so importing the same "
        "file twice adds nothing."
    )
    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(md_escape(done))
    kind = import_widgets.kind()
    if kind == "csv":
        import_widgets.template_help()
    elif kind == "fhir":
        import_widgets.fhir_help(settings.fhir_settings(db).mrn_system)
    elif kind == "falls":
        import_widgets.falls_help()
    options = import_widgets.reading_options(kind, report_settings.clinic_zone(db))
    layout, mrn = import_widgets.device_layout() if kind == "device" else (import_widgets.BY_HAND, "")
    upload = st.file_uploader(
        "JSON file" if kind == "fhir" else "CSV file", type=["json"] if kind == "fhir" else ["csv"], key="import_file"
    )
    if upload is None:
        return
    data = upload.getvalue()
    if kind == "falls":
        _falls(db, actor, data, upload.name, options)
        return
    if kind == "device":
        source = import_widgets.device_source(layout, mrn, data, options)
        if source is None:
            return
    else:
        source = imports.Source(kind=kind, options=options)
    _assessments(db, actor, data, upload.name, source)


def _refused(checked: import_preview.Checked) -> bool:
    if checked.refused:
        st.error("Nothing was imported.\n\n" + "\n".join(f"- {md_escape(m)}" for m in checked.refused))
        return True
    seen = checked.preview
    if seen.ignored_columns:
        st.caption(md_escape("Not imported (for reading only): " + ", ".join(seen.ignored_columns)))
    if seen.problems:
        st.error(
            f"Nothing can be imported: {len(seen.problems)} problem(s) in the file. Correct them and upload it again."
        )
        label = getattr(seen, "label", "Row")
        where = "Field" if label == "Entry" else "Column"
        problems = pd.DataFrame(
            [(p.row, p.column, p.message) for p in seen.problems], columns=[label, where, "What is wrong"]
        )
        narrow_tables.table(problems, key="import_problems", title=("What is wrong",), max_cards=100)  # cards: a phone
        return True
    return False


def _assessments(db: Database, actor: Actor, data: bytes, name: str, source: imports.Source) -> None:
    checked = import_preview.checked(db, actor, data, name, source)
    if _refused(checked):
        return
    seen: imports.ImportPreview = checked.preview
    st.header("Preview")
    st.caption(
        md_escape(
            f"{seen.new_values:,} new value(s) to import, {seen.duplicates:,} already recorded (skipped). Values are "
            f"stored in SI units; “As typed” is the file's own. Times are shown in {seen.zone}."
        )
    )
    st.dataframe(checked.table, hide_index=True, width="stretch", column_config=_PREVIEW_COLUMNS)
    sure, confirmed = import_widgets.confirm_implausible(seen)
    label = f"Import {seen.new_values:,} value(s)"
    if st.button(label, type="primary", disabled=seen.new_values == 0 or not sure, key="import_go"):
        _run(
            "value(s)",
            lambda told: imports.import_assessments(
                db, actor, data, source=source, confirmed=confirmed, filename=name, progress=told
            ),
        )


def _falls(db: Database, actor: Actor, data: bytes, name: str, options: ReadOptions) -> None:
    checked = import_preview.checked_falls(db, actor, data, name, options)
    if _refused(checked):
        return
    seen: falls_import.FallsPreview = checked.preview
    st.header("Preview")
    st.caption(
        f"{seen.new_falls:,} new fall(s) to import, {seen.duplicates:,} already recorded (skipped); "
        f"{seen.earlier_versions:,} earlier or withdrawn version(s) in the file are not imported."
    )
    st.dataframe(checked.table, hide_index=True, width="stretch")
    if st.button(f"Import {seen.new_falls:,} fall(s)", type="primary", disabled=seen.new_falls == 0, key="import_go"):
        _run(
            "fall(s)",
            lambda told: falls_import.import_falls_file(db, actor, data, options=options, filename=name),
        )


def _run(what: str, work: Callable[[imports.Progress], imports.ImportResult | falls_import.FallsResult]) -> None:
    """Write the file inside one transaction, with the batches' progress on screen."""
    with st.status("Checking the file again and importing in one transaction…", expanded=True) as box:
        bar = st.progress(0.0, text="Checking every row against what is stored now…")

        def told(done: int, total: int) -> None:
            bar.progress(
                done / total if total else 1.0,
                text=f"{done:,} of {total:,} {what} written; nothing is kept until all are",
            )

        try:
            with turns.waiting():  # a long write: other clinicians' pages are not queued behind it
                result = work(told)
        except ValidationErrors as exc:
            box.update(label="Nothing was imported", state="error")
            st.error("Nothing was imported.\n\n" + "\n".join(f"- {md_escape(m)}" for m in exc.messages()))
            return
        box.update(label="Imported", state="complete", expanded=False)
    import_preview.forget()
    written = result.values_written if isinstance(result, imports.ImportResult) else result.falls_written
    st.session_state[_DONE] = (
        f"Imported {written:,} {what} for {result.patients} patient(s); "
        f"{result.duplicates_skipped:,} already recorded were skipped."
    )
    st.rerun()
