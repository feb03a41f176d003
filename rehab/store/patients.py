"""SQL for patients, their revisions and care teams."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Exists, LargeBinary, and_, cast, delete, exists, func, insert, select, text, update

from rehab.domain.text import identity_key
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


def lock_mrn(conn: Connection, mrn: str) -> None:
    """Hold a lock on ``mrn``'s identity key until the transaction ends, before checking it is free, so two
    saves of MRNs that differ only in case folding or NFKC ("STRASSE-1", "straße-1"), which the unique
    index on ``lower(mrn)`` does not see as equal, run one after the other on PostgreSQL and the second is
    refused. SQLite writers are already serialised (BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        digest = hashlib.sha256(f"rehab.mrn:{identity_key(mrn)}".encode()).digest()
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int.from_bytes(digest[:8], signed=True)})


def mrn_taken(conn: Connection, mrn: str, *, except_id: int | None = None) -> bool:
    """True when another patient's MRN is the same as ``mrn`` once both are NFKC-normalised and case-folded
    (``rehab.domain.text.identity_key``): "STRASSE-1" and "straße-1", or "MRN1" and a stored "ＭＲＮ１".

    The unique index compares ``lower(mrn)``, which is the same key for ASCII; the few stored MRNs holding
    other characters are compared here one by one."""
    key = identity_key(mrn)
    query = select(patients.c.id).where(func.lower(patients.c.mrn).in_(sorted({mrn.lower(), key})))
    if except_id is not None:
        query = query.where(patients.c.id != except_id)
    if conn.execute(query.limit(1)).first() is not None:
        return True
    octets = (
        func.octet_length(patients.c.mrn)
        if conn.dialect.name == "postgresql"
        else func.length(cast(patients.c.mrn, LargeBinary))
    )
    others = select(patients.c.id, patients.c.mrn).where(octets != func.length(patients.c.mrn))
    if except_id is not None:
        others = others.where(patients.c.id != except_id)
    return any(identity_key(row.mrn) == key for row in conn.execute(others))


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
    snapshot: dict[str, Any] = {
        k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in current._mapping.items()
    }
    snapshot["care_team"] = team(conn, patient_id)  # the members of the replaced version (user ids)
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


@dataclass(frozen=True)
class TeamChange:
    """What ``set_team`` did: the members before and after, and who was added and removed (user ids)."""

    before: tuple[int, ...]
    after: tuple[int, ...]

    @property
    def added(self) -> tuple[int, ...]:
        return tuple(u for u in self.after if u not in self.before)

    @property
    def removed(self) -> tuple[int, ...]:
        return tuple(u for u in self.before if u not in self.after)

    @property
    def changed(self) -> bool:
        return self.before != self.after


def set_team(conn: Connection, patient_id: int, user_ids: set[int], *, now: datetime) -> TeamChange:
    current = set(team(conn, patient_id))
    removed = current - user_ids
    if removed:
        conn.execute(
            delete(care_team).where(and_(care_team.c.patient_id == patient_id, care_team.c.user_id.in_(removed)))
        )
    for user_id in sorted(user_ids - current):
        conn.execute(insert(care_team).values(patient_id=patient_id, user_id=user_id, added_at=now))
    return TeamChange(before=tuple(sorted(current)), after=tuple(sorted(user_ids)))


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
