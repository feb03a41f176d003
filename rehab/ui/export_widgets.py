"""Exports in two steps: a button makes the file while the page shows its progress, then a button downloads it.

Making the file is a page run: it checks the sign-in like every run, shows ``st.status`` while the file is built
(a progress report draws its charts for a few seconds), and on failure says why on the page and offers nothing
to download. (A download button that builds its file on click cannot do either: its callable runs on Streamlit's
own thread, cannot write to the page, and whatever it returns is saved under the file's name.) The export is
recorded in the audit log when it is made.

The download callable still runs later, on Streamlit's own thread, and a browser can ask for it again at any time
while the server still has it. So it holds this tab's sign-in record, not the person who was signed in when the
page was drawn, and asks at click time who may act: after a sign-out, the idle time-out or a deactivation it
hands out nothing (it raises, so the browser downloads nothing and the button says the file could not be made).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypedDict, Unpack

import streamlit as st

from rehab import turns
from rehab.domain.errors import ValidationErrors
from rehab.services import exports
from rehab.services.context import AccessDenied, Actor, NotFound
from rehab.store import Database
from rehab.ui import auth as ui_auth
from rehab.ui.fmt import md_escape

log = logging.getLogger("rehab")

LABELS = {
    "pdf": "Session summary, clinical (PDF)",
    "pdf-patient": "Session summary for the patient (PDF)",
    "progress-pdf": "Progress report (PDF)",
    "csv": "Assessments (CSV)",
    "csv-sessions": "Session logs (CSV)",
    "csv-falls": "Falls (CSV)",
    "csv-goals": "Goals and reviews (CSV)",
    "fhir": "FHIR R4 bundle (JSON)",
    "fhir-transaction": "FHIR R4 transaction, to post (JSON)",
    "fhir-document": "Session summary, FHIR R4 document (JSON)",
}


_MADE = "_rehab_exports_made"


class SignedOut(Exception):
    """A download asked for after this tab's sign-in ended: nothing is handed out."""


class ExportOptions(TypedDict, total=False):
    """The keyword options of ``exports.export`` a download may pass on."""

    session_id: int | None
    start: date | None
    end: date | None
    page_size: str


@dataclass(frozen=True)
class Made:
    """A file made on this tab, for the options it was made with."""

    asked: tuple[object, ...]
    data: bytes
    file_name: str
    mime: str


def _size(data: bytes) -> str:
    return f"{len(data)} bytes" if len(data) < 1024 else f"{len(data) / 1024:.0f} KB"


def _handout(db: Database, sign_in: dict[str, object] | None, user_id: int, data: bytes) -> Callable[[], bytes]:
    def handout() -> bytes:
        actor = ui_auth.actor_at_click(db, sign_in)
        if actor is None or actor.user_id != user_id:
            raise SignedOut("the sign-in of this tab has ended")
        return data

    return handout


def _make(db: Database, actor: Actor, patient_id: int, kind: str, asked: tuple[object, ...],
          options: ExportOptions) -> Made | None:  # fmt: skip
    """Build the file with its progress on the page; on failure say why and return None (nothing to download)."""
    label = LABELS[kind]
    with st.status(f"Making the {label[0].lower()}{label[1:]}…", expanded=False) as status:
        try:
            with turns.waiting():  # a whole history read and written: other pages are not queued behind it
                made = exports.export(db, actor, patient_id, kind, **options)
        except ValidationErrors as exc:
            why = " ".join(exc.messages())
        except (AccessDenied, NotFound) as exc:
            why = str(exc)
        except Exception:  # never a traceback on the page; the log has it under the reference
            ref = uuid.uuid4().hex[:8]
            log.exception("export %s for patient %s failed (reference %s)", kind, patient_id, ref)
            why = f"Something went wrong while making it (reference {ref} for the administrator)."
        else:
            status.update(label=f"{label} made ({_size(made.data)}) and recorded in the audit log.", state="complete")
            return Made(asked, made.data, made.filename, made.mime)
        status.update(label=f"{label} could not be made: nothing was exported.", state="error", expanded=True)
        st.error(md_escape(why))
    return None


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
    """A "Make" button for one export; once made (for these options), its download button."""
    asked = (patient_id, kind, session_date, *sorted((k, str(v)) for k, v in options.items()))
    made_here: dict[str, Made] = st.session_state.setdefault(_MADE, {})
    made = made_here.get(key)
    if made is not None and made.asked != asked:  # another session, period or page size: make it again
        made_here.pop(key)
        made = None
    kind_of: Literal["primary", "secondary"] = "primary" if primary else "secondary"
    slot = st.empty()  # the make button: once the file is made, its download button takes the place
    if made is None and slot.button(LABELS[kind], key=f"{key}_make", type=kind_of, icon=":material/draft:",
                                    help="Makes the file; its download button then appears here."):  # fmt: skip
        made = _make(db, actor, patient_id, kind, asked, options)
        if made is not None:  # after a failure the button stays, to try again
            made_here[key] = made
            slot.empty()
    if made is None:
        return
    st.download_button(
        f"Download {LABELS[kind]}, {_size(made.data)}",
        data=_handout(db, ui_auth.sign_in_record(), actor.user_id, made.data),
        file_name=made.file_name,
        mime=made.mime,
        key=key,
        on_click="ignore",
        type=kind_of,
        icon=":material/download:",
    )
