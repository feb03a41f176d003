"""The bundled fonts' embedded subsets, made once per glyph set in a process and kept.

fpdf2 (2.8) embeds a TrueType font as a subset when it writes the PDF (``OutputProducer._add_fonts``): it has
fontTools read the font's tables (6,000 glyphs' outlines and names, its character map, and layout tables it then
drops), cut them down to the glyphs the document printed, and write the result: about 80 ms a font, for every
report. A report worker process lives between reports, and most reports print the same glyphs.

So a bundled font's subset is kept per glyph set, and every document's subset also holds a fixed base (printable
ASCII and the punctuation and symbols the reports print), so that successive reports ask for the same set. The
subset is fontTools' own, made with fpdf2's options the first time; a document then gets its bytes and its glyph
numbers, which are what fpdf2 reads back (``save`` and ``getGlyphID``). Every glyph a document prints is still
embedded (PDF/A): the base only adds glyphs, unreferenced by the pages. Fonts that are not bundled are subset
by fontTools as before. ``install()`` is called once when the PDF writer is imported.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from typing import Any, BinaryIO

import fpdf.output
from fontTools import subset as ftsubset  # type: ignore[import-untyped]
from fontTools import ttLib

# Printable ASCII, and what the reports print beyond it: dashes, arrows, comparisons, bullets, quotes.
BASE_TEXT = "".join(map(chr, range(0x20, 0x7F))) + "–—·•…→←↑↓−±×÷≤≥≈°§µ²³‘’“”€£"
KEPT = 32  # glyph sets kept per process (a subset is about 20 kB)

_lock = threading.Lock()
_kept: dict[tuple[str, frozenset[str], str], tuple[bytes, dict[str, int]]] = {}


class BundledFontFile(ttLib.TTFont):
    """A bundled font's file, opened for one document; once subset, it answers from the kept subset."""

    def __init__(self, path: str, base_glyphs: frozenset[str]) -> None:
        super().__init__(path, recalcTimestamp=False, lazy=True)
        self.path = path
        self.base_glyphs = base_glyphs
        self.kept: tuple[bytes, dict[str, int]] | None = None

    def save(self, file: BinaryIO, reorderTables: bool | None = True) -> None:
        if self.kept is None:
            super().save(file, reorderTables)
        else:
            file.write(self.kept[0])

    def getGlyphID(self, glyphName: str) -> int:
        return super().getGlyphID(glyphName) if self.kept is None else self.kept[1][glyphName]


def base_glyphs(cmap: dict[int, str]) -> frozenset[str]:
    """The glyphs of the base text in a font with this character map."""
    return frozenset(cmap[ord(c)] for c in BASE_TEXT if ord(c) in cmap)


class KeptSubsetter(ftsubset.Subsetter):
    """fontTools' subsetter, answering a bundled font from the kept subsets."""

    asked_glyphs: frozenset[str] | None = None

    def populate(self, glyphs: Iterable[str] = (), gids: Any = (), unicodes: Any = (), text: str = "") -> None:
        glyphs = list(glyphs)
        self.asked_glyphs = None if gids or unicodes or text else frozenset(glyphs)
        super().populate(glyphs=glyphs, gids=gids, unicodes=unicodes, text=text)

    def subset(self, font: ttLib.TTFont) -> None:
        if not isinstance(font, BundledFontFile) or self.asked_glyphs is None:
            super().subset(font)
            return
        glyphs = self.asked_glyphs | font.base_glyphs
        key = (font.path, glyphs, repr(sorted(vars(self.options).items())))
        with _lock:
            kept = _kept.get(key)
            if kept is None:
                super().populate(glyphs=glyphs)
                super().subset(font)
                out = io.BytesIO()
                font.save(out)
                kept = (out.getvalue(), {name: gid for gid, name in enumerate(font.getGlyphOrder())})
                while len(_kept) >= KEPT:
                    del _kept[next(iter(_kept))]
                _kept[key] = kept
        font.kept = kept


class _FontSubsetting:
    """What fpdf2's output module uses of fontTools' ``subset`` module."""

    Options = ftsubset.Options
    Subsetter = KeptSubsetter


FPDF2_SUBSETTING: Any = fpdf.output.ftsubset


def install() -> None:
    """Keep the bundled fonts' subsets from now on (in this process)."""
    fpdf.output.ftsubset = _FontSubsetting


def uninstall() -> None:
    """fontTools subsets every font afresh again (tests compare the two)."""
    fpdf.output.ftsubset = FPDF2_SUBSETTING
    _kept.clear()
