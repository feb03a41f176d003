"""Storage: SQLAlchemy tables, repositories, Alembic migrations and engine set-up."""

from rehab.store.db import Database, open_database

__all__ = ["Database", "open_database"]
