"""Download buttons for exports: the file is built and audited only when the button is clicked.

``st.download_button(data=callable)`` runs the callable on click (the button shows a spinner meanwhile),
so opening a page never builds a PDF or writes an export entry to the audit log.

That callable runs later, on Streamlit's own thread, and a browser can ask for it again at any time while
the server still has it. So it holds this tab's sign-in record, not the person who was signed in when the
page was drawn, and asks at click time who may act: after a sign-out, the idle time-out or a deactivation
it builds nothing and records nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date
from typing import TypedDict, Unpack

import streamlit as st

from rehab.services import exports
from rehab.services.context import Actor
from rehab.store import Database
from rehab.ui import auth as ui_auth

log = logging.getLogger("rehab")

LABELS = {
    "pdf": "Session summary, clinical (PDF)",
    "pdf-patient": "Session summary for the patient (PDF)",
    "progress-pdf": "Progress report (PDF)",
    "csv": "Assessments (CSV)",
    "csv-sessions": "Session logs (CSV)",
    "csv-falls": "Falls (CSV)",
    "fhir": "FHIR R4 bundle (JSON)",
    "fhir-transaction": "FHIR R4 transaction, to post (JSON)",
    "fhir-document": "Session summary, FHIR R4 document (JSON)",
}


SIGNED_OUT = b"You are no longer signed in, so nothing was exported. Sign in again and repeat the download.\n"


class ExportOptions(TypedDict, total=False):
    """The keyword options of ``exports.export`` a download may pass on."""

    session_id: int | None
    start: date | None
    end: date | None
    page_size: str


def _builder(
    db: Database,
    sign_in: dict[str, object] | None,
    user_id: int,
    patient_id: int,
    kind: str,
    **options: Unpack[ExportOptions],
) -> Callable[[], bytes]:
    def build() -> bytes:
        try:
            actor = ui_auth.actor_at_click(db, sign_in)
            if actor is None or actor.user_id != user_id:
                return SIGNED_OUT
            return exports.export(db, actor, patient_id, kind, **options).data
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
    **options: Unpack[ExportOptions],
) -> None:
    start = options.get("start")
    end = options.get("end")
    st.download_button(
        LABELS[kind],
        data=_builder(db, ui_auth.sign_in_record(), actor.user_id, patient_id, kind, **options),
        file_name=exports.filename(kind, mrn, session_date=session_date, start=start, end=end),
        mime=exports.MIME[kind],
        key=key,
        on_click="ignore",
        type="primary" if primary else "secondary",
        icon=":material/download:",
    )
