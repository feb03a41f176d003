"""Open goals on a dashboard chart: a labelled star at the target, in the tooltip, the summary and the table."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from rehab.charts import (
    GOAL_SERIES,
    GOAL_SHAPE,
    OTHER_SHAPES,
    SIDE_SHAPES,
    Panel,
    as_json_spec,
    dashboard_panel,
    panel_text,
)

BERGS = pd.DataFrame(
    {
        "date": [date(2026, 11, 1), date(2026, 11, 15), date(2026, 11, 29)],
        "series": ["Berg Balance Scale"] * 3,
        "value": [30.0, 33.0, 36.0],
        "unit": ["points"] * 3,
        "assessor": ["Casey"] * 3,
    }
)
GOAL = {
    "date": date(2026, 12, 27),
    "value": 46.0,
    "unit": "points",
    "label": "Walk to the shop",
    "set_on": "2026-11-01",
    "verdict": "At risk: the trend reaches 42.0 by 2026-12-27, 4.0 short of the target, more than the MDC (2.7).",
}


def _panel(**extra: object) -> Panel:
    return Panel(key="bbs", title="Berg Balance Scale", unit="points", points=BERGS, y_domain=(0.0, 56.0), **extra)  # type: ignore[arg-type]


def test_an_open_goal_is_a_labelled_star_at_its_target_with_the_goal_in_the_tooltip() -> None:
    spec = dashboard_panel(_panel(goals=[GOAL]))
    layers = {layer.get("name"): layer for layer in spec["layer"]}
    star = layers["bbs_goals"]
    assert star["mark"]["shape"] == GOAL_SHAPE and star["mark"]["filled"] is False
    assert GOAL_SHAPE not in (*SIDE_SHAPES, *OTHER_SHAPES)  # never the shape of a series
    marks = spec["datasets"][star["data"]["name"]]
    assert marks["value"].tolist() == [46.0] and marks["date"].dt.date.tolist() == [date(2026, 12, 27)]
    shown = {t["title"] for t in star["encoding"]["tooltip"]}
    assert {"Goal", "Target", "Target date", "So far"} <= shown
    label = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    assert label["encoding"]["text"] == {"value": "Goal"} and label["mark"]["align"] == "right"
    alt.LayerChart.from_dict(as_json_spec(spec))  # valid Vega-Lite


def test_the_goal_is_in_the_summary_and_the_data_table() -> None:
    text = panel_text(_panel(goals=[GOAL]))
    assert "Goal (star): 46 points by 2026-12-27, set 2026-11-01. At risk" in text.summary
    last = text.table.iloc[-1]
    assert (last["Date"], last["Series"], last["Value"], last["Unit"]) == ("2026-12-27", GOAL_SERIES, "46", "points")
    assert len(text.table) == 4  # three results and the goal


def test_without_goals_the_chart_and_its_words_are_unchanged() -> None:
    plain, with_none = dashboard_panel(_panel()), dashboard_panel(_panel(goals=[]))
    assert [layer.get("name") for layer in plain["layer"]] == [layer.get("name") for layer in with_none["layer"]]
    assert "Goal" not in panel_text(_panel()).summary


def test_a_goal_on_a_chart_with_one_result_widens_the_dates_to_reach_it() -> None:
    """One result alone gets a week around its day; with a goal the axis must run to the target date."""
    spec = dashboard_panel(Panel(key="bbs", title="Berg", unit="points", points=BERGS.head(1), goals=[GOAL]))
    lines = next(layer for layer in spec["layer"] if layer.get("name") == "bbs_lines")
    assert "scale" not in lines["encoding"]["x"]  # no fixed week: the scale spans the result and the goal
