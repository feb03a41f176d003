"""What a clinician enters to build a plan, checked: the phase template's edits and each exercise's baseline.

Errors name the builder's fields (``template.<phase>.<field>``, ``baseline.<exercise>.<side>.<field>``),
so the page shows each message beside its widget.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.planning import DEFAULT_TEMPLATE, Baseline, OneRmMethod, Phase, PhaseTemplate, Side
from rehab.domain.strength import estimate_1rm, is_low_accuracy

ESTIMATE_FORMULA = "epley"
_FIELD_LABELS = {
    "percent_1rm": "%1RM",
    "sets": "Sets",
    "reps_start": "Reps (early weeks of the phase)",
    "reps_end": "Reps (later weeks of the phase)",
    "last_week": "Last week",
    "sessions_per_week": "Sessions per week",
    "deload_every_weeks": "Lighter week every",
    "reassessment_every_weeks": "Re-test every",
    "above_guideline_reason": "Reason",
    "phases": "Phases",
}


# --- the phase template -------------------------------------------------------------------------------


def _labelled(field: str, exc: ValidationError, prefix: str = "") -> ValidationError:
    label = _FIELD_LABELS.get(exc.field, exc.field.replace("_", " ").capitalize())
    return ValidationError(field, f"{prefix}{label} {exc.message}")


def _pair(value: Any) -> Any:
    """A (from, to) pair from a list or tuple; anything else is passed on for the domain to refuse by name."""
    return tuple(value) if isinstance(value, list | tuple) else value


def build_template(values: Mapping[str, Any] | None, base: PhaseTemplate = DEFAULT_TEMPLATE) -> PhaseTemplate:
    """The default template with the clinician's edits for this plan; errors name ``template.<phase>.<field>``.

    Phases keep their order and rationale; a changed last week moves the next phase's first week with it.
    """
    if not values:
        return base
    errors: list[ValidationError] = []
    phase_values: Mapping[str, Mapping[str, Any]] = values.get("phases") or {}
    phases: list[Phase] = []
    first = 1
    for phase in base.phases:
        edits = phase_values.get(phase.key, {})
        last = None if phase.last_week is None else edits.get("last_week", phase.last_week)
        try:
            edited = dataclasses.replace(
                phase,
                first_week=first,
                last_week=last,
                percent_1rm=_pair(edits.get("percent_1rm", phase.percent_1rm)),
                sets=_pair(edits.get("sets", phase.sets)),
                reps_start=_pair(edits.get("reps_start", phase.reps_start)),
                reps_end=_pair(edits.get("reps_end", phase.reps_end)),
            )
        except ValidationError as exc:
            errors.append(_labelled(f"template.{phase.key}.{exc.field}", exc, f"{phase.name}: "))
            edited = phase
        phases.append(edited)
        first = (last if isinstance(last, int) else edited.last_week or first) + 1
    if errors:
        raise ValidationErrors(errors)
    deload = values.get("deload_every_weeks", base.deload_every_weeks)
    reason = values.get("above_guideline_reason", base.above_guideline_reason)
    try:
        return PhaseTemplate(
            phases=tuple(phases),
            sessions_per_week=_pair(values.get("sessions_per_week", base.sessions_per_week)),
            deload_every_weeks=None if deload in (None, 0) else deload,
            reassessment_every_weeks=values.get("reassessment_every_weeks", base.reassessment_every_weeks),
            above_guideline_reason=(reason.strip() or None) if isinstance(reason, str) else reason,
        )
    except ValidationError as exc:
        field = "above_guideline_reason" if exc.field == "percent_1rm" else exc.field
        message = exc.message if exc.field == "percent_1rm" else None
        if message is not None:
            raise ValidationErrors([ValidationError(f"template.{field}", message + ".")]) from None
        raise ValidationErrors([_labelled(f"template.{field}", exc)]) from None


def template_values(template: PhaseTemplate) -> dict[str, Any]:
    """The editable numbers of a template, in the shape ``build_template`` reads."""
    return {
        "sessions_per_week": template.sessions_per_week,
        "deload_every_weeks": template.deload_every_weeks or 0,
        "reassessment_every_weeks": template.reassessment_every_weeks,
        "above_guideline_reason": template.above_guideline_reason or "",
        "phases": {
            p.key: {
                "last_week": p.last_week,
                "percent_1rm": p.percent_1rm,
                "sets": p.sets,
                "reps_start": p.reps_start,
                "reps_end": p.reps_end,
            }
            for p in template.phases
        },
    }


# --- baselines ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaselinePreview:
    """A baseline 1RM as it will be stored, with how it was found."""

    one_rm_kg: float
    method: OneRmMethod
    low_accuracy: bool
    detail: str
    test_load_kg: float | None = None
    test_reps: int | None = None

    def baseline(self, exercise_key: str, side: str | None) -> Baseline:
        """The plan's baseline for one exercise (and side) from this 1RM."""
        chosen = None if side is None else Side(side)
        return Baseline(
            exercise_key,
            self.one_rm_kg,
            self.method,
            chosen,
            self.detail,
            self.test_load_kg,
            self.test_reps,
            self.low_accuracy,
        )


def preview_baseline(
    method: str,
    *,
    one_rm_kg: float | None = None,
    load_kg: float | None = None,
    reps: int | None = None,
    prefix: str = "",
) -> BaselinePreview:
    """A tested 1RM as entered, or one estimated from load × reps (Epley; 11–12 reps flagged low accuracy).

    The numbers come already read (``commands.BaselineEntry``, or a number widget): None is a blank field.
    """
    if method == OneRmMethod.TESTED.value:
        if one_rm_kg is None:
            raise ValidationError(f"{prefix}one_rm_kg", "Enter the tested 1RM in kg.")
        if not 0 < one_rm_kg <= 1000:
            raise ValidationError(f"{prefix}one_rm_kg", "1RM must be above 0 and at most 1000 kg.")
        return BaselinePreview(one_rm_kg, OneRmMethod.TESTED, False, f"Tested 1RM {one_rm_kg:g} kg")
    if method != OneRmMethod.ESTIMATED.value:
        raise ValidationError(f"{prefix}method", "Choose tested 1RM or estimate from a set.")
    load, count = load_kg, reps
    errors = []
    if load is None:
        errors.append(ValidationError(f"{prefix}load_kg", "Enter the load lifted in kg."))
    if count is None:
        errors.append(ValidationError(f"{prefix}reps", "Enter the repetitions completed (1–12)."))
    elif isinstance(count, bool) or not float(count).is_integer():
        errors.append(ValidationError(f"{prefix}reps", "Repetitions must be a whole number."))
    if errors:
        raise ValidationErrors(errors)
    assert load is not None and count is not None
    try:
        estimated = estimate_1rm(load, int(count), ESTIMATE_FORMULA)
        low = is_low_accuracy(int(count))
    except ValidationError as exc:
        field = "load_kg" if exc.field == "load_kg" else "reps"
        label = "Load" if field == "load_kg" else "Repetitions"
        raise ValidationError(f"{prefix}{field}", f"{label} {exc.message}.") from None
    if int(count) == 1:
        detail = f"1 repetition at {load:g} kg is the 1RM itself"
    else:
        detail = f"Epley: {load:g} kg × (1 + {int(count)}/30) = {estimated:.1f} kg"
    if low:
        detail += "; from 11–12 reps, so less accurate (prefer 10 or fewer; Reynolds 2006)"
    return BaselinePreview(estimated, OneRmMethod.ESTIMATED, low, detail, load, int(count))


def baseline_prefix(exercise_key: str, side: str | None) -> str:
    return f"baseline.{exercise_key}.{side or 'both'}."
