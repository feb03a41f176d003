"""Bulk writes for generated data (the demo clinic and benchmarks): ids reserved up front, rows inserted fast.

A year of logged sessions for a thousand patients is about a million set rows; INSERT ... RETURNING per
row would dominate the time. Ids are reserved first (a sequence on PostgreSQL; on SQLite the caller's
write transaction already holds the database's write lock), so rows that point at each other can be
built in memory and written with plain multi-row inserts.

On PostgreSQL a batch is one ``INSERT ... SELECT FROM unnest(...)`` with one array per column: the statement
triggers (the patient change counter, migration 0023) fire once per batch, and the statement stays a few
hundred characters however many rows it carries (psycopg's executemany sends one statement per row, and a
multi-row VALUES list is parsed again, placeholder by placeholder, for every batch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert with the column types applied, in batches (each row with the same keys; a missing column takes
    its scalar default, as with SQLAlchemy's executemany)."""
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if conn.dialect.name == "postgresql":
            _insert_unnest(conn, table, batch)
        else:
            conn.execute(table.insert(), [dict(row) for row in batch])


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _insert_unnest(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """One statement: every column's values as a text array, cast to the column's type."""
    if not rows:
        return
    given = set(rows[0])
    columns = [c for c in table.columns if c.name in given or (c.default is not None and c.default.is_scalar)]
    params: dict[str, list[str | None]] = {}
    casts = []
    for n, column in enumerate(columns):
        process = column.type.bind_processor(conn.dialect)
        default = getattr(column.default, "arg", None) if column.name not in given else None
        values = [row[column.name] if column.name in given else default for row in rows]
        params[f"c{n}"] = [_text(process(v) if process else v) for v in values]
        casts.append(f"%(c{n})s::text[]::{column.type.compile(dialect=conn.dialect)}[]")
    names = ", ".join(c.name for c in columns)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({', '.join(casts)})", params)


def insert_plain(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert tuples straight through the driver: only for columns of plain numbers, text and booleans."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(columns)
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([mark] * len(columns))})"
    for start in range(0, len(rows), BATCH * 4):
        conn.exec_driver_sql(sql, list(rows[start : start + BATCH * 4]))
