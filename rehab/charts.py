"""Chart builders: DataFrames in, a Vega-Lite specification out (no streamlit here).

Specs are written as plain dicts (the JSON Altair itself produces) rather than through Altair's object
model: building and validating the ~15 layered panels of one dashboard through Altair took about 1.1 s per
page run on this hardware, and the plan page's four load charts about 0.45 s; the same specs as dicts take
a few milliseconds. Tests check every spec against the Vega-Lite schema with Altair's validator.

Colours come from the Okabe–Ito palette, which stays distinguishable with the common colour-vision
deficiencies; each series also differs in line style and point shape, so colour is never the only cue.
Streamlit sends every row to the browser, so charts are thinned to about ``MAX_POINTS`` rows first.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

MAX_POINTS = 2000
HEIGHT = 340  # the plot of a full-width load chart

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
    "sky_blue": "#56B4E9",
    "vermillion": "#D55E00",
}
PRESCRIBED = "Prescribed load"
PERFORMED = "Performed load"
ESTIMATED = "Estimated 1RM"
SERIES = (PRESCRIBED, PERFORMED, ESTIMATED)
SERIES_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"])
SERIES_DASHES = ([6, 4], [1, 0], [2, 2])
SERIES_SHAPES = ("square", "circle", "triangle-up")

LOAD_CHART_EXPLANATION = (
    "Load prescribed and lifted per session; 1RM: the baseline, then estimates only from sets near failure."
)
LOAD_CHART_HELP = (
    "Prescribed is the load set for each session and performed the heaviest set lifted. Estimated 1RM starts "
    "at the plan's baseline 1RM; later points are Epley estimates only from sets near failure (effort 8/10 "
    "or more recorded, 10 reps or fewer), because a set stopped well short of failure gives an estimate that "
    "rises with the plan, not with the patient. Grey bands are the plan's phases; the tinted band marks the "
    "weeks when early strength gains are largely attributed to neural adaptation (Moritani & deVries 1979; "
    "Škarabot 2021): a rise is expected then, but judge it against the measurement error."
)
BAND_CHART_NOTE = "Band loads are nominal and vary with stretch and maker."


def downsample(points: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """``thin`` for load points: ``date``, ``series``, ``value_kg`` (to 0.1 kg) and ``recorded_by`` in, plus
    ``sessions``, how many sessions each point stands for (1 when nothing was merged)."""
    return thin(points, max_points, value="value_kg", count="sessions", decimals=1)


PEOPLE_COLUMNS = ("assessor", "recorded_by")


def _one_or_several(names: pd.Series) -> str:
    unique = names.dropna().unique()
    return str(unique[0]) if len(unique) == 1 else "several clinicians"


def measure_print_chart(points: pd.DataFrame, *, title: str, unit: str) -> dict[str, Any]:
    """One measure over a report's date range for a printed progress report (``date``, ``value``)."""
    rows = points.assign(date=pd.to_datetime(points["date"]))
    return as_json_spec(
        {
            "datasets": {"results": rows},
            "data": {"name": "results"},
            "mark": {"type": "line", "point": {"filled": True, "size": 50}, "color": OKABE_ITO["blue"],
                     "strokeWidth": 2},
            "encoding": {
                "x": {"field": "date", "type": "temporal", "title": "Date", "axis": {"format": "%d %b"}},
                "y": {"field": "value", "type": "quantitative", "title": unit, "scale": {"zero": False}},
            },
            "title": {"text": title, "anchor": "start"},
            "width": 560,
            "height": 180,
        }
    )  # fmt: skip


# --- patient dashboard ---------------------------------------------------------------------------------
# Each dashboard section (strength, balance, posture, gait, load) is one chart of small panels, so the
# browser embeds a handful of charts and a section's rows together stay within ``MAX_POINTS``.
#
# Colour never carries meaning alone: the paretic side is a solid line with circles, the non-paretic
# side dashed with squares. Reference marks use mid-tone colours with transparency, and text in the plot
# ``LABEL_COLOUR``, so they read on Streamlit's light and dark themes alike.

PANEL_WIDTH = 380
PANEL_HEIGHT = 220
PARETIC = "Paretic"
NON_PARETIC = "Non-paretic"
SIDE_SERIES = (PARETIC, NON_PARETIC, "Left", "Right")
SIDE_COLOURS = (OKABE_ITO["vermillion"], OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["blue"])
SIDE_DASHES = ([1, 0], [6, 3], [1, 0], [6, 3])
SIDE_SHAPES = ("circle", "square", "circle", "square")
OTHER_COLOURS = (OKABE_ITO["green"], OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["reddish_purple"])
OTHER_DASHES = ([1, 0], [6, 3], [2, 2], [8, 2])
OTHER_SHAPES = ("triangle-up", "diamond", "cross", "circle")
CUTOFF_COLOUR = OKABE_ITO["vermillion"]
MDC_COLOUR = OKABE_ITO["grey"]
# A date label centred on a tick within this many pixels of either end of the axis would run past the chart's
# edge, where the chart cuts it off ("15 Dec" at 640 px): it is set flush with that end instead, and a few pixels
# inside it (a label set flush at the very end still reached a pixel or two past the chart's edge).
FLUSH = {"labelFlush": 25, "labelFlushOffset": -3}
# one tick a month, so a month's label never repeats along the axis
MONTH_AXIS: dict[str, Any] = {"format": "%b %Y", "tickCount": {"interval": "month", "step": 1}, "labelOverlap": True,
                              **FLUSH}  # fmt: skip
DAY_AXIS: dict[str, Any] = {"format": "%d %b", **FLUSH}
TARGET_COLOUR = "#777777"  # 100 % symmetry, 50 % weight bearing: a reference line, not data
# Vega never wraps a title: a long subtitle widens the whole chart past its column, so it is broken into lines
# about as wide as a panel (≈ 6 px a character at the subtitle's size).
SUBTITLE_CHARS_PER_LINE = 60


def subtitle_lines(text: str) -> str | list[str]:
    """A panel subtitle as lines no wider than the panel (Vega-Lite takes a list of lines)."""
    lines = textwrap.wrap(text, SUBTITLE_CHARS_PER_LINE)
    return lines[0] if len(lines) == 1 else lines


# Text written into a chart (band and phase names, subtitles). Vega draws such text black unless told, which
# cannot be read on Streamlit's dark theme; this grey contrasts about equally with both backgrounds
# (4.2:1 on white and on the dark theme's).
LABEL_COLOUR = "#7B7B7B"
NEURAL_COLOUR = OKABE_ITO["reddish_purple"]
CATEGORY_COLOURS = (OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["green"])
NEURAL_NOTE = (
    "Shaded: the plan's early weeks, when strength gains are largely attributed to neural adaptation; "
    "judge any rise against the measurement error."
)
POINT_COLUMNS = ["date", "series", "value", "unit", "assessor"]


@dataclass(frozen=True)
class Panel:
    """What one dashboard panel shows; built by the dashboard service, drawn by ``dashboard_section``.

    ``kind`` "measure": ``points`` has ``POINT_COLUMNS``. Reference marks, each a dict: ``cutoffs``
    [{value, label, source}] dashed rules; ``mdc_band`` {low, high, label, source}, measurement error
    around the first result; ``categories`` [{low, high, label, source}] tinted bands (gait speed);
    ``target`` {value, label, source} a solid rule (50 % weight bearing, 100 % symmetry); ``neural``
    {start, end, label} shades the early neural weeks. ``kind`` "load": ``points`` has date/series/value_kg
    (``SERIES``) and recorded_by, and ``bands`` the plan's phases (start, end, label, kind), as for ``load_chart``.
    """

    key: str
    title: str
    unit: str
    points: pd.DataFrame
    kind: str = "measure"
    cutoffs: list[dict[str, Any]] = field(default_factory=list)
    mdc_band: dict[str, Any] | None = None
    categories: list[dict[str, Any]] = field(default_factory=list)
    target: dict[str, Any] | None = None
    neural: dict[str, Any] | None = None
    subtitle: str = ""
    y_domain: tuple[float, float] | None = None
    bands: pd.DataFrame | None = None
    nominal: bool = False
    goals: list[dict[str, Any]] = field(default_factory=list)
    """Open goals on this measure (``goal_marks``): [{date, value, label, unit, set_on, verdict}], each drawn as
    a hollow star at its target value on its target date."""
    specs: dict[int, dict[str, Any]] = field(default_factory=dict, init=False, compare=False, repr=False)
    """Its chart, by point budget, once made (``dashboard_panel``): a prepared dashboard is reused until the
    patient's data change, and its panels are drawn again on every rerun."""


def thin(
    points: pd.DataFrame, max_points: int, value: str = "value", *, count: str = "merged", decimals: int = 2
) -> pd.DataFrame:
    """At most ``max_points`` rows: when there are more, average each series over equal spans of days.

    ``count`` says how many rows a point stands for (1 when nothing was merged). Who recorded or assessed a
    merged point is named when all its rows agree, else "several clinicians"; other columns keep the first row.
    """
    frame = points.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    if len(frame) <= max_points:
        frame[count] = 1
        return frame.reset_index(drop=True)
    per_series = max(1, max_points // max(1, frame["series"].nunique()))
    first = frame["date"].min()
    span_days = int((frame["date"].max() - first).days) + 1
    bucket_days = max(1, math.ceil(span_days / per_series))
    frame["date"] = first + pd.to_timedelta((frame["date"] - first).dt.days // bucket_days * bucket_days, unit="D")
    others = {
        c: (c, _one_or_several if c in PEOPLE_COLUMNS else "first")
        for c in frame.columns
        if c not in ("date", "series", value)
    }
    grouped = frame.groupby(["series", "date"], as_index=False).agg(
        **{value: (value, "mean"), count: (value, "size")}, **others
    )
    grouped[value] = grouped[value].round(decimals)
    return grouped


def _scales(present: list[str]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    known = [s for s in SIDE_SERIES if s in present]
    others = [s for s in present if s not in SIDE_SERIES]
    domain = known + others
    colours = [SIDE_COLOURS[SIDE_SERIES.index(s)] for s in known]
    dashes = [SIDE_DASHES[SIDE_SERIES.index(s)] for s in known]
    shapes = [SIDE_SHAPES[SIDE_SERIES.index(s)] for s in known]
    for i in range(len(others)):
        colours.append(OTHER_COLOURS[i % len(OTHER_COLOURS)])
        dashes.append(OTHER_DASHES[i % len(OTHER_DASHES)])
        shapes.append(OTHER_SHAPES[i % len(OTHER_SHAPES)])
    return (
        {"domain": domain, "range": colours},
        {"domain": domain, "range": dashes},
        {"domain": domain, "range": shapes},
    )


def _x_dates(dates: pd.Series, axis: dict[str, Any], *, alone: bool) -> dict[str, Any]:
    """The date axis. With every point on one day and nothing else spanning time (``alone``), Vega draws a
    zero-width scale with no ticks; such a chart gets a week around that day with the day itself labelled."""
    x: dict[str, Any] = {"field": "date", "type": "temporal", "title": None, "axis": axis}
    if not alone:
        return x
    days = pd.to_datetime(dates).dt.normalize().drop_duplicates()
    if len(days) == 1:
        day = pd.Timestamp(str(days.iloc[0]))
        # Vega-Lite date objects, read in the browser's time zone like the dates Streamlit sends (epoch
        # milliseconds here were drawn as no scale at all by Streamlit's chart element)
        when = [_vl_date(day + pd.Timedelta(days=d)) for d in (-3, 0, 3)]
        x["scale"] = {"domain": [when[0], when[2]]}
        x["axis"] = {"values": [when[1]], "format": "%d %b %Y", "labelOverlap": False}
    return x


def _vl_date(day: pd.Timestamp) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "date": day.day}


def _tip(field_name: str, title: str, kind: str = "nominal", **extra: Any) -> dict[str, Any]:
    return {"field": field_name, "type": kind, "title": title, **extra}


class _Spec:
    """Collects a section's datasets (DataFrames, sent as Arrow by Streamlit) under unique names."""

    def __init__(self) -> None:
        self.datasets: dict[str, pd.DataFrame] = {}

    def data(self, name: str, frame: pd.DataFrame) -> dict[str, str]:
        key = f"d{len(self.datasets)}_{name}"
        self.datasets[key] = frame
        return {"name": key}


# A measure panel's legend: under the chart, one series a line, in the points' colour and shape. Side by side (and
# given twice, by the lines and by the points) the entries overran a tablet's half-width column (274 px at 1,024
# px with the sidebar open): the legend was cut off at the column's edge.
LEGEND = {"title": None, "orient": "bottom", "direction": "vertical", "labelLimit": 0}


def _measure_layers(spec: _Spec, panel: Panel, budget: int) -> list[dict[str, Any]]:
    points = panel.points[POINT_COLUMNS] if not panel.points.empty else pd.DataFrame(columns=POINT_COLUMNS)
    data = thin(points, budget)
    y_scale: dict[str, Any] = (
        {"domain": list(panel.y_domain), "nice": False} if panel.y_domain else {"zero": False, "nice": True}
    )
    y_ref = {"type": "quantitative", "scale": y_scale}
    layers: list[dict[str, Any]] = []
    if panel.neural:
        frame = pd.DataFrame([panel.neural])
        frame["start"] = pd.to_datetime(frame["start"])
        frame["end"] = pd.to_datetime(frame["end"])
        layers.append(
            {
                "name": f"{_safe(panel.key)}_neural_weeks",
                "data": spec.data("neural", frame),
                "mark": {"type": "rect", "opacity": 0.12, "color": NEURAL_COLOUR},
                "encoding": {
                    "x": {"field": "start", "type": "temporal"},
                    "x2": {"field": "end"},
                    "tooltip": [_tip("label", "Early weeks")],
                },
            }
        )
    for i, band in enumerate(panel.categories):
        ref = spec.data("category", pd.DataFrame([band]))
        layers.append(
            {
                "name": f"{_safe(panel.key)}_category_{i}",
                "data": ref,
                "mark": {"type": "rect", "opacity": 0.10, "color": CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]},
                "encoding": {
                    "y": {"field": "low", **y_ref},
                    "y2": {"field": "high"},
                    "tooltip": [_tip("label", "Category"), _tip("source", "Source")],
                },
            }
        )
        layers.append(
            {
                "data": ref,
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "bottom",
                    "dx": 4,
                    "dy": -2,
                    "color": LABEL_COLOUR,
                },
                "encoding": {"x": {"value": 0}, "y": {"field": "low", **y_ref}, "text": {"field": "label"}},
            }
        )
    if panel.mdc_band:
        layers.append(
            {
                "name": f"{_safe(panel.key)}_mdc_band",
                "data": spec.data("mdc", pd.DataFrame([panel.mdc_band])),
                "mark": {"type": "rect", "opacity": 0.22, "color": MDC_COLOUR},
                "encoding": {
                    "y": {"field": "low", **y_ref},
                    "y2": {"field": "high"},
                    "tooltip": [_tip("label", "Measurement error (MDC)"), _tip("source", "Source")],
                },
            }
        )
    for i, cut in enumerate(panel.cutoffs):
        layers.append(
            {
                "name": f"{_safe(panel.key)}_cutoff_{i}",
                "data": spec.data("cutoff", pd.DataFrame([cut])),
                "mark": {"type": "rule", "color": CUTOFF_COLOUR, "strokeDash": [6, 3], "strokeWidth": 2},
                "encoding": {
                    "y": {"field": "value", **y_ref},
                    "tooltip": [
                        _tip("label", "Cut-off"),
                        _tip("value", "Value", "quantitative"),
                        _tip("source", "Source"),
                    ],
                },
            }
        )
    if panel.target:
        layers.append(
            {
                "name": f"{_safe(panel.key)}_target",
                "data": spec.data("target", pd.DataFrame([panel.target])),
                # neutral, so it is never read as one of the series (grip is drawn in green)
                "mark": {"type": "rule", "color": TARGET_COLOUR, "strokeWidth": 2},
                "encoding": {
                    "y": {"field": "value", **y_ref},
                    "tooltip": [_tip("label", "Reference"), _tip("source", "Source")],
                },
            }
        )
    present = list(data["series"].unique()) or ["—"]
    colour, dash, shape = _scales(present)
    # one series is the measure the panel's title already names: a legend would only repeat it, cut short
    legend = LEGEND if len(present) > 1 else None
    results = spec.data("results", data)
    color = {"field": "series", "type": "nominal", "scale": colour, "legend": legend}
    encoding: dict[str, Any] = {
        "x": _x_dates(data["date"], MONTH_AXIS, alone=panel.neural is None and not panel.goals),
        "y": {"field": "value", "title": panel.unit, **y_ref},
        "color": color,
        "tooltip": [
            _tip("date", "Date", "temporal", format="%Y-%m-%d"),
            _tip("series", "Series"),
            _tip("value", "Value", "quantitative"),
            _tip("unit", "Unit"),
            _tip("assessor", "Assessor"),
            _tip("merged", "Results averaged", "quantitative"),
        ],
    }
    layers.append(
        {
            "name": f"{_safe(panel.key)}_lines",
            "data": results,
            "mark": {"type": "line", "strokeWidth": 2},
            "encoding": {
                **encoding,
                # one legend, the points' (colour and shape): the lines' own repeated every series beside it
                "color": {**color, "legend": None},
                "strokeDash": {"field": "series", "type": "nominal", "scale": dash, "legend": None},
            },
        }
    )
    layers.append(
        {
            "data": results,
            "mark": {"type": "point", "size": 36, "filled": True},
            "encoding": {**encoding, "shape": {"field": "series", "type": "nominal", "scale": shape, "legend": legend}},
        }
    )
    return layers + goal_layers(spec, panel, y_ref)


def _load_layers(
    spec: _Spec,
    points: pd.DataFrame,
    bands: pd.DataFrame | None,
    *,
    key: str,
    budget: int,
    axis: dict[str, Any],
    named: bool,
) -> list[dict[str, Any]]:
    """Prescribed versus performed load and estimated 1RM for one exercise, the plan's phases shaded.

    ``points``: ``date``, ``series`` (one of ``SERIES``), ``value_kg``. ``bands``: ``start``, ``end``, ``label``,
    ``kind`` ("phase" or "neural"). ``named`` writes the phase names in the chart, with headroom above the
    data to keep them clear of it (a full-width chart; the dashboard's small panels name them in tooltips).
    """
    data = downsample(points, budget)
    data["unit"] = "kg"
    seen = set(data["series"].unique())
    present = [s for s in SERIES if s in seen] or list(SERIES[:2])
    index = [SERIES.index(s) for s in present]
    # one legend (the layers share their scales), one entry a line under the chart: side by side, "Performed load"
    # ran past a dashboard panel's edge at 1,024 px
    legend = {"title": None, "orient": "bottom", "direction": "vertical", "labelLimit": 0, "symbolStrokeWidth": 0}
    layers: list[dict[str, Any]] = []
    bands = _from_first_point(points, bands)
    if not bands.empty:
        layers += _phase_layers(spec, bands, key=key, named=named)
    top = float(data["value_kg"].max()) if not data.empty else 1.0
    y_scale = {"domain": [0, top * 1.3], "nice": True} if named else {"zero": True, "nice": True}
    colour: dict[str, Any] = {"field": "series", "type": "nominal", "legend": legend,
                              "scale": {"domain": present, "range": [SERIES_COLOURS[i] for i in index]}}  # fmt: skip
    encoding = {
        "x": _x_dates(data["date"], axis, alone=bands.empty),
        "y": {"field": "value_kg", "type": "quantitative", "title": "Load (kg)", "scale": y_scale},
        "color": colour,
        "tooltip": [
            _tip("date", "Date", "temporal", format="%Y-%m-%d"),
            _tip("series", "Series"),
            _tip("value_kg", "Value", "quantitative", format=".1f"),
            _tip("unit", "Unit"),
            _tip("sessions", "Sessions averaged", "quantitative"),
            *([_tip("recorded_by", "Recorded by")] if "recorded_by" in data.columns else []),
            *([_tip("basis", "Basis")] if "basis" in data.columns else []),
        ],
    }
    results = spec.data("load", data)
    dash = {"field": "series", "type": "nominal", "legend": None,
            "scale": {"domain": present, "range": [SERIES_DASHES[i] for i in index]}}  # fmt: skip
    line = {"type": "line", "strokeWidth": 2}
    not_prescribed = [{"filter": {"not": {"field": "series", "equal": PRESCRIBED}}}]
    shape = {"field": "series", "type": "nominal", "legend": legend,
             "scale": {"domain": present, "range": [SERIES_SHAPES[i] for i in index]}}  # fmt: skip
    # The dashed prescribed line and its hollow, larger squares are drawn last, so both stay visible where the
    # load lifted (solid, filled circles) equals the load prescribed.
    layers.append(
        {"name": f"{_safe(key)}_lines", "data": results, "mark": line, "transform": not_prescribed,
         "encoding": {**encoding, "strokeDash": dash}}
    )  # fmt: skip
    layers.append(
        {"data": results, "mark": {"type": "point", "size": 30, "filled": True}, "transform": not_prescribed,
         "encoding": {**encoding, "shape": shape}}
    )  # fmt: skip
    if PRESCRIBED in seen:
        mine = [{"filter": {"field": "series", "equal": PRESCRIBED}}]
        layers.append(
            {"name": f"{_safe(key)}_prescribed", "data": results, "mark": line, "transform": mine,
             "encoding": {**encoding, "strokeDash": dash}}
        )  # fmt: skip
        layers.append(
            {"name": f"{_safe(key)}_prescribed_points", "data": results, "transform": mine,
             "mark": {"type": "point", "size": 90, "filled": False, "strokeWidth": 2},
             "encoding": {**encoding, "shape": {**shape, "legend": None}}}  # one legend: the lines' and points' own
        )  # fmt: skip
    return layers


def _from_first_point(points: pd.DataFrame, bands: pd.DataFrame | None) -> pd.DataFrame:
    """The phases from the first point shown on: a report or date range that starts mid-plan shows that
    range, not the whole plan with the points crowded into its end."""
    if bands is None or bands.empty:
        return pd.DataFrame(columns=["start", "end", "label", "kind"])
    frame = bands.copy()
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    if points.empty:
        return frame
    first = pd.to_datetime(points["date"]).min()
    frame = frame[frame["end"] > first].copy()
    # pandas-stubs type clip()'s bounds as numbers only; pandas clips a datetime column at a Timestamp
    frame["start"] = frame["start"].clip(lower=first)  # type: ignore[call-overload]
    return frame.reset_index(drop=True)


NAME_CHAR_PX = 6  # a little over one character of an 11-px phase name, so the estimate errs towards fitting


def _phase_layers(spec: _Spec, bands: pd.DataFrame, *, key: str, named: bool) -> list[dict[str, Any]]:
    """Phases as alternately lighter and darker grey bands, the neural weeks tinted on top.

    The bands are translucent and the names mid-grey, so both read on light and dark themes.
    """
    frame = bands  # dates already parsed by _from_first_point
    phases = frame[frame["kind"] == "phase"].reset_index(drop=True)
    phases["shade"] = [i % 2 for i in range(len(phases))]
    neural = frame[frame["kind"] == "neural"].reset_index(drop=True)
    x = {"field": "start", "type": "temporal"}
    layers: list[dict[str, Any]] = []
    if not phases.empty:
        layers.append(
            {
                "name": f"{_safe(key)}_phases",
                "data": spec.data("phases", phases),
                "mark": {"type": "rect", "color": MDC_COLOUR},
                "encoding": {
                    "x": x,
                    "x2": {"field": "end"},
                    "opacity": {"field": "shade", "type": "quantitative", "scale": {"range": [0.08, 0.18]},
                                "legend": None},
                    "tooltip": [_tip("label", "Phase")],
                },
            }
        )  # fmt: skip
    if not neural.empty:
        layers.append(
            {
                "name": f"{_safe(key)}_neural_weeks",
                "data": spec.data("neural", neural),
                "mark": {"type": "rect", "opacity": 0.12, "color": NEURAL_COLOUR},
                "encoding": {"x": x, "x2": {"field": "end"}, "tooltip": [_tip("label", "Period")]},
            }
        )
    if not named:
        return layers
    # Over months the early phases are narrow and their names would run into each other: name a phase only
    # when it spans at least an eighth of the chart (its shading and tooltip still say which it is).
    span = frame["end"].max() - frame["start"].min()
    wide = phases[(phases["end"] - phases["start"]) >= span / 8].reset_index(drop=True)
    # Each name also knows the next one (where it starts, how long it is): on a narrow screen a name that would
    # run into the next is not drawn (a short phase is a few dozen pixels wide on a phone).
    wide["next_start"] = wide["start"].shift(-1)
    wide["next_label"] = wide["label"].shift(-1).fillna("")
    fits = _fits("datum.start", "datum.label")
    text = {"type": "text", "align": {"expr": f"{fits} ? 'left' : 'right'"}, "baseline": "top",
            "dx": {"expr": f"{fits} ? 4 : width - scale('x', datum.start) - 4"}, "fontSize": 11,
            "color": LABEL_COLOUR}  # fmt: skip
    ends = f"{_left('datum.start', 'datum.label')} + {NAME_CHAR_PX} * length(datum.label) + 4"
    clear = f"!isValid(datum.next_start) || {ends} <= {_left('datum.next_start', 'datum.next_label')}"
    for name, rows, dy, columns in (
        ("phase_names", wide, 4, ["start", "label", "next_start", "next_label"]),
        ("neural_name", neural, 20, ["start", "label"]),
    ):
        if not rows.empty:
            mark = {**text, "dy": dy, **({"opacity": {"expr": f"{clear} ? 1 : 0"}} if name == "phase_names" else {})}
            layers.append(
                {"data": spec.data(name, rows[columns]), "mark": mark,
                 "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "label"}}}
            )  # fmt: skip
    return layers


def _fits(start: str, label: str) -> str:
    """Vega: the name ``label`` set from its phase's ``start`` ends inside the plot."""
    return f"scale('x', {start}) + 4 + {NAME_CHAR_PX} * length({label}) <= width"


def _left(start: str, label: str) -> str:
    """Vega: where a phase name begins. A name that would run past the plot's right edge (a phase that begins
    late in the range, on a phone) is set right-aligned against that edge instead, so it stays whole."""
    return f"({_fits(start, label)} ? scale('x', {start}) + 4 : width - 4 - {NAME_CHAR_PX} * length({label}))"


def load_chart(
    points: pd.DataFrame,
    bands: pd.DataFrame,
    *,
    title: str,
    bands_are_nominal: bool = False,
    max_points: int = MAX_POINTS,
    width: int | str = "container",
    height: int = HEIGHT,
    titled: bool = True,
) -> dict[str, Any]:
    """One exercise's load over its plan, full width with the phases named (the plan page and the reports).

    A Vega-Lite spec whose ``datasets`` are DataFrames: ``st.vega_lite_chart`` sends them as Arrow;
    ``as_json_spec`` turns them into rows for printing. ``titled=False`` leaves out the title and subtitle, for a
    page that writes them as text above the chart (text wraps at any width; a chart's title does not).
    """
    spec = _Spec()
    long = False
    if not points.empty:  # the chart runs from the first point to the last point or phase end
        dates = pd.to_datetime(points["date"])
        last = max(dates.max(), pd.to_datetime(bands["end"]).max()) if not bands.empty else dates.max()
        long = (last - dates.min()).days > 120  # "01 Dec" would then come round twice
    axis = MONTH_AXIS if long else DAY_AXIS
    layers = _load_layers(spec, points, bands, key="load", budget=max_points, axis=axis, named=True)
    out: dict[str, Any] = {"datasets": spec.datasets, "width": width, "height": height, "layer": layers}
    if titled:  # in lines, as wide as a printed chart (Vega cuts a line wider than the chart short with "…")
        out["title"] = {
            "text": title,
            "subtitle": subtitle_lines(load_chart_subtitle(bands_are_nominal)),
            "anchor": "start",
            "subtitleColor": LABEL_COLOUR,
        }
    return out


def load_chart_subtitle(bands_are_nominal: bool = False) -> str:
    """What the load chart shows, in a line (its subtitle in print; text above it on screen)."""
    return LOAD_CHART_EXPLANATION + (" " + BAND_CHART_NOTE if bands_are_nominal else "")


def _safe(key: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in key)


def dashboard_section(panels: list[Panel], *, columns: int = 2, max_points: int = MAX_POINTS) -> dict[str, Any]:
    """One Vega-Lite chart for a dashboard section; its panels share the ``max_points`` budget.

    Render with ``st.vega_lite_chart(spec)``; ``spec["datasets"]`` holds DataFrames (sent as Arrow).
    """
    spec = _Spec()
    budget = section_budget(panels, max_points)
    drawn = []
    for panel in panels:
        if panel.kind == "load":
            layers = _load_layers(
                spec, panel.points, panel.bands, key=panel.key, budget=budget, axis=MONTH_AXIS, named=False
            )
        else:
            layers = _measure_layers(spec, panel, budget)
        title: dict[str, Any] = {"text": panel.title, "anchor": "start", "fontSize": 13}
        if panel.subtitle:
            title.update(subtitle=subtitle_lines(panel.subtitle), subtitleColor=LABEL_COLOUR)
        drawn.append({"title": title, "width": PANEL_WIDTH, "height": PANEL_HEIGHT, "layer": layers})
    resolve = {"scale": {"color": "independent", "shape": "independent", "strokeDash": "independent"}}
    # rows of hconcat inside a vconcat: Streamlit's frontend draws a wrapped "concat" zero pixels wide
    rows = [{"hconcat": drawn[i : i + columns], "resolve": resolve} for i in range(0, len(drawn), columns)]
    return {
        "datasets": spec.datasets,
        "vconcat": rows,
        "resolve": resolve,
        # natural size ("fit" would stretch nested rows past the container)
        "autosize": {"type": "pad", "contains": "padding"},
    }


INDEPENDENT = {"scale": {"color": "independent", "shape": "independent", "strokeDash": "independent"}}


def dashboard_panel(panel: Panel, *, max_points: int = MAX_POINTS) -> dict[str, Any]:
    """One dashboard panel as its own chart, as wide as its container (a phone, a tablet column or a desktop).

    Render with ``st.vega_lite_chart(spec, width="stretch")``; a section's panels share the point budget
    through ``max_points`` (pass the section's budget, as ``dashboard_section`` does). Made once per panel and
    budget (``Panel.specs``): the spec returned is shared, so it is not to be changed.
    """
    made = panel.specs.get(max_points)
    if made is None:
        made = panel.specs[max_points] = _panel_spec(panel, max_points)
    return made


def _panel_spec(panel: Panel, max_points: int) -> dict[str, Any]:
    spec = _Spec()
    if panel.kind == "load":
        layers = _load_layers(spec, panel.points, panel.bands, key=panel.key, budget=max_points, axis=MONTH_AXIS,
                              named=False)  # fmt: skip
    else:
        layers = _measure_layers(spec, panel, max_points)
    title: dict[str, Any] = {"text": panel.title, "anchor": "start", "fontSize": 13}
    if panel.subtitle:
        title.update(subtitle=subtitle_lines(panel.subtitle), subtitleColor=LABEL_COLOUR)
    return {
        "datasets": spec.datasets,
        "title": title,
        "width": "container",
        "height": PANEL_HEIGHT,
        "layer": layers,
        # the load layers share one set of series, so one scale and one legend (apart, each layer drew its own)
        **({} if panel.kind == "load" else {"resolve": INDEPENDENT}),
        "autosize": {"type": "fit-x", "contains": "padding"},
    }


def section_budget(panels: list[Panel], max_points: int = MAX_POINTS) -> int:
    """Each panel's share of a section's point budget (the same share ``dashboard_section`` gives)."""
    return max(20, max_points // max(1, len(panels)))


def payload_rows(spec: dict[str, Any]) -> int:
    """How many data rows a dashboard chart sends to the browser (all datasets together)."""
    return sum(len(frame) for frame in spec.get("datasets", {}).values())


def as_json_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with its datasets as plain rows (for schema validation or saving)."""
    out = dict(spec)
    out["datasets"] = {
        name: [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
            for row in frame.to_dict("records")
        ]
        for name, frame in spec.get("datasets", {}).items()
    }
    return out


# --- words for every chart --------------------------------------------------------------------------------
# A screen reader hears a Vega chart only as its description, and a chart read at a glance can mislead (one
# point, two lines drawn over each other). Each chart therefore has a summary in words (also the spec's
# ``description``, which Vega gives the chart as its accessible name) and its data as a table.


@dataclass(frozen=True)
class ChartText:
    """What a chart shows, in words and as a table (``Date``, ``Series``, ``Value``, ``Unit``). The table is
    worked out when asked for: it is drawn only once its "Show data" is opened (rehab.ui.chart_view)."""

    summary: str
    make_table: Callable[[], pd.DataFrame] = field(repr=False, compare=False)

    @property
    def table(self) -> pd.DataFrame:
        return self.make_table()


def _number(value: float) -> str:
    return f"{round(float(value), 2):g}"


def _day(value: Any) -> str:
    if isinstance(value, datetime):  # pd.Timestamp too
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(pd.Timestamp(value).date().isoformat())


def _series_sentences(points: pd.DataFrame, value: str, unit: str, order: list[str]) -> list[str]:
    """First and latest value of each series with their dates and the change between them."""
    by_series: dict[Any, list[tuple[Any, Any]]] = {}
    for when, name, amount in zip(
        points["date"].tolist(), points["series"].tolist(), points[value].tolist(), strict=True
    ):
        by_series.setdefault(name, []).append((when, amount))
    out = []
    for name in order:
        rows = sorted(by_series.get(name, []), key=lambda row: row[0])  # stable: a day's results keep their order
        if not rows:
            continue
        (first_day, first), (last_day, last) = rows[0], rows[-1]
        start = f"{_number(first)} {unit} on {_day(first_day)}"
        if len(rows) == 1:
            out.append(f"{name}: one result, {start}.")
            continue
        change = float(last) - float(first)
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        out.append(
            f"{name}: {start}, latest {_number(last)} {unit} on {_day(last_day)} "
            f"({sign}{_number(abs(change))} {unit}; {len(rows)} results)."
        )
    return out


def _table(points: pd.DataFrame, value: str, unit: str) -> pd.DataFrame:
    """The chart's data as a table, by date then series (sorted in Python: a dashboard's dozen small tables cost
    more in pandas' sorting and indexing than in their rows)."""
    if points.empty:
        return pd.DataFrame(columns=["Date", "Series", "Value", "Unit"])
    units = points["unit"].tolist() if "unit" in points.columns else [unit] * len(points)
    rows = sorted(
        zip(points["date"].tolist(), points["series"].tolist(), points[value].tolist(), units, strict=True),
        key=lambda row: (row[0], row[1]),  # stable, as pandas' sort_values(kind="stable")
    )
    return pd.DataFrame(
        {
            "Date": [_day(row[0]) for row in rows],
            "Series": [str(row[1]) for row in rows],
            "Value": [_number(row[2]) for row in rows],
            "Unit": [str(row[3]) for row in rows],
        }
    )


def _mdc_sentence(band: dict[str, Any], unit: str, shown_first: str) -> str:
    """The change from the first result to the latest against the MDC, as the service judged it; the first
    result is named when the chart's period starts later."""
    if band.get("real") is None or band.get("mdc") is None:
        return ""
    change = float(band["latest"]) - float(band["first"])
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    verdict = "beyond the MDC" if band["real"] else "within the MDC (measurement error)"
    first = "" if band["first_date"] == shown_first else f" ({_number(band['first'])} {unit} on {band['first_date']})"
    meaning = "a real change" if band["real"] else "not a real change"
    return (
        f"Since the first result{first}: {sign}{_number(abs(change))} {unit}, {verdict} of "
        f"{_number(band['mdc'])} {unit}: {meaning}."
    )


def _opening(title: str, order: list[str]) -> list[str]:
    """The chart's title as a sentence, unless its one series already carries the title's name."""
    return [] if order == [title] else [f"{title}."]


def panel_text(panel: Panel) -> ChartText:
    """The words and table for one dashboard panel."""
    if panel.kind == "load":
        return load_text(panel.points, title=panel.title)
    return ChartText(panel_summary(panel), lambda: goal_table(panel, _table(panel.points, "value", panel.unit)))


def panel_summary(panel: Panel) -> str:
    """The words alone (a printed chart's summary: paper has no table to open)."""
    if panel.kind == "load":
        return load_summary(panel.points, title=panel.title)
    points = panel.points
    if points.empty:
        return " ".join([f"{panel.title}: no results in this period.", *goal_sentences(panel)])
    order = list(dict.fromkeys(points["series"].astype(str)))
    sentences = [*_opening(panel.title, order), *_series_sentences(points, "value", panel.unit, order)]
    if panel.mdc_band:
        sentences.append(_mdc_sentence(panel.mdc_band, panel.unit, _day(points["date"].min())))
    for cut in panel.cutoffs:
        value = _number(cut["value"])
        sentences.append(f"Cut-off line: {cut['label']}" + ("." if value in str(cut["label"]) else f" ({value})."))
    sentences += goal_sentences(panel)
    return " ".join(s for s in sentences if s)


def load_text(points: pd.DataFrame, *, title: str) -> ChartText:
    """The words and table for a load chart."""
    return ChartText(load_summary(points, title=title), lambda: _table(points, "value_kg", "kg"))


def load_summary(points: pd.DataFrame, *, title: str) -> str:
    """A load chart in words: each series' first and latest value, and where the load lifted was the load
    prescribed (their lines are then drawn one over the other)."""
    if points.empty:
        return f"{title}: no sets logged yet."
    sentences = [f"{title}.", *_series_sentences(points, "value_kg", "kg", list(SERIES))]
    # The heaviest load of each day and series, in plain Python (pandas' grouping cost 4 ms a chart, a year of
    # sessions being a few thousand rows); a missing load is passed over.
    heaviest: dict[tuple[Any, Any], float] = {}
    for day, name, kg in zip(points["date"].tolist(), points["series"].tolist(), points["value_kg"].tolist(),
                             strict=True):  # fmt: skip
        if name in (PRESCRIBED, PERFORMED) and not pd.isna(kg):
            heaviest[(day, name)] = max(float(kg), heaviest.get((day, name), float(kg)))
    both = [day for day, name in heaviest if name == PRESCRIBED and (day, PERFORMED) in heaviest]
    same = sum(abs(heaviest[(day, PRESCRIBED)] - heaviest[(day, PERFORMED)]) < 0.05 for day in both)
    if both and same == len(both):
        sessions = f"all {len(both)} sessions" if len(both) > 1 else "the one session"
        sentences.append(f"The load lifted equalled the load prescribed in {sessions}.")
    elif same:
        sentences.append(f"The load lifted equalled the load prescribed in {same} of {len(both)} sessions.")
    return " ".join(sentences)


# --- goals on the dashboard charts -------------------------------------------------------------------------
# An open measure goal is drawn on its measure's panel as a hollow star at the target value on the target date,
# labelled "Goal" beside it (to its left, so a target at the chart's right edge keeps its label on a phone), with
# the goal's statement and verdict in the tooltip, a sentence in the chart's summary and a row in its data
# table. Only open goals are drawn: an achieved, not achieved or discontinued goal is history, read on the
# Goals page, and a star for it would be read as a target still to reach.

# a five-pointed star, as a Vega symbol path (unit size): no series uses it, so it never reads as a result
GOAL_SHAPE = (
    "M0,-1L0.2245,-0.309L0.951,-0.309L0.363,0.118L0.588,0.809L0,0.382L-0.588,0.809L-0.363,0.118L-0.951,-0.309"
    "L-0.2245,-0.309Z"
)
GOAL_COLOUR = "#5E5E5E"  # dark neutral grey: reads on light and dark themes, never one of the series' colours
GOAL_SERIES = "Goal (target)"


def goal_layers(spec: _Spec, panel: Panel, y_ref: dict[str, Any]) -> list[dict[str, Any]]:
    """The panel's open goals as hollow stars at (target date, target value), each labelled "Goal"."""
    if not panel.goals:
        return []
    frame = pd.DataFrame(panel.goals)
    frame["date"] = pd.to_datetime(frame["date"])
    marks = spec.data("goals", frame)
    x = {"field": "date", "type": "temporal"}
    y = {"field": "value", **y_ref}
    tooltip = [
        _tip("label", "Goal"),
        _tip("value", "Target", "quantitative"),
        _tip("unit", "Unit"),
        _tip("date", "Target date", "temporal", format="%Y-%m-%d"),
        _tip("set_on", "Set on"),
        _tip("verdict", "So far"),
    ]
    return [
        {
            "name": f"{_safe(panel.key)}_goals",
            "data": marks,
            "mark": {"type": "point", "shape": GOAL_SHAPE, "size": 260, "filled": False, "strokeWidth": 2,
                     "color": GOAL_COLOUR},
            "encoding": {"x": x, "y": y, "tooltip": tooltip},
        },
        {
            "data": marks,
            "mark": {"type": "text", "align": "right", "baseline": "middle", "dx": -12, "fontSize": 11,
                     "fontWeight": "bold", "color": LABEL_COLOUR},
            "encoding": {"x": x, "y": y, "text": {"value": "Goal"}, "tooltip": tooltip},
        },
    ]  # fmt: skip


def goal_sentences(panel: Panel) -> list[str]:
    """Each open goal of the panel in words: target, date, when it was set and how it stands."""
    return [
        f"Goal (star): {_number(g['value'])} {g['unit']} by {_day(g['date'])}, set {g['set_on']}. {g['verdict']}"
        for g in panel.goals
    ]


def goal_table(panel: Panel, table: pd.DataFrame) -> pd.DataFrame:
    """The panel's data table with a row per open goal (series "Goal (target)"), in date order."""
    if not panel.goals:
        return table
    rows = pd.DataFrame(
        {
            "Date": [_day(g["date"]) for g in panel.goals],
            "Series": [GOAL_SERIES] * len(panel.goals),
            "Value": [_number(g["value"]) for g in panel.goals],
            "Unit": [str(g["unit"]) for g in panel.goals],
        }
    )
    both = rows if table.empty else pd.concat([table, rows], ignore_index=True)
    return both.sort_values(["Date", "Series"], kind="stable").reset_index(drop=True)
