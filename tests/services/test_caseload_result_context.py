"""The caseload judges each result in the patient's context on the day it was taken, not today's.

Phases after the event: the Stroke Recovery and Rehabilitation Roundtable (Bernhardt 2017): acute < 7 days, early
subacute 7 days–3 months, late subacute 3–6 months, chronic > 6 months (calendar months). Figures (clinical reference
§2.1, §2.2 and §13.11, as catalogued):
- Berg MDC 6 points at 90 %, inpatient stroke rehabilitation (Stevenson 2001 [R24]): early subacute;
- Berg MDC 2.7 points, chronic stroke (Alghadir 2018 [R26]): chronic (Hiengkaew 2012's MDC95 5 comes after it in
  the catalogue; the "6.9" has no primary source and stays off);
- no Berg MDC was derived in late-subacute stroke;
- TUG ≥ 12 s, CDC STEADI, adults aged 65 and over without a stroke [R31].
Every case below is worked by hand from those figures, and "today" is put in a different phase (or age) from the
result, so judging with today's context would give the other answer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from rehab.services import caseload
from rehab.store.caseload import CaseloadRow
from tests.services.test_caseload_dating import ROW

TODAY = date(2026, 12, 2)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def _berg_pair(event: date, earlier: tuple[float, date], newer: tuple[float, date]) -> CaseloadRow:
    """A stroke patient in active treatment with two Berg results and nothing else to judge a plateau with."""
    return replace(
        ROW,
        event_date=event,
        latest={"bbs": newer[0], "tug": None},
        earlier={"bbs": earlier[0]},
        recent={"bbs": newer[0]},
        earlier_at={"bbs": _at(earlier[1]), "tug": None},
        recent_at={"bbs": _at(newer[1]), "tug": None},
    )


def _plateau(row: CaseloadRow):  # type: ignore[no-untyped-def]
    return caseload.judge(row, TODAY)[caseload.PLATEAU]


# Event 2026-08-24: on 2026-09-13 (20 days) and 2026-11-12 (2 months 19 days) early subacute; today (2026-12-02,
# 3 months 8 days) late subacute, where no Berg MDC was derived.
EARLY_EVENT = date(2026, 8, 24)


def test_early_subacute_berg_40_to_44_is_a_plateau_by_stevensons_mdc_6_though_today_is_late_subacute() -> None:
    # 44 − 40 = 4 < 6 (Stevenson 2001, MDC90, inpatient stroke rehabilitation): no real change → plateau.
    # Today's context (late subacute) has no Berg MDC and would say "not judged".
    row = _berg_pair(EARLY_EVENT, (40, date(2026, 9, 13)), (44, date(2026, 11, 12)))
    verdict = _plateau(row)
    assert verdict.flagged
    assert "early subacute" in verdict.reason and "Stevenson 2001" in verdict.reason
    assert "2026-11-12" in verdict.reason


def test_early_subacute_berg_40_to_47_is_real_change_by_the_same_mdc() -> None:
    # 47 − 40 = 7 ≥ 6 → real change → no plateau.
    row = _berg_pair(EARLY_EVENT, (40, date(2026, 9, 13)), (47, date(2026, 11, 12)))
    verdict = _plateau(row)
    assert not verdict.flagged and verdict.reason.startswith("Real change in the last 6 weeks: Berg")


# Event 2026-05-16: on 2026-08-24 (3 months 8 days) and 2026-11-02 (5 months 17 days) late subacute; today
# (6 months 16 days) chronic, where Alghadir's 2.7 would apply.
LATE_EVENT = date(2026, 5, 16)


def test_late_subacute_berg_is_not_judged_though_today_is_chronic() -> None:
    # 42 − 40 = 2 < 2.7 would be a plateau with today's (chronic) figure; on the result's day the patient was late
    # subacute, where no Berg MDC was derived, so the flag is not raised and the reason says why.
    row = _berg_pair(LATE_EVENT, (40, date(2026, 8, 24)), (42, date(2026, 11, 2)))
    verdict = _plateau(row)
    assert not verdict.flagged
    assert verdict.reason.startswith("Not judged: no MDC in the catalogue for Berg Balance Scale of 2026-11-02")
    assert "late subacute" in verdict.reason


# Event 2026-05-16: the earlier Berg on 2026-06-20 (1 month 4 days, early subacute), the newer on 2026-11-20
# (6 months 4 days, chronic). The pair is judged for the patient on the newer result's day: chronic.
@pytest.mark.parametrize(("newer", "flagged"), [(42, True), (43, False)])
def test_a_pair_across_phases_is_judged_by_the_newer_results_phase(newer: float, flagged: bool) -> None:
    # 42 − 40 = 2 < 2.7 (Alghadir 2018, chronic) → plateau; 43 − 40 = 3 ≥ 2.7 → real change. The early-subacute
    # MDC 6 of the older result's day would call both a plateau.
    row = _berg_pair(LATE_EVENT, (40, date(2026, 6, 20)), (newer, date(2026, 11, 20)))
    verdict = _plateau(row)
    assert verdict.flagged is flagged
    if flagged:
        assert "chronic" in verdict.reason and "Alghadir 2018" in verdict.reason


def _tug_only(taken: date) -> CaseloadRow:
    # Traumatic brain injury, born 1961-11-20: 64 until 2026-11-19, 65 from 2026-11-20 (today, 2026-12-02: 65).
    return replace(
        ROW,
        condition="tbi",
        birth_date=date(1961, 11, 20),
        latest={"bbs": None, "tug": 12.5},
        earlier={},
        recent={},
        earlier_at={"bbs": None, "tug": None},
        recent_at={"bbs": None, "tug": _at(taken)},
    )


def test_a_tug_taken_at_64_is_not_judged_by_the_over_65_cut_off_though_the_patient_is_65_today() -> None:
    # TUG 12.5 s ≥ 12 s would flag by CDC STEADI, a cut-off for adults aged 65 and over; on 2026-11-19 the patient
    # was 64, so no cut-off fits that result.
    verdict = caseload.judge(_tug_only(date(2026, 11, 19)), TODAY)[caseload.FALL_RISK]
    assert not verdict.flagged
    assert "aged 64" in verdict.reason and "65 and over" in verdict.reason


def test_a_tug_taken_at_65_is_judged_by_cdc_steadi() -> None:
    # On 2026-11-20 the patient was 65: 12.5 s ≥ 12 s (CDC STEADI) → fall risk.
    verdict = caseload.judge(_tug_only(date(2026, 11, 20)), TODAY)[caseload.FALL_RISK]
    assert verdict.flagged
    assert "12.5 s >= 12 s (older adults; CDC STEADI" in verdict.reason
    assert "aged 65 on the day of the result" in verdict.reason


def test_through_the_database_each_result_is_judged_on_its_own_day(db) -> None:  # type: ignore[no-untyped-def]
    """On both engines: a stroke patient 100 days after the event (today late subacute: 100 days is more than 3
    calendar months, which are at most 92 days) with Berg 40 on day 20 and 44 on day 80 (both early subacute: 3
    calendar months are at least 89 days). 44 − 40 = 4 < 6 (Stevenson 2001, MDC90) → plateau; today's context has
    no Berg MDC and would not judge it."""
    from tests.caseload_helpers import add_results
    from tests.helpers import make_admin
    from tests.plan_helpers import leg_press_plan, new_patient

    today = datetime.now(UTC).date()
    admin = make_admin(db)
    event = today - timedelta(days=100)
    pid = new_patient(db, admin, "CTX-1", event_date=event)
    leg_press_plan(db, admin, pid, start=today - timedelta(weeks=1))
    add_results(db, admin, pid, [("bbs", 40, event + timedelta(days=20)), ("bbs", 44, event + timedelta(days=80))])
    table = caseload.caseload(db, admin, today=today).table
    row = table[table["patient_id"] == pid].iloc[0]
    assert bool(row[caseload.FLAG_LABELS[caseload.PLATEAU]])
    assert "Stevenson 2001" in row["Why"] and "early subacute" in row["Why"]
    # The dashboard judges the same change on the newer result's day too: +4 < MDC 6 → within measurement error,
    # with the early-subacute population named, and the chart's MDC band is 40 ± 6.
    from rehab.services import dashboard

    view = dashboard.dashboard(db, admin, pid, today=today, audit_view=False)
    (berg,) = [f for f in view.figures if f.label.startswith("Berg")]
    assert berg.verdict == "within measurement error" and "early subacute" in berg.reason
    assert "Stevenson 2001" in berg.reason
    (balance,) = [s for s in view.sections if s.key == "balance"]
    (panel,) = [p for p in balance.panels if p.key == "bbs"]
    assert panel.mdc_band is not None and (panel.mdc_band["low"], panel.mdc_band["high"]) == (34.0, 46.0)
