"""The PDF writer's linear line breaking (rehab.exports.pdf_layout) breaks every paragraph exactly where fpdf2's
own measuring breaks it: the same lines, in the same widths, for any text, size, width and letter spacing."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import pytest
from fpdf.enums import Align
from fpdf.errors import FPDFException
from fpdf.line_break import CurrentLine, Fragment, MultiLineBreak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehab.exports import pdf, pdf_glyph_codes, pdf_layout
from rehab.exports.pdf_doc import FONT
from tests.exports.builders import pdf_without_moment, session_summary
from tests.exports.test_pdf_reports import GOALS, _progress

T = TypeVar("T")

# Words of the reports' own kind: letters, digits, punctuation, the symbols they print, and breaking spaces.
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÅØŁžéñ0123456789.,;:()–—→−≥±%/'·", min_size=1, max_size=24)
_TEXT = st.lists(st.tuples(_WORD, st.sampled_from([" ", " ", "  ", "\n", "\u00ad"])), min_size=1, max_size=60).map(
    lambda parts: "".join(word + gap for word, gap in parts)
)


@pytest.fixture
def fpdf2_measuring() -> Iterator[None]:
    """fpdf2's own line breaking and text writing, until the test installs ours."""
    pdf_layout.uninstall()
    pdf_glyph_codes.uninstall()
    yield
    pdf_layout.install()
    pdf_glyph_codes.install()


def _by_fpdf2(work: Callable[[], T]) -> T:
    """``work`` done with fpdf2's own line breaking, ours installed again afterwards."""
    pdf_layout.uninstall()
    try:
        return work()
    finally:
        pdf_layout.install()


def _ours() -> None:
    pdf_layout.install()
    pdf_glyph_codes.install()


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
    assert linear == _by_fpdf2(lambda: _lines(text, size, width, spacing, bold))


def test_a_whole_document_is_laid_out_as_fpdf2_lays_it_out(fpdf2_measuring: None) -> None:
    """The clinical session summary (tables, bullets, the appendix) with fpdf2's line breaking and text writing
    and with ours: the same pages, byte for byte apart from the moment it was written."""
    summary = session_summary()
    own = pdf.session_pdf(summary)
    _ours()
    linear = pdf.session_pdf(summary)
    assert pdf_without_moment(linear) == pdf_without_moment(own)


# --- plain paragraphs: every field of every line, as fpdf2's get_line makes it -------------------------------

# Letters of several scripts, digits, punctuation, and every kind of gap fpdf2 treats apart: breaking spaces
# (space, tab, thin, ideographic, zero-width), the no-break space, line and page breaks. Half the paragraphs
# have only spaces and line breaks, as the reports' own have.
_LETTERS = "abcdefghijklmnopqrstuvwxyzWMÅØŁžéñЖΩשع中0123456789.,;:()–—→−≥±%/'·\u0301"
_PLAIN_GAPS = [" ", " ", "  ", "\n", "\n\n"]
_GAPS = [*_PLAIN_GAPS, "\t", "\u2009", "\u3000", "\u200b", "\u00a0", "\u000c"]


def _paragraphs(gaps: list[str]) -> st.SearchStrategy[str]:
    words = st.tuples(st.text(alphabet=_LETTERS, min_size=0, max_size=40), st.sampled_from(gaps))
    return st.lists(words, min_size=1, max_size=40).map(lambda parts: "".join(word + gap for word, gap in parts))


_PARAGRAPH = st.one_of(_paragraphs(_PLAIN_GAPS), _paragraphs(_GAPS))


def _fragments(text: str, *, size: float, bold: bool, spacing: float, stretching: float) -> Sequence[Fragment]:
    doc = pdf.ReportDocument(**_DOC)
    doc.set_font(FONT, "B" if bold else "", size)
    doc.set_char_spacing(spacing)
    doc.set_stretching(stretching)
    return doc._preload_font_styles(text, markdown=False)


def _text_lines(fragments: Sequence[Fragment], width: float, align: str, margins: tuple[float, ...],
                line_height: float) -> list[tuple[object, ...]] | str:  # fmt: skip
    """Every line fpdf2's MultiLineBreak gives (each field, and each fragment's class, link and style), or the
    lines before its error and the error."""
    breaker = MultiLineBreak(fragments, width, margins, align=Align.coerce(align), line_height=line_height)
    lines: list[tuple[object, ...]] = []
    try:
        while (line := breaker.get_line()) is not None:
            styles = [(type(f), f.link, f.graphics_state is fragments[0].graphics_state) for f in line.fragments]
            lines.append((*line, styles))
            assert len(lines) < 10_000
    except FPDFException as error:
        return f"{lines!r} {error}"
    return lines


@settings(max_examples=300, deadline=None)
@given(
    text=_PARAGRAPH,
    size=st.sampled_from([7.5, 8.5, 9.5, 16.0]),
    width=st.one_of(st.floats(min_value=0.5, max_value=8), st.floats(min_value=8, max_value=400)),
    align=st.sampled_from(["L", "J", "R", "C"]),
    bold=st.booleans(),
    spacing=st.sampled_from([0.0, 0.0, 0.4, -0.2]),
    stretching=st.sampled_from([100.0, 100.0, 80.0]),
    margins=st.sampled_from([(1.0, 1.0), (), (1.2,)]),
    line_height=st.sampled_from([1.0, 1.25]),
)
def test_a_plain_paragraph_gives_fpdf2s_own_lines(text: str, size: float, width: float, align: str, bold: bool,
                                                  spacing: float, stretching: float, margins: tuple[float, ...],
                                                  line_height: float) -> None:  # fmt: skip
    """Each line's fragments, characters, width, spaces, alignment, height, room and ending are fpdf2's, and
    a character too wide for the line fails as fpdf2 fails."""
    fragments = _fragments(text, size=size, bold=bold, spacing=spacing, stretching=stretching)
    ours = _text_lines(fragments, width, align, margins, line_height)
    assert ours == _by_fpdf2(lambda: _text_lines(fragments, width, align, margins, line_height))


def test_a_plain_paragraph_is_not_broken_character_by_character(monkeypatch: pytest.MonkeyPatch) -> None:
    """The width table finds the lines: fpdf2's per-character line is never built for plain text."""

    def per_character(*_: object, **__: object) -> None:
        raise AssertionError("fpdf2's character loop was used")

    monkeypatch.setattr(CurrentLine, "add_character", per_character)
    assert len(_lines("Berg Balance Scale improved\u00a0by 14 points. " * 20, 9.5, 80, 0.0, False)) > 5


def test_the_progress_report_is_laid_out_as_fpdf2_lays_it_out(fpdf2_measuring: None) -> None:
    """The progress report with goals (paragraphs, bullets, tables, the methodology appendix): the same pages."""
    report = _progress(goals=GOALS)
    own = pdf.progress_pdf(report)
    _ours()
    assert pdf_without_moment(pdf.progress_pdf(report)) == pdf_without_moment(own)
