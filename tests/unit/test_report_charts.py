"""The printed charts as plain data (``PrintedChart``): the year on every date label, ticks by the span, the y-axis
from the measure's floor with round ticks, the dashboard's MDC band, cut-off and reference lines, categories,
neural weeks, phases and goals, the series styled as the dashboard styles them; and the dashboard's own charts
left as they were. Every expected value here is worked out by hand from the inputs."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from datetime import date, timedelta

import pandas as pd

from rehab import charts, report_charts
from rehab.charts import Panel
from rehab.exports.printed_chart import DateBand, Goal, PrintedChart, Rule, ValueBand


def _points(dates: list[date] | pd.DatetimeIndex, values: list[float], series: str = "Berg Balance Scale",
            unit: str = "points") -> pd.DataFrame:  # fmt: skip
    return pd.DataFrame(
        {"date": pd.to_datetime(list(dates)), "series": series, "value": values, "unit": unit, "assessor": "A. Núñez"}
    )


def _berg(days: int = 365, step: int = 14) -> Panel:
    dates = pd.date_range("2025-11-20", periods=days // step + 1, freq=f"{step}D")
    points = _points(dates, [44 + i % 3 for i in range(len(dates))])
    band = {"low": 38.0, "high": 50.0, "label": "First result 44 ± MDC 6 points", "source": "Stevenson 2001",
            "mdc": 6.0, "first": 44.0, "latest": 45.0, "real": False, "first_date": "2025-11-20"}  # fmt: skip
    cut = [{"value": 45.0, "label": "Fall risk < 45 points (older adults)", "source": "Berg 1992"}]
    return Panel(key="bbs", title="Berg Balance Scale", unit="points", points=points, mdc_band=band, cutoffs=cut)


def _tug(values: list[float], **extra: object) -> Panel:
    dates = [date(2026, 1, 5) + timedelta(days=14 * i) for i in range(len(values))]
    return Panel(key="tug", title="Timed Up and Go", unit="s", points=_points(dates, values, "TUG", "s"), **extra)  # type: ignore[arg-type]


def _labels(chart: PrintedChart) -> list[str]:
    return [t.label for t in chart.date_ticks]


# --- the date axis ------------------------------------------------------------------------------------------


def test_a_year_is_labelled_every_other_month_with_the_year() -> None:
    # 2025-11-20 + 26 × 14 days = 2026-11-19: about 12 months, so every 2nd month (Jan, Mar, …), from the 1st
    chart, _ = report_charts.measure_chart(_berg(365, 14))
    assert _labels(chart) == ["Jan 2026", "Mar 2026", "May 2026", "Jul 2026", "Sep 2026", "Nov 2026"]
    assert [t.day for t in chart.date_ticks][:2] == [date(2026, 1, 1), date(2026, 3, 1)]
    assert chart.dates == (date(2025, 11, 20), date(2026, 11, 19))


def test_six_months_are_labelled_monthly() -> None:
    dates = [date(2026, 1, 10) + timedelta(days=30 * i) for i in range(6)]  # 10 Jan to 9 Jun 2026
    chart, _ = report_charts.measure_chart(Panel(key="tug", title="TUG", unit="s", points=_points(dates, [9.0] * 6)))
    assert _labels(chart) == ["Feb 2026", "Mar 2026", "Apr 2026", "May 2026", "Jun 2026"]


def test_two_years_are_labelled_each_quarter() -> None:
    # 2025-11-20 + 104 weeks = 2027-11-18: about 24 months, so Jan, Apr, Jul, Oct
    chart, _ = report_charts.measure_chart(_berg(730, 7))
    assert _labels(chart) == ["Jan 2026", "Apr 2026", "Jul 2026", "Oct 2026", "Jan 2027", "Apr 2027", "Jul 2027",
                              "Oct 2027"]  # fmt: skip


def test_six_weeks_are_labelled_each_monday_with_day_month_and_year() -> None:
    # 2025-11-20 (a Thursday) to 2025-12-30: 40 days, weekly; the first Monday is 24 Nov
    chart, _ = report_charts.measure_chart(_berg(40, 2))
    assert _labels(chart) == ["24 Nov 2025", "01 Dec 2025", "08 Dec 2025", "15 Dec 2025", "22 Dec 2025",
                              "29 Dec 2025"]  # fmt: skip


def test_a_single_day_gets_a_week_around_it_with_the_day_labelled() -> None:
    panel = Panel(key="bbs", title="Berg", unit="points", points=_points([date(2026, 3, 10)] * 3, [40, 42, 44]))
    chart, _ = report_charts.measure_chart(panel)
    assert chart.dates == (date(2026, 3, 7), date(2026, 3, 13))
    assert _labels(chart) == ["10 Mar 2026"]


def test_a_long_plan_is_labelled_once_a_year() -> None:
    many = pd.date_range("2021-01-01", periods=2500, freq="D")  # to 2027-11-05: 82 months
    chart, _ = report_charts.measure_chart(Panel(key="tug", title="TUG", unit="s", points=_points(many, [9.0] * 2500)))
    assert _labels(chart) == [f"Jan {year}" for year in range(2021, 2028)]
    assert sum(len(s.points) for s in chart.series) <= charts.MAX_POINTS


# --- the value axis -----------------------------------------------------------------------------------------


def test_berg_is_drawn_from_0_to_56_so_a_small_change_looks_small() -> None:
    """Berg Balance Scale scores 0–56 (Berg 1989); results of 44–46 must not fill the chart."""
    chart, _ = report_charts.measure_chart(_berg())
    assert chart.y_domain == (0.0, 56.0)
    assert [(t.value, t.label) for t in chart.y_ticks] == [(0, "0"), (10, "10"), (20, "20"), (30, "30"), (40, "40"),
                                                           (50, "50")]  # fmt: skip


def test_a_measure_without_a_ceiling_starts_at_zero_with_headroom() -> None:
    # TUG has no ceiling: 0 to 14 s × 1.1 = 15.4 s; 15.4 / 5 ticks ≈ 3 → a step of 2
    chart, _ = report_charts.measure_chart(_tug([14.0] * 5))
    assert chart.y_domain == (0.0, 15.4)
    assert [t.label for t in chart.y_ticks] == ["0", "2", "4", "6", "8", "10", "12", "14"]


def test_gait_speed_ticks_carry_their_decimal() -> None:
    chart, _ = report_charts.measure_chart(_tug([0.5, 0.6], y_domain=(0.0, 1.6)))
    assert [t.label for t in chart.y_ticks] == ["0.0", "0.5", "1.0", "1.5"]


def test_a_cut_off_above_every_result_is_inside_the_range() -> None:
    # results 8–10 s, cut-off at 30 s: 30 × 1.1 = 33 s
    chart, _ = report_charts.measure_chart(_tug([8.0, 9.0, 10.0], cutoffs=[{"value": 30.0, "label": "≥ 30 s"}]))
    assert chart.y_domain == (0.0, 33.0)
    assert chart.rules == (Rule(30.0, charts.CUTOFF_COLOUR, 2.0, (6.0, 3.0)),)


def test_a_result_beyond_the_set_range_widens_it_rather_than_being_cut() -> None:
    chart, _ = report_charts.measure_chart(_tug([40.0, 130.0], y_domain=(0.0, 100.0)))
    assert chart.y_domain == (0.0, 130.0)


# --- the dashboard's marks ------------------------------------------------------------------------------------


def test_the_dashboards_mdc_band_and_cut_off_are_drawn_and_described() -> None:
    chart, alt = report_charts.measure_chart(_berg())
    assert chart.value_bands == (ValueBand(38.0, 50.0, charts.MDC_COLOUR, 0.22),)
    assert chart.rules == (Rule(45.0, charts.CUTOFF_COLOUR, 2.0, (6.0, 3.0)),)
    assert "within the MDC (measurement error) of 6 points" in alt
    assert "Cut-off line: Fall risk < 45 points (older adults)." in alt


def test_categories_reference_line_neural_weeks_and_a_goal_after_the_last_result() -> None:
    cats = [{"low": 0.0, "high": 0.4, "label": "household"}, {"low": 0.4, "high": 0.8, "label": "limited"}]
    goal = {"date": date(2026, 6, 1), "value": 0.9, "label": "Walk", "unit": "m/s", "set_on": "2026-01-01",
            "verdict": "On track."}  # fmt: skip
    neural = {"start": date(2025, 12, 29), "end": date(2026, 2, 9), "label": "Neural weeks"}
    panel = _tug([0.5, 0.6], categories=cats, target={"value": 0.7, "label": "x"}, neural=neural, goals=[goal])
    chart, alt = report_charts.measure_chart(panel)
    assert chart.value_bands == (
        ValueBand(0.0, 0.4, charts.OKABE_ITO["orange"], 0.10, "household"),
        ValueBand(0.4, 0.8, charts.OKABE_ITO["sky_blue"], 0.10, "limited"),
    )
    assert chart.rules == (Rule(0.7, charts.TARGET_COLOUR, 2.0),)
    assert chart.date_bands == (DateBand(date(2025, 12, 29), date(2026, 2, 9), charts.OKABE_ITO["reddish_purple"],
                                         0.12),)  # fmt: skip
    assert chart.goals == (Goal(date(2026, 6, 1), 0.9, charts.GOAL_COLOUR),)
    # the dates run from the neural weeks' start to the goal's date, after the last result (19 Jan)
    assert chart.dates == (date(2025, 12, 29), date(2026, 6, 1))
    assert chart.y_domain == (0.0, 0.99)  # the goal, 0.9 × 1.1
    assert "Goal (star): 0.9 m/s by 2026-06-01" in alt


def test_sides_and_sites_are_styled_as_on_the_dashboard_with_a_legend() -> None:
    days = [date(2026, 1, 5), date(2026, 2, 5)]
    frames = [_points(days, [20.0, 21.0], name, "N") for name in ("Non-paretic", "Paretic", "Left hip", "Right hip")]
    chart, _ = report_charts.measure_chart(Panel(key="hhd", title="HHD", unit="N", points=pd.concat(frames)))
    styles = [(s.name, s.colour, s.dash, s.shape, s.filled) for s in chart.series]
    assert styles == [
        ("Paretic", charts.OKABE_ITO["vermillion"], (1.0, 0.0), "circle", True),
        ("Non-paretic", charts.OKABE_ITO["blue"], (6.0, 3.0), "square", True),
        ("Left hip", charts.OKABE_ITO["green"], (1.0, 0.0), "triangle-up", True),
        ("Right hip", charts.OKABE_ITO["orange"], (6.0, 3.0), "diamond", True),
    ]
    assert chart.legend == "row" and chart.legend_names == ("Paretic", "Non-paretic", "Left hip", "Right hip")
    assert chart.series[0].points == ((date(2026, 1, 5), 20.0), (date(2026, 2, 5), 21.0))


def test_one_series_has_no_legend_the_title_names_it() -> None:
    chart, _ = report_charts.measure_chart(_berg())
    assert chart.legend == "none" and chart.legend_names == ()


def test_a_chart_with_nothing_to_draw_says_so() -> None:
    chart, alt = report_charts.measure_chart(_tug([]))
    assert chart.series == () and chart.date_ticks == ()
    assert chart.note == "No results in this period."
    assert alt == "Timed Up and Go: no results in this period."


def test_the_dashboards_charts_are_unchanged() -> None:
    panel = _berg()
    before = copy.deepcopy(charts.dashboard_panel(panel))
    month_axis = copy.deepcopy(charts.MONTH_AXIS)
    report_charts.measure_chart(panel)
    assert month_axis == charts.MONTH_AXIS
    after = charts.dashboard_panel(dataclasses.replace(panel))  # made again from the panel, not the one kept
    assert after is not charts.dashboard_panel(panel) and after["layer"] == before["layer"]


def test_a_printed_chart_is_small_plain_data() -> None:
    """It travels to the report's worker process: no DataFrame, a few kilobytes for a year of results."""
    chart, _ = report_charts.measure_chart(_berg())
    data = pickle.dumps(chart)
    assert b"pandas" not in data and b"fpdf" not in data
    assert len(data) < 8_000
    assert pickle.loads(data) == chart


# --- load charts ----------------------------------------------------------------------------------------------


def _load() -> tuple[pd.DataFrame, pd.DataFrame]:
    dates = pd.date_range("2026-10-26", periods=12, freq="3D")  # to 2026-11-28
    points = pd.DataFrame({"date": list(dates) * 2, "series": ["Prescribed load"] * 12 + ["Performed load"] * 12,
                           "value_kg": [35.0 + i for i in range(12)] * 2})  # fmt: skip
    bands = pd.DataFrame(
        {"start": ["2026-10-26", "2026-10-29", "2026-10-26"], "end": ["2026-10-29", "2026-12-06", "2026-12-06"],
         "label": ["Familiarisation", "Early (neural) phase", "Neural phase (weeks 1–6)"],
         "kind": ["phase", "phase", "neural"]}
    )  # fmt: skip
    return points, bands


def test_load_chart_names_its_wide_phases_and_shades_them_alternately() -> None:
    points, bands = _load()
    chart, alt = report_charts.load_chart(points, bands, title="Leg press", nominal=False)
    # 26 Oct to 6 Dec: 41 days; Familiarisation spans 3 (under 41 / 8), so it is shaded but not named
    assert chart.dates == (date(2026, 10, 26), date(2026, 12, 6))
    grey, neural = charts.MDC_COLOUR, charts.NEURAL_COLOUR
    assert chart.date_bands == (
        DateBand(date(2026, 10, 26), date(2026, 10, 29), grey, 0.08, ""),
        DateBand(date(2026, 10, 29), date(2026, 12, 6), grey, 0.18, "Early (neural) phase"),
        DateBand(date(2026, 10, 26), date(2026, 12, 6), neural, 0.12, "Neural phase (weeks 1–6)", row=1),
    )
    assert all("2026" in label for label in _labels(chart))
    assert alt.startswith("Leg press.")


def test_load_chart_leaves_room_above_the_heaviest_load_for_the_names() -> None:
    points, bands = _load()
    chart, _ = report_charts.load_chart(points, bands, title="Leg press", nominal=True)
    # heaviest 46 kg × 1.3 = 59.8 kg, rounded up to the step of 10 kg
    assert chart.y_domain == (0.0, 60.0)
    assert [t.label for t in chart.y_ticks] == ["0", "10", "20", "30", "40", "50", "60"]
    assert chart.unit == "Load (kg)"
    assert chart.subtitle.endswith(charts.BAND_CHART_NOTE)


def test_load_chart_draws_the_prescribed_load_last_hollow_and_lists_it_first() -> None:
    points, bands = _load()
    chart, _ = report_charts.load_chart(points, bands, title="Leg press", nominal=False)
    assert [(s.name, s.shape, s.filled, s.size, s.dash) for s in chart.series] == [
        ("Performed load", "circle", True, 30.0, (1.0, 0.0)),
        ("Prescribed load", "square", False, 90.0, (6.0, 4.0)),
    ]
    assert chart.legend == "column" and chart.legend_names == ("Prescribed load", "Performed load")


def test_a_load_chart_with_no_sets_says_so() -> None:
    points, bands = _load()
    chart, _ = report_charts.load_chart(points.iloc[:0], bands.iloc[:0], title="Leg press", nominal=False)
    assert chart.series == () and chart.note == "No sets logged yet."


def test_the_report_and_its_charts_load_without_pandas_or_fpdf2() -> None:
    """A report worker unpickles the report: its chart model needs neither the table library nor the PDF one."""
    code = "import sys, rehab.exports.summary; print(sorted({'pandas', 'fpdf'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
