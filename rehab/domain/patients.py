"""Patient demographics and their validation, in the words a clinician uses."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.text import identifier_problem, unstorable


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Condition(StrEnum):
    ISCHAEMIC_STROKE = "ischaemic_stroke"
    HAEMORRHAGIC_STROKE = "haemorrhagic_stroke"
    TBI = "tbi"
    SPINAL_CORD_INJURY = "spinal_cord_injury"
    OTHER_NEUROLOGICAL = "other_neurological"
    ORTHOPAEDIC = "orthopaedic"
    DECONDITIONING = "deconditioning"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"
    NONE = "none"


CONDITION_LABELS: dict[Condition, str] = {
    Condition.ISCHAEMIC_STROKE: "Ischaemic stroke",
    Condition.HAEMORRHAGIC_STROKE: "Haemorrhagic stroke",
    Condition.TBI: "Traumatic brain injury",
    Condition.SPINAL_CORD_INJURY: "Spinal cord injury",
    Condition.OTHER_NEUROLOGICAL: "Other neurological",
    Condition.ORTHOPAEDIC: "Orthopaedic",
    Condition.DECONDITIONING: "Deconditioning",
}
SEX_LABELS: dict[Sex, str] = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.OTHER: "Other", Sex.UNKNOWN: "Not known"}
SIDE_LABELS: dict[Side, str] = {
    Side.LEFT: "Left",
    Side.RIGHT: "Right",
    Side.BILATERAL: "Bilateral",
    Side.NONE: "None",
}

# Conditions defined by an onset event; "days since the event" drives interpretation there.
EVENT_CONDITIONS = {
    Condition.ISCHAEMIC_STROKE,
    Condition.HAEMORRHAGIC_STROKE,
    Condition.TBI,
    Condition.SPINAL_CORD_INJURY,
}

STROKE = frozenset({Condition.ISCHAEMIC_STROKE, Condition.HAEMORRHAGIC_STROKE})


def side_words(condition: str) -> tuple[str, str]:
    """The weaker and the stronger side in the clinic's words: "paretic" is a stroke word, so other
    conditions read "affected" and "less affected"."""
    return ("paretic", "non-paretic") if condition in STROKE else ("affected", "less affected")


MAX_AGE_YEARS = 125
MRN_MAX = 32
NAME_MAX = 100
NOTES_MAX = 5000


@dataclass(frozen=True)
class PatientDetails:
    """Validated demographics, ready to store."""

    mrn: str
    given_name: str
    family_name: str
    birth_date: date
    sex: Sex
    condition: Condition
    event_date: date | None
    paretic_side: Side
    notes: str = ""

    @property
    def search_key(self) -> str:
        return f"{self.mrn} {self.given_name} {self.family_name}".casefold()[:240]

    def as_dict(self) -> dict[str, Any]:
        return {
            "mrn": self.mrn,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "birth_date": self.birth_date,
            "sex": self.sex.value,
            "condition": self.condition.value,
            "event_date": self.event_date,
            "paretic_side": self.paretic_side.value,
            "notes": self.notes,
        }


def _text(raw: object, field: str, label: str, limit: int, *, identifier: bool = False) -> str:
    """Required one-line text; spaces are trimmed and runs of them made one. The MRN (``identifier``) must
    also be letters of one script and never holds joiners; see ``rehab.domain.text.identifier_problem``."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        raise ValidationError(field, f"{label} is required.")
    if not isinstance(raw, str):
        raise ValidationError(field, f"{label} must be text.")
    value = " ".join(raw.split())
    if not value:
        raise ValidationError(field, f"{label} is required.")
    if len(value) > limit:
        raise ValidationError(field, f"{label} must be {limit} characters or fewer.")
    if unstorable(value):
        raise ValidationError(field, f"{label} contains characters that cannot be stored.")
    problem = identifier_problem(value, label, single_script=identifier, allow_joiners=not identifier)
    if problem:
        raise ValidationError(field, problem)
    return value


def _date(raw: object, field: str, label: str, *, required: bool) -> date | None:
    if raw is None or raw == "":
        if required:
            raise ValidationError(field, f"{label} is required.")
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(field, f"{label} must be a date like 2024-03-31.") from None
    raise ValidationError(field, f"{label} must be a date.")


def _choice(raw: object, field: str, enum: type[StrEnum], label: str) -> Any:
    if raw is None or raw == "":
        raise ValidationError(field, f"{label} is required.")
    try:
        if not isinstance(raw, str):  # a StrEnum member is a str too
            raise ValueError(raw)
        return enum(raw)
    except ValueError:
        options = ", ".join(m.value for m in enum)
        raise ValidationError(field, f"{label} must be one of: {options}.") from None


def validate_patient(data: dict[str, Any], *, today: date) -> PatientDetails:
    """Check every field and report all problems at once; nothing is stored unless all pass."""
    errors: list[ValidationError] = []
    out: dict[str, Any] = {}

    def take(field: str, fn: Any, *args: Any, **kwargs: Any) -> None:
        try:
            out[field] = fn(data.get(field), field, *args, **kwargs)
        except ValidationError as err:
            errors.append(err)

    take("mrn", _text, "MRN", MRN_MAX, identifier=True)
    take("given_name", _text, "Given name", NAME_MAX)
    take("family_name", _text, "Family name", NAME_MAX)
    take("birth_date", _date, "Date of birth", required=True)
    take("sex", _choice, Sex, "Sex")
    take("condition", _choice, Condition, "Condition")
    condition = out.get("condition")
    take("event_date", _date, "Event date", required=condition in EVENT_CONDITIONS)
    take("paretic_side", _choice, Side, "Affected side")

    notes = data.get("notes") or ""
    if not isinstance(notes, str):
        errors.append(ValidationError("notes", "Notes must be text."))
    elif len(notes) > NOTES_MAX:
        errors.append(ValidationError("notes", f"Notes must be {NOTES_MAX} characters or fewer."))
    elif unstorable(notes, multiline=True):
        errors.append(ValidationError("notes", "Notes contain characters that cannot be stored."))
    else:
        out["notes"] = notes.strip()

    birth = out.get("birth_date")
    if birth is not None:
        if birth > today:
            errors.append(ValidationError("birth_date", "Date of birth cannot be in the future."))
            birth = None
        elif today.year - birth.year > MAX_AGE_YEARS:
            errors.append(ValidationError("birth_date", f"Date of birth is more than {MAX_AGE_YEARS} years ago."))
            birth = None
    event = out.get("event_date")
    if event is not None:
        if event > today:
            errors.append(ValidationError("event_date", "Event date cannot be in the future."))
        elif birth is not None and event < birth:
            errors.append(ValidationError("event_date", "Event date cannot be before the date of birth."))

    if errors:
        raise ValidationErrors(errors)
    return PatientDetails(**out)


def age_on(birth_date: date, on: date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
