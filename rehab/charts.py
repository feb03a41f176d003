"""Altair chart builders: a DataFrame in, a Chart out (no streamlit here).

Colours come from the Okabe–Ito palette, which stays distinguishable with the common colour-vision
deficiencies; each series also differs in line style and point shape, so colour is never the only cue.
Streamlit sends every row to the browser, so charts are thinned to about ``MAX_POINTS`` rows first.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

MAX_POINTS = 2000
HEIGHT = 340  # the whole chart: title, plot and legend

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
PRESCRIBED = "Prescribed load"
PERFORMED = "Performed load"
ESTIMATED = "Estimated 1RM"
SERIES = (PRESCRIBED, PERFORMED, ESTIMATED)
SERIES_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"])
SERIES_DASHES = ([6, 4], [1, 0], [2, 2])
SERIES_SHAPES = ("square", "circle", "triangle-up")

LOAD_CHART_EXPLANATION = "Load prescribed and lifted per session, and 1RM estimated from the best set."
LOAD_CHART_HELP = (
    "Prescribed is the load set for each session, performed the heaviest set lifted, and estimated 1RM the "
    "best set's Epley estimate (sets of 1–12 reps). Grey bands are the plan's phases; the tinted band marks "
    "the weeks when strength gains are mostly neural, so early rises are expected and real."
)
BAND_CHART_NOTE = "Band loads are nominal and vary with stretch and maker."
PHASE_SHADES = ("#EFEFEF", "#E2E2E2")


def downsample(points: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """At most ``max_points`` rows: when there are more, average each series over equal spans of days.

    Columns in and out: ``date``, ``series``, ``value_kg``, plus ``sessions`` (how many rows each point
    stands for, 1 when nothing was merged).
    """
    frame = points.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    if len(frame) <= max_points:
        frame["sessions"] = 1
        return frame.reset_index(drop=True)
    series_count = max(1, frame["series"].nunique())
    per_series = max(1, max_points // series_count)
    first = frame["date"].min()
    span_days = int((frame["date"].max() - first).days) + 1
    bucket_days = max(1, math.ceil(span_days / per_series))
    offset = (frame["date"] - first).dt.days // bucket_days * bucket_days
    frame["date"] = first + pd.to_timedelta(offset, unit="D")
    grouped = frame.groupby(["series", "date"], as_index=False).agg(
        value_kg=("value_kg", "mean"), sessions=("value_kg", "size")
    )
    grouped["value_kg"] = grouped["value_kg"].round(1)
    return grouped


def _bands_layer(bands: pd.DataFrame) -> list[alt.Chart]:
    """Phases as alternating grey bands with their names; the neural period tinted on top, named below them."""
    if bands.empty:
        return []
    frame = bands.copy()
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    phases = frame[frame["kind"] == "phase"].reset_index(drop=True)
    neural = frame[frame["kind"] == "neural"]
    layers = [
        alt.Chart(phases.iloc[shade::2])
        .mark_rect(color=colour)
        .encode(x="start:T", x2="end:T", tooltip=[alt.Tooltip("label:N", title="Phase")])
        for shade, colour in enumerate(PHASE_SHADES)
        if not phases.iloc[shade::2].empty
    ]
    layers.append(
        alt.Chart(phases)
        .mark_text(align="left", baseline="top", dx=4, dy=4, fontSize=11, color="#444444")
        .encode(x="start:T", y=alt.value(0), text="label:N")
    )
    if not neural.empty:
        layers += [
            alt.Chart(neural)
            .mark_rect(opacity=0.15, color=OKABE_ITO["reddish_purple"])
            .encode(x="start:T", x2="end:T", tooltip=[alt.Tooltip("label:N", title="Period")]),
            alt.Chart(neural)
            .mark_text(align="left", baseline="top", dx=4, dy=20, fontSize=11, color="#7A3F66")
            .encode(x="start:T", y=alt.value(0), text="label:N"),
        ]
    return layers


def load_chart(
    points: pd.DataFrame,
    bands: pd.DataFrame,
    *,
    title: str,
    bands_are_nominal: bool = False,
    max_points: int = MAX_POINTS,
) -> alt.LayerChart:
    """Prescribed versus performed load and estimated 1RM over time for one exercise, phases shaded.

    ``points``: ``date``, ``series`` (one of ``SERIES``), ``value_kg``. ``bands``: ``start``, ``end``,
    ``label``, ``kind`` ("phase" or "neural"), as dates.
    """
    data = downsample(points, max_points)
    data["unit"] = "kg"
    present = [s for s in SERIES if s in set(data["series"])] or list(SERIES[:2])
    colours = [SERIES_COLOURS[SERIES.index(s)] for s in present]
    dashes = [SERIES_DASHES[SERIES.index(s)] for s in present]
    shapes = [SERIES_SHAPES[SERIES.index(s)] for s in present]
    legend = alt.Legend(title=None, orient="bottom")
    top = float(data["value_kg"].max()) if not data.empty else 1.0
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title="Date", axis=alt.Axis(format="%d %b")),
        # headroom above the highest value keeps the phase names clear of the data
        y=alt.Y("value_kg:Q", title="Load (kg)", scale=alt.Scale(domain=[0, top * 1.3], nice=True)),
        color=alt.Color("series:N", scale=alt.Scale(domain=present, range=colours), legend=legend),
        tooltip=[
            alt.Tooltip("date:T", title="Date", format="%Y-%m-%d"),
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("value_kg:Q", title="Value", format=".1f"),
            alt.Tooltip("unit:N", title="Unit"),
            alt.Tooltip("sessions:Q", title="Sessions averaged"),
        ],
    )
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=present, range=dashes), legend=None)
    # the dashed prescribed line goes on top, so it stays visible where performed equals prescribed
    lines = base.transform_filter(alt.datum.series != PRESCRIBED).mark_line(strokeWidth=2).encode(strokeDash=dash)
    prescribed = base.transform_filter(alt.datum.series == PRESCRIBED).mark_line(strokeWidth=2).encode(strokeDash=dash)
    marks = base.mark_point(size=40, filled=True).encode(
        shape=alt.Shape("series:N", scale=alt.Scale(domain=present, range=shapes), legend=legend)
    )
    subtitle = LOAD_CHART_EXPLANATION + (" " + BAND_CHART_NOTE if bands_are_nominal else "")
    return alt.layer(*_bands_layer(bands), lines, marks, prescribed).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", subtitleColor="#555555"),
        height=HEIGHT,
        width="container",
    )
