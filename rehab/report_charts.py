"""The printed variants of the dashboard's charts, for the PDF reports.

They are the dashboard's own layers (``rehab.charts``: the MDC band around the first result and the cut-off
lines, drawn by the same code) with what paper needs on top:

- the year in every date label ("Feb 2026"), so "01 Feb" is never ambiguous in a report spanning a year;
- labels that cannot collide: Vega drops an overlapping date label (``labelOverlap``) and a phase name is
  cut to the width of its phase;
- the y-axis from the measure's floor (Berg from 0, a time from 0 s), so a small change is not drawn large.

The dashboard's charts are untouched: nothing here changes ``rehab.charts``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from rehab import charts
from rehab.charts import Panel
from rehab.domain import measures

WIDTH = 560
HEIGHT = 190
HEADROOM = 1.1  # above the highest point, band or line, so none is drawn on the frame


def date_axis(dates: pd.Series) -> dict[str, Any]:
    """Month and year on the axis for a long range, day, month and year for a short one; never overlapping."""
    days = pd.to_datetime(dates)
    span = (days.max() - days.min()).days if len(days) else 0
    if span > 62:
        months = span / 30.4
        step = 1 if months <= 7 else (2 if months <= 14 else 3)
        return {"format": "%b %Y", "labelOverlap": "greedy", "labelAngle": 0, "title": None,
                "tickCount": {"interval": "month", "step": step}}  # fmt: skip
    return {"format": "%d %b %Y", "labelOverlap": "greedy", "labelAngle": 0, "title": None, "tickCount": 5}


def _top(panel: Panel, measure: measures.Measure) -> float:
    if measure.maximum is not None and measure.key != "mmt":
        return float(measure.maximum)
    values = [float(v) for v in panel.points["value"]] if not panel.points.empty else [1.0]
    if panel.mdc_band:
        values.append(float(panel.mdc_band["high"]))
    values += [float(c["value"]) for c in panel.cutoffs]
    return round(max(values) * HEADROOM, 2)


def floor_domain(panel: Panel) -> tuple[float, float]:
    """The y-axis from the measure's floor to its ceiling (or just above everything drawn)."""
    if panel.y_domain is not None:
        return panel.y_domain
    measure = measures.get(panel.key.split(":")[0])
    return (float(measure.minimum), _top(panel, measure))


def _set_date_axes(layers: list[dict[str, Any]], axis: dict[str, Any]) -> None:
    for layer in layers:
        x = layer.get("encoding", {}).get("x")
        if isinstance(x, dict) and x.get("field") == "date":
            x["axis"] = axis
            x.pop("title", None)


def measure_chart(panel: Panel) -> tuple[dict[str, Any], str]:
    """A dashboard measure panel as a printed chart (JSON rows) and its text summary (the image's alt text)."""
    fixed = Panel(**{**panel.__dict__, "y_domain": floor_domain(panel)})
    spec = charts._Spec()
    layers = charts._measure_layers(spec, fixed, charts.MAX_POINTS)
    _set_date_axes(layers, date_axis(fixed.points["date"]))
    title: dict[str, Any] = {"text": fixed.title, "anchor": "start"}
    if fixed.subtitle:
        title.update(subtitle=charts.subtitle_lines(fixed.subtitle), subtitleColor=charts.LABEL_COLOUR)
    independent = {"color": "independent", "shape": "independent", "strokeDash": "independent"}
    chart = {
        "datasets": spec.datasets,
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "layer": layers,
        "resolve": {"scale": independent},
    }
    return charts.as_json_spec(chart), charts.panel_text(fixed).summary


def load_chart(points: pd.DataFrame, bands: pd.DataFrame, *, title: str, nominal: bool) -> tuple[dict[str, Any], str]:
    """An exercise's loads as the plan page draws them, with the year on the axis and phase names kept inside
    their phase; and its text summary."""
    spec = charts.load_chart(points, bands, title=title, bands_are_nominal=nominal, width=WIDTH, height=HEIGHT + 20)
    _set_date_axes(spec["layer"], date_axis(pd.to_datetime(points["date"])))
    limit = _phase_name_limit(points, bands)
    for layer in spec["layer"]:
        mark = layer.get("mark")
        if isinstance(mark, dict) and mark.get("type") == "text":
            mark["limit"] = limit  # px: a name longer than its phase ends in "…" rather than running on
    return charts.as_json_spec(spec), charts.load_text(points, title=title).summary


def _phase_name_limit(points: pd.DataFrame, bands: pd.DataFrame) -> float:
    """The narrowest named phase's width in pixels (phases under an eighth of the chart are not named)."""
    if bands.empty or points.empty:
        return float(WIDTH)
    start = max(pd.to_datetime(points["date"]).min(), pd.to_datetime(bands["start"]).min())
    end = max(pd.to_datetime(points["date"]).max(), pd.to_datetime(bands["end"]).max())
    total = max((end - start).days, 1)
    widths = [
        (min(pd.Timestamp(e), end) - max(pd.Timestamp(s), start)).days / total * WIDTH
        for s, e in zip(bands["start"], bands["end"], strict=True)
    ]
    named = [w for w in widths if w >= WIDTH / 8]
    return max(40.0, min(named, default=float(WIDTH)) - 8)
