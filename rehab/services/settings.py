"""Clinic-wide settings: the readiness-screen thresholds, the measure thresholds the clinic has adopted, the
pause after which a loading plan's progression starts again, and the MRN identifier system its FHIR exports
carry.

Each save adds a new version (the old ones stay readable); a save made on an old version is refused,
so two administrators cannot silently overwrite each other.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from rehab.domain import interop, measures
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.planning.loading_plan import DEFAULT_PAUSE_DAYS, checked_pause_days
from rehab.domain.safety import DEFAULT_THRESHOLDS, ScreenThresholds
from rehab.exports.fhir_codes import DEFAULT_MRN_SYSTEM
from rehab.services import audit, commands
from rehab.services.context import AccessDenied, Actor, ConflictError, now_utc
from rehab.store import Database
from rehab.store import plans as plan_store
from rehab.store.plans import SettingRecord

V = TypeVar("V")
S = TypeVar("S", bound="Versioned")


@dataclass(frozen=True, kw_only=True)
class Versioned:
    """Which version of a clinic setting is in force (0: never set, the product default), when and by whom."""

    version: int = 0
    updated_at: datetime | None = None
    updated_by_name: str = ""


def read_setting(conn: Connection, name: str, build: Callable[[V], S], parse: Callable[[Any], V], default: V) -> S:
    """The newest version of a setting (its stored JSON read by ``parse``), or ``default`` as version 0."""
    record = plan_store.latest_setting(conn, name)
    if record is None:
        return build(default)
    return dataclasses.replace(
        build(parse(json.loads(record.value))),
        version=record.version,
        updated_at=record.created_at,
        updated_by_name=record.created_by_name,
    )


SCREEN_THRESHOLDS = "screen_thresholds"
MEASURE_THRESHOLDS = "measure_thresholds"
PROGRESSION = "progression"
THRESHOLD_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ScreenThresholds))
_WHOLE = {"stop_pain_above", "caution_pain_above", "repeat_min_rest_minutes"}


@dataclass(frozen=True)
class ThresholdSettings(Versioned):
    """The thresholds in force, their version (0 = the product defaults) and who set them."""

    thresholds: ScreenThresholds

    @property
    def is_default(self) -> bool:
        return self.version == 0


def thresholds_in(conn: Connection) -> ThresholdSettings:
    """Read inside the caller's transaction (the screen uses the thresholds current at that moment)."""
    return read_setting(conn, SCREEN_THRESHOLDS, ThresholdSettings, _stored_thresholds, DEFAULT_THRESHOLDS)


def _stored_thresholds(values: dict[str, Any]) -> ScreenThresholds:
    return ScreenThresholds(**{k: v for k, v in values.items() if k in THRESHOLD_FIELDS})


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


def _conflict(name_of: str, current: SettingRecord | None) -> ConflictError:
    when = current.created_at.strftime("%Y-%m-%d %H:%M UTC") if current else "just now"
    who = current.created_by_name if current else "Another administrator"
    return ConflictError(
        f"{who} changed the {name_of} at {when} after you opened them. Nothing was saved; reload to see their values."
    )


def switch_in(conn: Connection, name: str) -> tuple[bool, int]:
    """A rule the clinic turns on by signing it off (off until then), and the setting's version (0: never set)."""
    record = plan_store.latest_setting(conn, name)
    return (record is not None and json.loads(record.value) is True), (record.version if record else 0)


def save_switch(db: Database, actor: Actor, *, name: str, name_of: str, on: bool, expected_version: int) -> int:
    """Turn a signed-off rule on or off for the clinic (administrators), as a new version of the setting."""
    state = "on" if on else "off"
    return save_version(
        db,
        actor,
        name=name,
        name_of=name_of,
        value=json.dumps(bool(on)),
        expected_version=expected_version,
        detail=lambda conn: f"{name_of} {state}",
    )


def save_version(
    db: Database,
    actor: Actor,
    *,
    name: str,
    name_of: str,
    value: str,
    expected_version: int,
    detail: Callable[[Connection], str],
) -> int:
    """Add version ``expected_version + 1`` of a setting, or refuse if someone saved in between."""
    if not actor.is_admin:
        raise AccessDenied(f"Only administrators can change the clinic's {name_of}.")

    def work(conn: Connection) -> int:
        current = plan_store.latest_setting(conn, name)
        version = current.version if current else 0
        if version != expected_version:
            raise _conflict(name_of, current)
        text = detail(conn)
        plan_store.add_setting(conn, name=name, version=version + 1, value=value, user_id=actor.user_id, now=now_utc())
        audit.record(conn, actor, "update", "clinic_settings", name, detail=text)
        return version + 1

    try:
        return db.run(work)
    except IntegrityError:  # two administrators saved the same version at the same moment
        latest = db.run(lambda conn: plan_store.latest_setting(conn, name), write=False)
        raise _conflict(name_of, latest) from None


def save_screen_thresholds(db: Database, actor: Actor, values: dict[str, Any], *, expected_version: int) -> int:
    """Adopt new thresholds (administrators only); returns the new version."""
    if not actor.is_admin:
        raise AccessDenied("Only administrators can change the clinic's screening thresholds.")
    thresholds = _checked(values)

    def changes(conn: Connection) -> str:
        current = thresholds_in(conn).thresholds
        changed = [n for n in THRESHOLD_FIELDS if getattr(thresholds, n) != getattr(current, n)]
        return "changed: " + (", ".join(changed) or "nothing")

    return save_version(
        db,
        actor,
        name=SCREEN_THRESHOLDS,
        name_of="screening thresholds",
        value=json.dumps(dataclasses.asdict(thresholds), sort_keys=True),
        expected_version=expected_version,
        detail=changes,
    )


@dataclass(frozen=True)
class ProgressionSettings(Versioned):
    """How many days without a workout restart a plan's count (version 0 = the product default)."""

    pause_days: int


def progression_in(conn: Connection) -> ProgressionSettings:
    """Read inside the caller's transaction, so a decision uses the pause in force when it is made."""
    return read_setting(
        conn, PROGRESSION, ProgressionSettings, lambda v: checked_pause_days(v["pause_days"]), DEFAULT_PAUSE_DAYS
    )


def progression_settings(db: Database) -> ProgressionSettings:
    return db.run(progression_in, write=False)


def save_pause_days(db: Database, actor: Actor, pause_days: int | str | None, *, expected_version: int) -> int:
    """Adopt the clinic's pause length (administrators only), as typed; returns the new version."""
    if not actor.is_admin:
        raise AccessDenied("Only administrators can change the clinic's progression settings.")
    typed = commands.parse(commands.PauseDays, {"pause_days": pause_days}).pause_days
    if typed is None:
        raise ValidationErrors([ValidationError("pause_days", "Enter the pause in days (1–365).")])
    days = checked_pause_days(typed)

    def change(conn: Connection) -> str:
        return f"pause_days: {progression_in(conn).pause_days} → {days}"

    return save_version(
        db,
        actor,
        name=PROGRESSION,
        name_of="progression settings",
        value=json.dumps({"pause_days": days}),
        expected_version=expected_version,
        detail=change,
    )


@dataclass(frozen=True)
class MeasureSettings(Versioned):
    """The clinic's values for secondary and unverified measure thresholds (id -> value), and their version."""

    overrides: dict[str, float]


def measure_settings_in(conn: Connection) -> MeasureSettings:
    """Read inside the caller's transaction, so a result is interpreted with the values in force then."""
    return read_setting(conn, MEASURE_THRESHOLDS, MeasureSettings, _stored_overrides, dict[str, float]())


def _stored_overrides(stored: dict[str, Any]) -> dict[str, float]:
    try:
        return measures.check_overrides(stored)
    except ValidationError:  # a catalogue update retired an id: keep the rest rather than fail every page
        values: dict[str, float] = {}
        for ident, value in stored.items():
            try:
                values.update(measures.check_overrides({ident: value}))
            except ValidationError:
                continue
        return values


def measure_settings(db: Database) -> MeasureSettings:
    return db.run(measure_settings_in, write=False)


def save_measure_overrides(db: Database, actor: Actor, values: dict[str, Any], *, expected_version: int) -> int:
    """Adopt clinic values for non-primary thresholds; a blank value returns one to the catalogue's default
    (an unverified threshold is then not applied). Errors name the threshold id."""
    if not actor.is_admin:
        raise AccessDenied("Only administrators can change the clinic's measure thresholds.")
    given = {k: v for k, v in values.items() if v is not None and v != ""}
    errors: list[ValidationError] = []
    clean: dict[str, float] = {}
    for ident, value in given.items():
        try:
            clean.update(measures.check_overrides({ident: value}))
        except ValidationError as exc:
            errors.append(ValidationError(str(ident), exc.message))
    if errors:
        raise ValidationErrors(errors)

    def changes(conn: Connection) -> str:
        before = measure_settings_in(conn).overrides
        changed = sorted(k for k in before.keys() | clean.keys() if before.get(k) != clean.get(k))
        return "changed: " + (", ".join(changed) or "nothing")

    return save_version(
        db,
        actor,
        name=MEASURE_THRESHOLDS,
        name_of="measure thresholds",
        value=json.dumps(clean, sort_keys=True),
        expected_version=expected_version,
        detail=changes,
    )


@dataclass(frozen=True)
class ThresholdRow:
    """One adjustable threshold as the settings page lists it."""

    id: str
    measure: str
    what: str
    population: str
    catalogue_value: float
    unit: str
    evidence: str
    source: str
    clinic_value: float | None
    in_force: str


def _what(t: measures.ChangeThreshold | measures.Cutoff) -> str:
    if isinstance(t, measures.ChangeThreshold):
        return f"{t.label} (change)"
    return f"Cut-off: flag when {t.comparison} {t.value:g} {t.unit}"


def adjustable_thresholds(db: Database, actor: Actor) -> tuple[MeasureSettings, list[ThresholdRow]]:
    """Every threshold a clinic may set: the catalogue's secondary (2°) and unverified figures. Primary-source
    figures are fixed so a record always matches the paper it cites."""
    if not actor.is_admin:
        raise AccessDenied("Only administrators can change the clinic's measure thresholds.")
    current = measure_settings(db)
    rows: list[ThresholdRow] = []
    for measure in measures.all_measures():
        for t in measure.all_thresholds:
            if t.evidence == "primary":
                continue
            chosen = current.overrides.get(t.id)
            if chosen is not None:
                state = "clinic value"
            elif t.active:
                state = "catalogue value"
            else:
                state = "not applied until signed off"
            rows.append(
                ThresholdRow(
                    id=t.id,
                    measure=measure.name,
                    what=_what(t),
                    population=t.population,
                    catalogue_value=float(t.value),
                    unit=t.unit,
                    evidence="unverified (from memory)" if t.evidence == "unverified" else "secondary source",
                    source=t.source,
                    clinic_value=chosen,
                    in_force=state,
                )
            )
    return current, rows


# --- prognosis sign-offs (issue 18) -----------------------------------------------------------------------------

PROGNOSIS_SIGN_OFFS = "prognosis_sign_offs"


@dataclass(frozen=True)
class SignOffs(Versioned):
    """The unverified prognosis figures the clinic has signed off (ids such as ``prep2.arat_bands``)."""

    ids: frozenset[str]


def prognosis_sign_offs_in(conn: Connection, known: frozenset[str]) -> SignOffs:
    return read_setting(conn, PROGNOSIS_SIGN_OFFS, SignOffs, lambda ids: frozenset(ids) & known, frozenset())


def save_prognosis_sign_offs(
    db: Database, actor: Actor, ids: set[str], known: frozenset[str], *, expected_version: int
) -> int:
    """Sign off (or withdraw) unverified prognosis figures; administrators only, a new version each time."""
    unknown = sorted(ids - known)
    if unknown:
        raise ValidationError("sign_offs", f"not a prognosis figure awaiting sign-off: {', '.join(unknown)}")
    return save_version(
        db,
        actor,
        name=PROGNOSIS_SIGN_OFFS,
        name_of="prognosis sign-offs",
        value=json.dumps(sorted(ids)),
        expected_version=expected_version,
        detail=lambda conn: "signed off: " + (", ".join(sorted(ids)) or "nothing"),
    )


# --- data exchange (issue 17) ---------------------------------------------------------------------------------

FHIR_IDENTIFIERS = "fhir_identifiers"


@dataclass(frozen=True)
class FhirSettings(Versioned):
    """The MRN identifier system in force for FHIR exports (version 0 = the product's own namespace)."""

    mrn_system: str


def fhir_settings_in(conn: Connection) -> FhirSettings:
    return read_setting(conn, FHIR_IDENTIFIERS, FhirSettings, lambda v: v["mrn_system"], DEFAULT_MRN_SYSTEM)


def fhir_settings(db: Database) -> FhirSettings:
    return db.run(fhir_settings_in, write=False)


def save_mrn_system(db: Database, actor: Actor, mrn_system: object, *, expected_version: int) -> int:
    """Adopt the hospital's MRN identifier system (administrators only): an EHR matches patients on it."""
    if not actor.is_admin:
        raise AccessDenied("Only administrators can change the clinic's identifier settings.")
    try:
        chosen = interop.identifier_system(mrn_system)
    except ValidationError as exc:
        raise ValidationErrors([exc]) from None

    def changes(conn: Connection) -> str:
        return f"MRN identifier system: {fhir_settings_in(conn).mrn_system} -> {chosen}"

    return save_version(
        db,
        actor,
        name=FHIR_IDENTIFIERS,
        name_of="identifier settings",
        value=json.dumps({"mrn_system": chosen}),
        expected_version=expected_version,
        detail=changes,
    )
