"""Dashboard charts and the trend rules behind the caseload flags, against hand-worked examples."""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import pandas as pd
import pytest

from rehab.charts import LABEL_COLOUR, MAX_POINTS, Panel, as_json_spec, dashboard_section, payload_rows, thin
from rehab.domain import measures, trends

START = date(2026, 1, 5)


def _points(n: int, series: str = "Paretic") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": [START + timedelta(days=i) for i in range(n)],
            "series": [series] * n,
            "value": [40.0 + i % 7 for i in range(n)],
            "unit": ["points"] * n,
            "assessor": ["Casey"] * n,
        }
    )


def _layers(spec: dict) -> list[dict]:  # type: ignore[type-arg]
    return [layer for row in spec["vconcat"] for panel in row["hconcat"] for layer in panel["layer"]]


def test_balance_panel_carries_the_cutoff_rule_and_the_mdc_band_and_is_valid_vega_lite() -> None:
    # Berg first result 40, MDC 6 (Stevenson 2001) → band 34–46; stroke fall-risk cut-off 50.5 (Matsumoto 2024)
    panel = Panel(
        key="bbs",
        title="Berg Balance Scale",
        unit="points",
        points=_points(3, "Berg Balance Scale"),
        cutoffs=[{"value": 50.5, "label": "Fall risk < 50.5", "source": "Matsumoto 2024"}],
        mdc_band={"low": 34.0, "high": 46.0, "label": "First result 40 ± MDC 6", "source": "Stevenson 2001"},
    )
    spec = dashboard_section([panel])
    layers = {layer.get("name"): layer for layer in _layers(spec)}
    rule, band = layers["bbs_cutoff_0"], layers["bbs_mdc_band"]
    assert rule["mark"]["type"] == "rule" and band["mark"]["type"] == "rect"
    assert spec["datasets"][rule["data"]["name"]]["value"].tolist() == [50.5]
    assert spec["datasets"][band["data"]["name"]][["low", "high"]].values.tolist() == [[34.0, 46.0]]
    assert any(t["field"] == "source" for t in rule["encoding"]["tooltip"])  # the source shows on hover
    alt.VConcatChart.from_dict(as_json_spec(spec))  # raises if the spec is not valid Vega-Lite


def test_text_in_the_plots_reads_on_the_dark_theme_too() -> None:
    """Vega draws text black unless told: band names and subtitles get a grey that reads on both themes."""
    bands = pd.DataFrame(
        [
            {"start": START, "end": START + timedelta(days=14), "label": "Familiarisation", "kind": "phase"},
            {"start": START, "end": START + timedelta(days=56), "label": "Neural weeks", "kind": "neural"},
        ]
    )
    load = pd.DataFrame(
        {"date": [START, START], "series": ["Prescribed load", "Performed load"], "value_kg": [40.0] * 2}
    )
    panels = [
        Panel(
            key="gait",
            title="10 Metre Walk Test",
            unit="m/s",
            points=_points(3, "10MWT"),
            categories=[{"low": 0.0, "high": 0.4, "label": "household ambulation", "source": "Perry 1995"}],
            subtitle="Self-selected speed",
        ),
        Panel(key="leg", title="Leg press", unit="kg", points=load, kind="load", bands=bands),
    ]
    spec = dashboard_section(panels)
    texts = [layer for layer in _layers(spec) if layer["mark"]["type"] == "text"]
    assert texts and all(layer["mark"]["color"] == LABEL_COLOUR for layer in texts)
    titles = [panel["title"] for row in spec["vconcat"] for panel in row["hconcat"]]
    assert all(t["subtitleColor"] == LABEL_COLOUR for t in titles if "subtitle" in t)
    alt.VConcatChart.from_dict(as_json_spec(spec))


def test_a_section_never_sends_more_than_the_point_budget() -> None:
    panels = [Panel(key=f"p{i}", title="x", unit="kg", points=_points(3000, "Paretic")) for i in range(3)]
    spec = dashboard_section(panels)
    assert payload_rows(spec) <= MAX_POINTS + 3 * 10  # plus a handful of reference-mark rows


def test_thinning_averages_equal_spans_of_days() -> None:
    # 4 daily values 10, 20, 30, 40 with room for 2 points → 2-day spans → 15 and 35
    frame = pd.DataFrame({"date": [START + timedelta(days=i) for i in range(4)], "series": ["a"] * 4,
                          "value": [10.0, 20.0, 30.0, 40.0]})  # fmt: skip
    assert thin(frame, 2)["value"].tolist() == [15.0, 35.0]


def test_a_merged_result_names_its_assessor_only_when_one_person_took_them_all() -> None:
    frame = pd.DataFrame({"date": [START + timedelta(days=i) for i in range(4)], "series": ["a"] * 4,
                          "value": [10.0, 20.0, 30.0, 40.0], "assessor": ["Casey", "Casey", "Casey", "Dana"],
                          "unit": ["points"] * 4})  # fmt: skip
    merged = thin(frame, 2)
    assert merged["assessor"].tolist() == ["Casey", "several clinicians"]
    assert merged["unit"].tolist() == ["points", "points"] and merged["merged"].tolist() == [2, 2]


@pytest.mark.parametrize(
    ("key", "before", "after", "real"),
    [
        ("bbs", 40, 46, True),  # +6 reaches MDC 6 (Stevenson 2001)
        ("bbs", 40, 45, False),  # +5 does not
        ("tug", 20, 16.8, True),  # −3.2 s reaches MDC 3.2 s (Alghadir 2018)
        ("tug", 20, 17, False),
        ("ten_mwt", 0.3, 0.4, True),  # baseline < 0.4 m/s: MDC 0.10 (JNPT 2019)
        ("ten_mwt", 0.5, 0.6, False),  # baseline 0.4–0.8 m/s: MDC 0.15
        ("fga", 10, 16, True),  # MDC 6 (van Bloemendaal)
        ("six_mwt", 100, 300, None),  # no verified MDC
    ],
)
def test_real_change_matches_the_worked_mdc_and_the_catalogue(
    key: str, before: float, after: float, real: bool
) -> None:
    assert trends.real_change(key, before, after) is real
    exceeds = measures.change(key, before, after).exceeds_mdc
    assert exceeds is real  # the caseload's fast path agrees with measures.change


def test_plateau_needs_a_judged_measure_and_no_real_change() -> None:
    assert trends.plateau({"bbs": (52, 53), "tug": (9.0, 8.5)}).flagged
    assert not trends.plateau({"bbs": (44, 54), "tug": (9.0, 8.5)}).flagged  # Berg +10 is real
    assert not trends.plateau({"six_mwt": (100, 101)}).flagged  # nothing judgeable
    assert not trends.plateau({"bbs": (None, 53)}).flagged


def test_fall_risk_uses_stroke_cutoffs_for_stroke_and_older_adult_ones_otherwise() -> None:
    assert trends.fall_risk("ischaemic_stroke", {"bbs": 50, "tug": 10}).flagged  # 50 < 50.5
    assert not trends.fall_risk("ischaemic_stroke", {"bbs": 51, "tug": 14.9}).flagged  # TUG < 15
    assert trends.fall_risk("tbi", {"bbs": 51, "tug": 12}, age_years=70).flagged  # TUG ≥ 12 s (CDC STEADI, 65+)
    assert not trends.fall_risk("tbi", {"bbs": 45, "tug": 11}, age_years=70).flagged  # Berg 45 is not < 45


def test_attendance_retest_and_symmetry_worked_examples() -> None:
    # 4 sessions in 4 weeks (1 a week) after 8 before, plan minimum 2 a week → falling
    assert trends.falling_attendance(recent=4, previous=8, minimum_per_week=2, plan_days=70).flagged
    assert not trends.falling_attendance(recent=7, previous=8, minimum_per_week=2, plan_days=70).flagged  # one missed
    assert not trends.falling_attendance(recent=0, previous=8, minimum_per_week=2, plan_days=50).flagged  # too early
    due = trends.retest_due(last_test=date(2026, 3, 2), plan_start=date(2026, 2, 1), registered=date(2026, 1, 1),
                            every_weeks=4)  # fmt: skip
    assert due == date(2026, 3, 30)
    assert trends.retest_overdue(due, date(2026, 3, 31), 4).flagged and not trends.retest_overdue(due, due, 4).flagged
    assert trends.symmetry_percent(30.0, 40.0) == 75.0 and trends.symmetry_percent(1.0, 0.0) is None


def test_the_clinics_threshold_values_change_the_caseload_judgements() -> None:
    """The 6MWT's MDC (54.1 m, chronic stroke) is marked unverified in the reference, so by default the 6MWT
    cannot show a plateau; once the clinic signs it off, +20 m is within it (plateau) and +60 m is real.
    Berg's older-adult cut-off (45, secondary) raised to 48 by the clinic flags a Berg of 46 (non-stroke)."""
    signed_off = {"six_mwt.mdc.chronic": 54.1}
    assert not trends.plateau({"six_mwt": (300.0, 320.0)}).flagged  # nothing judgeable
    assert trends.plateau({"six_mwt": (300.0, 320.0)}, signed_off).flagged
    assert not trends.plateau({"six_mwt": (300.0, 360.0)}, signed_off).flagged
    # so the caseload reads 6MWT values for the plateau only once the clinic has signed its MDC off
    assert trends.judgeable(trends.PLATEAU_MEASURES) == ("bbs", "tug", "ten_mwt", "fga")
    assert trends.judgeable(trends.PLATEAU_MEASURES, signed_off) == ("bbs", "tug", "ten_mwt", "fga", "six_mwt")
    assert not trends.fall_risk("tbi", {"bbs": 46, "tug": 10}, age_years=70).flagged
    assert trends.fall_risk("tbi", {"bbs": 46, "tug": 10}, {"bbs.cutoff.older_adults": 48}, age_years=70).flagged


def test_a_legend_only_where_it_tells_the_series_apart() -> None:
    """One series is the measure named in the panel's title; paretic and non-paretic need the key."""
    both = pd.concat([_points(3, "Paretic"), _points(3, "Non-paretic")])
    spec = dashboard_section(
        [
            Panel(key="fga", title="Functional Gait Assessment", unit="points", points=_points(3, "FGA")),
            Panel(key="grip", title="Grip strength", unit="kg", points=both),
        ]
    )
    [one, two] = spec["vconcat"][0]["hconcat"]

    def legends(panel: dict) -> list:  # type: ignore[type-arg]
        return [ch["legend"] for layer in panel["layer"] for ch in layer["encoding"].values() if "legend" in ch]

    assert set(map(str, legends(one))) == {"None"}
    # paretic and non-paretic: one key under the chart, one series a line (the points' colour and shape: the
    # lines' own repeated each entry beside it and ran past a tablet's half-width column)
    channels = [ch for layer in two["layer"] for ch in layer["encoding"].values() if isinstance(ch, dict)]
    assert channels  # the panel's layers were read
    keyed = [
        layer
        for layer in two["layer"]
        if any(isinstance(ch, dict) and ch.get("legend") for ch in layer["encoding"].values())
    ]
    assert len(keyed) == 1 and keyed[0]["mark"]["type"] == "point"
    shown = [ch["legend"] for ch in keyed[0]["encoding"].values() if isinstance(ch, dict) and ch.get("legend")]
    assert {(lg["orient"], lg["direction"]) for lg in shown} == {("bottom", "vertical")}


def test_a_long_subtitle_is_broken_into_lines_so_the_chart_keeps_its_column() -> None:
    """Vega does not wrap titles: one 150-character line made the Berg panel push the TUG panel off screen."""
    reason = trends.no_fall_risk_population("deconditioning", 42)
    panel = Panel(key="bbs", title="Berg Balance Scale", unit="points", points=_points(3, "Berg"), subtitle=reason)
    spec = dashboard_section([panel])
    subtitle = spec["vconcat"][0]["hconcat"][0]["title"]["subtitle"]
    assert isinstance(subtitle, list) and len(subtitle) > 1
    assert all(len(line) <= 60 for line in subtitle)
    assert " ".join(subtitle) == reason  # every word kept, in order
    alt.VConcatChart.from_dict(as_json_spec(spec))


def test_a_panels_chart_is_made_once_per_budget_and_afresh_for_a_new_panel() -> None:
    """A prepared dashboard is drawn on every rerun: its charts are kept with its panels, not made again."""
    import dataclasses

    from rehab.charts import dashboard_panel

    panel = Panel(key="bbs", title="Berg Balance Scale", unit="points", points=_points(3))
    first = dashboard_panel(panel, max_points=200)
    assert dashboard_panel(panel, max_points=200) is first
    assert dashboard_panel(panel, max_points=100) is not first
    changed = dataclasses.replace(panel, points=_points(5))  # as a new view prepared after a write
    assert not changed.specs
    drawn = [r for d in dashboard_panel(changed, max_points=200)["datasets"].values() for r in d.to_dict("records")]
    kept = [r for d in first["datasets"].values() for r in d.to_dict("records")]
    assert len(drawn) > len(kept)
