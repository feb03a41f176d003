"""Readiness screen at and around each threshold (clinical reference §8.1–8.3)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from rehab.domain.errors import ValidationError
from rehab.domain.planning import EvidenceLevel
from rehab.domain.safety import ReadinessAnswers, ScreenThresholds, screen_readiness

CALM: dict[str, object] = {
    "systolic_mmhg": 120,
    "diastolic_mmhg": 80,
    "resting_heart_rate_bpm": 70,
    "pain_now": 0,
    "new_neuro_symptoms": False,
    "chest_pain": False,
    "unwell_or_fever": False,
}


def outcome(**changes: object) -> str:
    return screen_readiness(ReadinessAnswers(**(CALM | changes))).outcome  # type: ignore[arg-type]


def test_calm_patient_goes() -> None:
    result = screen_readiness(ReadinessAnswers(**CALM))  # type: ignore[arg-type]
    assert result.outcome == "go"
    assert result.permits_session and result.permits_load_increase and not result.escalate
    assert len(result.reasons) == 1 and "120/80" in result.reasons[0].text


@pytest.mark.parametrize(
    ("systolic", "expected"),
    # caution above 160 (resistance training, relative [R19]); stop at 180 or more (training, absolute)
    [(160, "go"), (161, "caution"), (179, "caution"), (180, "stop"), (220, "stop")],
)
def test_systolic_thresholds(systolic: int, expected: str) -> None:
    assert outcome(systolic_mmhg=systolic) == expected


@pytest.mark.parametrize(
    ("diastolic", "expected"),
    # caution above 100 [R19]; stop at 110 or more [R19], [R20]
    [(100, "go"), (101, "caution"), (109, "caution"), (110, "stop")],
)
def test_diastolic_thresholds(diastolic: int, expected: str) -> None:
    assert outcome(systolic_mmhg=150, diastolic_mmhg=diastolic) == expected


@pytest.mark.parametrize(
    ("heart_rate", "expected"),
    # caution at 100 or more (relative [R20]); stop above 120 (absolute [R20])
    [(99, "go"), (100, "caution"), (120, "caution"), (121, "stop")],
)
def test_heart_rate_thresholds(heart_rate: int, expected: str) -> None:
    assert outcome(resting_heart_rate_bpm=heart_rate) == expected


@pytest.mark.parametrize(
    ("pain", "expected"),
    # pain-monitoring model [R17]: ≤ 3 safe, 4–5 acceptable (caution), > 5 unacceptable (stop)
    [(0, "go"), (3, "go"), (4, "caution"), (5, "caution"), (6, "stop"), (10, "stop")],
)
def test_pain_thresholds(pain: int, expected: str) -> None:
    assert outcome(pain_now=pain) == expected


def test_pain_reason_says_where_the_model_comes_from() -> None:
    result = screen_readiness(ReadinessAnswers(**(CALM | {"pain_now": 6})))  # type: ignore[arg-type]
    assert "tendinopathy" in result.reasons[0].source
    assert result.reasons[0].evidence is EvidenceLevel.SECONDARY


@pytest.mark.parametrize(
    ("question", "escalate"),
    [("chest_pain", True), ("new_neuro_symptoms", True), ("unwell_or_fever", False)],
)
def test_yes_answers_stop(question: str, escalate: bool) -> None:
    result = screen_readiness(ReadinessAnswers(**(CALM | {question: True})))  # type: ignore[arg-type]
    assert result.outcome == "stop"
    assert not result.permits_session and not result.permits_load_increase
    assert result.escalate is escalate
    assert result.reasons[0].check == question and result.reasons[0].source


def test_neuro_rule_is_labelled_a_design_choice() -> None:
    result = screen_readiness(ReadinessAnswers(**(CALM | {"new_neuro_symptoms": True})))  # type: ignore[arg-type]
    assert result.reasons[0].evidence is EvidenceLevel.DESIGN_CHOICE
    assert "escalate" in result.reasons[0].text


def test_stop_reasons_come_first_and_cautions_are_kept() -> None:
    result = screen_readiness(
        ReadinessAnswers(**(CALM | {"systolic_mmhg": 170, "unwell_or_fever": True, "pain_now": 4}))  # type: ignore[arg-type]
    )
    assert result.outcome == "stop"
    assert [r.outcome for r in result.reasons] == ["stop", "caution", "caution"]
    assert {r.check for r in result.reasons} == {"unwell_or_fever", "blood_pressure", "pain"}


def test_caution_allows_the_session_but_not_an_increase() -> None:
    result = screen_readiness(ReadinessAnswers(**(CALM | {"resting_heart_rate_bpm": 105})))  # type: ignore[arg-type]
    assert result.outcome == "caution"
    assert result.permits_session and not result.permits_load_increase


def test_thresholds_are_configurable() -> None:
    stricter = ScreenThresholds(caution_systolic_above=150, stop_systolic_at_or_above=170)
    answers = ReadinessAnswers(**(CALM | {"systolic_mmhg": 155}))  # type: ignore[arg-type]
    assert screen_readiness(answers, stricter).outcome == "caution"
    assert screen_readiness(answers).outcome == "go"
    looser_pain = dataclasses.replace(ScreenThresholds(), caution_pain_above=5, stop_pain_above=7)
    assert screen_readiness(ReadinessAnswers(**(CALM | {"pain_now": 5})), looser_pain).outcome == "go"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"caution_systolic_above": 180}, "caution_systolic_above"),
        ({"caution_diastolic_above": 115}, "caution_diastolic_above"),
        ({"caution_heart_rate_at_or_above": 130}, "caution_heart_rate_at_or_above"),
        ({"caution_pain_above": 6}, "caution_pain_above"),
        ({"stop_pain_above": 11}, "stop_pain_above"),
        ({"stop_systolic_at_or_above": math.nan}, "stop_systolic_at_or_above"),
        ({"stop_heart_rate_above": "120"}, "stop_heart_rate_above"),
    ],
)
def test_threshold_validation(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ScreenThresholds(**changes)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        # plausibility limits for data entry, not clinical thresholds
        ({"systolic_mmhg": 59}, "systolic_mmhg"),
        ({"systolic_mmhg": 301}, "systolic_mmhg"),
        ({"systolic_mmhg": math.nan}, "systolic_mmhg"),
        ({"systolic_mmhg": "120"}, "systolic_mmhg"),
        ({"systolic_mmhg": True}, "systolic_mmhg"),
        ({"diastolic_mmhg": 29}, "diastolic_mmhg"),
        ({"diastolic_mmhg": 201}, "diastolic_mmhg"),
        ({"diastolic_mmhg": 120}, "diastolic_mmhg"),  # not below systolic 120
        ({"resting_heart_rate_bpm": 19}, "resting_heart_rate_bpm"),
        ({"resting_heart_rate_bpm": 251}, "resting_heart_rate_bpm"),
        ({"resting_heart_rate_bpm": None}, "resting_heart_rate_bpm"),
        ({"pain_now": -1}, "pain_now"),
        ({"pain_now": 11}, "pain_now"),
        ({"pain_now": 3.5}, "pain_now"),
        ({"chest_pain": None}, "chest_pain"),
        ({"new_neuro_symptoms": "no"}, "new_neuro_symptoms"),
        ({"unwell_or_fever": 0}, "unwell_or_fever"),
    ],
)
def test_answer_validation(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ReadinessAnswers(**(CALM | changes))  # type: ignore[arg-type]
    assert caught.value.field == field


def test_entry_limits_accept_their_edges() -> None:
    ReadinessAnswers(**(CALM | {"systolic_mmhg": 300, "diastolic_mmhg": 30, "resting_heart_rate_bpm": 250}))  # type: ignore[arg-type]
    ReadinessAnswers(**(CALM | {"systolic_mmhg": 60, "diastolic_mmhg": 30, "resting_heart_rate_bpm": 20}))  # type: ignore[arg-type]


def test_screen_needs_answers_and_thresholds() -> None:
    with pytest.raises(ValidationError) as caught:
        screen_readiness(CALM)  # type: ignore[arg-type]
    assert caught.value.field == "answers"
    with pytest.raises(ValidationError) as caught:
        screen_readiness(ReadinessAnswers(**CALM), {"stop": 180})  # type: ignore[arg-type]
    assert caught.value.field == "thresholds"
