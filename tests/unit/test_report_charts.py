"""The printed charts, read from the SVG that vl-convert draws (what a reader sees): the year on every date label,
no two labels on top of each other, the y-axis from the measure's floor, the dashboard's MDC band and cut-off
lines; and the dashboard's own charts left as they were."""

from __future__ import annotations

import copy
import itertools
import re

import pandas as pd

from rehab import charts, report_charts
from rehab.charts import Panel
from rehab.exports import pdf_charts

_TEXT = re.compile(r'<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*opacity="([\d.]+)"[^>]*>([^<]*)</text>')
CHAR_PX = 6.4  # a generous width per character of a 10 px DejaVu Sans label (its digits are 6.36 px)


def _berg(days: int = 365, step: int = 14) -> Panel:
    dates = pd.date_range("2025-11-20", periods=days // step + 1, freq=f"{step}D")
    values = [44 + i % 3 for i in range(len(dates))]
    points = pd.DataFrame(
        {"date": dates, "series": "Berg Balance Scale", "value": values, "unit": "points", "assessor": "A. Núñez"}
    )
    band = {"low": 38.0, "high": 50.0, "label": "First result 44 ± MDC 6 points", "source": "Stevenson 2001",
            "mdc": 6.0, "first": 44.0, "latest": 45.0, "real": False, "first_date": "2025-11-20"}  # fmt: skip
    cut = [{"value": 45.0, "label": "Fall risk < 45 points (older adults)", "source": "Berg 1992"}]
    return Panel(key="bbs", title="Berg Balance Scale", unit="points", points=points, mdc_band=band, cutoffs=cut)


def _labels(spec: dict[str, object]) -> list[tuple[float, float, str]]:
    svg = pdf_charts.vega_svg(spec)  # as printed: in the report's font
    return [(float(x), float(y), t) for x, y, o, t in _TEXT.findall(svg) if float(o) > 0]


def _x_labels(spec: dict[str, object]) -> list[tuple[float, str]]:
    return [(x, t) for x, y, t in _labels(spec) if re.search(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)", t)]


def test_every_date_label_carries_the_year_and_none_overlap() -> None:
    for days, step in ((365, 14), (40, 2), (730, 7)):
        spec, _ = report_charts.measure_chart(_berg(days, step))
        labels = _x_labels(spec)
        assert len(labels) >= 2
        for _, text in labels:
            assert re.search(r"\b20\d\d\b", text), text
        ordered = sorted(labels)
        for (x1, t1), (x2, t2) in itertools.pairwise(ordered):
            assert x2 - x1 >= (len(t1) + len(t2)) / 2 * CHAR_PX, f"{t1!r} and {t2!r} overlap"


def test_berg_is_drawn_from_0_to_56_so_a_small_change_looks_small() -> None:
    """Berg Balance Scale scores 0–56 (Berg 1989); results of 44–46 must not fill the chart."""
    spec, _ = report_charts.measure_chart(_berg())
    ticks = [t for _, _, t in _labels(spec) if t.isdigit()]
    assert "0" in ticks and "50" in ticks
    domains = [layer["encoding"]["y"]["scale"]["domain"] for layer in spec["layer"] if "y" in layer.get("encoding", {})]
    assert domains and all(d == [0.0, 56.0] for d in domains)


def test_a_measure_without_a_ceiling_starts_at_zero() -> None:
    panel = _berg()
    tug = Panel(
        key="tug", title="Timed Up and Go", unit="s", points=panel.points.assign(value=[14.0] * len(panel.points))
    )
    spec, _ = report_charts.measure_chart(tug)
    assert next(t for _, _, t in _labels(spec) if t.isdigit()) == "0"


def test_the_dashboards_mdc_band_and_cut_off_are_drawn_and_described() -> None:
    spec, alt = report_charts.measure_chart(_berg())
    names = [layer.get("name", "") for layer in spec["layer"]]
    assert "bbs_mdc_band" in names and "bbs_cutoff_0" in names
    assert "within the MDC (measurement error) of 6 points" in alt
    assert "Cut-off line: Fall risk < 45 points (older adults)." in alt


def test_the_dashboards_charts_are_unchanged() -> None:
    panel = _berg()
    before = copy.deepcopy(charts.dashboard_panel(panel))
    month_axis = copy.deepcopy(charts.MONTH_AXIS)
    report_charts.measure_chart(panel)
    assert month_axis == charts.MONTH_AXIS
    after = charts.dashboard_panel(panel)
    assert after["layer"] == before["layer"]


def test_load_chart_phase_names_stay_inside_their_phase() -> None:
    dates = pd.date_range("2026-10-26", periods=12, freq="3D")
    points = pd.DataFrame({"date": list(dates) * 2, "series": ["Prescribed load"] * 12 + ["Performed load"] * 12,
                           "value_kg": [35.0 + i for i in range(12)] * 2})  # fmt: skip
    bands = pd.DataFrame(
        {"start": ["2026-10-26", "2026-11-09", "2026-10-26"], "end": ["2026-11-08", "2026-12-06", "2026-12-06"],
         "label": ["Familiarisation", "Early (neural) phase", "Neural phase (weeks 1–6)"],
         "kind": ["phase", "phase", "neural"]}
    )  # fmt: skip
    spec, alt = report_charts.load_chart(points, bands, title="Leg press", nominal=False)
    texts = [
        layer["mark"]
        for layer in spec["layer"]
        if isinstance(layer.get("mark"), dict) and layer["mark"]["type"] == "text"
    ]
    assert texts and all(0 < mark["limit"] < report_charts.WIDTH / 2 for mark in texts)
    for _, text in _x_labels(spec):
        assert re.search(r"\b2026\b", text), text
    assert alt.startswith("Leg press.")
