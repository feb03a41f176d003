"""The printed variants of the dashboard's charts, for the PDF reports, as plain data (``PrintedChart``).

They show what the dashboard's panels show (``rehab.charts``: the same series colours, dashes and shapes, the
MDC band around the first result, the cut-off and reference lines, category bands, neural weeks, the plan's
phases and the goal stars), with what paper needs on top:

- the year in every date label ("Feb 2026"; "05 Feb 2026" over a short span), so "01 Feb" is never ambiguous in
  a report spanning a year;
- the y-axis from the measure's floor (Berg from 0, a time from 0 s), so a small change is not drawn large;
- round y-ticks, and every mark inside the plot: the range covers each point, line and goal drawn.

The printer (``rehab.exports.pdf_plot``) measures the text: it cuts phase names to their phase and leaves out
a date label that would run into its neighbour. The dashboard's charts are untouched: nothing here changes
``rehab.charts``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, cast

import pandas as pd

from rehab import charts
from rehab.charts import Panel
from rehab.domain import measures
from rehab.exports.printed_chart import (
    DateBand,
    DateTick,
    Goal,
    PrintedChart,
    Rule,
    Series,
    Shape,
    ValueBand,
    ValueTick,
)

MEASURE_HEIGHT = 52.0  # mm: the plot of a measure chart
LOAD_HEIGHT = 58.0  # mm: a load chart's plot, with room above the data for the phase names
HEADROOM = 1.1  # above the highest point, band or line, so none is drawn on the frame
LOAD_HEADROOM = 1.3  # above the heaviest load: the phase names are written there
Y_TICKS = 5  # about this many labelled values on the y-axis
SHORT_SPAN_DAYS = 62  # up to this, days are labelled; beyond it, months
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CUTOFF_DASH = (6.0, 3.0)
LINE_WIDTH = 2.0
POINT_SIZE = 36.0  # a measure's points (the dashboard's size: area in square pixels)
LOAD_POINT_SIZE = 30.0
PRESCRIBED_POINT_SIZE = 90.0  # hollow and larger, so a performed point on the same load shows inside it
PHASE_OPACITY = (0.08, 0.18)  # alternate phases lighter and darker
NEURAL_OPACITY = 0.12
MDC_OPACITY = 0.22
CATEGORY_OPACITY = 0.10
NO_RESULTS = "No results in this period."
NO_SETS = "No sets logged yet."


# --- axes -----------------------------------------------------------------------------------------------------


def _month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _day_label(day: date) -> str:
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"


def month_step(span_days: int) -> int:
    """Months between labels: every month up to about 7 months, then every 2nd, every 3rd (a quarter) up to
    three years, every 6th up to six, then one a year; so the labels of a long plan still fit side by side."""
    months = span_days / 30.4
    for limit, step in ((7, 1), (14, 2), (36, 3), (72, 6)):
        if months <= limit:
            return step
    return 12


def _month_ticks(first: date, last: date, step: int) -> list[DateTick]:
    ticks = []
    year, month = first.year, first.month
    day = date(year, month, 1)
    while day <= last:
        if day >= first and (day.month - 1) % step == 0:
            ticks.append(DateTick(day, _month_label(day)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        day = date(year, month, 1)
    return ticks


def _day_ticks(first: date, last: date) -> list[DateTick]:
    """Every day, every other day, each Monday or every other Monday: the finest that gives at most 6 labels."""
    span = (last - first).days
    step = next((s for s in (1, 2, 7) if span / s <= 6), 14)
    start = first if step < 7 else first + timedelta(days=(7 - first.weekday()) % 7)
    return [DateTick(start + timedelta(days=d), _day_label(start + timedelta(days=d)))
            for d in range(0, (last - start).days + 1, step)]  # fmt: skip


def date_axis(days: Iterable[date]) -> tuple[tuple[date, date], tuple[DateTick, ...]]:
    """The date range and its labelled ticks: month and year over a long range (every 1st, 2nd or 3rd month by
    its length), day, month and year over a short one; a single day gets a week around it, the day labelled."""
    known = sorted(set(days))
    if not known:  # nothing to place in time: a week, unlabelled (the chart says it has nothing to draw)
        today = date.today()
        return (today - timedelta(days=3), today + timedelta(days=3)), ()
    first, last = known[0], known[-1]
    if first == last:
        return (first - timedelta(days=3), last + timedelta(days=3)), (DateTick(first, _day_label(first)),)
    span = (last - first).days
    if span > SHORT_SPAN_DAYS:
        return (first, last), tuple(_month_ticks(first, last, month_step(span)))
    return (first, last), tuple(_day_ticks(first, last))


def tick_step(span: float, count: int = Y_TICKS) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``count`` ticks over ``span``."""
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    error = raw / power
    factor = 10 if error >= math.sqrt(50) else 5 if error >= math.sqrt(10) else 2 if error >= math.sqrt(2) else 1
    return factor * power


def value_ticks(low: float, high: float) -> tuple[ValueTick, ...]:
    """Round values from ``low`` to ``high``, labelled with as many decimals as the step needs (0.0, 0.5, 1.0)."""
    step = tick_step(high - low)
    decimals = max(0, -math.floor(math.log10(step)))
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    values = [round(k * step, decimals) + 0.0 for k in range(first, last + 1)]  # + 0.0: never "-0"
    return tuple(ValueTick(v, f"{v:.{decimals}f}") for v in values)


def _covering(domain: tuple[float, float], values: Iterable[float]) -> tuple[float, float]:
    """The domain widened, if need be, to every value drawn (a recorded value is never drawn off the plot)."""
    low, high = domain
    for v in values:
        low, high = min(low, v), max(high, v)
    return (low, high) if high > low else (low, low + 1.0)


def _chart(
    title: str,
    subtitle: str,
    unit: str,
    *,
    floor: tuple[float, float],
    values: list[float],
    days: list[date],
    height: float,
    **marks: Any,
) -> PrintedChart:
    """A printed chart whose values run from ``floor`` (widened to every value drawn) and whose dates cover
    ``days``, with round ticks on both axes."""
    low, high = _covering(floor, values)
    dates, date_ticks = date_axis(days)
    return PrintedChart(title=title, subtitle=subtitle, unit=unit, label_colour=charts.LABEL_COLOUR,
                        y_domain=(low, high), y_ticks=value_ticks(low, high), dates=dates, date_ticks=date_ticks,
                        height=height, **marks)  # fmt: skip


# --- measure charts -------------------------------------------------------------------------------------------


def _top(panel: Panel, measure: measures.Measure) -> float:
    if measure.maximum is not None and measure.key != "mmt":
        return float(measure.maximum)
    values = [float(v) for v in panel.points["value"]] if not panel.points.empty else [1.0]
    if panel.mdc_band:
        values.append(float(panel.mdc_band["high"]))
    values += [float(c["value"]) for c in panel.cutoffs]
    values += [float(g["value"]) for g in panel.goals]
    if panel.target:
        values.append(float(panel.target["value"]))
    return round(max(values) * HEADROOM, 2)


def floor_domain(panel: Panel) -> tuple[float, float]:
    """The y-axis from the measure's floor to its ceiling (or just above everything drawn)."""
    if panel.y_domain is not None:
        return panel.y_domain
    measure = measures.get(panel.key.split(":")[0])
    return (float(measure.minimum), _top(panel, measure))


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def _series_points(data: pd.DataFrame, name: str, value: str) -> tuple[tuple[date, float], ...]:
    rows = data[data["series"] == name].sort_values("date", kind="stable")
    return tuple(zip([_day(d) for d in rows["date"]], [float(v) for v in rows[value]], strict=True))


def _measure_series(data: pd.DataFrame) -> tuple[Series, ...]:
    present = list(data["series"].unique())
    if not present:
        return ()
    colours, dashes, shapes = charts._scales(present)  # the dashboard's own styles, in its order
    return tuple(
        Series(name, colour, tuple(float(d) for d in dash), cast(Shape, shape), True, POINT_SIZE,
               _series_points(data, name, "value"))
        for name, colour, dash, shape in zip(colours["domain"], colours["range"], dashes["range"], shapes["range"],
                                             strict=True)
    )  # fmt: skip


def _measure_marks(panel: Panel) -> tuple[tuple[ValueBand, ...], tuple[Rule, ...], tuple[DateBand, ...]]:
    """The dashboard's reference marks: category bands, the MDC band, cut-off and reference lines, neural weeks."""
    bands = [
        ValueBand(float(c["low"]), float(c["high"]), charts.CATEGORY_COLOURS[i % len(charts.CATEGORY_COLOURS)],
                  CATEGORY_OPACITY, str(c["label"]))
        for i, c in enumerate(panel.categories)
    ]  # fmt: skip
    if panel.mdc_band:
        mdc = panel.mdc_band
        bands.append(ValueBand(float(mdc["low"]), float(mdc["high"]), charts.MDC_COLOUR, MDC_OPACITY))
    rules = [Rule(float(c["value"]), charts.CUTOFF_COLOUR, LINE_WIDTH, CUTOFF_DASH) for c in panel.cutoffs]
    if panel.target:
        rules.append(Rule(float(panel.target["value"]), charts.TARGET_COLOUR, LINE_WIDTH))
    neural: tuple[DateBand, ...] = ()
    if panel.neural:
        neural = (DateBand(_day(panel.neural["start"]), _day(panel.neural["end"]), charts.NEURAL_COLOUR,
                           NEURAL_OPACITY),)  # fmt: skip
    return tuple(bands), tuple(rules), neural


def measure_chart(panel: Panel) -> tuple[PrintedChart, str]:
    """A dashboard measure panel as a printed chart and its text summary (the figure's alternative text)."""
    fixed = dataclasses.replace(panel, y_domain=floor_domain(panel))
    points = (
        panel.points[charts.POINT_COLUMNS] if not panel.points.empty else pd.DataFrame(columns=charts.POINT_COLUMNS)
    )
    series = _measure_series(charts.thin(points, charts.MAX_POINTS))
    value_bands, rules, neural = _measure_marks(fixed)
    goals = tuple(Goal(_day(g["date"]), float(g["value"]), charts.GOAL_COLOUR) for g in fixed.goals)
    drawn = [v for s in series for _, v in s.points] + [r.value for r in rules] + [g.value for g in goals]
    days = [d for s in series for d, _ in s.points] + [g.day for g in goals]
    days += [d for band in neural for d in (band.start, band.end)]
    chart = _chart(
        fixed.title, fixed.subtitle, fixed.unit, floor=floor_domain(fixed), values=drawn, days=days,
        height=MEASURE_HEIGHT, date_bands=neural, value_bands=value_bands, rules=rules, series=series, goals=goals,
        # one series is the measure the title already names: a legend would only repeat it
        legend="row" if len(series) > 1 else "none",
        legend_names=tuple(s.name for s in series) if len(series) > 1 else (),
        note="" if series or goals else NO_RESULTS,
    )  # fmt: skip
    return chart, charts.panel_summary(fixed)


# --- load charts ----------------------------------------------------------------------------------------------


def _load_series(data: pd.DataFrame) -> tuple[Series, ...]:
    """Performed load and estimated 1RM (filled), then the prescribed load: its dashed line and larger hollow
    squares drawn last, so both stay visible where the load lifted equals the load prescribed."""
    seen = set(data["series"].unique())
    out = []
    for name in (charts.PERFORMED, charts.ESTIMATED, charts.PRESCRIBED):
        if name not in seen:
            continue
        i = charts.SERIES.index(name)
        prescribed = name == charts.PRESCRIBED
        out.append(
            Series(name, charts.SERIES_COLOURS[i], tuple(float(d) for d in charts.SERIES_DASHES[i]),
                   cast(Shape, charts.SERIES_SHAPES[i]), not prescribed,
                   PRESCRIBED_POINT_SIZE if prescribed else LOAD_POINT_SIZE, _series_points(data, name, "value_kg"))
        )  # fmt: skip
    return tuple(out)


def _phase_bands(bands: pd.DataFrame, span_days: int) -> tuple[DateBand, ...]:
    """Phases as alternately lighter and darker grey bands, named when at least an eighth of the chart wide;
    the neural weeks tinted on top, named on the line under the phases' names."""
    phases = bands[bands["kind"] == "phase"]
    out = []
    for i, (start, end, label) in enumerate(zip(phases["start"], phases["end"], phases["label"], strict=True)):
        first, last = _day(start), _day(end)
        named = (last - first).days >= span_days / 8
        out.append(DateBand(first, last, charts.MDC_COLOUR, PHASE_OPACITY[i % 2], str(label) if named else ""))
    neural = bands[bands["kind"] == "neural"]
    out += [DateBand(_day(s), _day(e), charts.NEURAL_COLOUR, NEURAL_OPACITY, str(label), row=1)
            for s, e, label in zip(neural["start"], neural["end"], neural["label"], strict=True)]  # fmt: skip
    return tuple(out)


def load_chart(points: pd.DataFrame, bands: pd.DataFrame, *, title: str, nominal: bool) -> tuple[PrintedChart, str]:
    """An exercise's loads as the plan page draws them, with the year on the axis and phase names kept inside
    their phase; and its text summary."""
    series = _load_series(charts.downsample(points, charts.MAX_POINTS))
    shown = charts._from_first_point(points, bands)  # a report starting mid-plan shows its own range
    days = [d for s in series for d, _ in s.points] + [_day(d) for d in (*shown["start"], *shown["end"])]
    values = [v for s in series for _, v in s.points]
    top = max(values, default=0.0)
    top = top if top > 0 else 1.0  # nothing lifted yet: a scale of a kilogram or so
    step = tick_step(top * LOAD_HEADROOM)
    ceiling = math.ceil(top * LOAD_HEADROOM / step) * step  # the names' headroom, rounded up to a tick
    present = [name for name in charts.SERIES if any(s.name == name for s in series)]
    chart = _chart(
        title, charts.load_chart_subtitle(nominal), "Load (kg)", floor=(0.0, ceiling),
        values=values, days=days, height=LOAD_HEIGHT, series=series, legend="column" if present else "none",
        legend_names=tuple(present), note="" if series else NO_SETS,
    )  # fmt: skip
    chart = replace(chart, date_bands=_phase_bands(shown, (chart.dates[1] - chart.dates[0]).days))
    return chart, charts.load_summary(points, title=title)
