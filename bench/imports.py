"""Import scaling for `make bench`: a 1,000-row preview for a patient with 10,000 stored values, and a
100,000-row import (a clinic's history of 100 patients moving in), each in a fresh SQLite database.

    .venv/bin/python bench/imports.py            # prints the figures; bench/bench.py writes them to BENCHMARKS.md
    .venv/bin/python bench/imports.py --single-patient [--postgres URL]
        # one patient's 100,000 values imported at once, on SQLite or a fresh database on that PostgreSQL server

Reported, never asserted: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# run as a script, this folder comes first on the path and `bench` would name this file, not the folder
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from rehab.services import imports, patients  # noqa: E402
from rehab.services.context import Actor  # noqa: E402
from rehab.store import Database, open_database  # noqa: E402
from tests.helpers import make_admin, make_clinician, patient_data  # noqa: E402

HEADER = b"mrn,measure,taken_at,side,site,value,unit,items,note\r\n"
START = datetime(2026, 9, 2)  # the day after patient_data's event date


@dataclass(frozen=True)
class ImportFigures:
    stored_values: int
    preview_rows: int
    preview_s: float
    import_rows: int
    import_patients: int
    import_s: float
    import_preview_s: float


def _file(rows: int, patients: int, *, offset_s: int = 0, step_s: int = 30) -> bytes:
    """TUG results of patients IMP-000… in turn, ``step_s`` apart, ``offset_s`` after ``START``."""
    lines = [HEADER]
    for i in range(rows):
        at = START + timedelta(seconds=offset_s + step_s * (i // patients))
        lines.append(f"IMP-{i % patients:03d},tug,{at:%Y-%m-%d %H:%M:%S},,,{10 + (i % 50) / 10:.1f},s,,\r\n".encode())
    return b"".join(lines)


def _clinic(folder: Path, name: str, count: int) -> tuple[Database, Actor]:
    db = open_database(f"sqlite:///{folder / name}")
    admin = make_admin(db)
    clinician = make_clinician(db, admin, "bench.importer")
    for number in range(count):
        patients.register(db, clinician, patient_data(mrn=f"IMP-{number:03d}"))
    return db, clinician


def measure(
    *, stored: int = 10_000, preview_rows: int = 1_000, rows: int = 100_000, spread: int = 100
) -> ImportFigures:
    """Time the preview against a long stored history, and a large import with its preview."""
    with tempfile.TemporaryDirectory(prefix="rehab-bench-import-") as tmp:
        folder = Path(tmp)
        db, clinician = _clinic(folder, "history.db", 1)
        imports.import_assessments(db, clinician, _file(stored, 1))
        # new results between the stored ones, spread over the whole stored history: the worst case for a check
        # that reads only the stored values within the file's span
        later = _file(preview_rows, 1, offset_s=15, step_s=30 * max(1, stored // preview_rows))
        started = time.perf_counter()
        preview = imports.preview(db, clinician, later)
        preview_s = time.perf_counter() - started
        assert preview.new_values == preview_rows and not preview.problems
        db.dispose()

        db, clinician = _clinic(folder, "large.db", spread)
        data = _file(rows, spread)
        started = time.perf_counter()
        imports.preview(db, clinician, data)
        import_preview_s = time.perf_counter() - started
        started = time.perf_counter()
        result = imports.import_assessments(db, clinician, data, filename="bench.csv")
        import_s = time.perf_counter() - started
        assert result.values_written == rows
        db.dispose()
    return ImportFigures(stored, preview_rows, preview_s, rows, spread, import_s, import_preview_s)


@contextmanager
def _fresh_url(folder: Path, postgres: str | None) -> Iterator[str]:
    """A new SQLite file in ``folder``, or a new database on the ``postgres`` server (dropped afterwards)."""
    if not postgres:
        yield f"sqlite:///{folder / 'single.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    name = f"rehab_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def single_patient_import(rows: int = 100_000, postgres: str | None = None) -> float:
    """Seconds to import ``rows`` values of one patient in one file (every row touches the same patient)."""
    with tempfile.TemporaryDirectory(prefix="rehab-bench-import-") as tmp, _fresh_url(Path(tmp), postgres) as url:
        db = open_database(url)
        admin = make_admin(db)
        clinician = make_clinician(db, admin, "bench.importer")
        patients.register(db, clinician, patient_data(mrn="IMP-000"))
        data = _file(rows, 1)
        started = time.perf_counter()
        result = imports.import_assessments(db, clinician, data, filename="bench.csv")
        took = time.perf_counter() - started
        assert result.values_written == rows
        db.dispose()
    return took


def lines(f: ImportFigures) -> list[str]:
    """The BENCHMARKS.md section."""
    return [
        "## Assessment import (SQLite)",
        "",
        "| | rows | time |",
        "|---|---|---|",
        f"| preview for a patient with {f.stored_values:,} stored values | {f.preview_rows:,} | {f.preview_s:.2f} s |",
        f"| preview of a clinic's history ({f.import_patients} patients) | {f.import_rows:,} | "
        f"{f.import_preview_s:.1f} s |",
        f"| import of that file: checked again, written in batches of {imports.BATCH_VALUES:,} in one "
        f"transaction | {f.import_rows:,} | {f.import_s:.1f} s |",
        "",
        "The duplicate check reads the patient's stored values of the file's measures within its first and last "
        "time (here the whole stored history: the new rows lie between the stored ones) and looks each row up in "
        "an index of them (by measure, time, side and site). The page checks a file "
        "once and keeps the preview for reruns; the import checks every row again inside its transaction, since "
        "the stored values may have changed since the preview. Target (issue 16): preview of 1,000 rows ≤ 0.5 s "
        "whatever the stored history.",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--single-patient", action="store_true", help="only one patient's large import")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a fresh database is made on it)")
    args = parser.parse_args(argv)
    if not args.single_patient:
        print("\n".join(lines(measure(rows=args.rows))))
        return
    engine = "PostgreSQL" if args.postgres else "SQLite"
    took = single_patient_import(args.rows, args.postgres)
    print(f"{args.rows:,} values of one patient imported on {engine} in {took:.1f} s")


if __name__ == "__main__":
    main()
