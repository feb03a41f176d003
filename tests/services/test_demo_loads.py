"""The demo clinic, run through the real engine for a year, never loads above the ceiling and asks for re-tests.

The bound is checked independently of the engine: every load in force is at most 80 % (AHA/ASA, Billinger
2014 [R9]) of the highest 1RM the record could support at that point — the baseline, a 1RM re-tested on the
assessment page (the demo clinician re-tests when the plan holds at its ceiling), or an Epley estimate from a
set logged earlier near failure (effort ≥ 8/10, 10 reps or fewer) — and so never above any 1RM.
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select

from rehab.services import demo
from rehab.store import Database
from rehab.store.plan_tables import load_decisions, plan_items, plans, session_sets, treatment_sessions
from rehab.store.tables import assessments, patients


def _same_side():  # type: ignore[no-untyped-def]
    """The assessment's left/right is the item's paretic or non-paretic side (or both are unsided)."""
    other = case((patients.c.paretic_side == "left", "right"), else_="left")
    return or_(
        and_(plan_items.c.side.is_(None), assessments.c.side.is_(None)),
        and_(plan_items.c.side == "paretic", assessments.c.side == patients.c.paretic_side),
        and_(plan_items.c.side == "non_paretic", assessments.c.side == other),
    )


def test_a_year_of_demo_plans_stays_under_the_ceiling_and_re_tests_fall_due(sqlite_db: Database) -> None:
    # a clinic's mix: about half the patients in active treatment, so 24 give over a thousand load decisions
    demo.generate(sqlite_db, patients=24, seed=4, plan_history_days=365)

    def read(conn):  # type: ignore[no-untyped-def]
        items = {r.id: r.one_rm_kg for r in conn.execute(select(plan_items.c.id, plan_items.c.one_rm_kg))}
        tested = conn.execute(
            select(plan_items.c.id, assessments.c.taken_at, assessments.c.value)
            .join(plans, plans.c.id == plan_items.c.plan_id)
            .join(patients, patients.c.id == plans.c.patient_id)
            .join(assessments, assessments.c.patient_id == patients.c.id)
            .where(assessments.c.measure_key == "one_rm", assessments.c.site.is_not(None))
            .where(func.lower(assessments.c.site) == func.lower(func.json_extract(plan_items.c.exercise, "$.name")))
            .where(_same_side())
        ).all()
        sessions = {r.id: r.session_date for r in conn.execute(select(treatment_sessions))}
        sets = conn.execute(
            select(
                session_sets.c.session_id,
                session_sets.c.plan_item_id,
                session_sets.c.load_kg,
                session_sets.c.reps,
                session_sets.c.effort,
            )
        ).all()
        decisions = conn.execute(select(load_decisions).order_by(load_decisions.c.id)).all()
        return items, sessions, sets, decisions, tested

    items, sessions, sets, decisions, tested = sqlite_db.run(read)
    best: dict[int, list[tuple[object, float]]] = {}
    for item_id, taken_at, value in tested:
        best.setdefault(item_id, []).append((taken_at.date(), value))
    assert tested, "the demo clinician re-tests when a load waits at its ceiling"
    for s in sets:
        if s.load_kg and s.reps and 1 <= s.reps <= 10 and s.effort is not None and s.effort >= 8:
            best.setdefault(s.plan_item_id, []).append((sessions[s.session_id], s.load_kg * (1 + s.reps / 30)))
    checked = 0
    for d in decisions:
        if d.load_kg is None or d.session_id is None:
            continue
        on = sessions[d.session_id]
        supported = max([items[d.plan_item_id], *[e for when, e in best.get(d.plan_item_id, []) if when <= on]])
        in_force = d.previous_load_kg if d.needs_confirmation and d.confirmed_at is None else d.load_kg
        assert in_force <= 0.8 * supported + 1e-6, (d.id, in_force, supported)
        checked += 1
    assert checked > 1000
    assert any(d.retest_due for d in decisions), "a year at the ceiling must ask for re-tests"
