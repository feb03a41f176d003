"""The bundled fonts (DejaVu Sans, regular and bold), read once per process and given to each document fresh.

fpdf2's ``add_font`` reads the whole font file for every document: its character map, the width of each of its
6,000 characters and its metrics, about 20 ms a font. A report worker process lives between reports, so those
are read once here and each document gets its own font object sharing them (read-only after reading), with its
own glyph subset, its own list of missing glyphs and its own handle on the file, which fpdf2 cuts down to the
document's glyphs when it writes the PDF (PDF/A: every font embedded, as a subset; the subsets are kept per
glyph set by rehab.exports.pdf_font_subsets).
"""

from __future__ import annotations

import copy
import threading
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from rehab.exports.pdf_font_subsets import BundledFontFile, base_glyphs

FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

_lock = threading.Lock()
_read: dict[tuple[str, str], TTFFont] = {}
_base: dict[tuple[str, str], frozenset[str]] = {}


def _font_file(name: str) -> Path:
    ref = resources.files("rehab.exports") / "fonts" / name
    with resources.as_file(ref) as path:  # the package's own file when installed as files (as it is)
        return Path(path)


def _template(family: str, style: str) -> TTFFont:
    with _lock:
        font = _read.get((family, style))
        if font is None:
            font = _read[(family, style)] = TTFFont(FPDF(), _font_file(FILES[style]), f"{family.lower()}{style}", style)
            _base[(family, style)] = base_glyphs(font.cmap)
        return font


def add_bundled_fonts(doc: FPDF, family: str) -> None:
    """``family`` in regular and bold on ``doc``, as ``doc.add_font`` would add them."""
    for style in FILES:
        template = _template(family, style)
        font = copy.copy(template)
        font.i = len(doc.fonts) + 1
        font.ttfont = BundledFontFile(str(template.ttffile), _base[(family, style)])
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        doc.fonts[font.fontkey] = font
