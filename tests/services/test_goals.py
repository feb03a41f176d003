"""Goals through the services on SQLite and PostgreSQL: a Berg target judged with the MDC of the patient's own
population, GAS goals reviewed and scored, corrections and closing kept on record, care-team access."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, goals, patients
from rehab.services.context import AccessDenied, ConflictError
from rehab.store import Database
from rehab.store import audit as audit_store
from tests.helpers import make_admin, make_clinician, patient_data

SET_ON = date(2026, 11, 1)
TARGET_DATE = SET_ON + timedelta(days=56)  # 2026-12-27


def _berg(total: int) -> dict[str, list[int]]:
    items = [3] * (total // 3) + [total % 3]
    return {"items": items + [0] * (14 - len(items))}


def _patient_with_bergs(db: Database, actor, event: date, mrn: str) -> int:  # type: ignore[no-untyped-def]
    pid = patients.register(db, actor, patient_data(mrn=mrn, event_date=event))
    for days, total in ((0, 30), (14, 33), (28, 36)):
        taken = datetime.combine(SET_ON + timedelta(days=days), datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
        assessments.record(db, actor, pid, taken_at=taken, entries={"bbs": _berg(total)})
    return pid


def _goal(db: Database, actor, pid: int, target: float, monkeypatch) -> int:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(goals, "today", lambda: SET_ON)  # the goal was agreed on 1 November
    goal_id = goals.set_measure_goal(
        db,
        actor,
        pid,
        {"statement": "Walk to the shop", "measure_key": "bbs", "target_value": target, "target_date": TARGET_DATE},
    )
    monkeypatch.undo()
    return goal_id


def test_a_berg_target_is_judged_with_the_mdc_of_the_patients_own_phase(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Berg 30, 33, 36 on days 0, 14, 28 after the goal: the least-squares line reaches 42 by day 56.
    # Target 46: 4 points short.
    # - Early subacute stroke (event 15 Oct): MDC 6 (Stevenson 2001) → within the MDC, on track.
    # - Chronic stroke (event 2025): MDC 2.7 (Alghadir 2018) → beyond the MDC, at risk.
    # - Late subacute (event 1 Jul): the catalogue has no Berg MDC → not judged, and it says so.
    admin = make_admin(db)
    cases = {
        "early": (date(2026, 10, 15), False),
        "chronic": (date(2025, 1, 1), True),
        "late": (date(2026, 7, 1), None),
    }
    for name, (event, expected) in cases.items():
        pid = _patient_with_bergs(db, admin, event, f"G-{name}")
        _goal(db, admin, pid, 46, monkeypatch)
        [view] = goals.patient_goals(db, admin, pid).goals
        assert view.trend is not None and view.trend.at_risk is expected, (name, view.trend.reason)
        if expected is not None:
            assert view.trend.projected == pytest.approx(42.0)
    early_view = goals.patient_goals(db, admin, patients.search(db, admin, "G-early")[0].id).goals[0]
    assert "Stevenson 2001" in early_view.basis and "early subacute" in early_view.basis


def test_gas_goals_are_reviewed_as_typed_and_scored_when_all_are_rated(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="G-GAS"))
    levels = {2: "a", 1: "b", 0: "walks 10 m with a stick", -1: "d", -2: "e"}
    target = date.today() + timedelta(days=60)
    ids = [
        goals.set_gas_goal(
            db,
            admin,
            pid,
            {"statement": f"goal {n}", "levels": levels, "baseline": -1, "target_date": target},
        )
        for n in range(3)
    ]
    assert goals.patient_goals(db, admin, pid).t_score.value is None  # none rated yet: incomplete, not 50
    with pytest.raises(ValidationErrors):
        goals.review(db, admin, ids[0], rating=3, note="")
    with pytest.raises(ValidationErrors):
        goals.review(db, admin, ids[0], rating="1", note="")  # text is not a rating
    for goal_id, rating in zip(ids, (-1, 0, 0), strict=True):
        goals.review(db, admin, goal_id, rating=rating, note="")
    # §13.9 worked example: (−1, 0, 0) unweighted → 45.4
    assert goals.patient_goals(db, admin, pid).t_score.value == 45.4
    goals.review(db, admin, ids[0], rating=0, note="re-rated after the home visit")  # the later review counts
    scored = goals.patient_goals(db, admin, pid)
    assert scored.t_score.value == 50.0
    first = next(v for v in scored.goals if v.goal.id == ids[0])
    assert [r.rating for r in first.reviews] == [-1, 0] and first.latest_rating == 0  # both kept, newest counts


def test_goals_are_closed_not_deleted_and_a_stale_close_is_refused(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="G-CL"))
    target = date.today() + timedelta(days=30)
    goal_id = goals.set_measure_goal(
        db, admin, pid, {"statement": "Faster TUG", "measure_key": "tug", "target_value": 12.0, "target_date": target}
    )
    with pytest.raises(ValidationErrors):
        goals.close(db, admin, goal_id, 1, "entered_in_error", "")  # a reason is required
    goals.close(db, admin, goal_id, 1, "achieved", "")
    with pytest.raises(ConflictError):
        goals.close(db, admin, goal_id, 1, "discontinued", "")
    [view] = goals.patient_goals(db, admin, pid).goals
    assert view.goal.status == "achieved" and view.goal.version == 2
    entries = db.run(lambda c: audit_store.search(c, patient_id=pid), write=False)
    assert [e.detail for e in entries if e.entity == "goal"] == ["status=achieved", "measure"]


def test_bad_goals_are_refused_at_their_fields_and_nothing_is_saved(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="G-BAD"))
    with pytest.raises(ValidationErrors) as refused:
        goals.set_measure_goal(
            db,
            admin,
            pid,
            {"statement": " ", "measure_key": "bbs", "target_value": 57.0, "target_date": date(2020, 1, 1)},
        )
    assert {"statement", "target_value", "target_date"} <= set(refused.value.by_field())
    with pytest.raises(ValidationErrors) as typed:
        goals.set_measure_goal(
            db, admin, pid, {"statement": "x", "measure_key": "bbs", "target_value": "45", "target_date": "soon"}
        )
    assert {"target_value", "target_date"} <= set(typed.value.by_field())
    assert goals.patient_goals(db, admin, pid).goals == []


def test_only_the_care_team_sees_or_sets_goals(db: Database) -> None:
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    ben = make_clinician(db, admin, "ben")
    pid = patients.register(db, ana, patient_data(mrn="G-TEAM"))
    with pytest.raises(AccessDenied):
        goals.patient_goals(db, ben, pid)
    with pytest.raises(AccessDenied):
        goals.set_measure_goal(
            db,
            ben,
            pid,
            {"statement": "x", "measure_key": "tug", "target_value": 10.0, "target_date": date.today() + timedelta(7)},
        )


def test_a_target_outside_the_measures_plausible_range_is_refused_not_saved(db: Database) -> None:
    # TUG's plausible range ends at 120 s (4 × Podsiadlo's > 30 s for ADL-dependent adults [R31]): a goal of
    # 10⁹ s is a typing slip, refused at its field with the range named.
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="G-HUGE"))
    values = {"statement": "x", "measure_key": "tug", "target_value": 1e9, "target_date": date.today() + timedelta(30)}
    with pytest.raises(ValidationErrors) as refused:
        goals.set_measure_goal(db, admin, pid, values)
    assert "plausible range" in refused.value.by_field()["target_value"]
    assert goals.patient_goals(db, admin, pid).goals == []
