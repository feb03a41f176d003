"""Clinic settings → Reports: the letterhead (clinic name, address, logo) and the clinic's time zone that every
report prints its times in. A versioned clinic setting like the others: a save on an old version is refused.

Nothing typed is changed: a name or address too long, a time zone zoneinfo does not know, or a logo that is not
a PNG or JPEG within the size limit is refused at its field and nothing is saved.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.exports.summary import Letterhead
from rehab.services.context import AccessDenied, Actor
from rehab.services.settings import Versioned, read_setting, save_version
from rehab.store import Database

REPORTS = "reports"
NAME_MAX = 120
ADDRESS_MAX = 400
LOGO_MAX_BYTES = 1024 * 1024  # the uploader's own limit is set to the same 1 MB
LOGO_MAX_PIXELS = 4000
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
LOGO_MODES = frozenset({"RGB", "RGBA", "L", "LA", "P", "1"})
DEFAULT_ZONE = "UTC"


@dataclass(frozen=True)
class ReportSettings(Versioned):
    """The letterhead in force (version 0: nothing set; reports then say the clinic name is not set)."""

    letterhead: Letterhead


def report_settings_in(conn: Connection) -> ReportSettings:
    return read_setting(conn, REPORTS, ReportSettings, _stored_letterhead, Letterhead())


def _stored_letterhead(value: dict[str, Any]) -> Letterhead:
    logo = base64.b64decode(value["logo"]) if value.get("logo") else None
    return Letterhead(
        value.get("clinic_name", ""), value.get("address", ""), logo, value.get("time_zone", DEFAULT_ZONE)
    )


def report_settings(db: Database) -> ReportSettings:
    return db.run(report_settings_in, write=False)


def clinic_zone(db: Database) -> str | None:
    """The clinic's IANA time zone when an administrator has set one, else None (pages then use the browser's)."""
    found = report_settings(db)
    return found.letterhead.time_zone if found.version > 0 else None


def check_time_zone(raw: object) -> str:
    """An IANA time zone name exactly as zoneinfo knows it ("Europe/London"); anything else is refused."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("time_zone", "Enter the clinic's time zone, for example Europe/London.")
    if raw != raw.strip():
        raise ValidationError("time_zone", "Remove the spaces around the time zone name.")
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "time_zone", f"{raw!r} is not a known IANA time zone; use a name such as Europe/London."
        ) from None
    return raw


def check_logo(data: object) -> bytes:
    """A PNG or JPEG of at most LOGO_MAX_BYTES and LOGO_MAX_PIXELS a side that Pillow can read in full."""
    from PIL import Image, UnidentifiedImageError

    if not isinstance(data, bytes | bytearray) or not data:
        raise ValidationError("logo", "Choose a PNG or JPEG file.")
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError("logo", f"The logo is {len(data) // 1024} KB; keep it to {LOGO_MAX_BYTES // 1024} KB.")
    try:
        with Image.open(io.BytesIO(bytes(data))) as image:
            kind, size, mode = image.format, image.size, image.mode
            image.load()  # a truncated or corrupt file fails here, not in the middle of a report
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError("logo", "This file is not a readable PNG or JPEG image.") from None
    if kind not in LOGO_FORMATS:
        raise ValidationError("logo", f"The logo is a {kind} file; use PNG or JPEG.")
    if mode not in LOGO_MODES:  # a CMYK image would break the reports' sRGB (PDF/A) colour space
        raise ValidationError("logo", f"The logo is in {mode} colour; save it as an RGB or greyscale PNG or JPEG.")
    if max(size) > LOGO_MAX_PIXELS:
        raise ValidationError("logo", f"The logo is {size[0]} × {size[1]} pixels; keep each side to {LOGO_MAX_PIXELS}.")
    return bytes(data)


def _text(field: str, raw: object, limit: int, what: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(field, f"Enter the {what} as text.")
    if len(raw) > limit:
        raise ValidationError(field, f"The {what} has {len(raw)} characters; keep it to {limit}.")
    if any(ord(ch) < 32 and ch != "\n" for ch in raw):
        raise ValidationError(field, f"The {what} contains characters that cannot be printed.")
    return raw


def save_report_settings(
    db: Database,
    actor: Actor,
    *,
    clinic_name: object,
    address: object,
    time_zone: object,
    logo: object = None,
    remove_logo: bool = False,
    expected_version: int,
) -> int:
    """Adopt the letterhead and time zone (administrators only); ``logo`` None keeps the current one."""
    if not actor.is_admin:
        raise AccessDenied("Only administrators can change the clinic's report settings.")
    errors: list[ValidationError] = []
    checked: dict[str, object] = {}
    checks = (
        ("clinic_name", lambda: _text("clinic_name", clinic_name, NAME_MAX, "clinic name")),
        ("address", lambda: _text("address", address, ADDRESS_MAX, "address")),
        ("time_zone", lambda: check_time_zone(time_zone)),
        ("logo", lambda: None if logo is None else check_logo(logo)),
    )
    for name, check in checks:
        try:
            checked[name] = check()
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationErrors(errors)

    current = report_settings(db).letterhead
    new_logo = None if remove_logo else (checked["logo"] or current.logo)
    value = {
        "clinic_name": checked["clinic_name"],
        "address": checked["address"],
        "time_zone": checked["time_zone"],
        "logo": base64.b64encode(new_logo).decode("ascii") if isinstance(new_logo, bytes) else None,
    }

    def changes(conn: Connection) -> str:
        before = report_settings_in(conn).letterhead
        changed = [k for k in ("clinic_name", "address", "time_zone") if getattr(before, k) != value[k]]
        if (before.logo or None) != new_logo:
            changed.append("logo")
        return "changed: " + (", ".join(changed) or "nothing")

    return save_version(
        db,
        actor,
        name=REPORTS,
        name_of="report settings",
        value=json.dumps(value, sort_keys=True),
        expected_version=expected_version,
        detail=changes,
    )
