"""The demo clinic is generated in batches: memory is that of one batch, not of the whole clinic.

Measured with tracemalloc (Python allocations) at 40 and at 160 patients in batches of 20. Generated in one
piece, the 160-patient clinic held four times the rows (every assessment value and logged set in memory until
the end): its peak would be about 4 × the 40-patient one. In batches both runs hold one batch at a time, so the
peaks differ only by how long the largest batch's random histories are; 1.5 × leaves room for that and still
fails for anything that grows with the number of patients.
"""

from __future__ import annotations

import tracemalloc

from rehab.services import demo
from rehab.store import Database

BATCH = 20


def _peak(db: Database, patients: int, seed: int) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = demo.generate(db, patients=patients, seed=seed, plan_history_days=30, batch_patients=BATCH)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.patients == patients
    return peak


def test_memory_does_not_grow_with_the_number_of_patients(sqlite_db: Database) -> None:
    demo.generate(sqlite_db, patients=5, seed=9, plan_history_days=60)  # imports and statement caches warmed
    small = _peak(sqlite_db, 40, seed=2)
    large = _peak(sqlite_db, 160, seed=3)
    assert large <= 1.5 * small, (small, large)


def test_batches_report_progress_and_an_interrupted_run_completes_on_a_second(sqlite_db: Database) -> None:
    told: list[tuple[int, int]] = []
    demo.generate(
        sqlite_db, patients=7, seed=5, plan_history_days=0, batch_patients=3, progress=lambda d, t: told.append((d, t))
    )
    assert told == [(0, 7), (3, 7), (6, 7), (7, 7)]
    again = demo.generate(sqlite_db, patients=9, seed=5, plan_history_days=0, batch_patients=3)
    assert again.patients == 2  # the first 7 MRNs exist already: only the 2 new ones are added
