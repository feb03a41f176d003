"""Recording and correcting assessments on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, audit, patients
from rehab.services.context import AccessDenied, ConflictError
from rehab.store import Database
from tests.helpers import make_admin, make_clinician, patient_data

T0 = datetime(2026, 9, 10, 10, 0, tzinfo=UTC)


def _patient(db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    # Born 1950-03-14 (76 at the tests' dates), female, left paretic, stroke on 2026-09-01
    return admin, patients.register(db, admin, patient_data())


def test_record_battery_saves_all_and_interprets(db: Database) -> None:
    admin, pid = _patient(db)
    results = assessments.record(
        db,
        admin,
        pid,
        taken_at=T0,
        entries={
            "bbs": {"items": [3] * 14},
            "tug": {"value": 21.0},
            "grip": {"sides": {"left": [10, 12, 11], "right": [10, 12, 11]}},
        },
    )
    by_key = {r.record.measure_key: r for r in results}
    grips = {r.record.side: r for r in results if r.record.measure_key == "grip"}
    assert by_key["bbs"].record.value == 42  # 14 x 3
    # Berg 42 is in the 41–56 "independent" band (2° source), not "low fall risk" (issue 13)
    category = by_key["bbs"].interpretation.category or ""
    assert "independent" in category and "low fall risk" not in category
    bbs_codes = {f.code for f in by_key["bbs"].interpretation.flags}
    assert "bbs_stroke_fall_risk" in bbs_codes  # 42 < 50.5 (Matsumoto 2024 upper end)
    # Non-paretic (right) grip: maximum trial 12 kg < 16 kg, the EWGSOP2 threshold for women (Dodds 2014: max)
    assert any("EWGSOP2" in f.source and "maximum trial" in f.message for f in grips["right"].interpretation.flags)
    # Paretic (left) hand: EWGSOP2 is a sarcopenia criterion, not applied; the result says why
    assert not any("EWGSOP2" in f.source for f in grips["left"].interpretation.flags)
    assert any("neurological" in n for n in grips["left"].interpretation.notes)
    assert grips["left"].side_label == "paretic"
    # one audit entry for the sitting
    created = [e for e in audit.entries(db, admin, patient_id=pid) if e.entity == "assessment"]
    assert len(created) == 1 and "bbs" in created[0].detail


def test_one_bad_entry_saves_nothing(db: Database) -> None:
    admin, pid = _patient(db)
    with pytest.raises(ValidationErrors) as info:
        assessments.record(db, admin, pid, taken_at=T0, entries={"bbs": {"items": [3] * 14}, "tug": {"value": -1}})
    assert "tug.value" in info.value.by_field()
    assert assessments.history(db, admin, pid) == []


def test_date_rules(db: Database) -> None:
    admin, pid = _patient(db)
    with pytest.raises(ValidationErrors):
        assessments.record(
            db, admin, pid, taken_at=datetime.now(UTC) + timedelta(days=1), entries={"tug": {"value": 12}}
        )
    with pytest.raises(ValidationErrors) as info:
        assessments.record(
            db, admin, pid, taken_at=datetime(2026, 8, 31, 9, tzinfo=UTC), entries={"tug": {"value": 12}}
        )
    assert "event date" in info.value.by_field()["taken_at"]
    with pytest.raises(ValidationErrors):
        assessments.record(
            db, admin, pid, taken_at=datetime.now(UTC) + timedelta(hours=2), entries={"tug": {"value": 12}}
        )


def test_change_since_previous_and_first(db: Database) -> None:
    admin, pid = _patient(db)
    assessments.record(db, admin, pid, taken_at=T0, entries={"bbs": {"items": [2] * 14}})  # 28
    assessments.record(
        db, admin, pid, taken_at=T0 + timedelta(days=14), entries={"bbs": {"items": [2] * 10 + [3] * 4}}
    )  # 32
    [latest] = assessments.record(
        db, admin, pid, taken_at=T0 + timedelta(days=28), entries={"bbs": {"items": [3] * 14}}
    )  # 42
    prev = latest.interpretation.since_previous
    first = latest.interpretation.since_first
    assert prev is not None and first is not None
    # 32 -> 42 = +10 >= MDC 6 and >= MCID 5: real and meaningful
    assert prev.delta == 10 and prev.verdict == "real and meaningful improvement"
    assert first.delta == 14


def test_amend_keeps_old_version_and_entered_in_error_hides(db: Database) -> None:
    admin, pid = _patient(db)
    [first] = assessments.record(db, admin, pid, taken_at=T0, entries={"tug": {"value": 25.0}})
    fixed = assessments.amend(
        db, admin, first.record.id, expected_version=1, entry={"value": 22.0}, reason="typo: 22 s"
    )
    assert fixed.record.value == 22.0 and fixed.record.supersedes_id == first.record.id
    rows = {r.id: r for r in assessments.history(db, admin, pid)}
    assert rows[first.record.id].status == "amended" and rows[first.record.id].value == 25.0
    assert rows[first.record.id].status_reason == "typo: 22 s"
    # A second amendment of the old version is refused.
    with pytest.raises(ConflictError):
        assessments.amend(db, admin, first.record.id, expected_version=1, entry={"value": 20.0}, reason="again")
    [later] = assessments.record(db, admin, pid, taken_at=T0 + timedelta(days=7), entries={"tug": {"value": 18.0}})
    assert later.interpretation.since_previous is not None and later.interpretation.since_previous.before == 22.0
    assessments.mark_entered_in_error(db, admin, fixed.record.id, expected_version=1, reason="wrong patient")
    [again] = assessments.results(db, admin, pid, [later.record.id])
    assert again.interpretation.since_previous is None  # the hidden value is no longer compared with
    statuses = sorted(r.status for r in assessments.history(db, admin, pid))
    assert statuses == ["amended", "entered_in_error", "final"]
    with pytest.raises(ValidationErrors):
        assessments.mark_entered_in_error(db, admin, later.record.id, expected_version=1, reason="  ")


def test_other_care_team_cannot_record_or_read(db: Database) -> None:
    admin, pid = _patient(db)
    cara = make_clinician(db, admin, "cara")
    with pytest.raises(AccessDenied):
        assessments.record(db, cara, pid, taken_at=T0, entries={"tug": {"value": 12}})
    with pytest.raises(AccessDenied):
        assessments.history(db, cara, pid)


def test_garbage_entries_never_write(sqlite_db: Database) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from rehab.domain import measures

    admin, pid = _patient(sqlite_db)
    junk = st.one_of(
        st.none(),
        st.text(max_size=10),
        st.integers(-(10**9), 10**9),
        st.floats(allow_nan=True, allow_infinity=True),
        st.lists(st.one_of(st.integers(-3, 9), st.none(), st.floats()), max_size=17),
        st.dictionaries(st.sampled_from(["left", "right"]), st.lists(st.floats(), max_size=3), max_size=2),
    )
    entry = st.dictionaries(
        st.sampled_from(["items", "value", "sides", "trials", "unit", "site", "method"]), junk, max_size=4
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(key=st.sampled_from([m.key for m in measures.all_measures()]), raw=entry, bad=junk)
    def attempt(key: str, raw: dict, bad: object) -> None:  # type: ignore[type-arg]
        before = len(assessments.history(sqlite_db, admin, pid))
        entries = {key: raw, "tug": {"value": bad}}
        try:
            assessments.record(sqlite_db, admin, pid, taken_at=T0, entries=entries)
        except ValidationErrors as exc:
            assert exc.errors and all("." in e.field for e in exc.errors)
            assert len(assessments.history(sqlite_db, admin, pid)) == before
            return
        assert len(assessments.history(sqlite_db, admin, pid)) > before

    attempt()


def test_gait_speed_compared_at_the_same_pace_with_that_pace_mdc(db: Database) -> None:
    # Issue 13: gait-speed MDCs by the recorded pace. 10 m in 20 s = 0.5 m/s comfortable; then fast walks of
    # 10 m in 16.13 s (0.62 m/s) and 10 m in 13.33 s (0.75 m/s).
    admin, pid = _patient(db)

    def walk(day: int, seconds: float, pace: str) -> assessments.Result:
        [r] = assessments.record(
            db,
            admin,
            pid,
            taken_at=T0 + timedelta(days=day),
            entries={"ten_mwt": {"trials": [seconds], "pace": pace}},
        )
        return r

    walk(0, 20.0, "comfortable")
    first_fast = walk(7, 16.13, "fast")
    # the first fast walk is not compared with the comfortable one
    assert first_fast.interpretation.since_previous is None
    second_fast = walk(14, 13.33, "fast")
    change = second_fast.interpretation.since_previous
    # 0.62 -> 0.75 (+0.13), baseline 0.4–0.8: Hosoi 2023 fast-speed MDC95 0.12 m/s [R49]
    assert change is not None and change.mdc is not None and change.mdc.pace == "fast"
    assert change.mdc.value == 0.12 and change.exceeds_mdc is True and "Hosoi" in change.reason


def test_hhd_mdc_only_for_knee_extension(db: Database) -> None:
    # Issue 13: Lee 2020's MDC (29.46 N) is for knee extension in non-ambulatory inpatients [R59].
    admin, pid = _patient(db)
    for day, force in ((0, 150), (7, 185)):
        results = assessments.record(
            db,
            admin,
            pid,
            taken_at=T0 + timedelta(days=day),
            entries={
                "hhd": {"site": "knee extension", "sides": {"left": [force]}},
                "mmt": {"site": "hip abduction", "sides": {"left": "4"}},
            },
        )
        hip = assessments.record(
            db,
            admin,
            pid,
            taken_at=T0 + timedelta(days=day, minutes=5),
            entries={"hhd": {"site": "hip abduction", "sides": {"left": [force]}}},
        )
    knee = next(r for r in results if r.record.measure_key == "hhd").interpretation.since_previous
    assert knee is not None and knee.mdc is not None and knee.mdc.value == 29.46 and knee.exceeds_mdc is True
    hip_change = hip[0].interpretation.since_previous
    assert hip_change is not None and hip_change.mdc is None and "not borrowed" in hip_change.reason


def test_judged_for_the_patients_own_population(db: Database) -> None:
    # Issue 13 item 1, on both engines. Chronic stroke (event 2 years before): Berg 42 → 45 reaches the chronic MDC
    # 2.7 (Alghadir 2018), not judged with the inpatient MDC 6 (Stevenson 2001). A 30-year-old after TBI: TUG 12.5 s
    # is not flagged by CDC STEADI (adults 65+), and the note says the cut-off was not applied.
    from datetime import date

    admin = make_admin(db)
    chronic = patients.register(db, admin, patient_data(event_date=date(2024, 9, 1)))
    assessments.record(db, admin, chronic, taken_at=T0 - timedelta(days=14), entries={"bbs": {"items": [3] * 14}})
    [berg] = assessments.record(db, admin, chronic, taken_at=T0, entries={"bbs": {"items": [3] * 11 + [4, 4, 4]}})
    change = berg.interpretation.since_previous
    assert change is not None and change.mdc is not None and change.mdc.id == "bbs.mdc.chronic"
    assert change.improved is True and "chronic (more than 6 months)" in change.reason
    assert "chronic (more than 6 months)" in berg.interpretation.population
    young = patients.register(
        db,
        admin,
        patient_data(mrn="TBI-30", condition="tbi", birth_date=date(1996, 5, 1), event_date=date(2026, 6, 1)),
    )
    [tug] = assessments.record(db, admin, young, taken_at=T0, entries={"tug": {"value": 12.5}})
    assert tug.interpretation.flags == []
    assert any("CDC STEADI" in n and "reference only" in n for n in tug.interpretation.notes)
    assert "traumatic brain injury, aged 30" in tug.interpretation.population
