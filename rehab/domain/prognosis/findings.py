"""Findings PREP2 needs that are not catalogue measures: the NIHSS total and the upper-limb MEP status by TMS.

Each is entered with the day it was found, so PREP2 can refuse one outside its window (NIHSS on day 3, MEP on
days 3–7 [R88]). The NIHSS total is a whole number from 0 to 42, the sum of its 15 items' highest scores
(the NIH Stroke Scale form; Brott 1989); a value outside that is refused, never clamped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rehab.domain.errors import ValidationError, ValidationErrors

NIHSS = "nihss"
MEP = "mep"
FINDING_LABELS = {NIHSS: "NIHSS total", MEP: "Upper-limb MEP (TMS)"}
NIHSS_MAX = 42  # 1a 3 + 1b 2 + 1c 2 + gaze 2 + visual 3 + face 3 + arms 4 + 4 + legs 4 + 4 + ataxia 2 + sensory 2
# + language 3 + dysarthria 2 + extinction 2 (the NIH Stroke Scale form)
MEP_VALUES = {"positive": "MEP+ (present)", "negative": "MEP− (absent)"}


@dataclass(frozen=True)
class FindingEntry:
    """A validated finding: its kind, the day found and the value as stored text ("9", "positive")."""

    kind: str
    found_on: date
    value: str


def _value(kind: object, value: object, errors: list[ValidationError]) -> str:
    if kind == NIHSS:
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(ValidationError("value", "NIHSS must be a whole number"))
        elif not 0 <= value <= NIHSS_MAX:
            errors.append(ValidationError("value", f"NIHSS must be a whole number from 0 to {NIHSS_MAX}"))
        else:
            return str(value)
    elif kind == MEP:
        if isinstance(value, str) and value in MEP_VALUES:
            return value
        errors.append(ValidationError("value", "choose MEP+ (present) or MEP− (absent)"))
    return ""


def parse_finding(raw: Mapping[str, object], *, today: date, event_date: date | None) -> FindingEntry:
    """A finding from a form, or ValidationErrors naming each bad field; nothing is changed or guessed."""
    errors: list[ValidationError] = []
    kind, found_on = raw.get("kind"), raw.get("found_on")
    if not isinstance(kind, str) or kind not in FINDING_LABELS:
        errors.append(ValidationError("kind", "choose NIHSS or MEP status"))
    if not isinstance(found_on, date):
        errors.append(ValidationError("found_on", "enter the day it was found"))
    elif found_on > today:
        errors.append(ValidationError("found_on", "is after today"))
    elif event_date is not None and found_on < event_date:
        errors.append(ValidationError("found_on", "is before the date of the stroke"))
    text = _value(kind, raw.get("value"), errors)
    if errors:
        raise ValidationErrors(errors)
    assert isinstance(kind, str) and isinstance(found_on, date)
    return FindingEntry(kind, found_on, text)
