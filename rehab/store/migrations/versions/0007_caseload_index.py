"""Caseload: an index that answers each "newest result of a measure" seek without reading the table row.

The caseload asks, for every listed patient, for the newest final whole-body result of each main measure
before and after a date. With status, side and value in the index those seeks (and the newest-test
lookup) are answered from the index alone; it replaces the (patient, measure, taken_at) index, whose
prefix it keeps for every other query.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD = "ix_assessments_patient_id_measure_key_taken_at"
NEW = "ix_assessments_caseload"


def upgrade() -> None:
    op.create_index(NEW, "assessments", ["patient_id", "measure_key", "status", "taken_at", "side", "value"])
    op.drop_index(OLD, table_name="assessments")


def downgrade() -> None:
    op.create_index(OLD, "assessments", ["patient_id", "measure_key", "taken_at"])
    op.drop_index(NEW, table_name="assessments")
