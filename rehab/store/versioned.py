"""Append-only clinical records versioned by superseding rows: falls, prognostic findings, prediction reviews.

Each save inserts a row. A correction names the row it replaces (``supersedes_id``, unique per table, so of
two concurrent corrections of one version only the first commits); "entered in error" is a new version with
that status. The current version of a record is the row nothing supersedes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, and_, exists, select

from rehab.store.records import inserted_id
from rehab.store.tables import users

ENTERED_IN_ERROR = "entered_in_error"
FINAL = "final"


def add(conn: Connection, table: Table, values: dict[str, Any], *, replaces: RowMapping | None) -> int:
    """Insert a first version, or a version that supersedes ``replaces`` (IntegrityError if already superseded)."""
    row = dict(values)
    row["supersedes_id"] = replaces["id"] if replaces is not None else None
    row["version"] = replaces["version"] + 1 if replaces is not None else 1
    row.setdefault("status", FINAL)
    row.setdefault("status_reason", "")
    return inserted_id(conn.execute(table.insert().values(**row)))


def get(conn: Connection, table: Table, row_id: int) -> RowMapping | None:
    return conn.execute(select(table).where(table.c.id == row_id)).mappings().first()


def superseded(conn: Connection, table: Table, row_id: int) -> bool:
    return conn.execute(select(exists().where(table.c.supersedes_id == row_id))).scalar_one()


def _not_superseded(table: Table) -> Any:
    newer = table.alias()
    return ~exists().where(newer.c.supersedes_id == table.c.id)


def current(
    conn: Connection, table: Table, patient_id: int, *, order: Sequence[Any] = (), with_errors: bool = False
) -> list[RowMapping]:
    """The current version of each of a patient's records (without those entered in error, unless asked)."""
    where = [table.c.patient_id == patient_id, _not_superseded(table)]
    if not with_errors:
        where.append(table.c.status == FINAL)
    return list(conn.execute(_named(table).where(and_(*where)).order_by(*order, table.c.id)).mappings())


def history(conn: Connection, table: Table, patient_id: int) -> list[RowMapping]:
    """Every version of every record of a patient, oldest first."""
    return list(conn.execute(_named(table).where(table.c.patient_id == patient_id).order_by(table.c.id)).mappings())


def _named(table: Table) -> Any:
    """The rows with the recording clinician's display name as ``recorded_by_name``."""
    return select(table, users.c.display_name.label("recorded_by_name")).join(users, users.c.id == table.c.recorded_by)


def current_dates(conn: Connection, table: Table, column: str, *, since: date) -> list[tuple[int, date]]:
    """(patient, date) of every current, final record dated after ``since`` (the caseload's fall counts)."""
    col = table.c[column]
    query = select(table.c.patient_id, col).where(and_(col > since, table.c.status == FINAL, _not_superseded(table)))
    return [(int(pid), day) for pid, day in conn.execute(query)]
