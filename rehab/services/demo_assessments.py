"""Fictional assessment histories: recovery curves with noise, paretic weaker than non-paretic, some plateaus."""

from __future__ import annotations

import math
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from rehab.domain.strength import mmt_grade
from rehab.store import assessments as store

# (measure, unit, start range, end range, lower bound, upper bound); lower-is-better measures run downwards.
CURVES: list[tuple[str, str, tuple[float, float], tuple[float, float], float, float]] = [
    ("bbs", "{score}", (18, 40), (38, 54), 0, 56),
    ("tug", "s", (18, 40), (9, 16), 5, 90),
    ("ten_mwt", "m/s", (0.15, 0.5), (0.45, 1.1), 0.05, 1.6),
    ("six_mwt", "m", (60, 220), (200, 420), 10, 600),
    ("five_sts", "s", (16, 30), (10, 16), 6, 60),
    ("pass", "{score}", (18, 28), (28, 36), 0, 36),
    ("fga", "{score}", (4, 14), (12, 24), 0, 30),
]


def _items(total: int, count: int, top: int, rng: random.Random) -> list[float]:
    """Item scores summing to ``total``, spread as a real form would be (never above the item maximum)."""
    items = [0] * count
    for _ in range(total):
        open_items = [i for i in range(count) if items[i] < top]
        items[rng.choice(open_items)] += 1
    return [float(v) for v in items]


def _curve(rng: random.Random, start: float, end: float, weeks: float, plateau: bool) -> float:
    tau = rng.uniform(4, 8) if not plateau else rng.uniform(1, 2)
    reach = 1 - math.exp(-weeks / tau)
    if plateau:
        end = start + (end - start) * 0.3
    return start + (end - start) * reach


def generate_assessments(
    conn: Connection,
    *,
    patients: list[tuple[int, date | None, str]],
    assessor_id: int,
    seed: int,
    today: date,
    now: datetime | None = None,
) -> int:
    """Histories for (patient id, event date, paretic side) tuples, inside the caller's transaction.

    No result is dated after ``now``: a clinic's own export must import again, and the importer (like the form)
    refuses a result in the future.
    """
    rng = random.Random(seed * 7919 + 17)
    rows: list[dict[str, Any]] = []
    now = now or datetime.now(UTC)
    latest = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    for patient_id, event, paretic in patients:
        start_day = (event or today - timedelta(days=120)) + timedelta(days=rng.randint(5, 14))
        if start_day >= today:
            continue
        plateau = rng.random() < 0.2
        starts = {key: rng.uniform(*a) for key, _, a, _, _, _ in CURVES}
        ends = {key: rng.uniform(*b) for key, _, _, b, _, _ in CURVES}
        grip_strong = rng.uniform(18, 40)
        ratio0 = rng.uniform(0.3, 0.7)
        day = start_day
        while day <= today:
            weeks = (day - start_day).days / 7
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

            for key, unit, _, _, low, high in CURVES:
                if key in ("pass",) and weeks > 12:
                    continue
                value = _curve(rng, starts[key], ends[key], weeks, plateau) * rng.gauss(1, 0.04)
                value = min(max(value, low), high)
                if key in ("bbs", "pass", "fga"):
                    count, top = {"bbs": (14, 4), "pass": (12, 3), "fga": (10, 3)}[key]
                    total = round(min(value, count * top))
                    row(key, float(total), unit, items=_items(total, count, top, rng))
                else:
                    row(key, round(value, 2), unit)
            ratio = min(0.95, _curve(rng, ratio0, ratio0 + 0.3, weeks, plateau))
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
            day += timedelta(days=rng.choice([14, 21, 28]))
    for start in range(0, len(rows), 5000):
        store.add_many(conn, rows[start : start + 5000])
    return len(rows)
