"""Several replicas starting at once on an empty database: the schema is created once, and all of them start."""

from __future__ import annotations

import threading

from sqlalchemy import create_engine, text

from rehab.store import open_database
from rehab.store.migrate import head_revision

REPLICAS = 4


def test_replicas_starting_together_migrate_once(postgres_database_url: str) -> None:
    start = threading.Barrier(REPLICAS)
    errors: list[BaseException] = []

    def replica() -> None:
        start.wait(timeout=30)
        try:
            open_database(postgres_database_url).dispose()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=replica) for _ in range(REPLICAS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    engine = create_engine(postgres_database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    engine.dispose()
