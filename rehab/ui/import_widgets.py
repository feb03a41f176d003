"""The import page's choices: what kind of file, how its dates are written, which device layout, and the
confirmation of values outside their plausible range."""

from __future__ import annotations

from datetime import tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from rehab.domain.errors import ValidationError
from rehab.domain.units import ENTRY_UNITS
from rehab.exports import import_csv, import_devices
from rehab.exports.import_dates import DATE_ORDERS, DateOrder, ReadOptions
from rehab.services import imports
from rehab.ui.fmt import md_escape
from rehab.ui.timezones import clinic_timezone

Kind = Literal["csv", "device", "fhir", "falls"]
KINDS: dict[Kind, str] = {
    "csv": "Assessments (CSV)",
    "device": "Device export (CSV)",
    "fhir": "FHIR R4 bundle (JSON)",
    "falls": "Falls (CSV)",
}
_ISO_ONLY = "iso"
_ORDER_CHOICES = {_ISO_ONLY: "Only 2026-10-01 (ISO)", **DATE_ORDERS}
BY_HAND = "by_hand"
_LISTED = 30
"""Up to this many implausible values are listed in full (each question wraps); more go in a table."""


def kind() -> Kind:
    chosen = st.radio(
        "What are you importing?",
        list(KINDS),
        format_func=lambda k: KINDS[k],
        horizontal=True,
        key="import_kind",
    )
    return chosen or "csv"


def _zone(clinic_zone: str | None) -> tuple[tzinfo, str, str]:
    """The clinic's time zone from Clinic settings → Reports when one is set, else this browser's."""
    if clinic_zone:
        return ZoneInfo(clinic_zone), clinic_zone, "the clinic's time zone (Clinic settings → Reports)"
    tz = clinic_timezone()
    return tz, str(getattr(tz, "key", "UTC")), "this browser's time zone (no clinic time zone is set)"


def reading_options(kind: Kind, clinic_zone: str | None = None) -> ReadOptions:
    """The file's date order, chosen explicitly (never guessed), and the zone its times are read in."""
    tz, name, whose = _zone(clinic_zone)
    if kind == "fhir":
        st.caption(md_escape(f"FHIR times carry their offset; a date alone is read in {name}."))
        return ReadOptions(None, tz, name)
    order = st.radio(
        "How does the file write dates?",
        list(_ORDER_CHOICES),
        format_func=lambda k: _ORDER_CHOICES[k],
        horizontal=True,
        key="import_date_order",
        help="03/04/2026 is 3 April day first and 4 March month first, so the page never guesses: a file with "
        "such dates is refused until you choose.",
    )
    if kind != "falls":
        st.caption(md_escape(f"Times written without an offset are read in {name}, {whose}."))
    date_order: DateOrder | None = None if order in (None, _ISO_ONLY) else order  # type: ignore[assignment]
    return ReadOptions(date_order, tz, name)


def template_help() -> None:
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


def fhir_help(mrn_system: str) -> None:
    st.caption(
        md_escape(
            "A Bundle of type collection, transaction or document. The Patient is matched by its identifier in "
            f"the clinic's MRN system ({mrn_system}); the patient must already be registered here. Observations "
            "coded in LOINC or this app's own measure codes are imported; other resources are listed, not imported."
        )
    )


def falls_help() -> None:
    st.caption(
        "The falls CSV the Export page writes (or a file with its columns). Only each fall's current version is "
        "imported: corrected and withdrawn versions are counted on the preview and left out."
    )


def device_layout() -> tuple[str, str]:
    """The layout chosen (a key of the checked-in layouts, or ``BY_HAND``) and the patient's MRN, asked before
    the file."""
    layouts = import_devices.layouts()
    choice = st.selectbox(
        "Device layout",
        [*layouts, BY_HAND],
        format_func=lambda k: layouts[k].name if k in layouts else "Map the columns by hand",
        key="import_layout",
    )
    mrn = st.text_input("Patient's MRN", key="import_device_mrn", help="A device export names no patient.")
    if choice in layouts:
        layout = layouts[choice]
        status = "Confirmed layout" if layout.confirmed else "Unconfirmed layout"
        st.caption(md_escape(f"{status}: {layout.source}"))
    else:
        st.caption("Upload the file, then choose which of its columns holds each field.")
    return choice or BY_HAND, mrn


def device_source(choice: str, mrn: str, data: bytes, options: ReadOptions) -> imports.Source | None:
    """The device file's source: its checked-in layout, or the columns mapped by hand (None until complete)."""
    layouts = import_devices.layouts()
    layout = layouts[choice] if choice in layouts else _by_hand(data)
    if layout is None:
        return None
    return imports.Source(kind="device", options=options, layout=layout, mrn=mrn)


def _by_hand(data: bytes) -> import_devices.Layout | None:
    try:
        header = import_devices.header(data)
    except ValidationError as exc:
        st.error(md_escape(exc.message))
        return None
    columns: dict[str, str] = {}
    fields = list(import_devices.FIELDS.items())
    for pair in (fields[:2], fields[2:]):  # two by two: a column's name stays readable on a tablet
        for (field, label), col in zip(pair, st.columns(2), strict=False):
            optional = field in import_devices.OPTIONAL
            picked = col.selectbox(
                label + (" (optional)" if optional else ""),
                header,
                index=None,
                key=f"import_map_{field}",
                placeholder="Choose a column",
            )
            if picked:
                columns[field] = picked
    left, right = st.columns(2)
    measure = left.selectbox(
        "Measure", import_devices.MEASURES, format_func=import_devices.measure_name, key="import_map_measure"
    )
    unit = right.selectbox("Unit of the readings", ENTRY_UNITS[measure], key="import_map_unit")
    try:
        return import_devices.by_hand(columns, measure, unit)
    except ValidationError as exc:
        st.info(md_escape(exc.message[:1].upper() + exc.message[1:] + "."))
        return None


def confirm_implausible(seen: imports.ImportPreview) -> tuple[bool, list[str]]:
    """The values outside their plausible range, and the clinician's "yes, these are right" (False until ticked)."""
    count = len(seen.questions)
    if not count:
        return True, []
    one = count == 1
    st.warning(
        "1 value is outside its measure's plausible range. Check it against the source: it is imported only if "
        "you confirm it is right, and the confirmation is stored with it."
        if one
        else f"{count} values are outside their measure's plausible range. Check them against the source: they "
        "are imported only if you confirm they are right, and the confirmation is stored with each value."
    )
    if count <= _LISTED:
        st.markdown("\n".join("- " + md_escape(f"{seen.label} {row}: {q.text}") for row, q in seen.questions))
    else:  # a long list reads better as a table the clinician can scroll and sort
        st.dataframe(
            pd.DataFrame([(row, q.text) for row, q in seen.questions], columns=[seen.label, "Question"]),
            hide_index=True,
            width="stretch",
        )
    yes = st.checkbox(
        "Yes, this value is right: import it as typed"
        if one
        else f"Yes, these {count} values are right: import them as typed",
        key="import_confirm",
    )
    return yes, [q.id for _, q in seen.questions] if yes else []
