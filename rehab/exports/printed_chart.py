"""A chart as the reports print it, in plain data: what to draw, already decided, and nothing about how.

``rehab.report_charts`` builds it from the dashboard's own panels (the same colours, dashes, shapes, bands and
rules); ``rehab.exports.pdf_plot`` draws it on the page. It carries no DataFrame and no PDF object, so a report
pickles small on its way to the worker process that prints it. Sizes of marks are the dashboard's (pixels, a
point's size its area in square pixels, as Vega-Lite counts it); the printer scales them to the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Shape = Literal["circle", "square", "triangle-up", "diamond", "cross"]
Legend = Literal["none", "row", "column"]


@dataclass(frozen=True)
class ValueTick:
    """A labelled value on the y-axis, with a light grid line across the plot."""

    value: float
    label: str


@dataclass(frozen=True)
class DateTick:
    """A labelled day on the date axis."""

    day: date
    label: str


@dataclass(frozen=True)
class DateBand:
    """Days shaded across the plot's height (a plan's phase, the neural weeks); ``label`` is written at the
    top of the band (``row`` 0, or 1 just under it), cut to the band's width, when it is not empty."""

    start: date
    end: date
    colour: str
    opacity: float
    label: str = ""
    row: int = 0


@dataclass(frozen=True)
class ValueBand:
    """Values shaded across the plot's width (the MDC band, a gait-speed category); ``label`` is written
    just above its lower edge, at the left, when it is not empty."""

    low: float
    high: float
    colour: str
    opacity: float
    label: str = ""


@dataclass(frozen=True)
class Rule:
    """A horizontal line at a value: a cut-off (dashed) or a reference such as 50 % weight bearing."""

    value: float
    colour: str
    width: float
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Series:
    """One line of results with its points; colour is never its only cue (dash and shape differ too)."""

    name: str
    colour: str
    dash: tuple[float, ...]
    shape: Shape
    filled: bool
    size: float
    points: tuple[tuple[date, float], ...]
    line_width: float = 2.0


@dataclass(frozen=True)
class Goal:
    """An open goal: a hollow star at its target value on its target date, labelled "Goal"."""

    day: date
    value: float
    colour: str


@dataclass(frozen=True)
class PrintedChart:
    """Everything one printed chart shows.

    ``y_domain`` is the value range the plot spans and ``dates`` the first and last day; every mark lies
    within both. ``series`` are drawn in order (the last on top); ``legend`` names ``legend_names`` under the
    chart in a row or a column, or not at all (one series, which the title already names).
    """

    title: str
    subtitle: str
    unit: str
    label_colour: str
    """The colour of the subtitle and of the names written in the plot (phases, categories, "Goal")."""
    y_domain: tuple[float, float]
    y_ticks: tuple[ValueTick, ...]
    dates: tuple[date, date]
    date_ticks: tuple[DateTick, ...]
    height: float
    """The plot's height in millimetres (the axes, titles and legend add to it)."""
    date_bands: tuple[DateBand, ...] = ()
    value_bands: tuple[ValueBand, ...] = ()
    rules: tuple[Rule, ...] = ()
    series: tuple[Series, ...] = ()
    goals: tuple[Goal, ...] = ()
    legend: Legend = "none"
    legend_names: tuple[str, ...] = ()
    note: str = ""
    """Written across the middle of the plot: what a chart with nothing to draw has to say."""
