"""Domain objects a plan keeps as JSON snapshots (its exercises and its phase template), and back.

A plan stores the exercise and the template as they were when it was made, so a later library or template
change never rewrites an old plan's record.
"""

from __future__ import annotations

import dataclasses
import json

from rehab.domain.planning import BandLevel, BodyRegion, Equipment, EvidenceLevel, Exercise, Phase, PhaseTemplate


def exercise_columns(exercise: Exercise) -> dict[str, object]:
    """An exercise's own fields as stored (in a snapshot, or as a clinic's custom exercise row)."""
    return {
        "key": exercise.key,
        "name": exercise.name,
        "body_region": exercise.body_region.value,
        "unilateral": exercise.unilateral,
        "equipment": exercise.equipment.value,
        "load_step_kg": exercise.load_step_kg,
    }


def exercise_to_json(exercise: Exercise) -> str:
    bands = [[b.colour, b.nominal_kg] for b in exercise.band_levels]
    return json.dumps(dict(exercise_columns(exercise), band_levels=bands), sort_keys=True)


def exercise_from_json(text: str) -> Exercise:
    data = json.loads(text)
    return Exercise(
        data["key"],
        data["name"],
        BodyRegion(data["body_region"]),
        bool(data["unilateral"]),
        Equipment(data["equipment"]),
        data["load_step_kg"],
        tuple(BandLevel(c, float(kg)) for c, kg in data.get("band_levels") or ()),
    )


def template_to_json(template: PhaseTemplate) -> str:
    data = dataclasses.asdict(template)
    for phase in data["phases"]:
        phase["evidence"] = str(phase["evidence"])
    return json.dumps(data, sort_keys=True)


def template_from_json(text: str) -> PhaseTemplate:
    data = json.loads(text)
    phases = []
    for p in data["phases"]:
        values = dict(p)
        for pair in ("percent_1rm", "sets", "reps_start", "reps_end"):
            values[pair] = tuple(values[pair])
        values["sources"] = tuple(values["sources"])
        values["evidence"] = EvidenceLevel(values["evidence"])
        phases.append(Phase(**values))
    return PhaseTemplate(
        phases=tuple(phases),
        sessions_per_week=tuple(data["sessions_per_week"]),
        deload_every_weeks=data["deload_every_weeks"],
        reassessment_every_weeks=data["reassessment_every_weeks"],
        above_guideline_reason=data["above_guideline_reason"],
    )
