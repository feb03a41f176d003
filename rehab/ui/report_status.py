"""The progress report: built on request with its steps shown in a status box, then downloaded.

A year's report takes a few seconds (its charts are drawn and the PDF written in a worker process, so other
clinicians' pages are not held up). The clinician sees each step and the outcome rather than a frozen button.
Building is the audited export; the download button then hands over those bytes, and only while the tab is
still signed in as the clinician who built it (checked at the click, like every download).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date

import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.services import exports
from rehab.services.context import AccessDenied, Actor, NotFound
from rehab.store import Database
from rehab.ui import auth as ui_auth
from rehab.ui.export_widgets import SIGNED_OUT
from rehab.ui.fmt import md_escape

log = logging.getLogger("rehab")

_BUILT = "_rehab_progress_report"


def _handover(db: Database, sign_in: dict[str, object] | None, user_id: int, data: bytes) -> Callable[[], bytes]:
    def hand_over() -> bytes:
        actor = ui_auth.actor_at_click(db, sign_in)
        return data if actor is not None and actor.user_id == user_id else SIGNED_OUT

    return hand_over


def _build(db: Database, actor: Actor, patient_id: int, start: date, end: date, page_size: str) -> None:
    with st.status("Building the progress report", expanded=True) as status:

        def step(text: str) -> None:
            status.update(label=f"{text}…")
            status.write(text)

        try:
            built = exports.export(
                db, actor, patient_id, "progress-pdf", start=start, end=end, page_size=page_size, progress=step
            )
        except ValidationErrors as exc:
            status.update(label="The report was not made", state="error")
            st.error("\n".join(md_escape(m) for m in exc.messages()))
            return
        except (AccessDenied, NotFound) as exc:
            status.update(label="The report was not made", state="error")
            st.error(md_escape(str(exc)))
            return
        except Exception:  # never a traceback on the page
            ref = uuid.uuid4().hex[:8]
            log.exception("progress report for patient %s failed (reference %s)", patient_id, ref)
            status.update(label="The report was not made", state="error")
            st.error(f"The report could not be made (reference {ref}); nothing was recorded.")
            return
        status.update(label=f"Progress report ready ({len(built.data) // 1024 + 1} KB)", state="complete")
    st.session_state[_BUILT] = ((patient_id, start, end, page_size), built)


def progress_report(db: Database, actor: Actor, patient_id: int, *, start: date, end: date, page_size: str) -> None:
    """A build button; once built for these choices, the download button for the file."""
    wanted = (patient_id, start, end, page_size)
    if st.button("Build progress report (PDF)", key="build_progress", icon=":material/description:"):
        _build(db, actor, patient_id, start, end, page_size)
    held = st.session_state.get(_BUILT)
    if not held or held[0] != wanted:
        return
    built = held[1]
    st.download_button(
        "Download progress report (PDF)",
        data=_handover(db, ui_auth.sign_in_record(), actor.user_id, built.data),
        file_name=built.filename,
        mime=built.mime,
        key="dl_progress",
        on_click="ignore",
        type="primary",
        icon=":material/download:",
    )
