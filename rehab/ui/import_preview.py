"""The import page's preview, checked once per uploaded file and kept in the clinician's own session.

Checking 100,000 rows takes seconds, and Streamlit reruns the page on every click, so the preview (or the
file's refusal) is kept in ``st.session_state`` under the signed-in user's id and the file's SHA-256: a rerun
with the same file reuses it, another file or another user checks again. Session state belongs to one browser
session, so a preview (patient names and values) is never shared with another user, as a process-wide
``st.cache_data`` entry could be. Only the newest file's preview is kept, to bound the session's memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.services import imports
from rehab.services.context import Actor
from rehab.store import Database

_KEPT = "_rehab_import_preview"


@dataclass(frozen=True)
class Checked:
    """One file's preview and its table, or why the file was refused as a whole."""

    key: tuple[int, str]
    preview: imports.ImportPreview | None
    table: pd.DataFrame | None
    refused: list[str]


def checked(db: Database, actor: Actor, data: bytes, name: str) -> Checked:
    """The file's preview, computed on the first run that sees it and reused on every rerun after."""
    key = (actor.user_id, hashlib.sha256(data).hexdigest())
    kept = st.session_state.get(_KEPT)
    if isinstance(kept, Checked) and kept.key == key:
        return kept
    st.session_state.pop(_KEPT, None)  # the previous file's preview goes before the next is built
    with st.status(f"Checking {name}: every row is validated before anything is imported…", expanded=True) as box:
        bar = st.progress(0.0, text="Reading the file…")

        def told(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"{done:,} of {total:,} rows checked")

        try:
            seen = imports.preview(db, actor, data, progress=told)
        except ValidationErrors as exc:
            result = Checked(key, None, None, exc.messages())
            box.update(label=f"{name} cannot be imported", state="error", expanded=False)
        else:
            result = Checked(key, seen, _table(seen), [])
            box.update(label=f"{name} checked: {len(seen.rows):,} value(s)", state="complete", expanded=False)
    st.session_state[_KEPT] = result
    return result


def forget() -> None:
    """After an import the stored values have changed: the next run checks the file again."""
    st.session_state.pop(_KEPT, None)


def _table(seen: imports.ImportPreview) -> pd.DataFrame:
    return pd.DataFrame(
        [(r.row, r.status, r.mrn, r.patient, r.measure, r.taken_at, r.side, r.value) for r in seen.rows],
        columns=["Row", "Status", "MRN", "Patient", "Measure", "Taken at", "Side", "Value"],
    )
