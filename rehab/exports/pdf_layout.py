"""fpdf2's line breaking, made linear: the same lines, found without measuring each line again per character.

fpdf2 (2.8) breaks a paragraph character by character (``MultiLineBreak.get_line``): each character is
measured, appended to a ``CurrentLine`` and, before that, tested against the width of the line so far
(``CurrentLine.width``), which joins and measures the whole line again: a line of n characters costs n²/2
glyph lookups, and every character a handful of Python calls. A progress report's paragraphs, bullets, table
cells and appendix (25,000 characters) spent most of its layout time there.

A plain paragraph — one fragment of an embedded TrueType font, no text shaping, word wrap, no soft hyphen, no
first-line indent, leading spaces kept: what every ``multi_cell`` of the reports is — is broken from a table
instead (``_Paragraph``): each character's width in font units and their running sums, from which each width
fpdf2 compares is computed by the same operations in the same order as ``Fragment.get_width`` (the widths are
whole font units, so the sums are exact). The line is the one fpdf2 builds: it ends at a line break (never
justified), at a breaking space that does not fit (dropped), else at the last breaking space before the
character that does not fit (the space dropped, the next line starting after it), else before that character
(a forced break, not justified; fpdf2's error if the next line cannot hold it either); a no-break space counts
as a space and prints as one; the line's single fragment, width, count of spaces, height and room are fpdf2's.
When only spaces and line breaks separate the words and letters are neither spaced nor stretched, the
characters up to the first one that might not fit (the line so far plus the paragraph's widest character) are
taken at once: no character before it can end the line. Any other paragraph is broken by fpdf2 itself.

For those, two answers are kept instead of recomputed, each exactly what fpdf2 computes:

- the width of each fragment of the line so far: a text width is a sum over its characters (plus letter
  spacing per character, all scaled alike), so when a fragment grows, only its new characters are measured;
  when fpdf2 trims a fragment it gives it a new character list, and the width is measured afresh;
- the width of one character of a fragment (its font, size and spacing never change).

Text shaping (HarfBuzz) is not a sum over characters: a shaped fragment is measured by fpdf2 itself, as before.
``install()`` is called once when the PDF writer is imported; tests compare its lines with fpdf2's own.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from typing import Any

from fpdf.enums import Align, WrapMode
from fpdf.errors import FPDFException
from fpdf.fonts import TTFFont
from fpdf.line_break import (
    BREAKING_SPACE_SYMBOLS_STR,
    FORM_FEED,
    NBSP,
    NEWLINE,
    SOFT_HYPHEN,
    CurrentLine,
    Fragment,
    MultiLineBreak,
    TextLine,
)
from fpdf.util import FloatTolerance

_UNUSUAL_GAPS = re.compile(f"[{re.escape(BREAKING_SPACE_SYMBOLS_STR.replace(' ', '') + NBSP + FORM_FEED)}]")

FPDF2_LINE_WIDTH: Any = CurrentLine.__dict__["width"]
FPDF2_CHARACTER_WIDTH = Fragment.get_character_width
FPDF2_GET_LINE = MultiLineBreak.get_line


def _line_width(self: CurrentLine) -> float:
    widths: dict[int, tuple[Fragment, list[str], int, bool, float]] = self.__dict__.setdefault("_widths", {})
    total = 0.0
    for i, fragment in enumerate(self.fragments):
        initial_cs = i > 0
        if fragment.text_shaping_parameters:
            total += fragment.get_width(initial_cs=initial_cs)
            continue
        chars = fragment.characters
        count = len(chars)
        known = widths.get(id(fragment))
        if known is not None and known[0] is fragment and known[1] is chars and known[2] <= count:
            if known[3] != initial_cs:
                width = fragment.get_width(initial_cs=initial_cs)
            elif known[2] < count:
                width = known[4] + fragment.get_width(start=known[2], initial_cs=True)
            else:
                width = known[4]
        else:
            width = fragment.get_width(initial_cs=initial_cs)
        widths[id(fragment)] = (fragment, chars, count, initial_cs, width)
        total += width
    return total


def _character_width(self: Fragment, character: str, print_sh: bool = False, initial_cs: bool = True) -> float:
    if self.text_shaping_parameters:
        return FPDF2_CHARACTER_WIDTH(self, character, print_sh, initial_cs)
    known: dict[tuple[str, bool, bool], float] = self.__dict__.setdefault("_character_widths", {})
    key = (character, print_sh, initial_cs)
    width = known.get(key)
    if width is None:
        width = known[key] = FPDF2_CHARACTER_WIDTH(self, character, print_sh, initial_cs)
    return width


LINE_WIDTH = property(_line_width)


# --- plain paragraphs: the lines found from a width table --------------------------------------------------


class _Paragraph:
    """One plain fragment's characters with their widths, as fpdf2's ``get_line`` reads them."""

    def __init__(self, fragment: Fragment, text: str) -> None:
        font = fragment.font
        assert isinstance(font, TTFFont)
        self.fragment = fragment
        self.text = text
        self.size_pt = fragment.font_size_pt
        self.height = fragment.font_size
        self.k = fragment.k
        self.spacing = fragment.char_spacing
        self.stretching = fragment.font_stretching
        self.indent: float = 0
        chars = fragment.characters
        width_of = font.cw.__getitem__
        # the width fpdf2 tests a character with (a no-break space as itself) ...
        self.tested = list(map(width_of, map(ord, chars)))
        # ... and the width it then counts in the line (a no-break space as the space it becomes); fpdf2's
        # character widths are whole font units, so these sums are exact, as fpdf2's own are
        self.printed = chars
        counted = self.tested
        if NBSP in text:
            self.printed = [" " if c == NBSP else c for c in chars]
            counted = list(map(width_of, map(ord, self.printed)))
        self.counted: list[float] = list(accumulate(counted, initial=0))
        # only the space breaks a line, only the line break ends one, and letters are not spaced or stretched:
        # the line's characters up to the last that might not fit can be taken at once
        self.skipping = self.spacing == 0 and self.stretching == 100 and not _UNUSUAL_GAPS.search(text)
        self.widest = self.width(max(self.tested, default=0), 1, True)
        if chars and self.size_pt > font.biggest_size_pt:
            font.biggest_size_pt = self.size_pt

    @staticmethod
    def of(breaker: MultiLineBreak) -> _Paragraph | None:
        """The paragraph when its lines can be found from widths alone, else None (fpdf2 breaks it)."""
        if len(breaker.fragments) != 1 or breaker.wrapmode != WrapMode.WORD:
            return None
        if breaker.skip_leading_spaces or breaker.first_line_indent:
            return None
        fragment = breaker.fragments[0]
        if type(fragment) is not Fragment or fragment.text_shaping_parameters:
            return None
        font = fragment.font
        if not isinstance(font, TTFFont) or type(font).get_text_width is not TTFFont.get_text_width:
            return None
        text = "".join(fragment.characters)
        if font.is_symbol or SOFT_HYPHEN in text:
            return None
        return _Paragraph(fragment, text)

    def width(self, units: float, count: int, initial_cs: bool) -> float:
        """``Fragment.get_width`` of ``count`` characters measuring ``units`` (the same operations in order)."""
        w = units * self.size_pt * 0.001
        char_spacing = self.spacing
        if self.stretching != 100:
            w *= self.stretching * 0.01
            char_spacing *= self.stretching * 0.01
        if self.spacing != 0:
            w += char_spacing * count if initial_cs else char_spacing * (count - 1)
        return w / self.k

    def line(self, breaker: MultiLineBreak) -> TextLine | None:
        """The next line, and where the one after starts, as ``MultiLineBreak.get_line`` finds them."""
        forced = breaker.idx_last_forced_break
        breaker.idx_last_forced_break = None
        if breaker.fragment_index == 1:
            return None
        line_max = breaker.get_width(0)
        room = _less_margins(line_max, breaker.margins)
        start = breaker.character_index
        end = len(self.tested)
        self.indent = breaker.first_line_indent if breaker._is_first_line else 0
        if start >= end:
            breaker.fragment_index, breaker.character_index = 1, 0
            return None
        font_height: float = 0
        if FloatTolerance.greater_than(self.height, font_height):
            font_height = self.height
            line_max = breaker.get_width(font_height)
            room = _less_margins(line_max, breaker.margins)
        line_height = font_height * breaker.line_height
        counted, tested, chars, text = self.counted, self.tested, self.fragment.characters, self.text
        unstretched = self.spacing == 0 and self.stretching == 100
        scale = self.size_pt
        k = self.k
        spaces = 0
        hint: tuple[int, int] | None = None  # the last breaking space: its index, the spaces before it
        height: float = 0
        i = start
        while i < end:
            if self.skipping and i > start:
                stop = self._fitting(start, i, room)
                if stop > i:
                    spaces += text.count(" ", i, stop)
                    gap = text.rfind(" ", i, stop)
                    if gap >= 0:
                        hint = (gap, text.count(" ", start, gap))
                    i = stop
                    if i == end:
                        break
            c = chars[i]
            if i == start:
                c_width = self.width(tested[i], 1, False)
                line_width: float = 0
            elif unstretched:
                c_width = tested[i] * scale * 0.001 / k
                line_width = (counted[i] - counted[start]) * scale * 0.001 / k
            else:
                c_width = self.width(tested[i], 1, True)
                line_width = self.width(counted[i] - counted[start], i - start, False)
            if c in (NEWLINE, FORM_FEED):
                breaker._is_first_line = False
                breaker.character_index = i + 1
                return self._text_line(breaker, start, i, i > start, spaces, _unjustified(breaker.align),
                                       max(height, line_height), line_max, c)  # fmt: skip
            if line_width + c_width - room > FloatTolerance.TOLERANCE:
                breaker._is_first_line = False
                if c in BREAKING_SPACE_SYMBOLS_STR:
                    breaker.character_index = i + 1
                    return self._text_line(breaker, start, i, i > start, spaces, breaker.align, height, line_max)
                if hint is not None:
                    breaker.character_index = hint[0] + 1
                    return self._text_line(breaker, start, hint[0], True, hint[1], breaker.align, height, line_max)
                if forced == (0, i):
                    raise FPDFException("Not enough horizontal space to render a single character")
                breaker.idx_last_forced_break = (0, i)
                breaker.character_index = i
                return self._text_line(breaker, start, i, i > start, spaces, _unjustified(breaker.align),
                                       height, line_max)  # fmt: skip
            height = line_height
            if c in BREAKING_SPACE_SYMBOLS_STR:
                hint = (i, spaces)
                spaces += 1
            elif c == NBSP:
                spaces += 1
            i += 1
        breaker.fragment_index, breaker.character_index = 1, 0
        if not self.width(counted[end] - counted[start], end - start, False):
            return None
        breaker._is_first_line = False
        return self._text_line(breaker, start, end, True, spaces, _unjustified(breaker.align), height, line_max)

    def _fitting(self, start: int, i: int, room: float) -> int:
        """The first character from ``i`` on that ends the line or might not fit on it: the line's width
        before a character only grows, and no character is wider than the widest."""
        end = self.text.find(NEWLINE, i)
        counted, base, scale, k, widest = self.counted, self.counted[start], self.size_pt, self.k, self.widest
        return i + bisect_left(
            range(i, len(self.tested) if end < 0 else end),
            True,
            key=lambda j: (counted[j] - base) * scale * 0.001 / k + widest - room > FloatTolerance.TOLERANCE,
        )

    def _text_line(self, breaker: MultiLineBreak, start: int, stop: int, begun: bool, spaces: int, align: Align,
                   height: float, line_max: float, ending: str = "") -> TextLine:  # fmt: skip
        """``CurrentLine.manual_break``: the characters ``start:stop`` as one fragment (none before the first)."""
        fragments = [self.fragment.clone(characters=self.printed[start:stop], link=self.fragment.link)] if begun else []
        text_width = self.width(self.counted[stop] - self.counted[start], stop - start, False) if begun else 0
        return TextLine(fragments=fragments, text_width=text_width, number_of_spaces=spaces, align=align,
                        height=height, max_width=line_max - self.indent, trailing_nl=ending == NEWLINE,
                        trailing_form_feed=ending == FORM_FEED, indent=self.indent)  # fmt: skip


def _less_margins(width: float, margins: Sequence[float]) -> float:
    for margin in margins:
        width -= float(margin)
    return width


def _unjustified(align: Align) -> Align:
    """fpdf2 never justifies a paragraph's last line, a line ended by a line break or a forced break."""
    return Align.L if align == Align.J else align


def _get_line(self: MultiLineBreak) -> TextLine | None:
    paragraph = self.__dict__.get("_paragraph", self)
    if paragraph is self:
        paragraph = self.__dict__["_paragraph"] = _Paragraph.of(self)
    if paragraph is None:
        return FPDF2_GET_LINE(self)
    return paragraph.line(self)


def install() -> None:
    """Use the kept widths in every line fpdf2 breaks from now on (in this process)."""
    CurrentLine.width = LINE_WIDTH  # type: ignore[method-assign,assignment]
    Fragment.get_character_width = _character_width  # type: ignore[method-assign]
    MultiLineBreak.get_line = _get_line  # type: ignore[method-assign]


def uninstall() -> None:
    """fpdf2's own measuring again (tests compare the two)."""
    CurrentLine.width = FPDF2_LINE_WIDTH  # type: ignore[method-assign]
    Fragment.get_character_width = FPDF2_CHARACTER_WIDTH  # type: ignore[method-assign]
    MultiLineBreak.get_line = FPDF2_GET_LINE  # type: ignore[method-assign]
