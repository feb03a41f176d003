"""Clinic-wide settings: the readiness-screen thresholds the clinic has adopted.

Each save adds a new version (the old ones stay readable); a save made on an old version is refused,
so two administrators cannot silently overwrite each other.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.safety import DEFAULT_THRESHOLDS, ScreenThresholds
from rehab.services import audit
from rehab.services.context import AccessDenied, Actor, ConflictError, now_utc
from rehab.store import Database
from rehab.store import plans as plan_store

SCREEN_THRESHOLDS = "screen_thresholds"
THRESHOLD_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ScreenThresholds))
_WHOLE = {"stop_pain_above", "caution_pain_above"}


@dataclass(frozen=True)
class ThresholdSettings:
    """The thresholds in force, their version (0 = the product defaults) and who set them."""

    thresholds: ScreenThresholds
    version: int
    updated_at: datetime | None
    updated_by_name: str

    @property
    def is_default(self) -> bool:
        return self.version == 0


def thresholds_in(conn: Connection) -> ThresholdSettings:
    """Read inside the caller's transaction (the screen uses the thresholds current at that moment)."""
    record = plan_store.latest_setting(conn, SCREEN_THRESHOLDS)
    if record is None:
        return ThresholdSettings(DEFAULT_THRESHOLDS, 0, None, "")
    values = json.loads(record.value)
    known = {k: v for k, v in values.items() if k in THRESHOLD_FIELDS}
    return ThresholdSettings(ScreenThresholds(**known), record.version, record.created_at, record.created_by_name)


def screen_thresholds(db: Database) -> ThresholdSettings:
    return db.run(thresholds_in, write=False)


def _checked(values: dict[str, Any]) -> ScreenThresholds:
    errors: list[ValidationError] = []
    clean: dict[str, Any] = {}
    for name in THRESHOLD_FIELDS:
        value = values.get(name, getattr(DEFAULT_THRESHOLDS, name))
        if value is None:
            errors.append(ValidationError(name, "is required"))
            continue
        if name in _WHOLE and isinstance(value, float) and value.is_integer():
            value = int(value)
        clean[name] = value
    if errors:
        raise ValidationErrors(errors)
    try:
        return ScreenThresholds(**clean)
    except ValidationError as exc:
        raise ValidationErrors([exc]) from None


def save_screen_thresholds(db: Database, actor: Actor, values: dict[str, Any], *, expected_version: int) -> int:
    """Adopt new thresholds (administrators only); returns the new version."""
    if not actor.is_admin:
        raise AccessDenied("Only administrators can change the clinic's screening thresholds.")
    thresholds = _checked(values)

    def work(conn: Connection) -> int:
        current = thresholds_in(conn)
        if current.version != expected_version:
            when = current.updated_at.strftime("%Y-%m-%d %H:%M UTC") if current.updated_at else "just now"
            raise ConflictError(
                f"{current.updated_by_name} changed the thresholds at {when} after you opened them. "
                "Nothing was saved; reload to see their values."
            )
        new_version = expected_version + 1
        plan_store.add_setting(
            conn,
            name=SCREEN_THRESHOLDS,
            version=new_version,
            value=json.dumps(dataclasses.asdict(thresholds), sort_keys=True),
            user_id=actor.user_id,
            now=now_utc(),
        )
        changed = [n for n in THRESHOLD_FIELDS if getattr(thresholds, n) != getattr(current.thresholds, n)]
        detail = "changed: " + (", ".join(changed) or "nothing")
        audit.record(conn, actor, "update", "clinic_settings", SCREEN_THRESHOLDS, detail=detail)
        return new_version

    return db.run(work)
