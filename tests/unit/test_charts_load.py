"""The load chart: phases shaded, colour-blind-safe series, tooltips with date/value/unit, at most ~2,000 points."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from rehab.charts import (
    LABEL_COLOUR,
    MAX_POINTS,
    MDC_COLOUR,
    NEURAL_COLOUR,
    OKABE_ITO,
    as_json_spec,
    downsample,
    load_chart,
)

START = date(2026, 1, 5)


def _bands() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"start": START, "end": START + timedelta(days=14), "label": "Familiarisation", "kind": "phase"},
            {"start": START + timedelta(days=14), "end": START + timedelta(days=56), "label": "Early", "kind": "phase"},
            {"start": START, "end": START + timedelta(days=56), "label": "Neural phase (weeks 1–8)", "kind": "neural"},
        ]
    )


def _points(sessions: int) -> pd.DataFrame:
    rows = []
    for i in range(sessions):
        day = START + timedelta(days=i)
        rows.append({"date": day, "series": "Prescribed load", "value_kg": 40.0})
        rows.append({"date": day, "series": "Performed load", "value_kg": 40.0})
        rows.append({"date": day, "series": "Estimated 1RM", "value_kg": 56.0})
    return pd.DataFrame(rows)


def _layers(chart: dict[str, Any]) -> list[dict[str, Any]]:
    return list(chart["layer"])


def _rows_in(spec: dict[str, Any], layer: dict[str, Any]) -> int:
    name = layer.get("data", {}).get("name")
    return len(spec["datasets"][name]) if name else 0


def test_downsampling_averages_equal_spans_of_days() -> None:
    # one series, days 1–4 with 10, 20, 30, 40 kg and room for 2 points: 2-day spans → 15 and 35 kg
    frame = pd.DataFrame(
        {
            "date": [START + timedelta(days=i) for i in range(4)],
            "series": ["Performed load"] * 4,
            "value_kg": [10.0, 20.0, 30.0, 40.0],
        }
    )
    thinned = downsample(frame, max_points=2)
    assert list(thinned["value_kg"]) == [15.0, 35.0]
    assert list(thinned["sessions"]) == [2, 2]
    assert list(thinned["date"].dt.date) == [START, START + timedelta(days=2)]


def test_a_merged_point_names_its_recorder_or_says_there_were_several() -> None:
    # days 1–4, room for 2 points: days 1–2 both recorded by Ana, days 3–4 by Ana and Ben
    frame = pd.DataFrame(
        {
            "date": [START + timedelta(days=i) for i in range(4)],
            "series": ["Performed load"] * 4,
            "value_kg": [10.0, 20.0, 30.0, 40.0],
            "recorded_by": ["Ana", "Ana", "Ana", "Ben"],
        }
    )
    thinned = downsample(frame, max_points=2)
    assert list(thinned["recorded_by"]) == ["Ana", "several clinicians"]


def test_small_series_are_left_alone() -> None:
    thinned = downsample(_points(10))
    assert len(thinned) == 30 and set(thinned["sessions"]) == {1}


def test_a_long_history_is_cut_to_about_two_thousand_points() -> None:
    spec = load_chart(_points(5000), _bands(), title="Leg press")  # 15,000 rows in
    counts = [_rows_in(spec, layer) for layer in spec["layer"] if layer["mark"]["type"] in ("line", "point")]
    assert counts and all(0 < c <= MAX_POINTS for c in counts)


def test_series_use_the_okabe_ito_palette_and_differ_in_dash_and_shape() -> None:
    layers = _layers(load_chart(_points(3), _bands(), title="Leg press"))
    line = next(layer for layer in layers if layer["mark"]["type"] == "line")
    colour = line["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Prescribed load", "Performed load", "Estimated 1RM"]
    assert colour["range"] == [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"]]
    assert len({str(d) for d in line["encoding"]["strokeDash"]["scale"]["range"]}) == 3
    point = next(layer for layer in layers if layer["mark"]["type"] == "point")
    assert point["encoding"]["shape"]["scale"]["range"] == ["square", "circle", "triangle-up"]


def test_tooltips_give_date_value_and_unit() -> None:
    layers = _layers(load_chart(_points(3), _bands(), title="Leg press"))
    line = next(layer for layer in layers if layer["mark"]["type"] == "line")
    fields = {t["field"]: t for t in line["encoding"]["tooltip"]}
    assert {"date", "value_kg", "unit"} <= set(fields)
    assert fields["date"]["format"] == "%Y-%m-%d"


def test_phases_and_the_neural_period_are_shaded_and_named() -> None:
    spec = as_json_spec(load_chart(_points(3), _bands(), title="Leg press"))
    alt.LayerChart.from_dict(spec)  # raises if the spec is not valid Vega-Lite
    rects = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rect"]
    # phases in translucent grey, alternately lighter and darker; then the neural period tinted on top
    phases, neural = rects
    assert phases["mark"]["color"] == MDC_COLOUR and neural["mark"]["color"] == NEURAL_COLOUR
    assert [row["shade"] for row in spec["datasets"][phases["data"]["name"]]] == [0, 1]
    assert phases["encoding"]["opacity"]["field"] == "shade"
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    labels = {row["label"] for layer in texts for row in spec["datasets"][layer["data"]["name"]]}
    assert labels == {"Familiarisation", "Early", "Neural phase (weeks 1–8)"}
    # Vega's default black cannot be read on the dark theme
    assert all(layer["mark"]["color"] == LABEL_COLOUR for layer in texts)
    assert spec["title"]["subtitleColor"] == LABEL_COLOUR
    assert spec["title"]["text"] == "Leg press"
    assert " ".join(spec["title"]["subtitle"]) == (  # in lines no wider than a phone's chart
        "Load prescribed and lifted per session; 1RM: the baseline, then estimates only from sets near failure."
    )
    assert all(len(line) <= 60 for line in spec["title"]["subtitle"])


def test_the_dashed_prescribed_line_is_drawn_over_the_others() -> None:
    """Where the load lifted equals the load prescribed, the dashed prescribed line must still show."""
    layers = _layers(load_chart(_points(3), _bands(), title="Leg press"))
    lines = [layer for layer in layers if layer["mark"]["type"] == "line"]
    assert layers[-2] is lines[-1]  # then only its own hollow markers (tests/unit/test_chart_words.py)
    assert lines[-1]["transform"] == [{"filter": {"field": "series", "equal": "Prescribed load"}}]
    assert lines[0]["transform"] == [{"filter": {"not": {"field": "series", "equal": "Prescribed load"}}}]


def test_a_printed_chart_is_plain_json_rows_and_valid_vega_lite() -> None:
    spec = as_json_spec(load_chart(_points(3), _bands(), title="Leg press", width=560, height=220))
    alt.LayerChart.from_dict(spec)
    assert (spec["width"], spec["height"]) == (560, 220)
    first = spec["datasets"][next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")["data"]["name"]][
        0
    ]
    assert first["date"] == "2026-01-05T00:00:00" and first["value_kg"] in (40.0, 56.0)


def test_no_streamlit_in_the_chart_module() -> None:
    import rehab.charts as charts

    source = Path(charts.__file__).read_text(encoding="utf-8")
    assert "import streamlit" not in source


def test_over_a_year_only_the_phases_wide_enough_to_read_are_named() -> None:
    """A 52-week plan: familiarisation (2 weeks) and the early phase (6 weeks) are narrower than an eighth
    of the chart (6.5 weeks), so only the strength phase (44 weeks) is named; all three stay shaded."""
    week = timedelta(weeks=1)
    bands = pd.DataFrame(
        [
            {"start": START, "end": START + 2 * week, "label": "Familiarisation", "kind": "phase"},
            {"start": START + 2 * week, "end": START + 8 * week, "label": "Early", "kind": "phase"},
            {"start": START + 8 * week, "end": START + 52 * week, "label": "Strength", "kind": "phase"},
        ]
    )
    spec = as_json_spec(load_chart(_points(10), bands, title="Leg press"))
    texts = [layer for layer in spec["layer"] if isinstance(layer["mark"], dict) and layer["mark"]["type"] == "text"]
    [named] = [{row["label"] for row in spec["datasets"][layer["data"]["name"]]} for layer in texts]
    assert named == {"Strength"}
    [shaded] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rect"]
    assert [row["label"] for row in spec["datasets"][shaded["data"]["name"]]] == [
        "Familiarisation",
        "Early",
        "Strength",
    ]


def test_dates_read_without_ambiguity_on_short_and_long_plans() -> None:
    """Day and month over a few weeks; month and year once a plan runs past four months (no '01 Dec' twice)."""

    def axis_format(sessions: int) -> str:
        layers = _layers(load_chart(_points(sessions), _bands(), title="Leg press"))
        line = next(layer for layer in layers if layer["mark"]["type"] == "line")
        return str(line["encoding"]["x"]["axis"]["format"])

    assert axis_format(56) == "%d %b"
    assert axis_format(365) == "%b %Y"


def test_a_range_starting_mid_plan_shows_that_range_not_the_whole_plan() -> None:
    """A report from day 20: familiarisation (days 0–14) is left out, the early phase drawn from day 20."""
    points = _points(30)
    points = points[points["date"] >= START + timedelta(days=20)]
    spec = as_json_spec(load_chart(points, _bands(), title="Leg press"))
    rects = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rect"]
    rows = [row for layer in rects for row in spec["datasets"][layer["data"]["name"]]]
    assert [(row["label"], row["start"]) for row in rows] == [
        ("Early", "2026-01-25T00:00:00"),
        ("Neural phase (weeks 1–8)", "2026-01-25T00:00:00"),
    ]
