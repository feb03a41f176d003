"""Fictional assessment histories: recovery curves with noise, paretic weaker than non-paretic.

A clinic's mix (``Course``): mild, moderate and severe impairment; improvers, plateaus and decliners; re-tests
every 2 to 4 weeks with the newest within the last 3 weeks, except for the few whose re-test is overdue.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from rehab.domain.strength import mmt_grade
from rehab.store import assessments as store

# (measure, unit, lower bound, upper bound); lower-is-better measures (TUG, 5xSTS) run downwards.
MEASURES: list[tuple[str, str, float, float]] = [
    ("bbs", "{score}", 0, 56),
    ("tug", "s", 5, 90),
    ("ten_mwt", "m/s", 0.05, 1.6),
    ("six_mwt", "m", 10, 600),
    ("five_sts", "s", 6, 60),
    ("pass", "{score}", 0, 36),
    ("fga", "{score}", 0, 30),
]
# By severity: (first result range, range the curve heads for) per measure. Fictional, chosen so that a mild
# patient ends above the stroke fall-risk cut-offs (Berg 50.5, TUG 15 s) and a severe one stays below them.
LEVELS: dict[str, dict[str, tuple[tuple[float, float], tuple[float, float]]]] = {
    "mild": {
        "bbs": ((44, 50), (52, 56)), "tug": ((12, 16), (7, 11)), "ten_mwt": ((0.6, 0.9), (0.95, 1.3)),
        "six_mwt": ((250, 350), (350, 480)), "five_sts": ((14, 18), (9, 13)), "pass": ((28, 32), (33, 36)),
        "fga": ((14, 20), (20, 28)),
    },
    "moderate": {
        "bbs": ((32, 44), (46, 53)), "tug": ((16, 26), (11, 16)), "ten_mwt": ((0.3, 0.6), (0.6, 0.95)),
        "six_mwt": ((150, 260), (250, 360)), "five_sts": ((18, 26), (13, 18)), "pass": ((22, 28), (28, 33)),
        "fga": ((8, 15), (14, 21)),
    },
    "severe": {
        "bbs": ((12, 30), (28, 45)), "tug": ((28, 50), (16, 30)), "ten_mwt": ((0.1, 0.3), (0.25, 0.6)),
        "six_mwt": ((40, 150), (120, 250)), "five_sts": ((25, 40), (17, 28)), "pass": ((14, 22), (22, 29)),
        "fga": ((2, 8), (6, 14)),
    },
}  # fmt: skip
HISTORY_DAYS = 400  # the oldest result kept for a long-standing patient: bounds the rows per patient


@dataclass(frozen=True)
class Course:
    """How a demo patient's results run: severity, trajectory (improve, plateau, decline), whether PASS (a
    stroke measure) is recorded, whether the patient's re-test is overdue, whether they are in active treatment
    (a loading plan) and, for a long-standing patient, how many days ago the current course began: their
    results hold steady before it and move with it."""

    severity: str = "moderate"
    trajectory: str = "improve"
    stroke: bool = True
    overdue: bool = False
    treated: bool = True
    course_days: int | None = None


def visit_days(rng: random.Random, first: date, today: date, overdue: bool) -> list[date]:
    """Assessment days from ``first`` to the newest, every 2 to 4 weeks: the newest within the last 3 weeks
    (so the 4-weekly re-test is not yet due) or, for an overdue patient, 5 to 10 weeks ago."""
    newest = today - timedelta(days=rng.randint(35, 70) if overdue else rng.randint(0, 20))
    every = rng.choice([14, 21, 28])
    days = []
    day = newest
    while day >= first:
        days.append(day)
        day -= timedelta(days=every)
    return days[::-1]


def _items(total: int, count: int, top: int, rng: random.Random) -> list[float]:
    """Item scores summing to ``total``, spread as a real form would be (never above the item maximum)."""
    items = [0] * count
    for _ in range(total):
        open_items = [i for i in range(count) if items[i] < top]
        items[rng.choice(open_items)] += 1
    return [float(v) for v in items]


def _curve(rng: random.Random, start: float, end: float, weeks: float, trajectory: str) -> float:
    """Improvers approach ``end`` over 4–8 weeks; plateaus gain a third of it within 2 weeks and stay;
    decliners gain a little, then lose ground (a progressive condition, or a complication)."""
    if trajectory == "improve":
        return start + (end - start) * (1 - math.exp(-weeks / rng.uniform(4, 8)))
    if trajectory == "plateau":
        return start + (end - start) * 0.3 * (1 - math.exp(-weeks / rng.uniform(1, 2)))
    return start + (end - start) * (0.2 * min(weeks, 6) / 6 - 0.5 * max(0.0, weeks - 6) / 26)


def generate_assessments(
    conn: Connection,
    *,
    patients: list[tuple[int, date | None, str]],
    assessor_id: int,
    seed: int,
    today: date,
    now: datetime | None = None,
    rng: random.Random | None = None,
    courses: Mapping[int, Course] | None = None,
) -> int:
    """Histories for (patient id, event date, paretic side) tuples, inside the caller's transaction; each
    patient's ``Course`` from ``courses`` (a moderate improver by default).

    No result is dated after ``now``: a clinic's own export must import again, and the importer (like the form)
    refuses a result in the future.
    """
    rng = rng or random.Random(seed * 7919 + 17)
    rows: list[dict[str, Any]] = []
    now = now or datetime.now(UTC)
    latest = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    for patient_id, event, paretic in patients:
        course = (courses or {}).get(patient_id, Course())
        first = (event or today - timedelta(days=120)) + timedelta(days=rng.randint(5, 14))
        first = max(first, today - timedelta(days=HISTORY_DAYS))
        if first >= today:
            continue
        levels = LEVELS[course.severity]
        starts = {key: rng.uniform(*a) for key, (a, _) in levels.items()}
        ends = {key: rng.uniform(*b) for key, (_, b) in levels.items()}
        grip_strong = rng.uniform(18, 40)
        ratio0 = rng.uniform(0.3, 0.7)
        origin = first if course.course_days is None else max(first, today - timedelta(days=course.course_days))
        for day in visit_days(rng, first, today, course.overdue):
            weeks = max(0, (day - origin).days) / 7
            taken = datetime.combine(day, time(rng.randint(8, 16), rng.choice([0, 15, 30, 45])), tzinfo=UTC)
            taken = min(taken, latest)
            group = str(uuid.uuid4())

            def row(
                key: str,
                value: float,
                unit: str,
                taken_at: datetime = taken,
                pid: int = patient_id,
                group_id: str = group,
                **extra: Any,
            ) -> None:
                rows.append(
                    {
                        "patient_id": pid,
                        "measure_key": key,
                        "taken_at": taken_at,
                        "side": extra.get("side"),
                        "site": extra.get("site"),
                        "value": value,
                        "value_text": extra.get("value_text"),
                        "unit": unit,
                        "items": extra.get("items"),
                        "trials": extra.get("trials"),
                        "context": {"demo": True},
                        "note": "",
                        "entry_group": group_id,
                        "status": "final",
                        "status_reason": "",
                        "supersedes_id": None,
                        "assessor_id": assessor_id,
                        "created_at": now,
                        "version": 1,
                    }
                )

            for key, unit, low, high in MEASURES:
                if key == "pass" and (weeks > 12 or not course.stroke):
                    continue  # PASS is a stroke measure, used in the first months
                value = _curve(rng, starts[key], ends[key], weeks, course.trajectory) * rng.gauss(1, 0.04)
                value = min(max(value, low), high)
                if key in ("bbs", "pass", "fga"):
                    count, top = {"bbs": (14, 4), "pass": (12, 3), "fga": (10, 3)}[key]
                    total = round(min(value, count * top))
                    row(key, float(total), unit, items=_items(total, count, top, rng))
                else:
                    row(key, round(value, 2), unit)
            ratio = min(0.95, max(0.2, _curve(rng, ratio0, ratio0 + 0.3, weeks, course.trajectory)))
            strong = grip_strong * rng.gauss(1, 0.03)
            sides = (
                ("left", "right")
                if paretic not in ("left", "right")
                else (paretic, "right" if paretic == "left" else "left")
            )
            for side, factor in zip(sides, (ratio, 1.0), strict=True):
                trials = [round(strong * factor * rng.gauss(1, 0.04), 1) for _ in range(3)]
                row("grip", round(sum(trials) / 3, 2), "kg", side=side, trials=trials)
                knee = 120 + 180 * factor * rng.gauss(1, 0.05)
                row("hhd", round(knee, 1), "N", side=side, site="Knee extension", trials=[round(knee, 1)])
                grade = mmt_grade(min(12, max(3, round(12 * factor))))
                row(
                    "mmt",
                    float(min(12, max(3, round(12 * factor)))),
                    "{score}",
                    side=side,
                    site="Knee extension",
                    value_text=grade.label,
                )
    for start in range(0, len(rows), 5000):
        store.add_many(conn, rows[start : start + 5000])
    return len(rows)
