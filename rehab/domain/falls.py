"""Falls: the ProFaNE definition, what a recorded fall holds, and how fall history feeds the fall-risk flag.

Definition and recording follow the ProFaNE consensus (Lamb, Jørstad-Stein, Hauer & Becker 2005, J Am Geriatr
Soc 53(9):1618–22 [R107]); near-misses (a trip or stumble without landing on a lower level) are not falls and
are not recorded here. A prior fall predicts falls after stroke (Xu et al. 2018 meta-analysis, community stroke
survivors [R108]), more strongly recurrent falls, so the count of falls in the last 6 and 12 months joins the
balance cut-offs in the caseload's fall-risk flag for patients after a stroke. Other conditions are not flagged
by fall history: the reference's evidence for it was gathered after stroke.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.patients import STROKE
from rehab.domain.text import free_text

PROFANE_SOURCE = "ProFaNE consensus, Lamb, Jørstad-Stein, Hauer & Becker 2005, J Am Geriatr Soc 53(9):1618–22 [R107]"
FALL_DEFINITION = (
    'A fall is "an unexpected event in which the participants come to rest on the ground, floor, or lower level" '
    f"({PROFANE_SOURCE}). A trip or stumble in which the person did not land on a lower level is a near-miss, "
    "not a fall, and is not recorded here."
)
ASK_THE_PATIENT = (
    "ProFaNE's question: \"In the past month, have you had any fall including a slip or trip in which you lost "
    'your balance and landed on the floor or ground or lower level?" [R107]'
)
HISTORY_SOURCE = (
    "Xu et al. 2018, Arch Phys Med Rehabil 99(3):563–573, meta-analysis of prospective studies in community stroke "
    "survivors: history of falls OR 1.67 (95 % CI 1.03–2.72) for any fall, OR 4.19 (2.05–7.01) for recurrent "
    "falls [R108]; combine with balance rather than using it alone (clinical reference §13.13)"
)
RECURRENT = 2  # "recurrent/frequent faller" defined explicitly as ≥ 2 falls in the period (§13.13)
WINDOWS_MONTHS = (6, 12)
CIRCUMSTANCES_MAX = 2000

FLAG_HELP = (
    "After a stroke, also any fall recorded in the last 12 months (counts for the last 6 and 12 months are shown; "
    "2 or more is recurrent): a history of falls predicted falls in community stroke survivors, OR 1.67 for any "
    "fall and 4.19 for recurrent falls (Xu 2018 meta-analysis). The flag is then dated by the newest fall if it "
    "is later than the newest Berg or TUG."
)


class Place(StrEnum):
    INDOOR = "indoor"
    OUTDOOR = "outdoor"
    NOT_KNOWN = "not_known"


class Injury(StrEnum):
    NONE = "none"
    MINOR = "minor"
    FRACTURE = "fracture"
    OTHER = "other"
    NOT_KNOWN = "not_known"


class ReportedBy(StrEnum):
    DIARY = "diary"
    INTERVIEW = "interview"
    INCIDENT_REPORT = "incident_report"


PLACE_LABELS = {Place.INDOOR: "Indoors", Place.OUTDOOR: "Outdoors", Place.NOT_KNOWN: "Not known"}
INJURY_LABELS = {
    Injury.NONE: "No injury",
    Injury.MINOR: "Minor injury (bruise, graze, cut)",
    Injury.FRACTURE: "Fracture, radiologically confirmed",
    Injury.OTHER: "Other injury",
    Injury.NOT_KNOWN: "Not known",
}
REPORTED_LABELS = {
    ReportedBy.DIARY: "Falls diary or calendar",
    ReportedBy.INTERVIEW: "Interview (telephone or face to face)",
    ReportedBy.INCIDENT_REPORT: "Incident report",
}


@dataclass(frozen=True)
class FallDetails:
    """One fall as a clinician recorded it, validated."""

    fell_on: date
    place: Place
    circumstances: str
    injury: Injury
    injury_note: str
    reported_by: ReportedBy


def _choice(raw: object, kind: type[StrEnum], field: str, errors: list[ValidationError]) -> Any:
    if isinstance(raw, kind):
        return raw
    if isinstance(raw, str) and raw in {m.value for m in kind}:
        return kind(raw)
    errors.append(ValidationError(field, "choose one of the options offered"))
    return None


def parse_fall(raw: Mapping[str, object], *, today: date, earliest: date | None = None) -> FallDetails:
    """A fall from a form or an import, or ValidationErrors naming each field; nothing is changed or guessed.

    ``earliest`` is the patient's date of birth: a fall cannot be dated before it.
    """
    errors: list[ValidationError] = []
    fell_on = raw.get("fell_on")
    if not isinstance(fell_on, date):
        errors.append(ValidationError("fell_on", "enter the date of the fall"))
    elif fell_on > today:
        errors.append(ValidationError("fell_on", f"is after today ({today.isoformat()})"))
    elif earliest is not None and fell_on < earliest:
        errors.append(ValidationError("fell_on", "is before the patient's date of birth"))
    place = _choice(raw.get("place"), Place, "place", errors)
    injury = _choice(raw.get("injury"), Injury, "injury", errors)
    reported = _choice(raw.get("reported_by"), ReportedBy, "reported_by", errors)
    texts: dict[str, str] = {}
    for field in ("circumstances", "injury_note"):
        try:
            texts[field] = free_text(raw.get(field), field, limit=CIRCUMSTANCES_MAX)
        except ValidationError as exc:
            errors.append(exc)
    if "circumstances" in texts and not texts["circumstances"]:
        errors.append(ValidationError("circumstances", "describe what the patient was doing and how they fell"))
    if errors:
        raise ValidationErrors(errors)
    assert isinstance(fell_on, date)
    return FallDetails(fell_on, place, texts["circumstances"], injury, texts["injury_note"], reported)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class FallHistory:
    """Falls counted in the last 6 and 12 months before ``on`` (ProFaNE falls, current versions only)."""

    on: date
    last_6_months: int
    last_12_months: int
    newest: date | None

    @property
    def text(self) -> str:
        return f"{self.last_6_months} in the last 6 months, {self.last_12_months} in the last 12 months"


def fall_history(fell_on: Iterable[date], on: date) -> FallHistory:
    """Count the falls after the same day 6 and 12 months earlier, up to and including ``on``."""
    days = [d for d in fell_on if d <= on]
    six, twelve = (months_before(on, m) for m in WINDOWS_MONTHS)
    recent = [d for d in days if d > twelve]
    return FallHistory(on, sum(d > six for d in recent), len(recent), max(recent, default=None))


def history_flag(condition: str, history: FallHistory) -> tuple[bool, str]:
    """Whether fall history raises the fall-risk flag, and why (stroke only: the evidence's population)."""
    if history.last_12_months == 0:
        return False, ""
    if condition not in STROKE:
        return False, (
            f"Falls: {history.text}. Not used for the flag: the reference's evidence that prior falls predict falls "
            "was gathered after stroke (Xu 2018 [R108])."
        )
    kind = "recurrent falls" if history.last_12_months >= RECURRENT else "a fall"
    return True, f"Falls: {history.text} ({kind}); prior falls predict falls after stroke ({HISTORY_SOURCE})."
