"""fpdf2's "can this value write itself into the PDF?" answered by type (rehab.exports.pdf_serializable) gives the
protocol's own answer for every kind of value fpdf2 writes, and a report with charts comes out byte for byte the
same."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from fpdf import drawing, syntax
from fpdf.drawing_primitives import DeviceGray, DeviceRGB, Point, Transform

from rehab.exports import pdf, pdf_serializable
from rehab.exports import summary as m
from tests.exports.builders import patient, pdf_without_moment, session_summary, tug_chart

VALUES: list[object] = [
    syntax.Name("Figure"),
    syntax.Raw("0 0 m"),
    syntax.PDFArray([1, 2]),
    syntax.PDFDate(session_summary().generated_at),
    DeviceRGB(0.1, 0.2, 0.3),
    DeviceGray(0.5),
    Point(1.0, 2.0),
    Transform.translation(3, 4),
    drawing.GraphicsStyle(),
    drawing.PaintedPath(),
    "text",
    b"bytes",
    1,
    1.5,
    Decimal("2.5"),
    True,
    None,
    [1, 2],
    {"/K": 1},
    date(2026, 12, 1),
]


def test_every_kind_of_value_gets_the_protocols_own_answer() -> None:
    for value in VALUES:
        by_type = isinstance(value, pdf_serializable.Serializable)
        assert by_type == isinstance(value, pdf_serializable.FPDF2_PROTOCOL), value
    assert isinstance(syntax.Name("x"), pdf_serializable.Serializable)  # the test can see a "yes"
    assert not isinstance(1.5, pdf_serializable.Serializable)  # ... and a "no"


def test_a_report_with_a_chart_is_written_byte_for_byte_the_same() -> None:
    report = m.ProgressReport(
        patient=patient(), start=date(2026, 10, 1), end=date(2026, 11, 30), measures=[], exercises=[], phases=[],
        sessions_performed=2, sessions_not_performed=0, plan_text="", generated_at=session_summary().generated_at,
        generated_by="Dr Ana Núñez", charts=[m.ChartSpec("TUG", tug_chart(), "TUG: 20 s, then 14 s.")],
    )  # fmt: skip
    report = replace(report, letterhead=session_summary().letterhead)
    by_type = pdf.progress_pdf(report)
    pdf_serializable.uninstall()
    try:
        protocol = pdf.progress_pdf(report)
    finally:
        pdf_serializable.install()
    assert pdf_without_moment(by_type) == pdf_without_moment(protocol)
