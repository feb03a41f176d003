"""A printed chart (``PrintedChart``) drawn on the page with fpdf2's own lines, shapes and text.

The chart is laid out first (``lay_out``: its title and subtitle wrapped, its legend placed, its height known, so
the page can keep it whole with its summary), then drawn (``draw``) as one tagged figure carrying its
alternative text. Its text is set in the report's font and measured with it, so what is cut to fit ("…": a
phase name longer than its phase, a title longer than two lines) fits on paper, and a date label that would run
into its neighbour is left out.

Every mark lies inside the chart's box: points, goals and lines inside the plot (the chart's ranges cover them),
labels inside the chart's width.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from fpdf.enums import StrokeJoinStyle

from rehab.exports.pdf_text import plain
from rehab.exports.printed_chart import DateBand, PrintedChart, Series

FONT = "DejaVu Sans"  # the report's bundled font (``pdf_fonts``), the charts' labels too
PX = 0.28  # mm per dashboard pixel: a mark's size and a line's width on paper
PT = 25.4 / 72  # mm per typographic point
AXIS_PT = 7.0
TITLE_PT = 9.5
SUBTITLE_PT = 8.0
NAME_PT = 7.0  # band and phase names, written in the plot
GOAL_PT = 7.5
LEADING = 1.3  # a text line's height over its font size
TITLE_LINES = 2  # a longer title ends in "…"
SUBTITLE_LINES = 3
TICK = 1.0  # mm: a tick mark's length
GAP = 0.8  # mm between a tick mark and its label
MARK_MM = 1.0  # a point's marker reaches about this far around it
INSET = 3.0  # mm kept clear inside the plot's frame (left, right, top): a mark at the range's end is whole
LABEL_GAP = 1.5  # mm at least between two date labels
SAMPLE = 6.0  # mm: a legend entry's line sample
SAMPLE_GAP = 1.5  # mm between a legend entry's sample and its name
LEGEND_GAP = 1.5  # mm between the date labels and the legend
ENTRY_GAP = 4.0  # mm between a row legend's entries
ELLIPSIS = "…"
TEXT_COLOUR = "#000000"
GRID_COLOUR = "#E3E3E3"
FRAME_COLOUR = "#C8C8C8"
AXIS_COLOUR = "#888888"
STAR_INNER = 0.382  # the goal star's inner radius over its outer (the dashboard's star)
GOAL_SIZE = 260.0  # the goal star's size (the dashboard's: area in square pixels)


def _line(size_pt: float) -> float:
    return size_pt * PT * LEADING


def _legend_row() -> float:
    """A legend line: a little more than a line of its text, so the entries' symbols do not touch."""
    return _line(AXIS_PT) * 1.15


# --- text that fits -------------------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """A name as printed in a chart: as typed, minus control characters, its line breaks and runs of spaces
    as one space."""
    return " ".join(plain(text).split())


def width_of(doc: FPDF, text: str) -> float:
    """How wide ``text`` prints in the current font (mm): what ``FPDF.get_string_width`` answers for plain text
    (no text shaping, letter spacing or stretching, as every chart label is), asked of the font directly: a
    tenth of the time, and a chart measures a few dozen labels."""
    font = doc.current_font
    assert font is not None, "a font is set before text is measured"
    return float(font.get_text_width(text, doc.font_size_pt, None)[1]) / doc.k


def fit(doc: FPDF, text: str, width: float) -> str:
    """``text`` as it fits in ``width`` mm in the current font: whole, or cut at a character and ended with "…"
    (nothing when not even its first character fits with "…": a lone "…" would say nothing)."""
    if width_of(doc, text) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with "…"
    while low < high:
        mid = (low + high + 1) // 2
        if width_of(doc, text[:mid].rstrip() + ELLIPSIS) <= width:
            low = mid
        else:
            high = mid - 1
    kept = text[:low].rstrip()
    return kept + ELLIPSIS if kept else ""


def wrap(doc: FPDF, text: str, width: float, max_lines: int) -> tuple[str, ...]:
    """``text`` broken into lines at spaces, at most ``max_lines``; a word or a last line too long is cut ("…").
    Each word is measured once (the bundled font has no kerning: a line is as wide as its words and spaces)."""
    words = plain(text).split()
    space = width_of(doc, " ")
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for i, word in enumerate(words):
        w = width_of(doc, word)
        if current and used + space + w > width:
            lines.append(" ".join(current))
            current, used = [], 0.0
            if len(lines) == max_lines - 1:
                current = words[i:]
                break
        used += (space if current else 0.0) + w
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return tuple(fit(doc, line, width) for line in lines[:max_lines])


# --- layout ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """A chart laid out at a width: its text as it will print, where the plot sits and its whole height (mm)."""

    chart: PrintedChart
    width: float
    title: tuple[str, ...]
    subtitle: tuple[str, ...]
    unit: str
    plot_left: float
    plot_top: float
    y_labels: tuple[float, ...]
    """The width of each y-tick's label (mm)."""
    legend: tuple[tuple[tuple[Series, str, float], ...], ...]
    """Rows of (series, name as printed, offset from the chart's left)."""
    height: float


def _legend_rows(doc: FPDF, chart: PrintedChart, width: float) -> tuple[tuple[tuple[Series, str, float], ...], ...]:
    by_name = {s.name: s for s in chart.series}
    entries = [by_name[n] for n in chart.legend_names if n in by_name]
    doc.set_font(FONT, "", AXIS_PT)
    rows: list[list[tuple[Series, str, float]]] = []
    x = 0.0
    for series in entries:
        name = fit(doc, one_line(series.name), width - SAMPLE - SAMPLE_GAP)
        entry = SAMPLE + SAMPLE_GAP + width_of(doc, name)
        if chart.legend == "column" or not rows or x + entry > width:
            rows.append([])
            x = 0.0
        rows[-1].append((series, name, x))
        x += entry + ENTRY_GAP
    return tuple(tuple(row) for row in rows)


def lay_out(doc: FPDF, chart: PrintedChart, width: float) -> Layout:
    """Where everything of ``chart`` goes at ``width`` mm, and how tall it is."""
    doc.set_font(FONT, "B", TITLE_PT)
    title = wrap(doc, chart.title, width, TITLE_LINES)
    doc.set_font(FONT, "", SUBTITLE_PT)
    subtitle = wrap(doc, chart.subtitle, width, SUBTITLE_LINES)
    doc.set_font(FONT, "", AXIS_PT)
    unit = fit(doc, one_line(chart.unit), width)
    labels = tuple(width_of(doc, t.label) for t in chart.y_ticks)
    top = len(title) * _line(TITLE_PT) + len(subtitle) * _line(SUBTITLE_PT) + 1.0 + _line(AXIS_PT)
    legend = _legend_rows(doc, chart, width) if chart.legend != "none" else ()
    height = top + chart.height + TICK + GAP + _line(AXIS_PT)
    if legend:
        height += LEGEND_GAP + len(legend) * _legend_row()
    plot_left = max(labels, default=0.0) + TICK + GAP
    return Layout(chart, width, title, subtitle, unit, plot_left, top, labels, legend, height + 1.0)


# --- drawing --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plot:
    """The plot's frame on the page and the mapping of days and values into it."""

    left: float
    top: float
    right: float
    bottom: float
    first: int
    last: int
    low: float
    high: float

    def x(self, day: date) -> float:
        span = max(self.last - self.first, 1)
        return self.left + INSET + (day.toordinal() - self.first) / span * (self.right - self.left - 2 * INSET)

    def across(self, band: DateBand) -> tuple[float, float]:
        """A band's left and right edge; a band reaching the end of the dates reaches the frame."""
        left = self.left if band.start.toordinal() <= self.first else self.x(band.start)
        right = self.right if band.end.toordinal() >= self.last else self.x(band.end)
        return left, right

    def y(self, value: float) -> float:
        span = self.high - self.low if self.high > self.low else 1.0
        return self.bottom - (value - self.low) / span * (self.bottom - self.top - INSET)


def _text(
    doc: FPDF, x: float, top: float, text: str, size: float, *, style: str = "", colour: str = TEXT_COLOUR
) -> None:
    """``text`` with the top of its line at ``top`` (its baseline one font size lower)."""
    doc.set_font(FONT, style, size)
    doc.set_text_color(colour)
    doc.text(x, top + size * PT, text)


def _heading(doc: FPDF, lay: Layout, x: float, y: float) -> None:
    for i, line in enumerate(lay.title):
        _text(doc, x, y + i * _line(TITLE_PT), line, TITLE_PT, style="B")
    y += len(lay.title) * _line(TITLE_PT)
    for i, line in enumerate(lay.subtitle):
        _text(doc, x, y + i * _line(SUBTITLE_PT), line, SUBTITLE_PT, colour=lay.chart.label_colour)
    _text(doc, x, y + len(lay.subtitle) * _line(SUBTITLE_PT) + 1.0, lay.unit, AXIS_PT)


def _bands(doc: FPDF, chart: PrintedChart, p: _Plot) -> None:
    """The shaded bands; a band reaching the end of a range reaches the frame (the plot keeps a margin inside
    it for the points)."""
    for band in chart.date_bands:
        left, right = p.across(band)
        if right > left:
            with doc.local_context(fill_color=band.colour, fill_opacity=band.opacity):
                doc.rect(left, p.top, right - left, p.bottom - p.top, style="F")
    for level in chart.value_bands:
        top = p.top if level.high >= p.high else p.y(max(level.high, p.low))
        bottom = p.y(min(max(level.low, p.low), p.high))
        if bottom > top:
            with doc.local_context(fill_color=level.colour, fill_opacity=level.opacity):
                doc.rect(p.left, top, p.right - p.left, bottom - top, style="F")


def _names(doc: FPDF, chart: PrintedChart, p: _Plot) -> None:
    """Phase names at the top of their phase and category names over their lower edge, cut to fit."""
    doc.set_font(FONT, "", NAME_PT)
    pad = 1.2
    for band in chart.date_bands:
        if not band.label:
            continue
        left, right = p.across(band)
        name = fit(doc, one_line(band.label), right - left - 2 * pad)
        if name:
            _text(doc, left + pad, p.top + 0.8 + band.row * _line(NAME_PT), name, NAME_PT, colour=chart.label_colour)
    size = NAME_PT * PT
    for level in chart.value_bands:
        base = p.y(min(max(level.low, p.low), p.high)) - 0.7
        if not level.label or base - size < p.top:
            continue
        name = fit(doc, one_line(level.label), p.right - p.left - 2 * pad)
        left, right = p.left + pad, p.left + pad + width_of(doc, name)
        baseline = base - 0.25 * size
        # Over the results' line the name is hard to read: it goes under the band's upper edge instead, when the
        # band has room for it there and the line keeps clear of it (a 10MWT at 0.5 m/s ran through "limited
        # community ambulation").
        under_top = p.y(min(max(level.high, p.low), p.high)) + 0.7 + 0.8 * size
        if (
            under_top <= baseline - size
            and _crosses(chart, p, (left, baseline - size, right, baseline))
            and not _crosses(chart, p, (left, under_top - size, right, under_top))
        ):
            baseline = under_top
        doc.set_text_color(chart.label_colour)
        doc.text(left, baseline, name)


def _crosses(chart: PrintedChart, p: _Plot, box: tuple[float, float, float, float]) -> bool:
    """Whether a series' line or a point's marker passes through ``box`` (left, top, right, bottom on the page, mm)."""
    left, top, right, bottom = box[0] - MARK_MM, box[1] - MARK_MM, box[2] + MARK_MM, box[3] + MARK_MM
    for series in chart.series:
        places = [(p.x(d), p.y(v)) for d, v in series.points]
        for (x1, y1), (x2, y2) in zip(places, places[1:] + places[-1:], strict=True):  # the last: its marker alone
            lo, hi = max(left, min(x1, x2)), min(right, max(x1, x2))
            if lo > hi:
                continue
            ys = [y1 if x2 == x1 else y1 + (y2 - y1) * (x - x1) / (x2 - x1) for x in (lo, hi)]
            if min(ys) <= bottom and max(ys) >= top:
                return True
    return False


def _grid(doc: FPDF, chart: PrintedChart, p: _Plot) -> None:
    doc.set_line_width(0.15)
    doc.set_draw_color(GRID_COLOUR)
    for tick in chart.y_ticks:
        doc.line(p.left, p.y(tick.value), p.right, p.y(tick.value))
    for day in chart.date_ticks:
        doc.line(p.x(day.day), p.top, p.x(day.day), p.bottom)


def _frame(doc: FPDF, chart: PrintedChart, p: _Plot) -> None:
    doc.set_line_width(0.15)
    doc.set_draw_color(FRAME_COLOUR)
    doc.line(p.left, p.top, p.right, p.top)
    doc.line(p.right, p.top, p.right, p.bottom)
    doc.set_line_width(0.25)
    doc.set_draw_color(AXIS_COLOUR)
    doc.line(p.left, p.top, p.left, p.bottom)
    doc.line(p.left, p.bottom, p.right, p.bottom)
    for tick in chart.y_ticks:
        doc.line(p.left - TICK, p.y(tick.value), p.left, p.y(tick.value))
    for day in chart.date_ticks:
        doc.line(p.x(day.day), p.bottom, p.x(day.day), p.bottom + TICK)


def _axis_labels(doc: FPDF, lay: Layout, p: _Plot, x: float) -> None:
    """Values right-aligned left of the plot; dates centred under their tick, kept inside the chart's width, and
    left out where one would run into the label before it."""
    doc.set_font(FONT, "", AXIS_PT)
    doc.set_text_color(TEXT_COLOUR)
    size = AXIS_PT * PT
    for tick, w in zip(lay.chart.y_ticks, lay.y_labels, strict=True):
        doc.text(p.left - TICK - GAP - w, p.y(tick.value) + 0.36 * size, tick.label)
    end = -math.inf
    for day in lay.chart.date_ticks:
        w = width_of(doc, day.label)
        left = min(max(p.x(day.day) - w / 2, x), x + lay.width - w)
        if left >= end + LABEL_GAP:
            doc.text(left, p.bottom + TICK + GAP + size, day.label)
            end = left + w


def _rules(doc: FPDF, chart: PrintedChart, p: _Plot) -> None:
    for rule in chart.rules:
        doc.set_draw_color(rule.colour)
        doc.set_line_width(rule.width * PX)
        _dash(doc, rule.dash)
        doc.line(p.left, p.y(rule.value), p.right, p.y(rule.value))
    _dash(doc, ())


def _dash(doc: FPDF, dash: Sequence[float]) -> None:
    if len(dash) >= 2 and dash[1] > 0:
        doc.set_dash_pattern(dash[0] * PX, dash[1] * PX)
    else:
        doc.set_dash_pattern()


def _outline(shape: str, size: float) -> tuple[tuple[float, float], ...]:
    """A point's corners around its centre, in mm (y down); ``size`` is an area in square pixels, as Vega's."""
    h = math.sqrt(size) / 2 * PX
    if shape == "square":
        return ((-h, -h), (h, -h), (h, h), (-h, h))
    if shape == "triangle-up":
        return ((0.0, -h * 1.15), (h * 1.1, h * 0.85), (-h * 1.1, h * 0.85))
    if shape == "diamond":
        return ((0.0, -h * 1.2), (h * 0.9, 0.0), (0.0, h * 1.2), (-h * 0.9, 0.0))
    a = h / 2.5  # a cross
    return ((-a, -h), (a, -h), (a, -a), (h, -a), (h, a), (a, a), (a, h), (-a, h), (-a, a), (-h, a), (-h, -a), (-a, -a))


def _points(doc: FPDF, places: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Places on the page (mm, y down) in the page's own units (points, y up)."""
    k, page_h = doc.k, doc.h
    return [(x * k, (page_h - y) * k) for x, y in places]


def _markers(doc: FPDF, series: Series, places: Sequence[tuple[float, float]]) -> None:
    """The series' points, filled or hollow, as one path written straight into the page: a year of sessions
    is hundreds of points, and fpdf2's shape methods write each corner as a line of its own.

    A filled circle is a dot: a line of no length with round ends as wide as the circle (PDF 32000-1 §8.5.3.2
    paints it as a filled circle), two numbers a point instead of a Bézier circle's twenty-six."""
    if not places:
        return
    at = _points(doc, places)
    if series.shape == "circle" and series.filled:
        width = 2 * math.sqrt(series.size / math.pi) * PX * doc.k
        dots = " ".join(f"{x:.2f} {y:.2f} m {x:.2f} {y:.2f} l" for x, y in at)
        doc._out(f"q {width:.2f} w 1 J [] 0 d {dots} S Q")  # its own width, round ends, solid; then as before
        return
    paint = "f" if series.filled else "S"
    if series.shape == "circle":  # hollow: four Bézier arcs
        r = math.sqrt(series.size / math.pi) * PX * doc.k
        c = r * 4 / 3 * (math.sqrt(2) - 1)
        doc._out(
            " ".join(
                f"{x + r:.2f} {y:.2f} m {x + r:.2f} {y + c:.2f} {x + c:.2f} {y + r:.2f} {x:.2f} {y + r:.2f} c "
                f"{x - c:.2f} {y + r:.2f} {x - r:.2f} {y + c:.2f} {x - r:.2f} {y:.2f} c "
                f"{x - r:.2f} {y - c:.2f} {x - c:.2f} {y - r:.2f} {x:.2f} {y - r:.2f} c "
                f"{x + c:.2f} {y - r:.2f} {x + r:.2f} {y - c:.2f} {x + r:.2f} {y:.2f} c h"
                for x, y in at
            )
            + f" {paint}"
        )
        return
    corners = [(dx * doc.k, -dy * doc.k) for dx, dy in _outline(series.shape, series.size)]
    if series.shape == "square":
        (dx, dy), side = corners[3], corners[1][0] - corners[0][0]
        doc._out(" ".join(f"{x + dx:.2f} {y + dy:.2f} {side:.2f} {side:.2f} re" for x, y in at) + f" {paint}")
        return
    doc._out(" ".join(f"{x + corners[0][0]:.2f} {y + corners[0][1]:.2f} m "
                      + " ".join(f"{x + dx:.2f} {y + dy:.2f} l" for dx, dy in corners[1:]) + " h"
                      for x, y in at) + f" {paint}")  # fmt: skip


def _series(doc: FPDF, series: Series, p: _Plot) -> None:
    places = [(p.x(d), p.y(v)) for d, v in series.points]
    doc.set_draw_color(series.colour)
    doc.set_fill_color(series.colour)
    doc.set_line_width(series.line_width * PX)
    if len(places) > 1:
        _dash(doc, series.dash)
        line = _points(doc, places)
        doc._out(f"{line[0][0]:.2f} {line[0][1]:.2f} m " + " ".join(f"{x:.2f} {y:.2f} l" for x, y in line[1:]) + " S")
        _dash(doc, ())
    _markers(doc, series, places)


def _goals(doc: FPDF, chart: PrintedChart, p: _Plot) -> None:
    """Each open goal as a hollow star, "Goal" written to its left (to its right at the plot's left edge)."""
    radius = math.sqrt(GOAL_SIZE) / 2 * PX
    doc.set_font(FONT, "B", GOAL_PT)
    word = width_of(doc, "Goal")
    for goal in chart.goals:
        cx, cy = p.x(goal.day), p.y(goal.value)
        doc.set_draw_color(goal.colour)
        doc.set_line_width(2 * PX)
        doc.star(cx, cy, radius * STAR_INNER, radius, 5, rotate_degrees=180, style="D")
        left = cx - radius - 1.0 - word
        if left < p.left + 0.5:
            left = cx + radius + 1.0
        doc.set_text_color(chart.label_colour)
        doc.text(left, cy + 0.36 * GOAL_PT * PT, "Goal")


def _note(doc: FPDF, chart: PrintedChart, p: _Plot) -> None:
    if not chart.note:
        return
    doc.set_font(FONT, "", SUBTITLE_PT)
    note = fit(doc, one_line(chart.note), p.right - p.left - 2 * INSET)
    doc.set_text_color(chart.label_colour)
    doc.text((p.left + p.right - width_of(doc, note)) / 2, (p.top + p.bottom + SUBTITLE_PT * PT) / 2, note)


def _legend(doc: FPDF, lay: Layout, x: float, y: float) -> None:
    doc.set_font(FONT, "", AXIS_PT)
    step = _legend_row()
    for r, row in enumerate(lay.legend):
        mid = y + r * step + step / 2
        for series, name, offset in row:
            left = x + offset
            doc.set_draw_color(series.colour)
            doc.set_fill_color(series.colour)
            doc.set_line_width(series.line_width * PX)
            _dash(doc, series.dash)
            doc.line(left, mid, left + SAMPLE, mid)
            _dash(doc, ())
            _markers(doc, series, [(left + SAMPLE / 2, mid)])
            doc.set_text_color(TEXT_COLOUR)
            doc.text(left + SAMPLE + SAMPLE_GAP, mid + 0.36 * AXIS_PT * PT, name)


def draw(doc: FPDF, lay: Layout, x: float, y: float, *, alt: str) -> None:
    """The chart laid out in ``lay`` with its top-left corner at (x, y), one figure tagged with ``alt``."""
    chart = lay.chart
    left = x + lay.plot_left
    top = y + lay.plot_top
    p = _Plot(left, top, x + lay.width - 1.0, top + chart.height, chart.dates[0].toordinal(),
              chart.dates[1].toordinal(), *chart.y_domain)  # fmt: skip
    with doc._marked_sequence(alt_text=alt), doc.local_context(stroke_join_style=StrokeJoinStyle.ROUND):
        _heading(doc, lay, x, y)
        _grid(doc, chart, p)
        _bands(doc, chart, p)
        _names(doc, chart, p)
        _frame(doc, chart, p)
        _rules(doc, chart, p)
        for series in chart.series:
            _series(doc, series, p)
        _goals(doc, chart, p)
        _note(doc, chart, p)
        _axis_labels(doc, lay, p, x)
        if lay.legend:
            _legend(doc, lay, x, p.bottom + TICK + GAP + _line(AXIS_PT) + LEGEND_GAP)
