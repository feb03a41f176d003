"""SQL for patients, their revisions and care teams."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Exists, and_, delete, exists, func, insert, select, update

from rehab.store.tables import care_team, patient_revisions, patients, users


@dataclass(frozen=True)
class PatientRecord:
    id: int
    mrn: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    condition: str
    event_date: date | None
    paretic_side: str
    notes: str
    status: str
    version: int
    created_at: datetime
    created_by: int
    updated_at: datetime
    updated_by: int
    updated_by_name: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"


_COLUMNS = [c for c in patients.c if c.name != "search_key"]


def _record(row: Any) -> PatientRecord:
    return PatientRecord(**row._mapping)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _visible_to(user_id: int | None) -> Exists | None:
    """Admins (user_id None) see everyone; clinicians see patients on their care team."""
    if user_id is None:
        return None
    return exists().where(and_(care_team.c.patient_id == patients.c.id, care_team.c.user_id == user_id))


def add(conn: Connection, details: dict[str, Any], *, search_key: str, user_id: int, now: datetime) -> int:
    result = conn.execute(
        insert(patients).values(
            **details,
            status="active",
            search_key=search_key,
            version=1,
            created_at=now,
            created_by=user_id,
            updated_at=now,
            updated_by=user_id,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]  # a single-row INSERT has a key


def get(conn: Connection, patient_id: int) -> PatientRecord | None:
    query = (
        select(*_COLUMNS, users.c.display_name.label("updated_by_name"))
        .join(users, users.c.id == patients.c.updated_by)
        .where(patients.c.id == patient_id)
    )
    row = conn.execute(query).first()
    return _record(row) if row else None


def mrn_taken(conn: Connection, mrn: str, *, except_id: int | None = None) -> bool:
    query = select(patients.c.id).where(func.lower(patients.c.mrn) == mrn.lower())
    if except_id is not None:
        query = query.where(patients.c.id != except_id)
    return conn.execute(query.limit(1)).first() is not None


def search(
    conn: Connection,
    text: str,
    *,
    visible_to: int | None,
    include_archived: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[PatientRecord]:
    query = select(*_COLUMNS, users.c.display_name.label("updated_by_name")).join(
        users, users.c.id == patients.c.updated_by
    )
    for term in text.casefold().split()[:5]:
        query = query.where(patients.c.search_key.like(f"%{_escape_like(term)}%", escape="\\"))
    if not include_archived:
        query = query.where(patients.c.status == "active")
    visibility = _visible_to(visible_to)
    if visibility is not None:
        query = query.where(visibility)
    query = query.order_by(patients.c.family_name, patients.c.given_name, patients.c.id)
    return [_record(r) for r in conn.execute(query.limit(limit).offset(offset))]


def count_visible(conn: Connection, *, visible_to: int | None) -> int:
    query = select(func.count()).select_from(patients).where(patients.c.status == "active")
    visibility = _visible_to(visible_to)
    if visibility is not None:
        query = query.where(visibility)
    return int(conn.execute(query).scalar_one())


def update_if_version(
    conn: Connection,
    patient_id: int,
    *,
    expected_version: int,
    values: dict[str, Any],
    user_id: int,
    now: datetime,
) -> bool:
    """Apply ``values`` only if nobody saved since ``expected_version``; keep the replaced state."""
    current = conn.execute(select(patients).where(patients.c.id == patient_id)).first()
    if current is None or current.version != expected_version:
        return False
    snapshot = {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in current._mapping.items()}
    result = conn.execute(
        update(patients)
        .where(and_(patients.c.id == patient_id, patients.c.version == expected_version))
        .values(**values, version=expected_version + 1, updated_at=now, updated_by=user_id)
    )
    if result.rowcount != 1:
        return False
    conn.execute(
        insert(patient_revisions).values(
            patient_id=patient_id,
            version=expected_version,
            snapshot=json.dumps(snapshot, sort_keys=True),
            replaced_at=now,
            replaced_by=user_id,
        )
    )
    return True


def revisions(conn: Connection, patient_id: int) -> list[dict[str, Any]]:
    query = (
        select(patient_revisions, users.c.display_name.label("replaced_by_name"))
        .join(users, users.c.id == patient_revisions.c.replaced_by)
        .where(patient_revisions.c.patient_id == patient_id)
        .order_by(patient_revisions.c.version.desc())
    )
    out = []
    for row in conn.execute(query):
        item = dict(row._mapping)
        item["snapshot"] = json.loads(item["snapshot"])
        out.append(item)
    return out


def team(conn: Connection, patient_id: int) -> list[int]:
    query = select(care_team.c.user_id).where(care_team.c.patient_id == patient_id).order_by(care_team.c.user_id)
    return [int(r[0]) for r in conn.execute(query)]


def on_team(conn: Connection, patient_id: int, user_id: int) -> bool:
    query = select(care_team.c.user_id).where(
        and_(care_team.c.patient_id == patient_id, care_team.c.user_id == user_id)
    )
    return conn.execute(query).first() is not None


def set_team(conn: Connection, patient_id: int, user_ids: set[int], *, now: datetime) -> None:
    current = set(team(conn, patient_id))
    removed = current - user_ids
    if removed:
        conn.execute(
            delete(care_team).where(and_(care_team.c.patient_id == patient_id, care_team.c.user_id.in_(removed)))
        )
    for user_id in sorted(user_ids - current):
        conn.execute(insert(care_team).values(patient_id=patient_id, user_id=user_id, added_at=now))


def add_many(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert (demo data, imports); returns the new ids in order."""
    if not rows:
        return []
    conn.execute(insert(patients), rows)
    mrns = [r["mrn"] for r in rows]
    found: dict[str, int] = {}
    for start in range(0, len(mrns), 500):
        chunk = mrns[start : start + 500]
        found.update(
            {r.mrn: r.id for r in conn.execute(select(patients.c.mrn, patients.c.id).where(patients.c.mrn.in_(chunk)))}
        )
    return [found[m] for m in mrns]


def add_team_members(conn: Connection, pairs: list[tuple[int, int]], *, now: datetime) -> None:
    if pairs:
        conn.execute(insert(care_team), [{"patient_id": p, "user_id": u, "added_at": now} for p, u in pairs])


def mrns_with_prefix(conn: Connection, prefix: str) -> set[str]:
    query = select(patients.c.mrn).where(patients.c.mrn.like(f"{_escape_like(prefix)}%", escape="\\"))
    return {r[0] for r in conn.execute(query)}
