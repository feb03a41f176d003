"""SQL for goals and their reviews (migration 0016): rows are added; a goal's status may change, never its values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from rehab.store.records import inserted_id
from rehab.store.tables import goal_reviews, goals


@dataclass(frozen=True)
class GoalRecord:
    id: int
    patient_id: int
    kind: str
    statement: str
    measure_key: str | None
    side: str | None
    target_value: float | None
    target_date: date
    gas_levels: dict[int, str] | None
    baseline: int | None
    importance: int | None
    difficulty: int | None
    status: str
    status_reason: str
    supersedes_id: int | None
    set_on: date
    set_by: int
    created_at: datetime
    version: int


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    goal_id: int
    rating: int | None
    note: str
    reviewed_by: int
    reviewed_at: datetime


def _goal(row: Row[Any]) -> GoalRecord:
    data = dict(row._mapping)
    levels = data["gas_levels"]
    data["gas_levels"] = {int(k): v for k, v in json.loads(levels).items()} if levels else None
    return GoalRecord(**data)


def add(conn: Connection, *, levels: dict[int, str] | None = None, **values: object) -> int:
    stored = json.dumps({str(k): v for k, v in levels.items()}) if levels else None
    return inserted_id(conn.execute(insert(goals).values(gas_levels=stored, version=1, **values)))


def get(conn: Connection, goal_id: int) -> GoalRecord | None:
    row = conn.execute(select(goals).where(goals.c.id == goal_id)).first()
    return _goal(row) if row else None


def for_patient(conn: Connection, patient_id: int) -> list[GoalRecord]:
    rows = conn.execute(select(goals).where(goals.c.patient_id == patient_id).order_by(goals.c.target_date, goals.c.id))
    return [_goal(r) for r in rows]


def set_status_if_version(
    conn: Connection, goal_id: int, *, expected_version: int, status: str, reason: str, from_statuses: tuple[str, ...]
) -> bool:
    """Change a goal's status (never its values); False when it changed since ``expected_version``."""
    result = conn.execute(
        update(goals)
        .where(goals.c.id == goal_id, goals.c.version == expected_version, goals.c.status.in_(from_statuses))
        .values(status=status, status_reason=reason, version=expected_version + 1)
    )
    return bool(result.rowcount)


def add_review(
    conn: Connection, *, goal_id: int, rating: int | None, note: str, reviewed_by: int, now: datetime
) -> int:
    result = conn.execute(
        insert(goal_reviews).values(goal_id=goal_id, rating=rating, note=note, reviewed_by=reviewed_by, reviewed_at=now)
    )
    return inserted_id(result)


def reviews_for(conn: Connection, goal_ids: list[int]) -> list[ReviewRecord]:
    if not goal_ids:
        return []
    rows = conn.execute(select(goal_reviews).where(goal_reviews.c.goal_id.in_(goal_ids)).order_by(goal_reviews.c.id))
    return [ReviewRecord(**r._mapping) for r in rows]
