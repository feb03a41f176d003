"""Checking and scoring entered values: item-level totals, single values and categories."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rehab.domain.errors import ValidationError
from rehab.domain.measures.catalogue import get
from rehab.domain.measures.model import Category, Measure
from rehab.domain.measures.neuro import arat_items, check_item_rules, fma_incomplete, motricity_score
from rehab.domain.strength import parse_mmt_grade
from rehab.domain.units import fmt, require_number


def grade_index(measure: Measure, value: object, field: str = "value") -> int:
    """The position of an ordinal grade (Modified Ashworth "1+" → 2); refused unless it is one of the grades."""
    if isinstance(value, str) and value.strip() in measure.grades:
        return measure.grades.index(value.strip())
    raise ValidationError(field, f"must be one of the grades {', '.join(measure.grades)}")


def _allowed(values: Sequence[float]) -> str:
    return ", ".join(fmt(v) for v in values)


def _check(measure: Measure, value: object, field: str) -> float:
    if measure.key == "mmt" and isinstance(value, str):
        return float(parse_mmt_grade(value, field).ordinal)
    if measure.grades and isinstance(value, str):
        return float(grade_index(measure, value, field))
    unit = "" if measure.unit_label in ("points", "grade") else measure.unit_label
    number = require_number(
        value,
        field,
        minimum=measure.minimum,
        maximum=measure.maximum,
        minimum_inclusive=measure.minimum_inclusive,
        whole=measure.whole,
        unit=unit,
    )
    if measure.allowed_totals and number not in measure.allowed_totals:
        raise ValidationError(
            field,
            f"cannot be {fmt(number)}: {measure.name} totals are sums of its item scores, so one of "
            f"{_allowed(measure.allowed_totals)}",
        )
    return number + 0.0  # -0.0 becomes 0.0


def validate_value(key: object, value: object, *, field: str = "value") -> float:
    """A total or single result checked against the measure's range, as a float.

    For ``mmt`` the value is the grade's ordinal (0 = "0" ... 12 = "5"); a grade label such as "4+" is
    accepted too and returned as its ordinal.
    """
    return _check(get(key), value, field)


def _and(numbers: Sequence[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _unscored(measure: Measure, missing: Sequence[int]) -> str:
    """Says what is missing and what is allowed: "score each item 0–4; items 13 and 14 are not scored yet"."""
    first = measure.items[0]
    same = all(i.choices == first.choices for i in measure.items)
    allowed = (
        (
            " or ".join(_allowed(first.allowed).rsplit(", ", 1))
            if first.allowed
            else f"{fmt(first.minimum)}–{fmt(first.maximum)}"
        )
        if same
        else "on its own scale"
    )
    if len(missing) == len(measure.items):
        return f"score each item {allowed}; none is scored yet"
    which = f"item {missing[0]} is" if len(missing) == 1 else f"items {_and(missing)} are"
    return f"score each item {allowed}; {which} not scored yet"


def score(key: object, items: object, *, mi_zero_plus_one: bool = False) -> float:
    """The total of an item-level scale (the mean for ABC), after checking every item.

    Errors name "items" (wrong kind or count) or "item N" (1-based). For the Trunk Impairment Scale the
    three items are the subscale totals (static, dynamic, coordination); if static sitting balance is 0,
    item 1 scored 0, the test stops and the total is 0 (Verheyden 2004 via MDCalc [R44]), so the other
    subscales must be 0 too: a record saying otherwise would contradict its own total. A static subtotal
    of 1 is refused: item 1 scores 0 or 2 on the Verheyden score sheet and 0 ends the test, so a static
    subtotal is 0 or at least 2 (issue 13's clinical review of the score sheet [R44]).

    Items with a fixed set of scores (Trunk Control Test 0/12/25, Fugl-Meyer reflex items 0/2, Motricity
    Index weights) refuse any other value, naming the allowed ones. Fugl-Meyer LE part V must be 0 unless
    part IV is full. The Motricity Index score is the item sum + 1 (a zero sum stays 0 unless
    ``mi_zero_plus_one``, the clinic's sign-off). The ARAT takes None for items not tested where Lyle's
    shortcut credits them (``neuro.arat_items``).
    """
    measure = get(key)
    if not measure.items:
        raise ValidationError("measure", f"{measure.name} is entered as a single value, not as items")
    count = len(measure.items)
    if measure.key == "arat":
        items = list(arat_items(items).values)
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise ValidationError("items", f"must be a list of {count} item scores")
    if len(items) != count:
        raise ValidationError("items", f"must have {count} item scores, not {len(items)}")
    missing = [item.number for item, v in zip(measure.items, items, strict=True) if v is None]
    incomplete = fma_incomplete(measure.key, items) if measure.key in ("fma_ue", "fma_le") else None
    if incomplete:
        raise ValidationError("items", incomplete)
    if missing:
        raise ValidationError("items", _unscored(measure, missing))
    values = []
    for item, v in zip(measure.items, items, strict=True):
        field = f"item {item.number}"
        number = require_number(v, field, minimum=item.minimum, maximum=item.maximum, whole=item.whole)
        if item.allowed and number not in item.allowed:
            raise ValidationError(field, f"cannot be {fmt(number)}: score {_allowed(item.allowed)}")
        values.append(number)
    check_item_rules(measure.key, values)
    if measure.key == "tis" and values[0] == 1:
        raise ValidationError(
            "item 1",
            "static sitting balance cannot be 1: its item 1 (sitting 10 s without support) scores 0 or 2, and 0 "
            "ends the test, so the static subtotal is 0 or 2–7 (Verheyden 2004 score sheet [R44])",
        )
    if measure.key == "tis" and values[0] == 0:
        for item, v in zip(measure.items[1:], values[1:], strict=True):
            if v != 0:
                raise ValidationError(
                    f"item {item.number}",
                    "must be 0: static sitting balance 0 means item 1 scored 0, the test stops and the TIS total is 0",
                )
    total = math.fsum(values)
    if measure.key in ("mi_arm", "mi_leg"):
        total = motricity_score(total, zero_plus_one=mi_zero_plus_one).reported
    result = total / count if measure.aggregate == "mean" else total
    return result + 0.0


def category(key: object, value: object) -> Category | None:
    """The named band the value falls in (e.g. Berg 41–56, gait speed > 0.8 m/s), or None if the
    measure has no categories in the reference."""
    measure = get(key)
    number = _check(measure, value, "value")
    for cat in measure.categories:
        if cat.band.contains(number):
            return cat
    return None
