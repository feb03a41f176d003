"""Bulk writes for generated data (the demo clinic and benchmarks): ids reserved up front, rows inserted fast.

A year of logged sessions for a thousand patients is about a million set rows; INSERT ... RETURNING per
row would dominate the time. Ids are reserved first (a sequence on PostgreSQL; on SQLite the caller's
write transaction already holds the database's write lock), so rows that point at each other can be
built in memory and written with plain multi-row inserts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

BATCH = 5000


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """``count`` primary keys for ``table`` that no other writer will use."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        query = text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)")
        return [int(v) for v in conn.execute(query, {"n": count}).scalars()]
    highest = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(int(highest) + 1, int(highest) + 1 + count))


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert with SQLAlchemy's executemany (column types applied), in batches."""
    for start in range(0, len(rows), BATCH):
        conn.execute(table.insert(), list(rows[start : start + BATCH]))


def insert_plain(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert tuples straight through the driver: only for columns of plain numbers, text and booleans."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(columns)
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([mark] * len(columns))})"
    for start in range(0, len(rows), BATCH * 4):
        conn.exec_driver_sql(sql, list(rows[start : start + BATCH * 4]))
