"""The import page's preview, checked once per uploaded file and kept in the clinician's own session.

Checking 100,000 rows takes seconds, and Streamlit reruns the page on every click, so the preview (or the
file's refusal) is kept in ``st.session_state`` under the signed-in user's id, the file's SHA-256 and how it is
read (kind of file, date order, time zone, layout): a rerun with the same file and choices reuses it, another
file, another choice or another user checks again. Session state belongs to one browser
session, so a preview (patient names and values) is never shared with another user, as a process-wide
``st.cache_data`` entry could be. Only the newest file's preview is kept, to bound the session's memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from rehab import turns
from rehab.domain.errors import ValidationErrors
from rehab.exports.import_dates import ReadOptions
from rehab.services import falls_import, imports
from rehab.services.context import Actor
from rehab.store import Database

_KEPT = "_rehab_import_preview"


@dataclass(frozen=True)
class Checked:
    """One file's preview and its table, or why the file was refused as a whole."""

    key: tuple[int, str, str]
    preview: Any
    """An ``imports.ImportPreview``, or a ``falls_import.FallsPreview`` for a falls file; None when refused."""
    table: pd.DataFrame | None
    refused: list[str]


def checked(db: Database, actor: Actor, data: bytes, name: str, source: imports.Source | None = None) -> Checked:
    """The file's preview, computed on the first run that sees it and reused on every rerun after."""
    chosen = source or imports.Source()

    def run(told: Callable[[int, int], None]) -> tuple[Any, pd.DataFrame]:
        seen = imports.preview(db, actor, data, source=chosen, progress=told)
        return seen, _table(seen)

    return _kept(actor, data, name, repr(chosen), run)


def checked_falls(db: Database, actor: Actor, data: bytes, name: str, options: ReadOptions) -> Checked:
    """A falls file's preview, kept like an assessments file's."""

    def run(told: Callable[[int, int], None]) -> tuple[Any, pd.DataFrame]:
        seen = falls_import.preview(db, actor, data, options=options)
        return seen, _falls_table(seen)

    return _kept(actor, data, name, "falls " + repr(options), run)


def _kept(
    actor: Actor, data: bytes, name: str, recipe: str, run: Callable[[Callable[[int, int], None]], tuple[Any, Any]]
) -> Checked:
    key = (actor.user_id, hashlib.sha256(data).hexdigest(), recipe)
    kept = st.session_state.get(_KEPT)
    if isinstance(kept, Checked) and kept.key == key:
        return kept
    st.session_state.pop(_KEPT, None)  # the previous file's preview goes before the next is built
    with st.status(f"Checking {name}: every row is validated before anything is imported…", expanded=True) as box:
        bar = st.progress(0.0, text="Reading the file…")

        def told(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"{done:,} of {total:,} rows checked")

        try:
            with turns.waiting():  # a long check: other clinicians' pages are not queued behind it
                seen, table = run(told)
        except ValidationErrors as exc:
            result = Checked(key, None, None, exc.messages())
            box.update(label=f"{name} cannot be imported", state="error", expanded=False)
        else:
            result = Checked(key, seen, table, [])
            found = f"{len(seen.problems):,} problem(s)" if seen.problems else f"{len(seen.rows):,} row(s) to preview"
            box.update(label=f"{name} checked: {found}", state="complete", expanded=False)
    st.session_state[_KEPT] = result
    return result


def forget() -> None:
    """After an import the stored values have changed: the next run checks the file again."""
    st.session_state.pop(_KEPT, None)


def _table(seen: imports.ImportPreview) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (r.row, r.status, _check(r), r.measure, r.side, r.value, r.as_typed, r.taken_at, r.mrn, r.patient)
            for r in seen.rows
        ],
        columns=[seen.label, "Status", "Check", "Measure", "Side", "Value", "As typed", "Taken at", "MRN", "Patient"],
    )


def _falls_table(seen: falls_import.FallsPreview) -> pd.DataFrame:
    return pd.DataFrame(
        [(r.row, r.status, r.mrn, r.patient, r.fell_on, r.place, r.injury, r.reported_by) for r in seen.rows],
        columns=["Row", "Status", "MRN", "Patient", "Fell on", "Place", "Injury", "Reported by"],
    )


def _check(row: imports.PreviewRow) -> str:
    return "confirm" if row.check else ""  # the question itself is listed below the table
