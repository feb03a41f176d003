"""A line's text written as the codes of the font subset's glyphs, in one pass.

fpdf2 (2.8) writes a fragment of text in an embedded TrueType font (``Fragment.render_pdf_text_ttf``) by asking
the font's subset for each character's code, one character at a time, through two property look-ups, and
growing the coded string by one character each time. Unless the line is justified (then it splits the text at
spaces to spread them, and fpdf2 writes it as before), we ask the subset the same questions in the same order
(``SubsetMap.pick`` gives each new glyph the next code, and records a missing glyph) and join the answers once:
the same text operator, ``(codes) Tj``. ``install()`` is called once when the PDF writer is imported; tests
compare its output with fpdf2's own.
"""

from __future__ import annotations

from fpdf.fonts import TTFFont
from fpdf.line_break import Fragment

FPDF2_TEXT_TTF = Fragment.render_pdf_text_ttf


def _text_ttf(self: Fragment, frag_ws: float, word_spacing: float) -> str:
    if word_spacing:
        return FPDF2_TEXT_TTF(self, frag_ws, word_spacing)
    font = self.font
    assert isinstance(font, TTFFont)
    codes = map(font.subset.pick, map(ord, self.string))
    return f"({font.escape_text(''.join([chr(code) for code in codes if code]))}) Tj"


def install() -> None:
    """Write every unjustified fragment in one pass from now on (in this process)."""
    Fragment.render_pdf_text_ttf = _text_ttf  # type: ignore[method-assign]


def uninstall() -> None:
    """fpdf2's own writing again (tests compare the two)."""
    Fragment.render_pdf_text_ttf = FPDF2_TEXT_TTF  # type: ignore[method-assign]
