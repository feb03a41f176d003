"""The PDF writer's linear line breaking (rehab.exports.pdf_layout) breaks every paragraph exactly where fpdf2's
own measuring breaks it: the same lines, in the same widths, for any text, size, width and letter spacing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehab.exports import pdf, pdf_layout
from rehab.exports.pdf_doc import FONT
from tests.exports.builders import pdf_without_moment, session_summary

# Words of the reports' own kind: letters, digits, punctuation, the symbols they print, and breaking spaces.
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÅØŁžéñ0123456789.,;:()–—→−≥±%/'·", min_size=1, max_size=24)
_TEXT = st.lists(st.tuples(_WORD, st.sampled_from([" ", " ", "  ", "\n", "\u00ad"])), min_size=1, max_size=60).map(
    lambda parts: "".join(word + gap for word, gap in parts)
)


@pytest.fixture
def fpdf2_measuring() -> Iterator[None]:
    pdf_layout.uninstall()
    yield
    pdf_layout.install()


def _lines(text: str, size: float, width: float, spacing: float, bold: bool) -> list[tuple[str, float]]:
    """The lines multi_cell makes of ``text``, each with its width as fpdf2 records it."""
    doc = pdf.ReportDocument(**_DOC)
    doc.set_font(FONT, "B" if bold else "", size)
    doc.set_char_spacing(spacing)
    lines = doc.multi_cell(width, size * 0.5, text, dry_run=True, output="LINES")
    assert isinstance(lines, list)
    return [(line, doc.get_string_width(line)) for line in lines]


_DOC = {
    "page_size": "A4",
    "title": "t",
    "subject": "s",
    "author": "a",
    "footer_text": "f",
    "letterhead": session_summary().letterhead,
    "created": session_summary().generated_at,
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=_TEXT,
    size=st.sampled_from([7.5, 8.0, 9.5, 11.0, 16.0]),
    width=st.floats(min_value=20, max_value=174),
    spacing=st.sampled_from([0.0, 0.0, 0.4]),
    bold=st.booleans(),
)
def test_lines_break_where_fpdf2_breaks_them(text: str, size: float, width: float, spacing: float, bold: bool) -> None:
    linear = _lines(text, size, width, spacing, bold)
    pdf_layout.uninstall()
    try:
        fpdf2 = _lines(text, size, width, spacing, bold)
    finally:
        pdf_layout.install()
    assert linear == fpdf2


def test_a_whole_document_is_laid_out_as_fpdf2_lays_it_out(fpdf2_measuring: None) -> None:
    """The clinical session summary (tables, bullets, the appendix) with fpdf2's measuring and with the linear
    one: the same pages, byte for byte apart from the moment it was written."""
    summary = session_summary()
    own = pdf.session_pdf(summary)
    pdf_layout.install()
    linear = pdf.session_pdf(summary)
    assert pdf_without_moment(linear) == pdf_without_moment(own)
