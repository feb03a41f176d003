"""The sets grid of an open session: one exercise at a time, each set's cells within reach on a tablet.

Each exercise is a tab, so on a tablet in portrait or a phone only one exercise is on screen; its cells,
and the tabs themselves, wrap onto the next line instead of scrolling sideways. Every cell is a text field
read by the typed command (``commands.SetEntry``): what was typed is saved exactly, or refused at its set
with what is allowed.
Nothing is saved until every cell of every exercise is valid (one form, one save, all sets or none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.services import sessions, set_rows
from rehab.services.context import AccessDenied, Actor, ConflictError, NotFound
from rehab.services.prescriptions import ItemPrescription
from rehab.store import Database
from rehab.ui import plan_widgets as widgets
from rehab.ui.fmt import md_escape

GRID_KEY = "sets_grid"
CELL_WIDTH = 96  # px: a set's five cells on one line at 1,024 and 768 px; three to a line at 390 px
TOUCH_PX = 44  # WCAG 2.2 target size (enhanced) and Apple's minimum touch target
_CSS = f"""<style>
.st-key-{GRID_KEY} input, .st-key-{GRID_KEY} [data-baseweb="input"], .st-key-{GRID_KEY} [data-baseweb="select"] > div,
.st-key-{GRID_KEY} button, .st-key-{GRID_KEY} [role="tab"] {{ min-height: {TOUCH_PX}px; }}
.st-key-{GRID_KEY} [role="tablist"] {{ flex-wrap: wrap; }}
</style>"""
_HELP = {
    set_rows.REPS: "Reps done in this set: a whole number 0–100. Clear it if the set was not done.",
    set_rows.LOAD: "Load lifted in kg, 0–1000 (0 for no added load).",
    set_rows.EFFORT: widgets.EFFORT_HELP + " Blank if not asked.",
    set_rows.PAIN_DURING: "Pain during the set, 0–10 (whole numbers). Blank if not asked.",
    set_rows.PAIN_AFTER: "Pain after the set, 0–10 (whole numbers). Blank if not asked.",
}
_SHORT = {set_rows.REPS: "Reps", set_rows.LOAD: "Load (kg)", set_rows.EFFORT: "Effort 0–10"}


def _errors_key(record_id: int, version: int) -> str:
    return f"_rehab_log_errors_{record_id}_{version}"


def _cell_key(prefix: str, row: Mapping[str, Any], column: str) -> str:
    slug = column.lower().replace(" ", "_").replace("(", "").replace(")", "")
    return f"{prefix}_{row[set_rows.ITEM]}_{row[set_rows.SET]}_{slug}"


def _text(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, int | float) else str(value)


def _columns(p: ItemPrescription) -> tuple[str, ...]:
    load = set_rows.BAND if p.uses_bands else set_rows.LOAD
    return (set_rows.REPS, load, set_rows.EFFORT, set_rows.PAIN_DURING, set_rows.PAIN_AFTER)


def _set_cells(prefix: str, p: ItemPrescription, row: Mapping[str, Any], messages: list[str]) -> None:
    """One set: its target, then its cells side by side, wrapping on a narrow screen, then its messages."""
    st.markdown(f"**Set {row[set_rows.SET]}** · target {p.target_reps} reps")
    with st.container(horizontal=True, gap="small"):
        for column in _columns(p):
            key = _cell_key(prefix, row, column)
            if column == set_rows.BAND:
                colours = list(p.band_colours)
                chosen = row[set_rows.BAND]
                st.selectbox(
                    "Band", colours, index=colours.index(chosen) if chosen in colours else None, key=key, width=160
                )
                continue
            label = _SHORT.get(column, column)
            st.text_input(label, value=_text(row[column]), key=key, help=_HELP[column], width=CELL_WIDTH)
    for message in messages:
        st.error(md_escape(message))


def _typed_rows(prefix: str, rows: Sequence[Mapping[str, Any]], by_item: Mapping[int, ItemPrescription]) -> list[dict]:
    """The grid's rows with each cell as typed (the table the service checks and saves)."""
    out = []
    for row in rows:
        typed = dict(row)
        for column in _columns(by_item[row[set_rows.ITEM]]):
            typed[column] = st.session_state.get(_cell_key(prefix, row, column))
        out.append(typed)
    return out


def _by_set(errors: Mapping[str, str]) -> dict[int, list[str]]:
    """Messages per table row (fields are ``row<n>.<column>``)."""
    out: dict[int, list[str]] = {}
    for field, message in errors.items():
        head = field.split(".", 1)[0]
        if head.startswith("row") and head[3:].isdigit():
            out.setdefault(int(head[3:]), []).append(message)
    return out


def log_session(db: Database, actor: Actor, open_session: sessions.OpenSession) -> None:
    """The session's prescription, one exercise per tab; saving stores every set or none."""
    record = open_session.record
    widgets.screen_result(record.screen_outcome or "go", open_session.lines)
    st.subheader(f"Log the session of {record.session_date.isoformat()} · plan week {record.week}")
    st.caption(
        "One tab per exercise. Loads and reps are filled in from the prescription: change what differs, and "
        "clear “Reps” for a set that was not done. Effort 0–10 from reps in reserve (10 = no rep left); pain "
        "during and after 0–10. Nothing is saved until every exercise's cells are valid."
    )
    st.html(_CSS)
    prefix = f"log_{record.id}_{record.version}"
    errors: dict[str, str] = st.session_state.get(_errors_key(record.id, record.version), {})
    rows = open_session.rows
    by_item = {p.item_id: p for p in open_session.prescriptions}
    per_row = _by_set(errors)
    if errors:
        listed = "\n".join(f"- {md_escape(m)}" for m in errors.values())
        st.error("Nothing was saved. Please correct these cells:\n\n" + listed)
    with st.container(key=GRID_KEY), st.form(prefix, border=False, enter_to_submit=False):
        items = [p for p in open_session.prescriptions if any(r[set_rows.ITEM] == p.item_id for r in rows)]
        flagged = {rows[i - 1][set_rows.ITEM] for i in per_row if 0 < i <= len(rows)}
        labels = [f"{p.label} ⚠" if p.item_id in flagged else p.label for p in items]
        for tab, p in zip(st.tabs(labels), items, strict=True):
            with tab:
                for index, row in enumerate(rows, start=1):
                    if row[set_rows.ITEM] == p.item_id:
                        _set_cells(prefix, p, row, per_row.get(index, []))
        submitted = st.form_submit_button("Save session (all sets)", key="save_log", type="primary")
    if submitted:
        _save(db, actor, open_session, _typed_rows(prefix, rows, by_item))
    widgets.not_performed(db, actor, record)


def _save(db: Database, actor: Actor, open_session: sessions.OpenSession, rows: list[dict]) -> None:
    record = open_session.record
    try:
        result = sessions.save_log(db, actor, record.id, expected_version=record.version, rows=rows)
    except ValidationErrors as exc:
        st.session_state[_errors_key(record.id, record.version)] = exc.by_field()
        st.rerun()
    except (ConflictError, AccessDenied, NotFound) as exc:
        widgets.flash("error", str(exc))
        st.rerun()
    st.session_state.pop(_errors_key(record.id, record.version), None)
    widgets.flash("success", f"Session saved: {result.sets_saved} set(s). The next session's loads are below.")
    widgets.mark_just_logged()
    st.rerun()
