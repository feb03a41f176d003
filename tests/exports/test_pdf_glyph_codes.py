"""A fragment's text is written as fpdf2 writes it: the same codes, the same subset and the same missing glyphs,
whatever the text and whatever was written before it."""

from __future__ import annotations

from fpdf.fonts import TTFFont
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.exports import pdf, pdf_glyph_codes
from rehab.exports.pdf_doc import FONT
from tests.exports.test_pdf_layout import _DOC

# Letters DejaVu has and some it has not (a CJK ideograph, an emoji, a private-use code), and characters PDF
# strings escape: parentheses and backslashes.
_TEXT = st.text(alphabet="abcXYZ 019.,()\\ŁžЖΩ→≥·\u00a0中😀\ue000", max_size=60)


def _written(texts: list[str], justified: bool) -> tuple[list[str], list[tuple[object, int]], list[int]]:
    """The text operators of fragments written one after another, then the font's subset and missing glyphs."""
    doc = pdf.ReportDocument(**_DOC)
    doc.set_font(FONT, "", 9.5)
    written = []
    for text in texts:
        for fragment in doc._preload_font_styles(text, markdown=False):
            written.append(fragment.render_pdf_text_ttf(0.3 if justified else 0, 1.0 if justified else 0))
    font = doc.current_font
    assert isinstance(font, TTFFont)
    return written, list(font.subset.items()), list(font.missing_glyphs)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(_TEXT, min_size=1, max_size=5), justified=st.booleans())
def test_text_is_coded_as_fpdf2_codes_it(texts: list[str], justified: bool) -> None:
    ours = _written(texts, justified)
    pdf_glyph_codes.uninstall()
    try:
        fpdf2 = _written(texts, justified)
    finally:
        pdf_glyph_codes.install()
    assert ours == fpdf2
