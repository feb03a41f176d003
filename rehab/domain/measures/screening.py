"""Screening flags: a value on the wrong side of a published cut-off, with the source behind it.

Flags are prompts to look closer, not diagnoses: the reference stresses that fall-risk cut-offs have
modest accuracy. Age- and sex-specific cut-offs are applied only when age and sex are given; ``needs``
tells a form which of them a measure's cut-offs use.

Some cut-offs hold only for a kind of value or a side: EWGSOP2 grip is judged on the maximum trial
(Dodds 2014) and never on the paretic hand. ``screen`` returns the flags and, for each cut-off it did not
apply for such a reason, a note saying why, so the result says so instead of judging.

Population: ``fits`` (from ``rehab.domain.context.PatientContext.cutoff_misfit``) says, for each cut-off,
whether it was derived in the patient's own population; one that was not is never applied, and a note
names it for reference instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rehab.domain.errors import ValidationError
from rehab.domain.measures.catalogue import get
from rehab.domain.measures.model import EVIDENCE_TEXT, Cutoff, Flag
from rehab.domain.measures.norms import parse_age, parse_sex
from rehab.domain.measures.overrides import check_overrides, effective
from rehab.domain.measures.scoring import validate_value
from rehab.domain.units import fmt

SIDES = {"left": "left", "right": "right", "paretic": "paretic side", "non_paretic": "non-paretic side"}
_SYMBOL = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def _side(side: object) -> str | None:
    if side is None:
        return None
    if isinstance(side, str) and side.strip().lower() in SIDES:
        return SIDES[side.strip().lower()]
    raise ValidationError("side", f"must be one of: {', '.join(SIDES)}")


def needs(key: object) -> frozenset[str]:
    """Which of "age" and "sex" some of the measure's cut-offs depend on."""
    measure = get(key)
    out = set()
    for c in measure.cutoffs:
        if c.age is not None:
            out.add("age")
        if c.sex is not None:
            out.add("sex")
    return frozenset(out)


@dataclass(frozen=True)
class Screening:
    """Raised flags, and why a cut-off that would otherwise apply was not used (one note per reason)."""

    flags: list[Flag]
    notes: list[str]


def _number(value: object, field: str, key: str) -> float:
    return validate_value(key, value, field=field)


def screen(
    key: object,
    value: object,
    *,
    age: object = None,
    sex: object = None,
    side: object = None,
    overrides: object = None,
    trials: object = None,
    rule: object = None,
    fits: Callable[[Cutoff], str | None] | None = None,
) -> Screening:
    """Every cut-off the value falls on the wrong side of, in catalogue order, and notes on those not applied.

    ``trials`` (the single trials behind ``value``) and ``rule`` ("max" or "mean", how ``value`` was
    made) let a cut-off derived on the maximum trial be compared with the maximum; without them such a
    cut-off is applied to ``value`` only when ``rule`` is "max" or the measure's own rule is "max".
    """
    measure = get(key)
    number = validate_value(measure.key, value)
    years = parse_age(age)
    who = parse_sex(sex)
    where = _side(side)
    checked = check_overrides(overrides)
    kept: list[float] | None = None
    if trials is not None:
        if isinstance(trials, str | bytes) or not isinstance(trials, Sequence):
            raise ValidationError("trials", "must be a list of trial values")
        kept = [_number(t, "trial", measure.key) for t in trials if t is not None] or None
    how = rule if rule in ("max", "mean") else measure.trial_rule
    raised: list[Flag] = []
    notes: list[str] = []
    for original in measure.cutoffs:
        cut = effective(original, checked)
        if not isinstance(cut, Cutoff):
            continue
        if cut.sex is not None and cut.sex != who:
            continue
        if cut.age is not None and (years is None or not cut.age.contains(years)):
            continue
        misfit = fits(cut) if fits is not None else None
        if misfit:  # another group's cut-off: named only where it would have flagged, never raised
            if cut.is_met(number) and misfit not in notes:
                notes.append(misfit)
            continue
        if cut.not_on_paretic and where == SIDES["paretic"]:
            if cut.not_on_paretic + "." not in notes:
                notes.append(cut.not_on_paretic + ".")
            continue
        judged = number
        basis = ""
        if cut.trial_rule == "max" and how != "max":
            if kept is None:
                note = (
                    f"{cut.message} is not judged: the cut-off was derived on the maximum trial "
                    f"({cut.source}) and only the {how or 'combined'} value is available."
                )
                if note not in notes:
                    notes.append(note)
                continue
            judged = max(kept)
            basis = " (maximum trial)"
        if not cut.is_met(judged):
            continue
        text = (
            f"{cut.message}: {fmt(judged)} {cut.unit}{basis} {_SYMBOL[cut.comparison]} {fmt(cut.value)} {cut.unit}"
            + (f" ({where})" if where else "")
            + "."
        )
        if cut.overridden:
            text += " Cut-off set by the clinic."
        if cut.evidence != "primary":
            text += f" Source: {EVIDENCE_TEXT[cut.evidence]}."
        raised.append(Flag(cut.code, text, cut.source, cut.evidence, cut.id, cut.value, cut.population))
    return Screening(raised, notes)


def flags(
    key: object,
    value: object,
    *,
    age: object = None,
    sex: object = None,
    side: object = None,
    overrides: object = None,
    trials: object = None,
    rule: object = None,
    fits: Callable[[Cutoff], str | None] | None = None,
) -> list[Flag]:
    """Every cut-off the value falls on the wrong side of, in catalogue order (see ``screen``).

    ``sex`` is "male" or "female" (other/unknown skip sex-specific cut-offs); ``age`` is in years;
    ``side`` ("left", "right", "paretic", "non_paretic") is named in the message for per-side tests, and
    cut-offs that do not apply to the paretic side (EWGSOP2 grip) are skipped for it.
    """
    how = {"age": age, "sex": sex, "side": side, "overrides": overrides, "trials": trials, "rule": rule}
    return screen(key, value, fits=fits, **how).flags
