"""Screening flags: a value on the wrong side of a published cut-off, with the source behind it.

Flags are prompts to look closer, not diagnoses: the reference stresses that fall-risk cut-offs have
modest accuracy. Age- and sex-specific cut-offs are applied only when age and sex are given; ``needs``
tells a form which of them a measure's cut-offs use.
"""

from __future__ import annotations

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


def flags(
    key: object,
    value: object,
    *,
    age: object = None,
    sex: object = None,
    side: object = None,
    overrides: object = None,
) -> list[Flag]:
    """Every cut-off the value falls on the wrong side of, in catalogue order.

    ``sex`` is "male" or "female" (other/unknown skip sex-specific cut-offs); ``age`` is in years;
    ``side`` ("left", "right", "paretic", "non_paretic") is named in the message for per-side tests.
    """
    measure = get(key)
    number = validate_value(measure.key, value)
    years = parse_age(age)
    who = parse_sex(sex)
    where = _side(side)
    checked = check_overrides(overrides)
    raised: list[Flag] = []
    for original in measure.cutoffs:
        cut = effective(original, checked)
        if not isinstance(cut, Cutoff):
            continue
        if cut.sex is not None and cut.sex != who:
            continue
        if cut.age is not None and (years is None or not cut.age.contains(years)):
            continue
        if not cut.is_met(number):
            continue
        text = (
            f"{cut.message}: {fmt(number)} {cut.unit} {_SYMBOL[cut.comparison]} {fmt(cut.value)} {cut.unit}"
            + (f" ({where})" if where else "")
            + "."
        )
        if cut.overridden:
            text += " Cut-off set by the clinic."
        if cut.evidence != "primary":
            text += f" Source: {EVIDENCE_TEXT[cut.evidence]}."
        raised.append(Flag(cut.code, text, cut.source, cut.evidence, cut.id, cut.value, cut.population))
    return raised
