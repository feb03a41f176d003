"""Hand-built summaries for the writer tests (no database): every value here is typed, not computed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from rehab.exports import summary as m
from rehab.exports.printed_chart import DateTick, PrintedChart, Rule, Series, ValueTick

HOSTILE_NOTE = '**bold?** <b>html?</b> [link](http://x) =HYPERLINK("http://evil")'


def patient(name: str = "Zoë", family: str = "Łukasiewicz-Øberg") -> m.PatientLine:
    return m.PatientLine(
        mrn="MRN-77", name=f"{name} {family}", given_name=name, family_name=family, birth_date=date(1950, 3, 14),
        sex="Female", condition="Ischaemic stroke", paretic_side="Left", event_date=date(2026, 9, 1),
    )  # fmt: skip


def session_summary(*, note: str = HOSTILE_NOTE, exercises: int = 2, performed: bool = True) -> m.SessionSummary:
    lines = [
        m.ExerciseLine(
            label=f"Leg press {i + 1}",
            prescribed="3 × 10 at 40 kg",
            performed="40 kg × 12, 12, 11",
            sets=[],
            sets_done=3,
            effort="6–7",
            pain="0–2",
            max_pain=2,
        )
        for i in range(exercises)
    ]
    tug = m.AssessmentLine(
        measure_key="tug", measure="Timed Up and Go", side=None, site=None, value_text="14 s",
        taken_at=datetime(2026, 11, 20, 10, tzinfo=UTC), category=None,
        since_previous=m.ChangeLine("-6 s", "real improvement (no clinically important difference available)",
                                    "MDC 3.2 s (chronic; Alghadir 2018)", True),
        since_baseline=None, flags=[],
    )  # fmt: skip
    return m.SessionSummary(
        patient=patient(), session_id=7, session_date=date(2026, 11, 20), clinician="Dr Ana Núñez", plan_week=3,
        phase_name="Early (neural) phase", performed=performed,
        not_performed_reason="" if performed else "Blood pressure 190/100",
        screen_outcome="go" if performed else "stop",
        screen_values="Blood pressure 128/78 mmHg · resting heart rate 72/min · pain now 1/10",
        screen_findings=[m.ScreenFinding("go", "All checks within limits.", "ACSM 2018")],
        exercises=lines if performed else [], assessments=[tug] if performed else [],
        flags=["Leg press 1: pain 7/10, above 5/10."],
        next_session=[m.NextLine("Leg press 1", "3 × 10 at 42.5 kg", "42.5 kg", "increase",
                                 "2-for-2 rule: 12 reps in the last set of the two most recent sessions.")],
        rule_text="2-for-2 rule (NSCA)", note=note, note_by="Dr Ana Núñez",
        generated_at=datetime(2026, 11, 20, 12, tzinfo=UTC), generated_by="Dr Ana Núñez",
    )  # fmt: skip


def pdf_without_moment(data: bytes) -> bytes:
    """A PDF without what differs each time it is written: the XMP modify and metadata dates, the file /ID."""
    data = re.sub(rb'(ModifyDate|MetadataDate)="[^"]*"', b"", data)
    return re.sub(rb"/ID \[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>\]", b"", data)


def tug_chart(*, unit: str = "s") -> PrintedChart:
    """A Timed Up and Go chart as the reports print it: two results, a fall-risk cut-off at 12 s."""
    return PrintedChart(
        title="Timed Up and Go", subtitle="", unit=unit, label_colour="#7B7B7B", y_domain=(0.0, 22.0),
        y_ticks=(ValueTick(0.0, "0"), ValueTick(10.0, "10"), ValueTick(20.0, "20")),
        dates=(date(2026, 10, 1), date(2026, 11, 1)),
        date_ticks=(DateTick(date(2026, 10, 5), "05 Oct 2026"), DateTick(date(2026, 10, 19), "19 Oct 2026")),
        height=52.0, rules=(Rule(12.0, "#D55E00", 2.0, (6.0, 3.0)),),
        series=(Series("Timed Up and Go", "#009E73", (1.0, 0.0), "triangle-up", True, 36.0,
                       ((date(2026, 10, 1), 20.0), (date(2026, 11, 1), 14.0))),),
    )  # fmt: skip
