"""Goals as FHIR R4 ``Goal`` resources, GAS follow-up ratings and the GAS T-score as Observations.

- A measure target: ``target.measure`` is the measure's code (LOINC where verified, else the product's),
  ``detailQuantity`` the value in UCUM (an ordinal grade as its own code), ``dueDate`` the target date.
- A Goal Attainment Scale (clinical reference §13.9 [R96]): ``target.measure`` the attainment level,
  ``detailCodeableConcept`` level 0 (the expected outcome, the goal) in the clinician's words; the five
  described levels, the baseline and any importance/difficulty in an extension; the attained level (latest
  rating) as ``outcomeCode``. Each rating is an Observation; the T-score over the patient's scales is one
  Observation every rated scale points to.

``achievementStatus`` comes from the goal's state and its latest review (docs/fhir.md gives the mapping).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rehab.domain import measures
from rehab.domain.goals import GAS_LEVELS, SOURCE_GAS
from rehab.exports import fhir_codes as codes
from rehab.exports.fhir_codes import coding, concept
from rehab.exports.fhir_resources import (
    FhirAssessment,
    instant,
    measure_code,
    measure_value,
    narrative,
    number,
    quantity,
    uri_identifier,
)

_LIFECYCLE = {"active": "active", "achieved": "completed", "not_achieved": "completed", "discontinued": "cancelled"}
_CLOSED_ACHIEVEMENT = {"achieved": "achieved", "not_achieved": "not-achieved"}


@dataclass(frozen=True)
class FhirGoalReview:
    id: int
    reviewed_at: datetime
    reviewer_id: int
    rating: int | None
    note: str


@dataclass(frozen=True)
class FhirGoal:
    """One current goal (active, achieved, not achieved or discontinued) with its reviews, oldest first."""

    id: int
    kind: str
    statement: str
    status: str
    status_reason: str
    set_on: date
    target_date: date
    set_by: int
    measure_key: str | None = None
    side: str | None = None
    target_value: float | None = None
    levels: Mapping[int, str] = field(default_factory=dict)
    baseline: int | None = None
    importance: int | None = None
    difficulty: int | None = None
    reviews: Sequence[FhirGoalReview] = ()

    @property
    def ratings(self) -> list[FhirGoalReview]:
        return [r for r in self.reviews if r.rating is not None]


@dataclass(frozen=True)
class FhirTScore:
    """The GAS T-score over the goals named (each rated), as the Goals page computes it."""

    value: float
    goal_ids: tuple[int, ...]
    weighted: bool
    reason: str


def level_code(level: int) -> str:
    return f"{level:+d}" if level else "0"


def _level(level: int, words: str | None = None) -> dict[str, Any]:
    """A GAS level as its own code ('+1'), the standard meaning as display, the clinician's words as text."""
    return concept(codes.GAS_LEVEL_SYSTEM, level_code(level), GAS_LEVELS[level], words)


def gas_achievement(rating: int, baseline: int) -> str:
    """0 or better is the goal reached; otherwise against the baseline: better, the same or worse."""
    if rating >= 0:
        return "achieved"
    if rating > baseline:
        return "improving"
    return "no-change" if rating == baseline else "worsening"


def goal_results(goal: FhirGoal, assessments: Sequence[FhirAssessment]) -> list[FhirAssessment]:
    """A measure target's results from the day it was set up to its latest review (none before a review)."""
    if goal.measure_key is None or not goal.reviews:
        return []
    until = goal.reviews[-1].reviewed_at
    return sorted(
        (
            a
            for a in assessments
            if a.measure_key == goal.measure_key
            and (goal.side is None or a.side == goal.side)
            and goal.set_on <= a.taken_at.date()
            and a.taken_at <= until
        ),
        key=lambda a: (a.taken_at, a.id),
    )


def _measure_achievement(goal: FhirGoal, results: Sequence[FhirAssessment]) -> str:
    measure = measures.get(goal.measure_key or "")
    if not results or goal.target_value is None:
        return "in-progress"
    latest = results[-1].value
    reached = latest >= goal.target_value if measure.higher_is_better else latest <= goal.target_value
    return "achieved" if reached else "in-progress"


def achievement(goal: FhirGoal, results: Sequence[FhirAssessment]) -> str:
    """The goal-achievement code: a closed goal's verdict, else the latest review's."""
    if goal.status in _CLOSED_ACHIEVEMENT:
        return _CLOSED_ACHIEVEMENT[goal.status]
    if goal.kind == "gas":
        rated = goal.ratings
        return gas_achievement(rated[-1].rating or 0, goal.baseline or -1) if rated else "in-progress"
    return _measure_achievement(goal, results)


def _target(goal: FhirGoal) -> dict[str, Any]:
    if goal.kind == "gas":
        return {
            "measure": concept(codes.GOAL_SYSTEM, *codes.GAS_ATTAINMENT),
            "detailCodeableConcept": _level(0, goal.levels.get(0)),
            "dueDate": goal.target_date.isoformat(),
        }
    assert goal.measure_key is not None and goal.target_value is not None
    measure = measures.get(goal.measure_key)
    label = measure.grades[int(goal.target_value)] if measure.grades else None
    key, value = measure_value(goal.measure_key, goal.side, goal.target_value, label, measure.unit)
    return {
        "measure": measure_code(goal.measure_key, goal.side),
        ("detailCodeableConcept" if key == "valueCodeableConcept" else "detailQuantity"): value,
        "dueDate": goal.target_date.isoformat(),
    }


def _scale_extension(goal: FhirGoal) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {
            "url": "level",
            "extension": [
                {"url": "value", "valueInteger": level},
                {"url": "description", "valueString": goal.levels[level]},
            ],
        }
        for level in sorted(GAS_LEVELS, reverse=True)
        if goal.levels.get(level)
    ]
    parts.append({"url": "baseline", "valueInteger": goal.baseline if goal.baseline is not None else -1})
    for name, value in (("importance", goal.importance), ("difficulty", goal.difficulty)):
        if value is not None:
            parts.append({"url": name, "valueInteger": value})
    return {"url": codes.EXT_GAS_SCALE, "extension": parts}


def _words(goal: FhirGoal) -> list[str]:
    if goal.kind == "gas":
        return [
            f"Goal attainment scale, baseline {level_code(goal.baseline or -1)}; levels:",
            *(f"{level_code(lv)}: {goal.levels.get(lv, '')}" for lv in sorted(GAS_LEVELS, reverse=True)),
        ]
    measure = measures.get(goal.measure_key or "")
    shown = measure.grades[int(goal.target_value or 0)] if measure.grades else number(goal.target_value or 0)
    return [f"Target: {measure.name} {shown} {measure.unit_label} by {goal.target_date.isoformat()}"]


@dataclass(frozen=True)
class GoalRefs:
    """Where the Goal points: the patient, its condition, the practitioners (url, name) by id, its outcomes."""

    patient: str
    condition: str
    people: Mapping[int, tuple[str, str]]
    outcomes: Sequence[str] = ()


def goal_resource(goal: FhirGoal, refs: GoalRefs, *, url: str, results: Sequence[FhirAssessment]) -> dict[str, Any]:
    status = achievement(goal, results)
    who, name = refs.people[goal.set_by]
    lines = [
        goal.statement,
        *_words(goal),
        f"Set on {goal.set_on.isoformat()} by {name}; status {goal.status.replace('_', ' ')}"
        + (f" ({goal.status_reason})" if goal.status_reason else ""),
        f"Achievement: {codes.GOAL_ACHIEVEMENT_DISPLAY[status]}",
    ]
    out: dict[str, Any] = {
        "resourceType": "Goal",
        "text": narrative(*lines),
        "identifier": [uri_identifier(url)],
        "lifecycleStatus": _LIFECYCLE.get(goal.status, "active"),
        "achievementStatus": concept(codes.GOAL_ACHIEVEMENT, status, codes.GOAL_ACHIEVEMENT_DISPLAY[status]),
        "description": {"text": goal.statement},
        "subject": {"reference": refs.patient},
        "startDate": goal.set_on.isoformat(),
        "target": [_target(goal)],
        "expressedBy": {"reference": who, "display": name},
        "addresses": [{"reference": refs.condition}],
    }
    if goal.kind == "gas":
        out["extension"] = [_scale_extension(goal)]
        if goal.ratings:
            attained = goal.ratings[-1].rating or 0
            out["outcomeCode"] = [_level(attained, goal.levels.get(attained))]
    if goal.status_reason:
        out["statusReason"] = goal.status_reason
    notes = [_review_note(r, refs.people) for r in goal.reviews]
    if notes:
        out["note"] = notes
    if refs.outcomes:
        out["outcomeReference"] = [{"reference": r} for r in refs.outcomes]
    return out


def _review_note(review: FhirGoalReview, people: Mapping[int, tuple[str, str]]) -> dict[str, Any]:
    who, name = people[review.reviewer_id]
    rated = f"Rated {level_code(review.rating)} ({GAS_LEVELS[review.rating]})" if review.rating is not None else ""
    text = ". ".join(t for t in (rated, review.note) if t) or "Reviewed"
    return {"authorReference": {"reference": who, "display": name}, "time": instant(review.reviewed_at), "text": text}


def _gas_observation(code: tuple[str, str], *, url: str, patient: str, when: datetime, lines: list[str]) -> dict:
    return {
        "resourceType": "Observation",
        "text": narrative(*lines),
        "identifier": [uri_identifier(url)],
        "status": "final",
        "category": [{"coding": [coding(codes.OBSERVATION_CATEGORY, "survey", "Survey")]}],
        "code": concept(codes.GOAL_SYSTEM, *code),
        "subject": {"reference": patient},
        "effectiveDateTime": instant(when),
    }


def rating_resource(
    goal: FhirGoal, review: FhirGoalReview, refs: GoalRefs, *, url: str, goal_url: str
) -> dict[str, Any]:
    """One follow-up rating of a scale: the level as its code, the clinician's words for it as text."""
    assert review.rating is not None
    who, name = refs.people[review.reviewer_id]
    level = _level(review.rating, goal.levels.get(review.rating))
    obs = _gas_observation(
        codes.GAS_RATING,
        url=url,
        patient=refs.patient,
        when=review.reviewed_at,
        lines=[f"GAS rating {level_code(review.rating)} for: {goal.statement}", level["text"], f"By {name}"],
    )
    obs["focus"] = [{"reference": goal_url}]
    obs["performer"] = [{"reference": who, "display": name}]
    obs["valueCodeableConcept"] = level
    if review.note:
        obs["note"] = [{"text": review.note}]
    return obs


def t_score_resource(score: FhirTScore, *, url: str, patient: str, when: datetime, ratings: Sequence[str]) -> dict:
    """The T-score over the patient's rated scales (formula §13.9 [R96]), derived from each scale's rating."""
    obs = _gas_observation(
        codes.GAS_T_SCORE,
        url=url,
        patient=patient,
        when=when,
        lines=[f"GAS T-score {number(score.value)} over {len(score.goal_ids)} goal(s)", score.reason, SOURCE_GAS],
    )
    obs["valueQuantity"] = quantity(score.value, "{score}")
    obs["derivedFrom"] = [{"reference": r} for r in ratings]
    obs["note"] = [{"text": f"{score.reason} Formula: {SOURCE_GAS}; rho 0.3."}]
    return obs
