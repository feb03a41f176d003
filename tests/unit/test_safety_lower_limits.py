"""Lower limits of the readiness screen, worked by hand from the clinical reference §13.10 (and §8.1, §13.15).

Sources used below:
- resting heart rate < 40 bpm: AVERT phase III eligibility [R22] (clinical reference §13.10);
- systolic < 90 mmHg: "SBP < 90 absolute" hypotension, clinical summaries (2°) [R99]; AVERT's < 110 mmHg
  (≤ 24 h after stroke [R22]) is the clinic's alternative, UNVERIFIED outside the acute window (§13.10 caveat);
- SpO2 < 90 %: ICU teaching material and consensus (2°, not stroke) [R101]; AVERT III uses < 92 % [R22];
- orthostatic hypotension: a fall ≥ 20 systolic or ≥ 10 diastolic within 3 min of standing [R99]; a drop
  > 20 mmHg with symptoms is an absolute contraindication (§8.1 [R20]);
- capillary glucose 3.5–20 mmol/L: 2° teaching cards [R101], marked UNVERIFIED (§13.10, §13.15 item 14), so off
  until the clinic signs it off.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain.errors import ValidationError
from rehab.domain.planning import EvidenceLevel
from rehab.domain.safety import DEFAULT_THRESHOLDS, ReadinessAnswers, ScreenThresholds, screen_readiness

CALM: dict[str, object] = {
    "systolic_mmhg": 120,
    "diastolic_mmhg": 80,
    "resting_heart_rate_bpm": 70,
    "pain_now": 0,
    "new_neuro_symptoms": False,
    "chest_pain": False,
    "unwell_or_fever": False,
}


def screen(thresholds: ScreenThresholds | None = None, **changes: object):  # type: ignore[no-untyped-def]
    return screen_readiness(ReadinessAnswers(**(CALM | changes)), thresholds)  # type: ignore[arg-type]


def reason(result, check: str):  # type: ignore[no-untyped-def]
    (found,) = [r for r in result.reasons if r.check == check]
    return found


def test_heart_rate_38_stops_citing_avert() -> None:
    # 38 < 40 bpm, the AVERT III exclusion [R22] → stop (the old screen said go).
    result = screen(resting_heart_rate_bpm=38)
    assert result.outcome == "stop" and not result.permits_session
    found = reason(result, "heart_rate_low")
    assert "38 bpm is below 40 bpm" in found.text and "lower limit" in found.text
    assert "AVERT" in found.source and "[R22]" in found.source
    assert found.evidence is EvidenceLevel.GUIDELINE


def test_pressure_82_over_50_stops_citing_the_source() -> None:
    # 82 < 90 mmHg systolic (absolute hypotension, 2° [R99]) → stop (the old screen said go).
    result = screen(systolic_mmhg=82, diastolic_mmhg=50)
    assert result.outcome == "stop"
    found = reason(result, "systolic_low")
    assert "82 mmHg is below 90 mmHg" in found.text
    assert "[R99]" in found.source and found.evidence is EvidenceLevel.SECONDARY


@pytest.mark.parametrize(
    ("heart_rate", "expected"),
    # the limit is "< 40": 40 itself is allowed, 39 and 39.5 are not
    [(39, "stop"), (39.5, "stop"), (40, "go"), (41, "go")],
)
def test_heart_rate_lower_limit_edges(heart_rate: float, expected: str) -> None:
    assert screen(resting_heart_rate_bpm=heart_rate).outcome == expected


@pytest.mark.parametrize(("systolic", "expected"), [(89, "stop"), (89.5, "stop"), (90, "go"), (91, "go")])
def test_systolic_lower_limit_edges(systolic: float, expected: str) -> None:
    assert screen(systolic_mmhg=systolic, diastolic_mmhg=60).outcome == expected


def test_avert_110_is_the_clinics_alternative_and_names_avert() -> None:
    avert = dataclasses.replace(DEFAULT_THRESHOLDS, stop_systolic_below=110)
    assert screen(avert, systolic_mmhg=110, diastolic_mmhg=70).outcome == "go"
    result = screen(avert, systolic_mmhg=105, diastolic_mmhg=70)  # 105 < 110 → stop under AVERT; go under 90
    assert result.outcome == "stop"
    assert "AVERT" in reason(result, "systolic_low").source and "UNVERIFIED" in reason(result, "systolic_low").source
    assert screen(systolic_mmhg=105, diastolic_mmhg=70).outcome == "go"


def test_a_clinic_value_is_named_as_the_clinics() -> None:
    own = dataclasses.replace(DEFAULT_THRESHOLDS, stop_heart_rate_below=45)
    found = reason(screen(own, resting_heart_rate_bpm=44), "heart_rate_low")
    assert "44 bpm is below 45 bpm" in found.text
    assert "Clinic's own" in found.source and "< 40 bpm (AVERT III [R22]" in found.source


@pytest.mark.parametrize(("spo2", "expected"), [(None, "go"), (89, "stop"), (89.9, "stop"), (90, "go"), (98, "go")])
def test_spo2_stops_only_when_recorded_and_below_90(spo2: float | None, expected: str) -> None:
    result = screen(spo2_percent=spo2)
    assert result.outcome == expected
    if expected == "stop":
        assert "[R101]" in reason(result, "spo2_low").source


def test_spo2_avert_92_names_avert() -> None:
    avert = dataclasses.replace(DEFAULT_THRESHOLDS, stop_spo2_below=92)
    assert "AVERT" in reason(screen(avert, spo2_percent=91), "spo2_low").source


@pytest.mark.parametrize(
    ("standing", "symptoms", "expected"),
    [
        # resting 120/80: standing 100/80 is a 20-mmHg systolic fall → OH by the consensus definition → caution
        ((100, 80), False, "caution"),
        ((101, 71), False, "go"),  # 19/9: below both limits
        ((110, 70), False, "caution"),  # 10/10: the diastolic fall reaches 10
        ((100, 80), True, "caution"),  # 20 with symptoms: not more than 20 ([R20] says > 20) → caution
        ((99, 80), True, "stop"),  # 21 with symptoms → absolute contraindication [R20]
        ((99, 80), False, "caution"),  # 21 without symptoms → caution
        ((118, 78), True, "caution"),  # symptoms without a drop → re-measure, caution (design choice)
    ],
)
def test_orthostatic_check(standing: tuple[int, int], symptoms: bool, expected: str) -> None:
    result = screen(
        standing_systolic_mmhg=standing[0], standing_diastolic_mmhg=standing[1], orthostatic_symptoms=symptoms
    )
    assert result.outcome == expected
    if expected != "go":
        found = reason(result, "orthostatic")
        assert "[R99]" in found.source or "[R20]" in found.source or "design choice" in found.source
        assert f"{standing[0]}/{standing[1]}" in found.text


def test_standing_pressure_needs_both_values_and_the_symptom_answer() -> None:
    with pytest.raises(ValidationError) as exc:
        ReadinessAnswers(**(CALM | {"standing_systolic_mmhg": 100}))  # type: ignore[arg-type]
    assert exc.value.field == "standing_diastolic_mmhg"
    with pytest.raises(ValidationError) as exc:
        ReadinessAnswers(**(CALM | {"standing_systolic_mmhg": 100, "standing_diastolic_mmhg": 70}))  # type: ignore[arg-type]
    assert exc.value.field == "orthostatic_symptoms"


def test_glucose_is_off_until_signed_off() -> None:
    # 3.0 mmol/L is below the 2° 3.5 limit [R101], but the range is UNVERIFIED: recorded, not applied by default.
    assert DEFAULT_THRESHOLDS.glucose_check_on is False
    result = screen(glucose_mmol_l=3.0)
    assert result.outcome == "go" and "no glucose limit applied" in result.reasons[0].text
    on = dataclasses.replace(DEFAULT_THRESHOLDS, glucose_check_on=True)
    found = reason(screen(on, glucose_mmol_l=3.0), "glucose")
    assert found.outcome == "stop" and "3 mmol/L is below 3.5 mmol/L" in found.text
    assert found.evidence is EvidenceLevel.UNVERIFIED and "[R101]" in found.source
    assert screen(on, glucose_mmol_l=3.5).outcome == "go" and screen(on, glucose_mmol_l=20).outcome == "go"
    assert screen(on, glucose_mmol_l=20.1).outcome == "stop"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stop_heart_rate_below": 100}, "stop_heart_rate_below"),  # at the caution limit (100): refused
        ({"stop_heart_rate_below": 110}, "stop_heart_rate_below"),  # above it
        ({"caution_heart_rate_at_or_above": 40}, "stop_heart_rate_below"),  # caution moved down onto the limit
        ({"stop_systolic_below": 160}, "stop_systolic_below"),  # at the systolic caution limit
        ({"stop_systolic_below": 170}, "stop_systolic_below"),
        ({"stop_spo2_below": 101}, "stop_spo2_below"),
        ({"stop_glucose_below": 20}, "stop_glucose_below"),  # at the upper glucose limit
        ({"orthostatic_systolic_drop": 0}, "orthostatic_systolic_drop"),
        ({"glucose_check_on": "yes"}, "glucose_check_on"),
    ],
)
def test_lower_limits_are_checked_against_the_upper_ones(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        dataclasses.replace(DEFAULT_THRESHOLDS, **changes)  # type: ignore[arg-type]
    assert exc.value.field == field


def test_lower_limits_just_below_the_caution_limits_are_accepted() -> None:
    dataclasses.replace(DEFAULT_THRESHOLDS, stop_heart_rate_below=99, stop_systolic_below=159)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"spo2_percent": 49}, "spo2_percent"),
        ({"spo2_percent": 100.5}, "spo2_percent"),
        ({"glucose_mmol_l": 45}, "glucose_mmol_l"),
    ],
)
def test_out_of_range_optional_readings_are_refused_not_clamped(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        ReadinessAnswers(**(CALM | changes))  # type: ignore[arg-type]
    assert exc.value.field == field


calm_reading = st.fixed_dictionaries(
    {
        "systolic_mmhg": st.integers(95, 155),
        "diastolic_mmhg": st.integers(55, 90),
        "resting_heart_rate_bpm": st.integers(45, 95),
        "spo2_percent": st.one_of(st.none(), st.integers(91, 100)),
    }
)


@settings(max_examples=200, deadline=None)
@given(
    reading=calm_reading,
    which=st.sampled_from(["resting_heart_rate_bpm", "systolic_mmhg", "spo2_percent"]),
    below=st.floats(min_value=0.01, max_value=30, allow_nan=False),
)
def test_lowering_any_reading_below_its_lower_limit_never_gives_go(
    reading: dict[str, object], which: str, below: float
) -> None:
    limit = {
        "resting_heart_rate_bpm": DEFAULT_THRESHOLDS.stop_heart_rate_below,
        "systolic_mmhg": DEFAULT_THRESHOLDS.stop_systolic_below,
        "spo2_percent": DEFAULT_THRESHOLDS.stop_spo2_below,
    }[which]
    floor = {"resting_heart_rate_bpm": 20.0, "systolic_mmhg": 60.0, "spo2_percent": 50.0}[which]
    value = max(floor, limit - below)
    changed = reading | {which: value}
    if which == "systolic_mmhg":
        changed["diastolic_mmhg"] = min(int(changed["diastolic_mmhg"]), int(value) - 10)  # type: ignore[call-overload]
    result = screen(**changed)
    assert result.outcome == "stop"
    assert any(r.check.endswith("_low") and r.source for r in result.reasons)
