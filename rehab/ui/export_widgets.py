"""Download buttons for exports: the file is built and audited only when the button is clicked.

``st.download_button(data=callable)`` runs the callable on click (the button shows a spinner meanwhile),
so opening a page never builds a PDF or writes an export entry to the audit log.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date

import streamlit as st

from rehab.services import exports
from rehab.services.context import Actor
from rehab.store import Database

log = logging.getLogger("rehab")

LABELS = {
    "pdf": "Session summary, clinical (PDF)",
    "pdf-patient": "Session summary for the patient (PDF)",
    "progress-pdf": "Progress report (PDF)",
    "csv": "Assessments (CSV)",
    "csv-sessions": "Session logs (CSV)",
    "fhir": "FHIR R4 bundle (JSON)",
}


def _builder(db: Database, actor: Actor, patient_id: int, kind: str, **options: object) -> Callable[[], bytes]:
    def build() -> bytes:
        try:
            return exports.export(db, actor, patient_id, kind, **options).data  # type: ignore[arg-type]
        except Exception:  # the callable runs outside the page: never let a traceback reach the browser
            ref = uuid.uuid4().hex[:8]
            log.exception("export %s for patient %s failed (reference %s)", kind, patient_id, ref)
            return f"The export could not be made (reference {ref}); nothing was recorded.\n".encode()

    return build


def download(
    db: Database,
    actor: Actor,
    patient_id: int,
    mrn: str,
    kind: str,
    *,
    key: str,
    session_date: date | None = None,
    primary: bool = False,
    **options: object,
) -> None:
    start = options.get("start")
    end = options.get("end")
    st.download_button(
        LABELS[kind],
        data=_builder(db, actor, patient_id, kind, **options),
        file_name=exports.filename(kind, mrn, session_date=session_date, start=start, end=end),  # type: ignore[arg-type]
        mime=exports.MIME[kind],
        key=key,
        on_click="ignore",
        type="primary" if primary else "secondary",
        icon=":material/download:",
    )
