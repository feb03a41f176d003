"""Every table the migrations manage, gathered on one MetaData (Alembic and the schema test read it)."""

from rehab.store import export_tables as _export_tables  # noqa: F401  (registers the session-note table)
from rehab.store import plan_tables as _plan_tables  # noqa: F401  (registers the plan tables on metadata)
from rehab.store.tables import metadata

__all__ = ["metadata"]
