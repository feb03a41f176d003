"""The patient change counter counts every row written, whether rows come one per statement or in bulk.

Migration 0008 defined the counter as one per inserted or updated row of the patient's data; on PostgreSQL
migration 0023 keeps it with statement triggers (``rehab.store.change_counter``). Both engines.
"""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import Connection, text

from rehab.services import imports
from rehab.store import Database, integrity, migrate
from rehab.store import caseload as caseload_store
from rehab.store.db import make_engine
from rehab.store.migrate import upgrade
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import new_patient

HEADER = b"mrn,measure,taken_at,side,site,value,unit,items,note\r\n"


def _generations(db: Database) -> dict[int, int]:
    return dict(db.run(lambda c: caseload_store.listed(c, visible_to=None), write=False))


def _tug_file(counts: dict[str, int]) -> bytes:
    """``counts[mrn]`` TUG results for each patient, a minute apart from 2 September 2026."""
    lines = [HEADER]
    for mrn, count in counts.items():
        lines += [f"{mrn},tug,2026-09-02 08:{m:02d}:00,,,12.0,s,,\r\n".encode() for m in range(count)]
    return b"".join(lines)


def _run(db: Database, sql: str) -> Callable[[Connection], object]:
    return lambda conn: conn.execute(text(sql))


def _counts_every_row(db: Database) -> None:
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    first, second, third = (new_patient(db, ana, mrn) for mrn in ("CNT-1", "CNT-2", "CNT-3"))
    before = _generations(db)
    assert before == {first: 1, second: 1, third: 1}  # one row each: the registration

    # one import writes 7 and 3 rows in multi-row statements: the counters move by the rows, not the statements
    result = imports.import_assessments(db, ana, _tug_file({"CNT-1": 7, "CNT-2": 3}), filename="c.csv")
    assert result.values_written == 10
    assert _generations(db) == {first: 8, second: 4, third: 1}

    # an update of several rows in one statement adds one per row updated; one matching no row adds nothing
    db.run(_run(db, f"UPDATE assessments SET note = note WHERE patient_id = {first}"))
    db.run(_run(db, "UPDATE assessments SET note = note WHERE patient_id = -1"))
    db.run(_run(db, f"UPDATE patients SET notes = notes WHERE id IN ({second}, {third})"))
    assert _generations(db) == {first: 15, second: 5, third: 2}


def test_the_counter_moves_by_the_rows_written_on_each_engine(db: Database) -> None:
    _counts_every_row(db)


def _postgres(url: str) -> Database:
    database = Database(make_engine(url))
    upgrade(database.engine)
    return database


def _counter_triggers(db: Database) -> list[tuple[str, str, int]]:
    """(table, trigger, 1 if per row else 0) of every trigger whose function writes the counter."""
    rows = db.run(
        lambda c: c.exec_driver_sql(
            "SELECT c.relname, t.tgname, t.tgtype & 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal AND strpos(p.prosrc, 'patient_changes') > 0"
        ).fetchall(),
        write=False,
    )
    return sorted((str(table), str(name), int(row_level)) for table, name, row_level in rows)


def test_postgresql_counts_with_statement_triggers_that_the_schema_check_knows(postgres_database_url: str) -> None:
    db = _postgres(postgres_database_url)
    try:
        updated = ("patients", "assessments", "plans", "treatment_sessions", "goals")
        writes = {table: ("insert", "update") for table in updated}
        writes |= {"falls": ("insert",), "prognostic_findings": ("insert",), "goal_reviews": ("insert",)}
        expected = [(table, f"{table}_changed_{event}", 0) for table, events in writes.items() for event in events]
        assert _counter_triggers(db) == sorted(expected)  # 0: TRIGGER_TYPE_ROW unset, once per statement
        assert db.run(integrity.problems, write=False) == []
    finally:
        db.dispose()


def test_postgresql_downgrade_and_upgrade_again_keep_the_same_counts(postgres_database_url: str) -> None:
    """Revision 0022's row triggers count the same; upgrading converts them (also on the append-only tables)."""
    db = _postgres(postgres_database_url)
    try:
        cfg = migrate._config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0022")
        assert {row_level for _, _, row_level in _counter_triggers(db)} == {1}
        assert len(_counter_triggers(db)) == 8
        _counts_every_row(db)
        upgrade(db.engine)
        assert {row_level for _, _, row_level in _counter_triggers(db)} == {0}
        assert db.run(integrity.problems, write=False) == []
    finally:
        db.dispose()
