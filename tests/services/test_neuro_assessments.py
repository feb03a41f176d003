"""Issue 18: the neuro-rehabilitation core set recorded, read back, interpreted and corrected on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, dashboard, patients
from rehab.store import Database
from tests.helpers import make_admin, patient_data

T0 = datetime(2026, 9, 10, 10, 0, tzinfo=UTC)  # 9 days after the stroke of patient_data(): early subacute
ARAT_SHORTCUT = [3, None, None, None, None, None, 2, 0, None, None, 1, 1, 1, 1, 1, 1, 3, None, None]  # 35
FMA_UE_46 = [2, 2] + [2] * 9 + [1, 1, 1] + [0, 0, 0] + [0] + [1] * 5 + [2] * 7 + [1, 1, 0]


def _patient(db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    return admin, patients.register(db, admin, patient_data())


def test_core_set_round_trip(db: Database) -> None:
    admin, pid = _patient(db)
    results = assessments.record(
        db,
        admin,
        pid,
        taken_at=T0,
        entries={
            "tct": {"items": [12, 25, 25, 0]},
            "mi_leg": {"items": [9, 14, 19]},
            "fma_ue": {"items": FMA_UE_46},
            "arat": {"items": ARAT_SHORTCUT},
            "fac": {"value": 2},
            "mas": {
                "muscles": [
                    {"site": "Elbow flexors", "sides": {"left": "1+", "right": "0"}},
                    {"site": "Ankle plantar flexors", "sides": {"left": "2"}},
                ]
            },
        },
    )
    assert len(results) == 8
    saved = {(r.measure_key, r.site, r.side): r for r in assessments.history(db, admin, pid)}
    assert saved[("tct", None, None)].value == 62
    assert saved[("mi_leg", None, None)].value == 43 and saved[("mi_leg", None, None)].context["raw_sum"] == 42
    assert saved[("fma_ue", None, None)].value == 46
    arat = saved[("arat", None, None)]
    assert arat.value == 35 and arat.items == [3.0] * 6 + [2.0, 0.0, 0.0, 0.0] + [1.0] * 6 + [3.0] * 3
    assert arat.context["inferred_items"] == [2, 3, 4, 5, 6, 9, 10, 18, 19]
    fac = saved[("fac", None, None)]
    assert (fac.value, fac.value_text) == (2.0, "2")
    elbow = saved[("mas", "Elbow flexors", "left")]
    assert (elbow.value, elbow.value_text) == (2.0, "1+")
    assert saved[("mas", "Elbow flexors", "right")].value_text == "0"
    assert saved[("mas", "Ankle plantar flexors", "left")].value_text == "2"
    by_key = {(r.record.measure_key, r.record.site, r.record.side): r for r in results}
    assert by_key[("fac", None, None)].interpretation.category == "FAC 2: Dependent, physical assistance level I"
    assert by_key[("fma_ue", None, None)].interpretation.category == "Moderate (26–50)"


def test_mas_change_on_the_dashboard_is_a_shift_of_grade(db: Database) -> None:
    admin, pid = _patient(db)
    for day, grade in ((0, "1"), (14, "1+")):
        assessments.record(
            db,
            admin,
            pid,
            taken_at=T0 + timedelta(days=day),
            entries={"mas": {"site": "Elbow flexors", "sides": {"left": grade}}, "tct": {"items": [12, 25, 25, 0]}},
        )
    [result] = [
        r
        for r in assessments.record(
            db,
            admin,
            pid,
            taken_at=T0 + timedelta(days=28),
            entries={"mas": {"site": "elbow flexors", "sides": {"left": "2"}}},
        )
    ]
    change = result.interpretation.since_previous
    assert change is not None and change.improved is None and "grade 1+ → grade 2" in change.reason
    view = dashboard.dashboard(db, admin, pid, today=(T0 + timedelta(days=30)).date())
    [mas] = [f for f in view.figures if f.construct == "tone"]
    assert mas.value == "Grade 2" and mas.delta is not None and mas.delta.startswith("1 → 2 since")
    assert mas.delta_arrow == "off" and mas.delta_color == "off"
    assert "elbow flexors" in mas.label.lower() and "paretic" in mas.label  # same series, whatever the case
    posture = next(s for s in view.sections if s.key == "posture")
    assert any(p.key == "tct" for p in posture.panels)  # TCT is charted with posture and trunk
    assert not any("mas" in p.key for s in view.sections for p in s.panels)  # ordinal: never a line of numbers


def test_motor_section_charts_fugl_meyer(db: Database) -> None:
    admin, pid = _patient(db)
    assessments.record(db, admin, pid, taken_at=T0, entries={"fma_ue": {"items": FMA_UE_46}})
    view = dashboard.dashboard(db, admin, pid, today=T0.date())
    motor = next(s for s in view.sections if s.key == "motor")
    [panel] = motor.panels
    assert panel.key == "fma_ue" and list(panel.points["value"]) == [46]
    assert any(f.construct == "motor" and f.value == "46 points" for f in view.figures)


def test_amend_one_mas_grade(db: Database) -> None:
    admin, pid = _patient(db)
    [left, _] = assessments.record(
        db,
        admin,
        pid,
        taken_at=T0,
        entries={"mas": {"site": "Elbow flexors", "sides": {"left": "1", "right": "0"}}},
    )
    fixed = assessments.amend(
        db,
        admin,
        left.record.id,
        expected_version=left.record.version,
        entry={"site": "Elbow flexors", "sides": {"left": "1+"}},
        reason="graded 1, meant 1+",
    )
    assert (fixed.record.value_text, fixed.record.value, fixed.record.supersedes_id) == ("1+", 2.0, left.record.id)


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        ({"tct": {"items": [13, 25, 25, 0]}}, "tct.item 1"),
        ({"mas": {"site": "Elbow flexors", "sides": {"left": 1.5}}}, "mas.Elbow flexors left grade"),
        ({"fac": {"value": 6}}, "fac.value"),
        ({"mi_arm": {"items": [9, 9, 9]}}, "mi_arm.item 1"),
    ],
)
def test_refusals_name_the_field_and_save_nothing(db: Database, entries: dict, field: str) -> None:
    admin, pid = _patient(db)
    with pytest.raises(ValidationErrors) as info:
        assessments.record(db, admin, pid, taken_at=T0, entries={"bbs": {"items": [3] * 14}, **entries})
    assert field in info.value.by_field()
    assert assessments.history(db, admin, pid) == []
