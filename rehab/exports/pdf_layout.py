"""fpdf2's line breaking, made linear: the same lines, found without measuring each line again per character.

fpdf2 (2.8) breaks a paragraph character by character, and before placing each character it asks the width of
the line so far (``CurrentLine.width``), which joins and measures the whole line again: a line of n characters
costs n²/2 glyph lookups. A progress report's small print (the methodology appendix, the goals, the outlook;
up to 150 characters a line) spent most of its layout time there.

Two answers are kept instead of recomputed, each exactly what fpdf2 computes:

- the width of each fragment of the line so far: a text width is a sum over its characters (plus letter
  spacing per character, all scaled alike), so when a fragment grows, only its new characters are measured;
  when fpdf2 trims a fragment it gives it a new character list, and the width is measured afresh;
- the width of one character of a fragment (its font, size and spacing never change).

Text shaping (HarfBuzz) is not a sum over characters: a shaped fragment is measured by fpdf2 itself, as before.
``install()`` is called once when the PDF writer is imported; tests compare its lines with fpdf2's own.
"""

from __future__ import annotations

from typing import Any

from fpdf.line_break import CurrentLine, Fragment

FPDF2_LINE_WIDTH: Any = CurrentLine.__dict__["width"]
FPDF2_CHARACTER_WIDTH = Fragment.get_character_width


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


def install() -> None:
    """Use the kept widths in every line fpdf2 breaks from now on (in this process)."""
    CurrentLine.width = LINE_WIDTH  # type: ignore[method-assign,assignment]
    Fragment.get_character_width = _character_width  # type: ignore[method-assign]


def uninstall() -> None:
    """fpdf2's own measuring again (tests compare the two)."""
    CurrentLine.width = FPDF2_LINE_WIDTH  # type: ignore[method-assign]
    Fragment.get_character_width = FPDF2_CHARACTER_WIDTH  # type: ignore[method-assign]
