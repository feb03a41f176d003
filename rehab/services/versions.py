"""Shared steps of the append-only clinical records (falls, prognostic findings, prediction reviews): load the
version a clinician opened, refuse if it moved on, and add the version that supersedes it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, Table
from sqlalchemy.exc import IntegrityError

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.text import free_text
from rehab.services.context import Actor, ConflictError, NotFound, now_utc
from rehab.services.patients import check_access
from rehab.store import versioned

STALE = "This record was changed after you opened it. Nothing was saved; reload the page to see the latest."
RACED = "This record was changed by someone else just now. Nothing was saved."


def opened(conn: Connection, actor: Actor, table: Table, row_id: int, expected_version: int) -> RowMapping:
    """The version the clinician opened, if it is still the current, final one they may change."""
    row = versioned.get(conn, table, row_id)
    if row is None:
        raise NotFound("No such record.")
    check_access(conn, actor, row["patient_id"])
    if versioned.superseded(conn, table, row_id) or row["version"] != expected_version:
        raise ConflictError(STALE)
    if row["status"] != versioned.FINAL:
        raise ConflictError(STALE)
    return row


def supersede(conn: Connection, table: Table, values: dict[str, Any], old: RowMapping) -> int:
    """Add the version replacing ``old``; a concurrent replacement of the same version wins and this one is refused."""
    try:
        with conn.begin_nested():
            return versioned.add(conn, table, values, replaces=old)
    except IntegrityError:
        raise ConflictError(RACED) from None


def stamp(actor: Actor) -> dict[str, Any]:
    return {"recorded_by": actor.user_id, "recorded_at": now_utc()}


def reason(raw: object, field: str = "reason") -> str:
    """A required reason for a change, as typed (stripped); refused when blank."""
    text = free_text(raw, field)
    if not text:
        raise ValidationErrors([ValidationError(field, "Say why, for the record.")])
    return text
