"""Is a change between two results real (beyond the MDC) and does it matter (beyond the MCID)?

Direction is the measure's own: a faster TUG is an improvement; for weight-bearing symmetry an
improvement is moving closer to 50 %, so the change judged is how much the distance from 50 % shrank.
A change "reaches" an MDC or MCID when its size is at least the figure (more than it, where the source
says "more than"). The figures used, their population and source are stated in ``reason``.

Population: ``population=None`` takes the first active MDC and MCID in the catalogue (the documented
defaults, see each measure's module). A population key selects that population's figures; where the
measure has none for it, the default is used and the reason says so. A tuple of keys (the populations
that fit one patient, from ``rehab.domain.context``) selects the first figure in catalogue order whose
population is among them, and never falls back: where none fits, no figure is applied, and the reason
says so and lists the other populations' figures for reference only.

Pace and muscle: a gait-speed MDC applies only at the pace it was measured at (``pace="comfortable"`` or
``"fast"``; not given means comfortable, the entry form's default, and the reason says so). A dynamometry
MDC applies only to the muscle action it was measured on (``site``, free text such as "knee extensors");
for any other muscle no MDC is used and the reason says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rehab.domain.errors import ValidationError
from rehab.domain.measures.catalogue import get
from rehab.domain.measures.model import ChangeThreshold, Measure
from rehab.domain.measures.overrides import all_populations, check_overrides, effective
from rehab.domain.measures.scoring import validate_value
from rehab.domain.strength import MMT_GRADES
from rehab.domain.units import fmt

REAL_AND_MEANINGFUL_IMPROVEMENT = "real and meaningful improvement"
REAL_IMPROVEMENT_BELOW_MCID = "real improvement, below the clinically important difference"
REAL_IMPROVEMENT_NO_MCID = "real improvement (no clinically important difference available)"
WITHIN_MEASUREMENT_ERROR = "within measurement error"
REAL_DECLINE = "real decline"
REAL_AND_MEANINGFUL_DECLINE = "real and meaningful decline"
NO_MDC = "no measurement-error figure available"

PACES = ("comfortable", "fast")
DEFAULT_PACE = "comfortable"

# Canonical muscle-action names for site-specific MDCs, from the free text a clinician types.
_ARM_WORDS = ("elbow", "shoulder", "arm")


def site_key(site: object) -> str | None:
    """The canonical muscle action of a free-text site ("Knee extensors" -> "knee extension"), or None."""
    if not isinstance(site, str):
        return None
    text = " ".join(site.lower().replace("-", " ").split())
    if not text:
        return None
    if ("knee" in text and "ext" in text) or "quadricep" in text:
        return "knee extension"
    if any(word in text.split() or text.startswith(word) for word in _ARM_WORDS) or "forearm" in text:
        return "arm"
    return text


# Differences are rounded before comparing so 0.65 - 0.50 m/s counts as 0.15 m/s, not 0.1499999.
_DECIMALS = 9


@dataclass(frozen=True)
class Change:
    """The change between two results and what it means.

    ``delta`` is after - before in the measure's unit. ``exceeds_mdc``/``exceeds_mcid`` say whether the
    size of the change reaches the figure (None when no figure applies). ``improved`` is True/False for a
    real change and None when the change is within the MDC or no MDC is available; ``direction`` still
    says which way the numbers moved.
    """

    key: str
    before: float
    after: float
    delta: float
    unit: str
    direction: Literal["better", "worse", "no change"]
    mdc: ChangeThreshold | None
    mcid: ChangeThreshold | None
    exceeds_mdc: bool | None
    exceeds_mcid: bool | None
    improved: bool | None
    verdict: str
    reason: str


def _fits(t: ChangeThreshold, pace: str | None, site: str | None) -> bool:
    if t.pace is not None and t.pace != (pace or DEFAULT_PACE):
        return False
    return not t.sites or site in t.sites


def _pick(
    kind: str,
    candidates: tuple[ChangeThreshold, ...],
    overrides: dict[str, float],
    population: str | tuple[str, ...] | None,
    baseline: float,
    unit: str,
    pace: str | None = None,
    site: str | None = None,
) -> tuple[ChangeThreshold | None, str]:
    usable: list[ChangeThreshold] = []
    for t in candidates:
        applied = effective(t, overrides)
        if (
            isinstance(applied, ChangeThreshold)
            and applied.unit == unit
            and (applied.baseline is None or applied.baseline.contains(baseline))
            and _fits(applied, pace, site)
        ):
            usable.append(applied)
    if isinstance(population, tuple):
        fitting = [t for t in usable if t.population in population]
        if fitting:
            return fitting[0], ""
        if usable:
            return None, (
                f" No {kind} in the catalogue was derived in this patient's population; not applied, for "
                "reference only: " + "; ".join(t.describe() for t in usable) + "."
            )
        return None, ""
    if population is not None:
        for t in usable:
            if t.population == population:
                return t, ""
        if usable:
            at_pace = f" at {pace or DEFAULT_PACE} pace" if any(t.pace for t in candidates) else ""
            return usable[0], f"No {kind} for population '{population}'{at_pace}, so the default is used: "
    return (usable[0] if usable else None), ""


def _not_fitting(
    measure: Measure, overrides: dict[str, float], unit: str, pace: str | None, site: str | None, shown: str
) -> str:
    """Why no MDC applies when the catalogue has some, but none for this pace or muscle."""
    others = [
        t for t in measure.mdc if t.unit == unit and effective(t, overrides) is not None and not _fits(t, pace, site)
    ]
    if not others:
        return ""
    if any(t.pace for t in others):
        return (
            f" No MDC in the reference was measured at {pace or DEFAULT_PACE} pace for this patient's figures; "
            "the MDCs for the other pace are not borrowed: " + "; ".join(t.describe() for t in others) + "."
        )
    where = f"'{shown}'" if shown else "an unnamed muscle"
    return (
        f" No MDC in the reference was measured on {where}; the published figures apply only to the muscle "
        "they were measured on and are not borrowed: " + "; ".join(t.describe() for t in others) + "."
    )


def _reaches(size: float, t: ChangeThreshold) -> bool:
    return size > t.value if t.strict else size >= t.value


def _shown(measure: Measure, value: float) -> str:
    if measure.key == "mmt":
        return MMT_GRADES[int(value)]
    if measure.grades:
        return f"{measure.unit_label} {measure.grades[int(value)]}"
    return f"{fmt(value)} {measure.unit_label}"


def _waiting(candidates: tuple[ChangeThreshold, ...], overrides: dict[str, float], unit: str) -> str:
    pending = [t for t in candidates if t.unit == unit and effective(t, overrides) is None]
    if not pending:
        return ""
    return (
        " An unverified figure awaits clinician sign-off in the clinic configuration: "
        + "; ".join(t.describe() for t in pending)
        + "."
    )


def change(
    key: object,
    before: object,
    after: object,
    *,
    population: object = None,
    unit: object = None,
    overrides: object = None,
    pace: object = None,
    site: object = None,
) -> Change:
    """Compare two results of one measure against its MDC and MCID.

    ``unit`` matters only for hand-held dynamometry, whose torque readings ("N.m") take a different MDC
    from force readings ("N", the default). ``pace`` ("comfortable" or "fast") selects gait-speed MDCs;
    ``site`` (the muscle or movement tested) selects dynamometry MDCs.
    """
    measure = get(key)
    b = validate_value(measure.key, before, field="before")
    a = validate_value(measure.key, after, field="after")
    if isinstance(population, frozenset | set):
        population = tuple(sorted(population))
    if isinstance(population, tuple):
        known = all_populations()
        if not all(isinstance(p, str) and p in known for p in population):
            raise ValidationError("population", "must be population keys from the catalogue")
    elif population is not None and (not isinstance(population, str) or population not in all_populations()):
        raise ValidationError(
            "population", f"must be one of: {', '.join(measure.populations) or 'none for this measure'}"
        )
    units = {measure.unit_label} | {t.unit for t in (*measure.mdc, *measure.mcid)}
    if unit is None:
        unit = measure.unit_label
    elif isinstance(unit, str):
        unit = unit.strip().replace("·", ".")  # "N·m" as typed is "N.m"
    if not isinstance(unit, str) or unit not in units:
        raise ValidationError("unit", f"must be one of: {', '.join(sorted(units))}")
    checked = check_overrides(overrides)
    if pace is not None and pace not in PACES:
        raise ValidationError("pace", f"must be one of: {', '.join(PACES)}")
    paced = any(t.pace for t in (*measure.mdc, *measure.mcid))
    pace_note = (
        f"Pace not recorded: {DEFAULT_PACE} assumed (the entry form's default). " if paced and pace is None else ""
    )
    shown_site = " ".join(site.split()) if isinstance(site, str) else ""
    muscle = site_key(site)

    delta = round(a - b, _DECIMALS) + 0.0
    if measure.higher_is_better is None:
        target = measure.target or 0.0
        benefit = abs(b - target) - abs(a - target)
        moved = f"distance from {fmt(target)} {measure.unit_label}: {fmt(abs(b - target))} → {fmt(abs(a - target))}"
    else:
        benefit = delta if measure.higher_is_better else -delta
        moved = f"{measure.direction} is better"
    benefit = round(benefit, _DECIMALS)
    size = abs(benefit)
    direction: Literal["better", "worse", "no change"] = (
        "better" if benefit > 0 else "worse" if benefit < 0 else "no change"
    )

    mdc, mdc_note = _pick("MDC", measure.mdc, checked, population, b, unit, pace, muscle)
    mcid, mcid_note = _pick("MCID", measure.mcid, checked, population, b, unit, pace, muscle)
    mdc_note = pace_note + mdc_note
    # with the patient's populations (a tuple), a note means "none fits": it is said, not a prefix
    unfit_mdc, unfit_mcid = "", ""
    if isinstance(population, tuple):
        unfit_mdc, unfit_mcid, mdc_note, mcid_note = mdc_note.removeprefix(pace_note), mcid_note, pace_note, ""
    exceeds_mdc = None if mdc is None else _reaches(size, mdc)
    exceeds_mcid = None if mcid is None else _reaches(size, mcid)

    if exceeds_mdc is None:
        improved, verdict = None, NO_MDC
    elif not exceeds_mdc:
        improved, verdict = None, WITHIN_MEASUREMENT_ERROR
    elif benefit > 0:
        improved = True
        if exceeds_mcid is None:
            verdict = REAL_IMPROVEMENT_NO_MCID
        else:
            verdict = REAL_AND_MEANINGFUL_IMPROVEMENT if exceeds_mcid else REAL_IMPROVEMENT_BELOW_MCID
    else:
        improved = False
        verdict = REAL_AND_MEANINGFUL_DECLINE if exceeds_mcid else REAL_DECLINE

    sign = "+" if delta > 0 else ""
    steps = "grade step" if abs(delta) == 1 else "grade steps"
    if measure.grades:
        # Ordinal grades (MAS 0, 1, 1+, 2, 3, 4; FAC 0-5): a shift of grade, never a difference of values.
        shift = "no shift of grade" if delta == 0 else f"{'up' if delta > 0 else 'down'} {fmt(abs(delta))} {steps}"
        parts = [f"{measure.name}: {_shown(measure, b)} → {_shown(measure, a)} ({shift}; {moved}; {direction})."]
    else:
        parts = [
            f"{measure.name}: {_shown(measure, b)} → {_shown(measure, a)} (change {sign}{fmt(delta)} "
            f"{steps if measure.key == 'mmt' else measure.unit_label}; {moved}; {direction})."
        ]
    if mdc is None:
        in_unit = f" in {unit}" if unit != measure.unit_label else ""
        unfit = _not_fitting(measure, checked, unit, pace, muscle, shown_site) + unfit_mdc
        why = (
            "MRC grades are ordinal, so no measurement-error figure applies."
            if measure.key == "mmt"
            else f"{measure.name} grades are ordinal categories (each grade its own category, never averaged "
            "or subtracted), so no measurement-error figure applies: the change is a shift of category."
            if measure.grades
            else "No MDC applies to this result, so real change cannot be judged."
            if unfit
            else f"No MDC is available for this measure{in_unit}, so real change cannot be judged."
        )
        parts.append(pace_note + why + unfit + _waiting(measure.mdc, checked, unit))
    else:
        reached = "reaches" if exceeds_mdc else "does not reach"
        parts.append(f"{mdc_note}{mdc.describe()}: the change {reached} it.")
    if mcid is None:
        none = (
            "No clinically important difference applies to this patient's population."
            if unfit_mcid
            else "No clinically important difference is available for this measure."
        )
        parts.append(none + unfit_mcid + _waiting(measure.mcid, checked, unit))
    else:
        reached = "reaches" if exceeds_mcid else "does not reach"
        parts.append(f"{mcid_note}{mcid.describe()}: the change {reached} it.")
    if population is None and measure.default_reason:
        parts.append(f"Defaults: {measure.default_reason}")
    return Change(
        measure.key,
        b,
        a,
        delta,
        unit,
        direction,
        mdc,
        mcid,
        exceeds_mdc,
        exceeds_mcid,
        improved,
        verdict,
        " ".join(parts),
    )
