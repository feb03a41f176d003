"""The printed charts as vector drawings: Vega-Lite → SVG (vl-convert, offline) → PDF paths and text (fpdf2).

A vector chart prints sharp at any size and costs less than a picture: vl-convert draws no pixels, and fpdf2
neither decodes nor compresses an image. Its text is set in the report's own font (DejaVu Sans, embedded as
PDF/A asks): vl-convert is told where the bundled font is, so Vega measures its labels with the same font that
prints them, and a label it cuts to fit ("…") fits on paper too.

fpdf2 reads a subset of SVG, and reads some of it differently from a browser. Put right here before fpdf2 sees
it (``for_fpdf``):

- a ``<line>`` whose start Vega leaves at the default (0, 0): fpdf2 needs every end written;
- an empty, hidden ``<path d="">``, which fpdf2 refuses: hidden elements are dropped;
- a font size in ``px``: fpdf2 turns it into points (× 0.75) but draws in the drawing's own units, so every
  label would print at three quarters of its size; the size is given in the drawing's units instead;
- a ``stroke-width`` with no stroke (Vega's filled points): SVG strokes nothing, fpdf2 strokes in black; the
  absent stroke is written as ``none``.
"""

from __future__ import annotations

import threading
from importlib import resources
from typing import Any, NamedTuple
from xml.etree import ElementTree

SVG_NS = "http://www.w3.org/2000/svg"
# The family fpdf2 knows the bundled font by, and the one Vega is told to set every label in.
CHART_FONT = "DejaVu Sans"
_LINE = f"{{{SVG_NS}}}line"
_LINE_ENDS = ("x1", "y1", "x2", "y2")
_UNUSED = ("class", "role", "aria-roledescription", "aria-label", "aria-hidden", "pointer-events")

_fonts_lock = threading.Lock()
_fonts_registered = False

ElementTree.register_namespace("", SVG_NS)


def _register_fonts() -> None:
    """Tell vl-convert where the bundled font is (once per process: it keeps its font database)."""
    global _fonts_registered
    with _fonts_lock:
        if _fonts_registered:
            return
        import vl_convert

        with resources.as_file(resources.files("rehab.exports") / "fonts") as folder:
            vl_convert.register_font_directory(str(folder))
        _fonts_registered = True


class Drawing(NamedTuple):
    """A chart as SVG that fpdf2 can draw, and its height over its width."""

    svg: bytes
    ratio: float


def chart_svg(spec: dict[str, Any]) -> Drawing:
    """A Vega-Lite spec drawn as SVG, its text in the report's font."""
    import vl_convert

    _register_fonts()
    config = {**spec.get("config", {}), "font": CHART_FONT}
    return for_fpdf(vl_convert.vegalite_to_svg({**spec, "config": config}))


def for_fpdf(svg: str) -> Drawing:
    """Vega's SVG with what fpdf2 cannot read put right: hidden elements dropped (Vega hides only empty
    paths, which fpdf2 refuses), a line's omitted ends written as the default 0, and the attributes only a
    browser uses (classes, roles, ARIA; the PDF's figure carries the alternative text) left out."""
    root = ElementTree.fromstring(svg)
    _clean(root)
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    return Drawing(ElementTree.tostring(root, encoding="utf-8"), height / width if width else 0.5)


def _clean(parent: ElementTree.Element, stroke: str | None = None) -> None:
    """Put ``parent``'s children right for fpdf2; ``stroke`` is the stroke they inherit (None: not set)."""
    for child in list(parent):
        attrib = child.attrib
        if attrib.get("display") == "none":
            parent.remove(child)
            continue
        for name in _UNUSED:
            attrib.pop(name, None)
        if attrib.get("opacity") == "1":
            del attrib["opacity"]
        size = attrib.get("font-size")
        if size is not None and size.endswith("px"):
            attrib["font-size"] = size[:-2]
        own = attrib.get("stroke", stroke)
        if own is None and "stroke-width" in attrib:
            attrib["stroke"] = "none"
        if child.tag == _LINE:
            for end in _LINE_ENDS:
                attrib.setdefault(end, "0")
        _clean(child, own)
