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
_GROUP = f"{{{SVG_NS}}}g"
_PATH = f"{{{SVG_NS}}}path"
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
    """A Vega-Lite spec drawn as SVG that fpdf2 can draw, its text in the report's font."""
    return for_fpdf(vega_svg(spec))


def vega_svg(spec: dict[str, Any]) -> str:
    """Vega's own SVG of a printed chart: labels set (and measured by Vega) in the report's font."""
    import vl_convert

    _register_fonts()
    # no ARIA attributes: Vega need not write a description of every mark that for_fpdf would drop
    config = {**spec.get("config", {}), "font": CHART_FONT, "aria": False}
    return str(vl_convert.vegalite_to_svg({**spec, "config": config}))


def for_fpdf(svg: str) -> Drawing:
    """Vega's SVG put right for fpdf2 (see the module's notes), and made lighter to draw: the attributes only a
    browser uses (classes, roles, ARIA: the PDF's figure carries the alternative text) left out, groups that
    only group unwrapped, and paths that paint nothing (no fill, no stroke) dropped."""
    root = ElementTree.fromstring(svg)
    _clean(root, fill=None, stroke=None)
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    return Drawing(ElementTree.tostring(root, encoding="utf-8"), height / width if width else 0.5)


def _clean(parent: ElementTree.Element, *, fill: str | None, stroke: str | None) -> None:
    """Put ``parent``'s children right for fpdf2; ``fill`` and ``stroke`` are what they inherit (None: not set,
    SVG's default: a black fill, no stroke)."""
    kept: list[ElementTree.Element] = []
    for child in parent:
        attrib = child.attrib
        if attrib.get("display") == "none":
            continue
        for name in _UNUSED:
            attrib.pop(name, None)
        if attrib.get("opacity") == "1":
            del attrib["opacity"]
        size = attrib.get("font-size")
        if size is not None and size.endswith("px"):
            attrib["font-size"] = size[:-2]
        own_fill, own_stroke = attrib.get("fill", fill), attrib.get("stroke", stroke)
        if own_stroke is None and "stroke-width" in attrib:
            attrib["stroke"] = own_stroke = "none"
        if child.tag == _LINE:
            for end in _LINE_ENDS:
                attrib.setdefault(end, "0")
        _clean(child, fill=own_fill, stroke=own_stroke)
        if child.tag == _GROUP and not attrib:
            kept.extend(child)
        elif child.tag == _PATH and own_fill == "none" and own_stroke in (None, "none"):
            continue  # paints nothing (Vega's empty background behind each axis and legend)
        else:
            kept.append(child)
    parent[:] = kept
