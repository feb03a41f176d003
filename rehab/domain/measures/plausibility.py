"""Plausible ranges: data-entry sanity bounds, not clinical thresholds.

A value outside a measure's plausible range is possible (a very slow walker, an unusually strong grip) but
is more often a slip of the keyboard (900 s typed for 90.0 s). It is never refused and never changed: the
clinician is asked "is this right?" and the answer is stored with the value. Nothing here judges a patient;
no flag, category or verdict reads these bounds.

Each bound is derived from a published range, protocol limit or norm in the clinical reference, with the
derivation written out. Where a margin is added (four times the slowest published group, three standard
deviations above the strongest published mean), the margin is this app's data-entry convention, chosen so
that only values far beyond anything the reference describes are questioned; it is not a clinical figure.
Measures without a published range to derive a bound from have none (every value in the measure's valid
range is taken as typed).
"""

from __future__ import annotations

from dataclasses import dataclass

from rehab.domain.errors import ValidationError
from rehab.domain.measures.model import Band
from rehab.domain.units import KG_PER_LB, fmt

# Mathiowetz 1985 (reference §1.3, table A): the strongest group's mean is men 30-34, right hand, 121.8 lb,
# SD 22.4 lb. Mean + 3 SD = 189.0 lb.
_GRIP_TOP_LB = 121.8 + 3 * 22.4
# Healthy older adults walk about 1.33 m/s (reference §4.1, UF thesis, secondary source); twice that.
_FAST_WALK_M_S = 2 * 1.33


@dataclass(frozen=True)
class PlausibleRange:
    """The values a measure is entered as without a question, and how that range was derived."""

    band: Band
    unit: str
    reason: str

    def describe(self) -> str:
        return f"{self.band.describe(self.unit)} ({self.reason})"


PLAUSIBLE: dict[str, PlausibleRange] = {
    "tug": PlausibleRange(
        Band(upper=120),
        "s",
        "the slowest group the reference describes takes more than 30 s (adults dependent in daily activities, "
        "Podsiadlo 1991 via LOINC 89423-8 [R31]); the app asks to confirm beyond four times that",
    ),
    "sls": PlausibleRange(
        Band(upper=30),
        "s",
        "the PhenX one-leg-stand protocol times up to 30 s (LOINC 64388-2 [R62])",
    ),
    "grip": PlausibleRange(
        Band(upper=round(_GRIP_TOP_LB * KG_PER_LB, 2)),
        "kg",
        f"three standard deviations above the strongest published mean: Mathiowetz 1985, men 30–34 right hand "
        f"121.8 lb, SD 22.4 lb, so {fmt(_GRIP_TOP_LB)} lb (reference §1.3 [R58])",
    ),
    "ten_mwt": PlausibleRange(
        Band(upper=_FAST_WALK_M_S),
        "m/s",
        "twice the walking speed of healthy older adults, about 1.33 m/s (reference §4.1, secondary source)",
    ),
    "six_mwt": PlausibleRange(
        Band(upper=round(_FAST_WALK_M_S * 360, 1)),
        "m",
        f"six minutes at {fmt(_FAST_WALK_M_S)} m/s, twice the walking speed of healthy older adults "
        "(reference §4.1, secondary source)",
    ),
}


@dataclass(frozen=True)
class Question:
    """An implausible value waiting for the clinician's "yes, this is right"; ``id`` ties it to the value."""

    id: str
    text: str
    what: str = ""
    """The value asked about in a few words ("Timed Up and Go 900 s"), for the confirmation box."""


class Unconfirmed(ValidationError):
    """A field error that nothing was saved because a value outside its plausible range awaits confirmation.

    It is a ``ValidationError`` like any other (one error type), carrying the question so a page can offer
    "yes, this is right" beside the field.
    """

    def __init__(self, field: str, asked: Question) -> None:
        super().__init__(field, f"{asked.text} Check it, or confirm it is right, then save again.")
        self.question = asked


def plausible_range(key: str) -> PlausibleRange | None:
    """The measure's plausible range, or None where the reference gives nothing to derive one from."""
    return PLAUSIBLE.get(key)


def question(key: str, name: str, value: float, *, side: str | None = None, site: str | None = None) -> Question | None:
    """The question to ask about a stored (SI) value outside its plausible range; None if it is inside."""
    rng = PLAUSIBLE.get(key)
    if rng is None or rng.band.contains(value):
        return None
    where = " · ".join(w for w in (site, side) if w)
    what = f"{name}{f' ({where})' if where else ''} {fmt(value)} {rng.unit}"
    text = f"{what} is outside the plausible range {rng.band.describe(rng.unit)}: {rng.reason}."
    return Question(f"{key}|{side or ''}|{(site or '').lower()}|{fmt(value)}", text, what)
