"""The exercise library: the product's exercises and the ones a clinic adds (stored as JSON, audited)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.planning import (
    DEFAULT_BAND_LEVELS,
    BodyRegion,
    Equipment,
    Exercise,
    exercise_library,
    make_custom_exercise,
)
from rehab.services import audit
from rehab.services.context import Actor, now_utc
from rehab.store import Database
from rehab.store import plans as plan_store
from rehab.store.plan_json import exercise_columns

# --- exercises ----------------------------------------------------------------------------------------


def _custom(row: Mapping[str, Any]) -> Exercise:
    equipment = Equipment(row["equipment"])
    if equipment is Equipment.BAND:
        return Exercise(
            row["key"], row["name"], BodyRegion(row["body_region"]), bool(row["unilateral"]), equipment, None,
            DEFAULT_BAND_LEVELS,
        )  # fmt: skip
    return Exercise(
        row["key"], row["name"], BodyRegion(row["body_region"]), bool(row["unilateral"]), equipment,
        float(row["load_step_kg"]),
    )  # fmt: skip


def library_in(conn: Connection) -> dict[str, Exercise]:
    """The built-in exercises plus the clinic's own, keyed by exercise key."""
    return exercise_library(extra=[_custom(r) for r in plan_store.custom_exercise_rows(conn)])


def library(db: Database) -> dict[str, Exercise]:
    return db.run(library_in, write=False)


def _slug(name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")
    return ("custom_" + words)[:56].rstrip("_") or "custom"


def add_custom_exercise(db: Database, actor: Actor, data: Mapping[str, Any]) -> str:
    """Add a clinic exercise (name, body region, one side or both, equipment, load step); returns its key."""
    equipment = data.get("equipment")
    step = data.get("load_step_kg")
    if equipment == Equipment.BAND.value:
        step = None

    def work(conn: Connection) -> str:
        known = library_in(conn)
        name = data.get("name")
        if isinstance(name, str) and name.strip().casefold() in {e.name.casefold() for e in known.values()}:
            raise ValidationErrors([ValidationError("name", f"'{name.strip()}' is already in the exercise library.")])
        base = _slug(name) if isinstance(name, str) else "custom"
        key, n = base, 2
        while key in known:
            key, n = f"{base}_{n}", n + 1
        try:
            exercise = make_custom_exercise(
                key=key,
                name=name,
                body_region=data.get("body_region"),
                equipment=equipment,
                unilateral=data.get("unilateral"),
                load_step_kg=step,
            )
        except ValidationError as exc:
            raise ValidationErrors([exc]) from None
        now = now_utc()
        plan_store.add_custom_exercise(
            conn,
            {**exercise_columns(exercise), "created_at": now, "created_by": actor.user_id},
        )
        audit.record(conn, actor, "create", "exercise", exercise.key, detail=exercise.name, at=now)
        return exercise.key

    return db.run(work)
