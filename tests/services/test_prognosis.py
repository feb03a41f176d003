"""Issue 18: PREP2 and TWIST read from recorded results with their days, findings (NIHSS, MEP) and clinicians'
disagreements stored as audited, append-only versions, on both engines. Branches are worked by hand from the
trees in clinical reference §13.7 [R88] and §13.8 [R93]."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.domain.prognosis import Prep2Category, TwistCategory
from rehab.services import assessments, audit, patients, prognosis
from rehab.services.context import ConflictError
from rehab.store import Database
from tests.helpers import make_admin, patient_data

EVENT = datetime.now(UTC).date() - timedelta(days=30)


def _at(day: int) -> datetime:
    return datetime.combine(EVENT + timedelta(days=day), time(10), tzinfo=UTC)


def _patient(db: Database, **more: object):
    admin = make_admin(db)
    # born 14 Mar 1950: 76 at a stroke in 2026 (under 80)
    return admin, patients.register(db, admin, patient_data(event_date=EVENT, paretic_side="left", **more))


def _mmt(db: Database, admin, pid: int, day: int, site: str, grade: str, side: str = "left") -> None:
    assessments.record(db, admin, pid, taken_at=_at(day), entries={"mmt": {"site": site, "sides": {side: grade}}})


def _tools(db: Database, admin, pid: int):
    return {t.prediction.tool.value: t for t in prognosis.outlook(db, admin, pid).tools}


def test_predictions_come_from_the_paretic_side_results_in_window(db: Database) -> None:
    admin, pid = _patient(db)
    # SAFE 3 + 2 = 5 on day 1 on the paretic (left) side; age 76 → Excellent [R88]
    _mmt(db, admin, pid, 1, "Shoulder abduction", "3")
    _mmt(db, admin, pid, 1, "finger extension", "2")
    _mmt(db, admin, pid, 1, "shoulder abduction", "0", side="right")  # the other arm is not read
    # TCT 48 on day 8 (> 40) → walking independently by 6 weeks [R93]
    assessments.record(db, admin, pid, taken_at=_at(8), entries={"tct": {"items": [12, 12, 12, 12]}})
    tools = _tools(db, admin, pid)
    assert tools["prep2"].prediction.category is Prep2Category.EXCELLENT
    assert tools["twist"].prediction.category is TwistCategory.BY_6_WEEKS


def test_step_two_uses_entered_mep_and_nihss(db: Database) -> None:
    admin, pid = _patient(db)
    _mmt(db, admin, pid, 3, "shoulder abduction", "1")
    _mmt(db, admin, pid, 3, "finger extension", "1")
    # SAFE 2 on day 3 and no TMS: no valid prediction, MEP named as missing
    missing = _tools(db, admin, pid)["prep2"].prediction
    assert missing.category is None and missing.refusals[0].input == "MEP status (TMS, days 3–7)"
    prognosis.record_finding(
        db, admin, pid, {"kind": "mep", "found_on": EVENT + timedelta(days=5), "value": "negative"}
    )
    nihss = prognosis.record_finding(
        db, admin, pid, {"kind": "nihss", "found_on": EVENT + timedelta(days=3), "value": 9}
    )
    # MEP− and NIHSS 9 (≥ 7) → Poor
    assert _tools(db, admin, pid)["prep2"].prediction.category is Prep2Category.POOR
    prognosis.withdraw_finding(db, admin, nihss, expected_version=1, reason="NIHSS was from day 1")
    prognosis.record_finding(db, admin, pid, {"kind": "nihss", "found_on": EVENT + timedelta(days=3), "value": 4})
    # MEP− and NIHSS 4 (< 7) → Limited
    assert _tools(db, admin, pid)["prep2"].prediction.category is Prep2Category.LIMITED


def test_findings_refuse_bad_input_by_field(db: Database) -> None:
    admin, pid = _patient(db)
    with pytest.raises(ValidationErrors) as err:
        prognosis.record_finding(db, admin, pid, {"kind": "nihss", "found_on": EVENT - timedelta(days=1), "value": -1})
    assert set(err.value.by_field()) == {"found_on", "value"}
    with pytest.raises(ValidationErrors) as err:
        prognosis.record_finding(db, admin, pid, {"kind": "nihss", "found_on": EVENT, "value": 4.5})
    assert err.value.by_field()["value"] == "NIHSS must be a whole number"
    assert prognosis.outlook(db, admin, pid).findings == []


def test_a_disagreement_is_kept_with_its_reason_versioned_and_audited(db: Database) -> None:
    admin, pid = _patient(db)
    assessments.record(db, admin, pid, taken_at=_at(7), entries={"tct": {"items": [0, 12, 12, 0]}})
    _mmt(db, admin, pid, 7, "hip extension", "2")  # TCT 24 ≤ 40, hip 2 < 3 → not independent by 12 weeks
    with pytest.raises(ValidationErrors):
        prognosis.disagree(db, admin, pid, "twist", reason=" ")
    first = prognosis.disagree(db, admin, pid, "twist", reason="Walked 10 m with a stick today")
    second = prognosis.disagree(db, admin, pid, "twist", reason="Walked 10 m with a stick; FAC 3 today")
    twist_tool = _tools(db, admin, pid)["twist"]
    assert twist_tool.prediction.category is TwistCategory.NOT_BY_12_WEEKS
    assert twist_tool.disagreement is not None and twist_tool.disagreement.id == second
    assert twist_tool.disagreement.version == 2 and "FAC 3" in twist_tool.disagreement.reason
    with pytest.raises(ConflictError):
        prognosis.withdraw_disagreement(db, admin, first, expected_version=1, reason="stale")
    prognosis.withdraw_disagreement(db, admin, second, expected_version=2, reason="agreed at the team meeting")
    assert _tools(db, admin, pid)["twist"].disagreement is None
    entities = [e.entity for e in audit.entries(db, admin, patient_id=pid)]
    assert entities.count("prediction_review") == 3


def test_a_disagreement_with_an_earlier_category_is_shown_as_earlier(db: Database) -> None:
    admin, pid = _patient(db)
    assessments.record(db, admin, pid, taken_at=_at(7), entries={"tct": {"items": [0, 12, 12, 0]}})
    _mmt(db, admin, pid, 7, "hip extension", "2")
    prognosis.disagree(db, admin, pid, "twist", reason="looks better than this")
    _mmt(db, admin, pid, 9, "hip extension", "3")  # newest in window: 3 → by 12 weeks
    tool = _tools(db, admin, pid)["twist"]
    assert tool.prediction.category is TwistCategory.BY_12_WEEKS
    assert tool.disagreement is None and tool.earlier_disagreement is not None


def test_not_applied_outside_stroke(db: Database) -> None:
    admin, pid = _patient(db, condition="orthopaedic")
    tools = _tools(db, admin, pid)
    assert tools["prep2"].prediction.refusals[0].input == "condition"
    assert tools["twist"].prediction.refusals[0].input == "condition"


def test_arat_bands_only_after_sign_off(db: Database) -> None:
    admin, pid = _patient(db)
    _mmt(db, admin, pid, 1, "shoulder abduction", "3")
    _mmt(db, admin, pid, 1, "finger extension", "2")
    assert not any("51–57" in c.text for c in _tools(db, admin, pid)["prep2"].prediction.caveats)
    prognosis.save_sign_offs(db, admin, {"prep2.arat_bands"}, expected_version=0)
    assert any("51–57" in c.text for c in _tools(db, admin, pid)["prep2"].prediction.caveats)


def test_what_happened_is_shown_beside_the_prediction(db: Database) -> None:
    admin, pid = _patient(db)
    tools = _tools(db, admin, pid)
    assert tools["twist"].observed == "So far: no FAC recorded (independent walking is FAC 4 or more)."
    assessments.record(db, admin, pid, taken_at=_at(20), entries={"fac": {"value": 2}})
    assessments.record(db, admin, pid, taken_at=_at(25), entries={"fac": {"value": 4}})
    assessments.record(db, admin, pid, taken_at=_at(28), entries={"fac": {"value": 5}})
    tools = _tools(db, admin, pid)
    day_25 = (EVENT + timedelta(days=25)).isoformat()
    # FAC ≥ 4 = independent walking (Smith 2022 [R94]); first reached on day 25 = 3 weeks 4 days
    assert tools["twist"].observed == (
        f"So far: walking independently (FAC 4) first recorded on {day_25}, 3 weeks 4 days after the stroke."
    )
    assert tools["prep2"].observed.startswith("So far: no ARAT recorded")
