"""Issue 18: falls under the ProFaNE definition (Lamb 2005 [R107]) and fall history as a risk factor after stroke
(Xu 2018 [R108]), clinical reference §13.13, worked by hand."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehab.domain import falls
from rehab.domain.errors import ValidationErrors

TODAY = date(2026, 12, 7)
GOOD = {
    "fell_on": date(2026, 11, 30),
    "place": "indoor",
    "circumstances": "Turning from the sink to the table without the frame",
    "injury": "minor",
    "injury_note": "bruised left hip",
    "reported_by": "interview",
}


def test_a_fall_is_parsed_as_typed() -> None:
    fall = falls.parse_fall(GOOD, today=TODAY)
    assert fall.fell_on == date(2026, 11, 30)
    assert fall.injury is falls.Injury.MINOR
    assert fall.circumstances == GOOD["circumstances"]


def test_every_bad_field_is_named_and_nothing_is_guessed() -> None:
    bad = {"fell_on": date(2026, 12, 8), "place": "garden", "circumstances": "  ", "injury": "", "reported_by": None}
    with pytest.raises(ValidationErrors) as err:
        falls.parse_fall(bad, today=TODAY)
    assert set(err.value.by_field()) == {"fell_on", "place", "circumstances", "injury", "reported_by"}
    assert "after today" in err.value.by_field()["fell_on"]


def test_a_fall_before_the_date_of_birth_is_refused() -> None:
    with pytest.raises(ValidationErrors) as err:
        falls.parse_fall({**GOOD, "fell_on": date(1949, 1, 1)}, today=TODAY, earliest=date(1950, 3, 14))
    assert "date of birth" in err.value.by_field()["fell_on"]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(sorted(GOOD)), st.one_of(st.none(), st.text(), st.integers(), st.dates())))
def test_any_input_is_parsed_or_refused_by_field(raw: dict[str, object]) -> None:
    try:
        falls.parse_fall({**GOOD, **raw}, today=TODAY)
    except ValidationErrors as exc:
        assert exc.errors and all(e.field in GOOD or e.field == "reason" for e in exc.errors)


def test_months_before_keeps_the_day_or_takes_the_month_end() -> None:
    assert falls.months_before(date(2026, 12, 7), 6) == date(2026, 6, 7)
    assert falls.months_before(date(2026, 12, 7), 12) == date(2025, 12, 7)
    assert falls.months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)


def test_fall_history_counts_the_last_6_and_12_months() -> None:
    # 7 Dec 2026: 6 months back is 7 Jun 2026, 12 months back 7 Dec 2025 (both excluded: "in the last")
    days = [date(2026, 11, 30), date(2026, 6, 8), date(2026, 6, 7), date(2025, 12, 8), date(2025, 12, 7)]
    history = falls.fall_history(days, TODAY)
    assert (history.last_6_months, history.last_12_months) == (2, 4)
    assert history.newest == date(2026, 11, 30)


def test_one_fall_after_stroke_raises_the_flag_with_xu_2018() -> None:
    flagged, why = falls.history_flag("ischaemic_stroke", falls.fall_history([date(2026, 10, 1)], TODAY))
    assert flagged
    assert "1 in the last 6 months, 1 in the last 12 months (a fall)" in why
    assert "OR 1.67" in why and "[R108]" in why


def test_two_falls_are_recurrent() -> None:
    # "recurrent/frequent faller" = ≥ 2 falls in the period (§13.13); OR 4.19 for recurrent falls [R108]
    _, why = falls.history_flag("haemorrhagic_stroke", falls.fall_history([date(2026, 1, 5), date(2026, 9, 1)], TODAY))
    assert "(recurrent falls)" in why and "OR 4.19" in why


def test_fall_history_does_not_flag_outside_stroke() -> None:
    flagged, why = falls.history_flag("orthopaedic", falls.fall_history([date(2026, 10, 1)], TODAY))
    assert not flagged and "gathered after stroke" in why


def test_no_fall_in_12_months_says_nothing() -> None:
    assert falls.history_flag("ischaemic_stroke", falls.fall_history([date(2025, 1, 1)], TODAY)) == (False, "")
