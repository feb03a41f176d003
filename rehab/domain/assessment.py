"""From what a clinician enters for one measure to stored values in SI, and what a result means.

``prepare`` turns the raw entry of one measure (items, trials, a grade per side, a value in lb...) into
one ``Measured`` per side, each with the working shown. ``interpret`` reads a stored value against the
patient's earlier ones: category, flags, and change since the previous and the first result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rehab.domain import measures
from rehab.domain.context import PHASE_SOURCE, PatientContext, judge_category, judge_change, judge_screen
from rehab.domain.errors import ValidationError
from rehab.domain.measures import Change, Flag, neuro
from rehab.domain.strength import grip_kg, hhd_result, one_rm_result, parse_mmt_grade
from rehab.domain.text import free_text, unstorable
from rehab.domain.units import fmt, length_to_cm, mass_to_kg, require_choice, require_number

SIDES = ("left", "right")
ASSISTANCE = ("none", "supervision", "minimal", "moderate", "maximal")
CONTEXT_TEXT_MAX = 120
NOTE_MAX = 2000


@dataclass(frozen=True)
class Measured:
    """One value to store: SI value, the grade label for MMT, and how it was obtained."""

    measure_key: str
    value: float
    unit: str
    side: str | None = None
    site: str | None = None
    value_text: str | None = None
    items: tuple[float, ...] | None = None
    trials: tuple[float, ...] | None = None
    context: dict[str, Any] = field(default_factory=dict)
    working: str = ""
    plausibility_confirmed: str | None = None
    """The plausibility question the clinician answered "yes, this is right" to, stored with the value."""


def _text(raw: object, name: str, *, limit: int = CONTEXT_TEXT_MAX) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(name, "must be text")
    value = " ".join(raw.split())
    if len(value) > limit:
        raise ValidationError(name, f"must be {limit} characters or fewer")
    if unstorable(value):
        raise ValidationError(name, "contains characters that cannot be stored")
    return value


def clean_note(raw: object) -> str:
    return free_text(raw, "note", limit=NOTE_MAX)


def checked_context(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Context that changes interpretation (reference §6.2, §10): device, assistance, protocol."""
    out: dict[str, Any] = {}
    device = _text(raw.get("assistive_device"), "assistive_device")
    if device:
        out["assistive_device"] = device
    assistance = raw.get("assistance")
    if assistance not in (None, ""):
        out["assistance"] = require_choice(assistance, "assistance", ASSISTANCE)
    variant = _text(raw.get("protocol_variant"), "protocol_variant")
    if variant:
        out["protocol_variant"] = variant
    return out


def _sides(raw: Mapping[str, Any]) -> dict[str, Any]:
    sides = raw.get("sides")
    if not isinstance(sides, Mapping) or not sides:
        raise ValidationError("sides", "enter at least one side")
    out = {}
    for side, value in sides.items():
        if side not in SIDES:
            raise ValidationError("sides", "sides must be left or right")
        if value is None or value == "" or value == []:
            continue
        out[side] = value
    if not out:
        raise ValidationError("sides", "enter at least one side")
    return out


def _numbered(value: object, name: str) -> list[tuple[str, object]]:
    """The trials entered, each with its field name ("left trial 2"); a blank trial is one not done."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValidationError(name, "must be a list of trial values")
    if len(value) > 10:
        raise ValidationError(name, "takes at most 10 trials")
    single = name.removesuffix("s")
    kept = [(f"{single} {i}", v) for i, v in enumerate(value, start=1) if v is not None]
    if not kept:
        raise ValidationError(name, "needs at least one trial")
    return kept


def _trials(value: object, name: str, *, minimum: float = 0.0, inclusive: bool = True, unit: str = "") -> list[float]:
    """Every trial entered, each checked at its own field, so none is dropped for being out of range."""
    return [
        require_number(v, field, minimum=minimum, minimum_inclusive=inclusive, unit=unit)
        for field, v in _numbered(value, name)
    ]


def _site(raw: Mapping[str, Any], *, required: bool) -> str | None:
    site = _text(raw.get("site"), "site", limit=64)
    if required and not site:
        raise ValidationError("site", "name the muscle group or movement tested")
    return site or None


def prepare(key: object, raw: Mapping[str, Any], *, mi_zero_plus_one: bool = False) -> list[Measured]:
    """Validate one measure's entry and convert it to SI; raises ValidationError naming the field.
    ``mi_zero_plus_one``: the clinic has signed off reporting a Motricity Index zero sum as 1."""
    measure = measures.get(key)
    if not isinstance(raw, Mapping):
        raise ValidationError("entry", "must be a set of fields")
    context = checked_context(raw)
    k = measure.key
    if measure.is_item_scale:
        return [_item_scale(measure, raw.get("items"), context, mi_zero_plus_one=mi_zero_plus_one)]
    if measure.is_ordinal:
        return _ordinal(measure, raw, context)
    if k == "mmt":
        site = _site(raw, required=True)
        out = []
        for side, grade_raw in _sides(raw).items():
            grade = parse_mmt_grade(grade_raw, field=f"{side} grade")
            out.append(
                Measured(
                    k,
                    float(grade.ordinal),
                    measure.unit,
                    side=side,
                    site=site,
                    value_text=grade.label,
                    context=context,
                    working=f"MRC grade {grade.label}: {grade.definition}",
                )
            )
        return out
    if k == "hhd":
        site = _site(raw, required=True)
        out = []
        for side, trials in _sides(raw).items():
            readings = _trials(trials, f"{side} trials")
            result = hhd_result(
                readings,
                raw.get("unit", "N"),
                lever_arm_m=raw.get("lever_arm_m"),
                rule=raw.get("rule", "max"),
                method=raw.get("method", "make"),
            )
            ctx = dict(context, entry_unit=raw.get("unit", "N"), method=result.method, rule=result.rule)
            ctx["trials_as_read"] = readings  # the readings as typed, before conversion to SI or torque
            if raw.get("lever_arm_m") is not None:
                ctx["lever_arm_m"] = float(raw["lever_arm_m"])
            out.append(
                Measured(
                    k,
                    result.value,
                    result.unit,
                    side=side,
                    site=site,
                    trials=result.trials_si,
                    context=ctx,
                    working=result.reason,
                )
            )
        return out
    if k == "grip":
        unit = raw.get("unit", "kg")
        rule = raw.get("rule", measure.trial_rule or "mean")
        out = []
        for side, trials in _sides(raw).items():
            kept = _trials(trials, f"{side} trials", unit=unit if unit in ("kg", "lb") else "")
            value = grip_kg(kept, unit, rule)
            si = tuple(mass_to_kg(v, unit, f"{side} trials") for v in kept)
            out.append(
                Measured(
                    k,
                    value,
                    "kg",
                    side=side,
                    trials=si,
                    context=dict(context, entry_unit=unit, rule=rule),
                    working=f"{rule} of {len(si)} trial(s) = {fmt(value)} kg",
                )
            )
        return out
    if k == "sls":
        rule = require_choice(raw.get("rule", "max"), "rule", ("max", "mean"))
        out = []
        for side, trials in _sides(raw).items():
            seconds = _trials(trials, f"{side} trials", unit="s")
            value = max(seconds) if rule == "max" else sum(seconds) / len(seconds)
            measures.validate_value(k, value)
            out.append(
                Measured(
                    k,
                    value,
                    "s",
                    side=side,
                    trials=tuple(seconds),
                    context=dict(context, rule=rule),
                    working=f"{rule} of {len(seconds)} trial(s) = {fmt(value)} s",
                )
            )
        return out
    if k == "one_rm":
        site = _site(raw, required=True)
        unit = require_choice(raw.get("unit", "kg"), "unit", ("kg", "lb"))
        method = raw.get("method", "tested")

        def kg(name: str) -> float | None:
            value = raw.get(name)
            return None if value is None else mass_to_kg(value, unit, name)

        one_rm = one_rm_result(
            method,
            tested_kg=kg("tested_kg"),
            load_kg=kg("load_kg"),
            reps=raw.get("reps"),
            formula=raw.get("formula", "epley"),
        )
        side_raw = raw.get("side")
        one_rm_side = None if side_raw is None else require_choice(side_raw, "side", SIDES)
        ctx = dict(context, method=one_rm.method, entry_unit=unit, low_accuracy=one_rm.low_accuracy)
        if one_rm.method == "estimated":
            ctx.update(formula=one_rm.formula, load_kg=one_rm.load_kg, reps=one_rm.reps)
        return [Measured(k, one_rm.value_kg, "kg", side=one_rm_side, site=site, context=ctx, working=one_rm.reason)]
    if k == "frt":
        unit = raw.get("unit", "cm")
        reach_cm = [length_to_cm(v, unit, "trials") for v in _trials(raw.get("trials"), "trials")]
        value = sum(reach_cm) / len(reach_cm)
        measures.validate_value(k, value)
        return [
            Measured(
                k,
                value,
                "cm",
                trials=tuple(reach_cm),
                context=dict(context, entry_unit=unit, rule="mean"),
                working=f"mean of {len(reach_cm)} trial(s) = {fmt(value)} cm",
            )
        ]
    if k == "ten_mwt":
        distance = require_number(raw.get("distance_m", 10.0), "distance_m", minimum=1, maximum=100, unit="m")
        times = _trials(raw.get("trials"), "trials", inclusive=False, unit="s")
        mean_time = sum(times) / len(times)
        speed = measures.ten_mwt_speed(mean_time, distance)
        return [
            Measured(
                k,
                speed,
                "m/s",
                trials=tuple(times),
                context=dict(
                    context,
                    distance_m=distance,
                    pace=require_choice(raw.get("pace") or "comfortable", "pace", measures.PACES),
                ),
                working=f"{fmt(distance)} m in a mean of {fmt(mean_time)} s = {fmt(speed)} m/s",
            )
        ]
    if k == "wb_symmetry":
        if raw.get("paretic_kg") is not None or raw.get("non_paretic_kg") is not None:
            paretic = mass_to_kg(raw.get("paretic_kg"), "kg", "paretic_kg")
            other = mass_to_kg(raw.get("non_paretic_kg"), "kg", "non_paretic_kg")
            value = measures.paretic_load_percent(paretic, other)
            working = f"{fmt(paretic)} kg of {fmt(paretic + other)} kg on the paretic leg = {fmt(value)} %"
            context = dict(context, paretic_kg=paretic, non_paretic_kg=other)  # the loads as read, kept
        else:
            value = measures.validate_value(k, raw.get("value"))
            working = f"{fmt(value)} % of body weight on the paretic leg"
        return [Measured(k, value, "%", context=context, working=working)]
    if k == "six_mwt":
        unit = require_choice(raw.get("unit", "m"), "unit", ("m", "ft"))
        value = require_number(raw.get("value"), "value", minimum=0, unit=unit)
        metres = value * 0.3048 if unit == "ft" else value
        measures.validate_value(k, metres)
        return [Measured(k, metres, "m", context=dict(context, entry_unit=unit), working=f"{fmt(metres)} m")]
    value = measures.validate_value(k, raw.get("value"))
    return [Measured(k, value, measure.unit, context=context, working=f"{fmt(value)} {measure.unit_label}")]


def _item_scale(
    measure: measures.Measure, items: object, context: dict[str, Any], *, mi_zero_plus_one: bool = False
) -> Measured:
    """An item-level scale's total with its working; ARAT items credited by Lyle's shortcut are noted, and
    the Motricity Index keeps its raw sum beside the reported score."""
    k = measure.key
    total = measures.score(k, items, mi_zero_plus_one=mi_zero_plus_one)
    how = "mean" if measure.aggregate == "mean" else "total"
    ctx = dict(context)
    if k == "arat":
        completed = neuro.arat_items(items)
        values = completed.values
        if completed.inferred:
            ctx["inferred_items"] = list(completed.inferred)
            ctx["item_sources"] = list(completed.sources)
    else:
        assert isinstance(items, Sequence)  # score() has refused anything else
        values = tuple(float(v) for v in items)
    working = f"{how} of {len(values)} items = {fmt(total)} {measure.unit_label}"
    if k in ("mi_arm", "mi_leg"):
        mi = neuro.motricity_score(math.fsum(values), zero_plus_one=mi_zero_plus_one)
        ctx["raw_sum"] = mi.raw_sum
        working = f"Motricity Index: {mi.reason} {measure.unit_label}"
    parts = neuro.subtotals(k, values)
    if parts:
        working += " (" + "; ".join(f"{name} {fmt(v)}" for name, v in parts.items()) + ")"
    if ctx.get("inferred_items"):
        working += "; items " + ", ".join(str(n) for n in ctx["inferred_items"]) + " credited by Lyle's shortcut"
    return Measured(k, total, measure.unit, items=values, context=ctx, working=working)


def _grade(measure: measures.Measure, value: object, field: str) -> Measured:
    index = measures.grade_index(measure, value, field)
    label = measure.grades[index]
    return Measured(measure.key, float(index), measure.unit, value_text=label)


def _ordinal(measure: measures.Measure, raw: Mapping[str, Any], context: dict[str, Any]) -> list[Measured]:
    """Ordinal grades stored as their position with the label (MAS "1+" is grade 2 of 0…5, never 1.5).

    The Modified Ashworth Scale is one grade per muscle group and side: either ``site`` with ``sides``
    ({"left": "1+"}), or ``muscles``, a list of such entries for several muscle groups at once. A
    single-valued ordinal (FAC) takes ``value``, the category as text ("3") or its number.
    """
    if not measure.per_side:
        value = raw.get("value")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = fmt(value) if float(value).is_integer() else str(value)
        m = _grade(measure, value, "value")
        cat = measures.category(measure.key, m.value)
        label = cat.label if cat else m.value_text
        return [replace(m, context=context, working=f"{label}")]
    entries = raw.get("muscles")
    if entries is None:
        entries = [raw]
    if isinstance(entries, str | bytes) or not isinstance(entries, Sequence) or not entries:
        raise ValidationError("muscles", "enter a grade for at least one muscle group")
    out: list[Measured] = []
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise ValidationError("muscles", "each muscle group must be a set of fields")
        site = _site(entry, required=True)
        for side, grade_raw in _sides(entry).items():
            where = f"{site} {side}"
            if ((site or "").lower(), side) in seen:
                raise ValidationError(f"{where} grade", "is entered twice")
            seen.add(((site or "").lower(), side))
            m = _grade(measure, grade_raw, f"{where} grade")
            definition = neuro.MAS_DEFINITIONS.get(m.value_text or "", "") if measure.key == "mas" else ""
            out.append(
                replace(
                    m,
                    side=side,
                    site=site,
                    context=context,
                    working=f"{measure.name} grade {m.value_text}" + (f": {definition}" if definition else ""),
                )
            )
    if not out:
        raise ValidationError("muscles", "enter a grade for at least one muscle group")
    return out


@dataclass(frozen=True)
class Interpretation:
    """What one result means, in words, with the source of every number used."""

    category: str | None
    flags: list[Flag]
    since_previous: Change | None
    since_first: Change | None
    notes: tuple[str, ...] = ()
    """Cut-offs not applied to this result, and why (e.g. EWGSOP2 grip on the paretic hand)."""
    population: str = ""
    """The patient's population the figures were chosen for (from ``rehab.domain.context``), in words."""


def interpret(
    key: str,
    value: float,
    *,
    previous: float | None = None,
    first: float | None = None,
    age: float | None = None,
    sex: str | None = None,
    side: str | None = None,
    population: str | None = None,
    overrides: Mapping[str, float] | None = None,
    site: str | None = None,
    pace: str | None = None,
    unit: str | None = None,
    trials: Sequence[float] | None = None,
    rule: str | None = None,
    context: PatientContext | None = None,
) -> Interpretation:
    """Category, flags and changes; MMT grades are ordinal, so their change has no MDC (never averaged).

    ``site`` (muscle tested) and ``pace`` (10MWT comfortable or fast) choose the MDC measured on that muscle
    or at that pace; ``unit`` is the stored unit of a dynamometry reading (N or N.m). ``trials`` and
    ``rule`` (how the value was made from them) let a cut-off derived on the maximum trial use the maximum.
    With ``context`` (the patient's condition, age and phase on the day), every figure, cut-off and
    category is one derived in the patient's own population, and ``population`` says which; figures of
    other groups are named for reference only (``rehab.domain.context``).
    """
    how: dict[str, object] = {"overrides": overrides, "site": site}
    if key == "ten_mwt" and pace in measures.PACES:
        how["pace"] = pace
    if key == "hhd" and unit:
        how["unit"] = unit
    screening = {"sex": sex, "side": side, "overrides": overrides, "trials": trials, "rule": rule}
    if context is not None:
        cat, cat_note = judge_category(context, key, value)
        screened = judge_screen(context, key, value, **screening)
        before = None if previous is None else judge_change(context, key, previous, value, **how)
        baseline = None if first is None else judge_change(context, key, first, value, **how)
        notes = (*screened.notes, *((cat_note,) if cat is None and cat_note else ()))
        who = (
            f"Judged for: {context.describe()} ({PHASE_SOURCE})."
            if context.stroke
            else (f"Judged for: {context.describe()}.")
        )
        return Interpretation(cat.label if cat else None, screened.flags, before, baseline, notes, who)
    cat = measures.category(key, value)
    screened = measures.screen(key, value, age=age, sex=sex, side=side, overrides=overrides, trials=trials, rule=rule)
    how["population"] = population
    before = None if previous is None else measures.change(key, previous, value, **how)
    baseline = None if first is None else measures.change(key, first, value, **how)
    return Interpretation(cat.label if cat else None, screened.flags, before, baseline, tuple(screened.notes))
