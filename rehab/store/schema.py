"""Every table the migrations manage, gathered on one MetaData (Alembic and the schema test read it)."""

from rehab.store.tables import metadata

__all__ = ["metadata"]
