"""Which recorded 1RM to offer as a plan's baseline, per exercise and side, and whether it is still current.

A 1RM entered on the assessment page records the exercise as the clinician typed it (the ``site`` text,
"Exercise" on the form, e.g. "leg press"), the side as left or right (or none), the method (tested or
estimated, with formula, load and repetitions) and who recorded it when. It does not record an exercise
key, so the exercise is matched by name: the typed text, ignoring case, punctuation and spacing, must
equal an exercise's name, its key, its name without a bracketed alias, or that alias ("hamstring curl"
for "Knee flexion (hamstring curl)"). Nothing fuzzier: offering another exercise's 1RM as a baseline is
worse than offering none, and an unmatched record is reported so the clinician can see why.

Sides: a left or right record maps to the paretic or non-paretic side from the patient's affected side.
A one-sided exercise takes only a sided record; a two-sided exercise only an unsided one (one leg's 1RM is
no baseline for a leg press). When the affected side is bilateral or none, left/right cannot be mapped.

The latest record (by time taken) wins per exercise and side, whatever its method; its method is labelled.
A baseline older than the template's re-test interval (``PhaseTemplate.reassessment_every_weeks``) is stale:
it is shown with its age and never offered as if current (reference §7: re-test every 4 weeks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from rehab.domain.planning.exercises import Exercise
from rehab.domain.planning.template import Side

LEFT_RIGHT = ("left", "right")


@dataclass(frozen=True)
class RecordedOneRm:
    """One final 1RM from the assessment record, as the store holds it (value in kg)."""

    assessment_id: int
    taken_on: date
    exercise_text: str
    side: str | None  # "left", "right" or None
    one_rm_kg: float
    method: str  # "tested" or "estimated"
    assessor_name: str
    formula: str | None = None
    load_kg: float | None = None
    reps: int | None = None
    low_accuracy: bool = False


@dataclass(frozen=True)
class RecordBaseline:
    """The 1RM offered for one exercise and side, and whether it is current."""

    exercise_key: str
    side: Side | None
    record: RecordedOneRm
    age_days: int
    retest_every_weeks: int
    stale: bool
    reason: str

    @property
    def tested(self) -> bool:
        return self.record.method == "tested"

    @property
    def value_text(self) -> str:
        """'tested 1RM 52 kg' or 'estimated 1RM 50.7 kg (Epley, 40 kg × 8 reps)'."""
        r = self.record
        if self.tested:
            return f"tested 1RM {r.one_rm_kg:g} kg"
        how = ""
        if r.load_kg is not None and r.reps is not None:
            formula = (r.formula or "estimate").replace("_", " ").capitalize()
            how = f" ({formula}, {r.load_kg:g} kg × {r.reps} reps)"
        return f"estimated 1RM {r.one_rm_kg:.1f} kg{how}"

    @property
    def caption(self) -> str:
        r = self.record
        return f"From the assessment on {r.taken_on.isoformat()} by {r.assessor_name}: {self.value_text}"


@dataclass(frozen=True)
class Unmatched:
    """A recorded 1RM that names no exercise in the library, or whose side does not fit the exercise."""

    record: RecordedOneRm
    reason: str


@dataclass(frozen=True)
class RecordBaselines:
    offered: dict[tuple[str, Side | None], RecordBaseline]
    unmatched: tuple[Unmatched, ...]

    def get(self, exercise_key: str, side: str | None) -> RecordBaseline | None:
        return self.offered.get((exercise_key, Side(side) if side else None))


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def exercise_names(exercise: Exercise) -> set[str]:
    """The names a clinician may have typed for an exercise, normalised."""
    names = {exercise.name, exercise.key.replace("_", " ")}
    bracket = re.match(r"^(.*?)\s*\((.*)\)\s*$", exercise.name)
    if bracket:
        names.update(bracket.groups())
    return {n for n in (normalise(x) for x in names) if n}


def match_exercise(text: str, exercises: Mapping[str, Exercise]) -> str | None:
    """The key of the one exercise the typed text names, or None (none, or more than one)."""
    wanted = normalise(text)
    if not wanted:
        return None
    hits = [key for key, ex in exercises.items() if wanted in exercise_names(ex)]
    return hits[0] if len(hits) == 1 else None


def plan_side(recorded: str | None, paretic_side: str, *, unilateral: bool) -> tuple[Side | None, str]:
    """The plan side for a recorded side: (side, "") when it fits the exercise, else (None, why not)."""
    if not unilateral:
        if recorded is None:
            return None, ""
        return None, "recorded for one side, but the exercise trains both sides together"
    if recorded is None:
        return None, "recorded without a side, but the exercise is trained one side at a time"
    if paretic_side not in LEFT_RIGHT:
        return None, "the patient's affected side is not left or right, so left/right cannot be mapped"
    return (Side.PARETIC if recorded == paretic_side else Side.NON_PARETIC), ""


def choose(
    records: Iterable[RecordedOneRm],
    exercises: Mapping[str, Exercise],
    *,
    paretic_side: str,
    today: date,
    retest_every_weeks: int,
) -> RecordBaselines:
    """The latest recorded 1RM per exercise and side, marked stale beyond the re-test interval."""
    latest: dict[tuple[str, Side | None], RecordedOneRm] = {}
    unmatched: list[Unmatched] = []
    for record in records:
        key = match_exercise(record.exercise_text, exercises)
        if key is None:
            unmatched.append(Unmatched(record, "the exercise name matches no exercise in the library"))
            continue
        side, why_not = plan_side(record.side, paretic_side, unilateral=exercises[key].unilateral)
        if why_not:
            unmatched.append(Unmatched(record, why_not))
            continue
        slot = (key, side)
        held = latest.get(slot)
        if held is None or (record.taken_on, record.assessment_id) > (held.taken_on, held.assessment_id):
            latest[slot] = record
    offered = {}
    limit_days = retest_every_weeks * 7
    for (key, side), record in latest.items():
        age = (today - record.taken_on).days
        stale = age > limit_days
        weeks = age // 7
        age_text = f"{age} day(s)" if age < 14 else f"{weeks} weeks"
        if stale:
            reason = (
                f"The latest 1RM on record is {age_text} old, older than the plan's re-test interval of "
                f"{retest_every_weeks} week(s): re-test it, or enter a current value."
            )
        else:
            reason = f"The latest 1RM on record, {age_text} old (re-test every {retest_every_weeks} week(s))."
        offered[(key, side)] = RecordBaseline(key, side, record, age, retest_every_weeks, stale, reason)
    return RecordBaselines(offered, tuple(unmatched))


def retests(
    records: Iterable[RecordedOneRm], exercises: Mapping[str, Exercise], *, paretic_side: str, since: date
) -> dict[tuple[str, Side | None], list[RecordedOneRm]]:
    """1RMs recorded on or after ``since`` per exercise and plan side, oldest first: a plan's re-tests."""
    out: dict[tuple[str, Side | None], list[RecordedOneRm]] = {}
    for record in sorted(records, key=lambda r: (r.taken_on, r.assessment_id)):
        key = match_exercise(record.exercise_text, exercises)
        if key is None or record.taken_on < since:
            continue
        side, why_not = plan_side(record.side, paretic_side, unilateral=exercises[key].unilateral)
        if not why_not:
            out.setdefault((key, side), []).append(record)
    return out
