"""Clinic settings → Reports (letterhead and time zone), and the clinician's registration printed in a sign-off."""

from __future__ import annotations

from typing import Any

import streamlit as st

from rehab.services import accounts
from rehab.services import report_settings as reports
from rehab.ui.fmt import md_escape, when
from rehab.ui.forms import FieldErrors

WHY = (
    'Every PDF report carries this letterhead on its first page, "Confidential — contains patient information" '
    "on every page, and prints its times in the clinic's time zone. Without a clinic name a report says the "
    "name is not set."
)


def letterhead_panel(db: Any, actor: Any) -> None:
    """The clinic's name, address, logo and IANA time zone for the reports (administrators)."""
    current = reports.report_settings(db)
    head = current.letterhead
    origin = f"Version {current.version}, set by {current.updated_by_name} on {when(current.updated_at)}."
    st.caption(md_escape(WHY + " " + ("Not set yet." if current.version == 0 else origin)))
    errors = FieldErrors()
    with st.form(f"report_settings_{current.version}"):
        name = st.text_input("Clinic name", value=head.clinic_name, max_chars=reports.NAME_MAX)
        errors.slot("clinic_name")
        address = st.text_area("Address", value=head.address, height=100, help="Printed under the name, as typed.")
        errors.slot("address")
        zone = st.text_input(
            "Time zone (IANA name)",
            value=head.time_zone,
            help="For example Europe/London, Europe/Dublin or Australia/Sydney; every time on a report uses it.",
        )
        errors.slot("time_zone")
        if head.logo:
            st.image(head.logo, caption="Current logo", width=160)
        upload = st.file_uploader(
            "Logo (PNG or JPEG, RGB or greyscale, up to 1 MB)",
            type=["png", "jpg", "jpeg"],
            max_upload_size=reports.LOGO_MAX_BYTES // (1024 * 1024),
        )
        errors.slot("logo")
        remove = st.checkbox("Remove the logo", value=False, disabled=not head.logo)
        submitted = st.form_submit_button("Save report settings", type="primary")
    if not submitted:
        return
    errors.save(
        lambda: reports.save_report_settings(
            db,
            actor,
            clinic_name=name,
            address=address,
            time_zone=zone,
            logo=upload.getvalue() if upload is not None else None,
            remove_logo=remove,
            expected_version=current.version,
        ),
        "Report settings saved; the next report uses them.",
    )


def registration_form(db: Any, actor: Any, user_id: int, registration: str, job_title: str, *, key: str) -> None:
    """The professional registration and job title a report's sign-off prints (own account, or an
    administrator for anyone's)."""
    errors = FieldErrors()
    with st.form(f"registration_{key}"):
        typed = st.text_input(
            "Professional registration",
            value=registration,
            help="As a reader can check it, e.g. HCPC PH123456.",
            key=f"registration_{key}_value",
        )
        errors.slot("registration")
        title = st.text_input(
            "Job title",
            value=job_title,
            help="e.g. Specialist neurological physiotherapist.",
            key=f"registration_{key}_title",
        )
        errors.slot("job_title")
        submitted = st.form_submit_button("Save registration")
    if not submitted:
        return
    errors.save(
        lambda: accounts.set_registration(db, actor, user_id, typed, title),
        "Registration saved; it is printed in the sign-off of your next report.",
    )


def own_registration(db: Any, actor: Any) -> None:
    """On the reports page: the signed-in clinician's own registration, printed when they sign a report."""
    me = accounts.own_account(db, actor)
    label = f"Your registration on reports: {me.registration or 'not recorded'}"
    with st.expander(md_escape(label)):
        registration_form(db, actor, me.id, me.registration, me.job_title, key="own")
