"""Charts that read with one point and with two identical lines, and each chart's words (issue 15)."""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import pandas as pd

from rehab.charts import Panel, as_json_spec, dashboard_panel, load_chart, load_text, panel_text

DAY = date(2026, 3, 2)


def _loads(prescribed: list[float], performed: list[float]) -> pd.DataFrame:
    rows = []
    for i, (p, q) in enumerate(zip(prescribed, performed, strict=True)):
        rows.append({"date": DAY + timedelta(days=3 * i), "series": "Prescribed load", "value_kg": p})
        rows.append({"date": DAY + timedelta(days=3 * i), "series": "Performed load", "value_kg": q})
    return pd.DataFrame(rows)


def test_prescribed_has_its_own_dash_and_a_hollow_larger_marker_drawn_last() -> None:
    spec = load_chart(_loads([40, 40], [40, 40]), pd.DataFrame(), title="Leg press")
    layers = spec["layer"]
    last = layers[-1]
    assert last["transform"] == [{"filter": {"field": "series", "equal": "Prescribed load"}}]
    assert last["mark"] == {"type": "point", "size": 90, "filled": False, "strokeWidth": 2}
    lifted = next(x for x in layers if x["mark"]["type"] == "point" and x["mark"].get("filled"))
    assert lifted["transform"] == [{"filter": {"not": {"field": "series", "equal": "Prescribed load"}}}]
    dash = layers[-2]["encoding"]["strokeDash"]["scale"]
    assert (
        dash["range"][dash["domain"].index("Prescribed load")] != dash["range"][dash["domain"].index("Performed load")]
    )
    alt.LayerChart.from_dict(as_json_spec(spec))


def test_load_words_say_where_the_lifted_load_equalled_the_prescribed() -> None:
    same = load_text(_loads([40, 42.5, 45], [40, 42.5, 45]), title="Leg press").summary
    assert "Prescribed load: 40 kg on 2026-03-02, latest 45 kg on 2026-03-08 (+5 kg; 3 results)." in same
    assert "The load lifted equalled the load prescribed in all 3 sessions." in same
    some = load_text(_loads([40, 42.5, 45], [40, 40, 45]), title="Leg press").summary
    assert "The load lifted equalled the load prescribed in 2 of 3 sessions." in some
    assert "equalled" not in load_text(_loads([40], [35]), title="Leg press").summary


def test_one_result_gets_a_dated_axis_and_says_so() -> None:
    points = pd.DataFrame([{"date": DAY, "series": "Timed Up and Go", "value": 14.2, "unit": "s", "assessor": "Casey"}])
    panel = Panel(key="tug", title="Timed Up and Go", unit="s", points=points)
    spec = dashboard_panel(panel)
    x = next(layer for layer in spec["layer"] if layer.get("name") == "tug_lines")["encoding"]["x"]
    assert x["axis"]["values"] == [{"year": 2026, "month": 3, "date": 2}]  # that day, labelled
    assert x["scale"]["domain"] == [{"year": 2026, "month": 2, "date": 27}, {"year": 2026, "month": 3, "date": 5}]
    alt.LayerChart.from_dict(as_json_spec(spec))
    assert panel_text(panel).summary == "Timed Up and Go: one result, 14.2 s on 2026-03-02."


def test_several_series_are_named_and_the_table_lists_every_point() -> None:
    points = pd.DataFrame(
        [
            {"date": DAY, "series": "Paretic", "value": 12.0, "unit": "kg", "assessor": "Casey"},
            {"date": DAY, "series": "Non-paretic", "value": 30.0, "unit": "kg", "assessor": "Casey"},
            {"date": DAY + timedelta(days=14), "series": "Paretic", "value": 15.5, "unit": "kg", "assessor": "Casey"},
        ]
    )
    text = panel_text(Panel(key="grip", title="Grip strength", unit="kg", points=points))
    assert text.summary == (
        "Grip strength. Paretic: 12 kg on 2026-03-02, latest 15.5 kg on 2026-03-16 (+3.5 kg; 2 results). "
        "Non-paretic: one result, 30 kg on 2026-03-02."
    )
    assert text.table.values.tolist() == [
        ["2026-03-02", "Non-paretic", "30", "kg"],
        ["2026-03-02", "Paretic", "12", "kg"],
        ["2026-03-16", "Paretic", "15.5", "kg"],
    ]


def test_the_data_table_is_worked_out_only_when_asked_for(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A dashboard draws a dozen charts with their tables closed: the words are needed, the tables are not."""
    import rehab.charts as charts

    made: list[str] = []
    real = charts._table
    monkeypatch.setattr(charts, "_table", lambda *a, **k: made.append("table") or real(*a, **k))
    text = load_text(_loads([40, 42.5], [40, 40]), title="Leg press")
    assert text.summary.startswith("Leg press.") and made == []
    assert list(text.table["Value"]) == ["40", "40", "40", "42.5"] and made == ["table"]


def test_the_heaviest_set_of_each_session_is_compared_and_a_session_without_a_lifted_load_passed_over() -> None:
    """Day 1: prescribed 40 kg, sets lifted at 35 and 40 kg (the heaviest, 40, equals it). Day 2: prescribed 42.5 kg
    and no set logged, so that session is not compared at all."""
    day2 = DAY + timedelta(days=3)
    points = pd.DataFrame(
        [
            {"date": DAY, "series": "Prescribed load", "value_kg": 40.0},
            {"date": DAY, "series": "Performed load", "value_kg": 35.0},
            {"date": DAY, "series": "Performed load", "value_kg": 40.0},
            {"date": day2, "series": "Prescribed load", "value_kg": 42.5},
        ]
    )
    words = load_text(points, title="Leg press").summary
    assert "The load lifted equalled the load prescribed in the one session." in words
