"""Bulk inserts store exactly what one-row inserts store, on both engines.

On PostgreSQL ``rehab.store.bulk.insert_rows`` sends each batch as text arrays cast to the columns' types
(``unnest``); every value must come back as SQLAlchemy's own insert would have stored it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from rehab.store import Database, bulk
from rehab.store.tables import assessments
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import new_patient

AWKWARD = ['a "quoted", {braced} note', "back\\slash and 'single'", "", "NULL", "ünïcödé – ✓", "line\nbreak"]


def _assessment(patient_id: int, user_id: int, n: int) -> dict[str, Any]:
    values = [0.1, 1e-7, 123456.789012345, -0.0, 10.0, 2.5e30]
    return {
        "patient_id": patient_id,
        "measure_key": "tug",
        "taken_at": datetime(2026, 9, 2, 8, 0, tzinfo=UTC) + timedelta(seconds=n, microseconds=n),
        "side": None if n % 2 else "left",
        "site": None,
        "value": values[n % len(values)],
        "value_text": None,
        "unit": "s",
        "items": None if n % 3 else "[1, null, 3]",
        "trials": None,
        "context": '{"working": {"a": [1, 2]}}',
        "note": AWKWARD[n % len(AWKWARD)],
        "entry_group": f"group-{n}",
        "assessor_id": user_id,
        "created_at": datetime(2026, 9, 2, 9, 0, 0, 123456, tzinfo=UTC),
    }  # status, status_reason and version left to the columns' defaults


def _stored(conn: Connection, group_prefix: str) -> list[dict[str, Any]]:
    """Every column but the id and the group name, in insertion order."""
    columns = [c for c in assessments.columns if c.name not in ("id", "entry_group")]
    rows = conn.execute(
        select(*columns).where(assessments.c.entry_group.like(f"{group_prefix}%")).order_by(assessments.c.id)
    )
    return [dict(row._mapping) for row in rows]


def test_bulk_inserted_rows_read_back_as_one_row_inserts_do(db: Database) -> None:
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    pid = new_patient(db, ana, "BLK-1")
    rows = [_assessment(pid, ana.user_id, n) for n in range(12)]

    def write(conn: Connection) -> None:
        bulk.insert_rows(conn, assessments, rows)
        for row in rows:  # the same rows, one INSERT each, under other group names
            conn.execute(insert(assessments).values(dict(row, entry_group=f"single-{row['entry_group']}")))

    db.run(write)
    bulked, single = db.run(lambda c: (_stored(c, "group-"), _stored(c, "single-group-")), write=False)
    assert len(bulked) == 12 and bulked == single
    assert [r["value"] for r in bulked[:6]] == [0.1, 1e-7, 123456.789012345, -0.0, 10.0, 2.5e30]
    assert {r["note"] for r in bulked} == set(AWKWARD)
    assert bulked[5]["taken_at"] == datetime(2026, 9, 2, 8, 0, 5, 5, tzinfo=UTC)
    assert {(r["status"], r["status_reason"], r["version"]) for r in bulked} == {("final", "", 1)}  # defaults
