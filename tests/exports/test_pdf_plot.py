"""The printed charts on paper, read back from the PDF: their words are text on the page, each chart is a tagged
figure with its alternative text, nothing is drawn outside the chart's box (the rendered page is looked at, pixel
by pixel), date labels never overlap and phase names stay inside their phase (measured with the font file itself,
through fontTools, not with the code that placed them)."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ContentStream

from rehab import report_charts
from rehab.charts import Panel
from rehab.exports import pdf, pdf_fonts, pdf_plot
from rehab.exports import summary as m
from rehab.exports.printed_chart import DateBand, DateTick, PrintedChart, Series, ValueTick
from tests.exports.builders import patient, tug_chart
from tests.exports.test_pdf_reports import _figures

FONTS = Path(pdf_fonts.__file__).parent / "fonts"
PAGES = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
LEFT, TOP = 18.0, 20.0  # mm: where the test draws its chart
MM = 72 / 25.4  # PDF points per mm
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "exports"
DAY = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20\d\d$")


@cache
def _font(bold: bool) -> tuple[dict[int, str], object, int]:
    font = TTFont(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))
    return font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm


def _width_mm(text: str, size_pt: float, bold: bool) -> float:
    """How wide ``text`` prints, from the font file's advance widths (DejaVu Sans has no kerning here)."""
    cmap, hmtx, em = _font(bold)
    return sum(hmtx[cmap[ord(ch)]][0] for ch in text) * size_pt / em / MM  # type: ignore[index]


def _draw(
    chart: PrintedChart, page: str = "A4", alt: str = "A chart."
) -> tuple[bytes, tuple[float, float, float, float]]:
    """The chart alone on a page, across the page's text width; the PDF and the chart's box (mm)."""
    doc = pdf_plot.FPDF(unit="mm", format=page)
    pdf_fonts.add_bundled_fonts(doc, pdf_plot.FONT)
    doc.add_page()
    width = PAGES[page][0] - 2 * LEFT
    layout = pdf_plot.lay_out(doc, chart, width)
    pdf_plot.draw(doc, layout, LEFT, TOP, alt=alt)
    return bytes(doc.output()), (LEFT, TOP, LEFT + width, TOP + layout.height)


def _texts(data: bytes) -> list[tuple[str, float, float, float, bool]]:
    """Each piece of text on page 1: (text, x mm from the left, baseline mm from the top, size pt, bold)."""
    reader = PdfReader(io.BytesIO(data))
    height = float(reader.pages[0].mediabox.height)
    out: list[tuple[str, float, float, float, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict[str, object] | None, size: float) -> None:
        if text.strip():  # pypdf puts a space before a piece of text on the line of the one before
            bold = font is not None and "Bold" in str(font.get("/BaseFont"))
            out.append((text.strip(), tm[4] / MM, (height - tm[5]) / MM, size, bold))

    reader.pages[0].extract_text(visitor_text=visit)
    return out


def _ink(data: bytes, tmp_path: Path) -> tuple[float, float, float, float]:
    """The box (mm) around every pixel that is not white on the rendered page."""
    source = tmp_path / "chart.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "144", "-gray", "-png", "-singlefile", str(source), str(tmp_path / "chart")],
                   check=True)  # fmt: skip
    with Image.open(tmp_path / "chart.png") as page:
        box = ImageOps.invert(page.convert("L")).point(lambda v: 255 if v > 8 else 0).getbbox()
    assert box is not None, "nothing was drawn"
    scale = 25.4 / 144
    return box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale


def _series(name: str, points: list[tuple[date, float]], **style: object) -> Series:
    values: dict[str, object] = {"colour": "#0072B2", "dash": (1.0, 0.0), "shape": "circle", "filled": True,
                                 "size": 36.0, **style}  # fmt: skip
    return Series(name, points=tuple(points), **values)  # type: ignore[arg-type]


# --- what the page says -------------------------------------------------------------------------------------------


def test_title_unit_ticks_and_legend_are_text_on_the_page() -> None:
    days = [date(2026, 1, 5), date(2026, 3, 2)]
    chart = replace(
        tug_chart(),
        subtitle="Seconds to stand up, walk 3 m, turn and sit down.",
        series=(_series("Paretic", [(days[0], 20.0), (days[1], 14.0)]),
                _series("Ελένη's Łukasz side", [(days[0], 18.0), (days[1], 12.0)], shape="square")),
        legend="row", legend_names=("Paretic", "Ελένη's Łukasz side"),
    )  # fmt: skip
    data, _ = _draw(chart)
    texts = _texts(data)
    words = [t for t, *_ in texts]
    assert ("Timed Up and Go", True) in [(t, bold) for t, _, _, _, bold in texts]
    for expected in ("Seconds to stand up, walk 3 m, turn and sit down.", "s", "0", "10", "20", "05 Oct 2026",
                     "19 Oct 2026", "Paretic", "Ελένη's Łukasz side"):  # fmt: skip
        assert expected in words, expected
    sizes = {t: size for t, _, _, size, _ in texts}
    assert sizes["Timed Up and Go"] == 9.5 and sizes["05 Oct 2026"] == 7.0


def test_the_chart_is_one_tagged_figure_carrying_its_alternative_text() -> None:
    alt = "Timed Up and Go: 20 s on 2026-10-01, latest 14 s on 2026-11-01 (−6 s; 2 results)."
    data, _ = _draw(tug_chart(), alt=alt)
    reader = PdfReader(io.BytesIO(data))
    assert [str(f.get("/Alt")) for f in _figures(reader)] == [alt]
    assert not reader.pages[0].images  # drawn, not pasted as a picture


# --- nothing outside the chart's box ------------------------------------------------------------------------------


def _hostile_charts() -> dict[str, PrintedChart]:
    """Charts built the way the reports build them, from data a clinic could have."""

    def frame(dates: list[date] | pd.DatetimeIndex, values: list[float], series: str = "TUG") -> pd.DataFrame:
        return pd.DataFrame({"date": pd.to_datetime(list(dates)), "series": series, "value": values, "unit": "s",
                             "assessor": "A"})  # fmt: skip

    start = date(2026, 1, 5)
    days = [start + timedelta(days=14 * i) for i in range(10)]
    long = "Hand-held dynamometry of the hip abductors in side-lying, examiner's hand at the lateral femoral " * 3
    sides = pd.concat(
        [
            frame(days, [20.0 + k + i % 4 for i in range(10)], name)
            for k, name in enumerate(
                ["Paretic", "Non-paretic", "Left gluteus medius, Ελένη " * 6, "Right (Łukasz Żółć)"]
            )
        ]
    )
    goal = {"date": days[-1] + timedelta(days=90), "value": 56.0, "label": "x", "unit": "points",
            "set_on": "2026-01-01", "verdict": "On track."}  # fmt: skip
    many = pd.date_range("2021-01-01", periods=2000, freq="D")
    loads = pd.DataFrame({"date": list(many) * 2, "series": ["Prescribed load"] * 2000 + ["Performed load"] * 2000,
                          "value_kg": [20.0 + i % 25 for i in range(2000)] * 2})  # fmt: skip
    bands = pd.DataFrame({"start": [date(2021, 1, 1), date(2021, 1, 20), date(2022, 6, 1), date(2021, 1, 1)],
                          "end": [date(2021, 1, 20), date(2022, 6, 1), date(2026, 6, 23), date(2021, 2, 12)],
                          "label": ["F", "Στάδιο δύναμης " * 8, "Maintenance phase " * 12, "Neural phase " * 5],
                          "kind": ["phase", "phase", "phase", "neural"]})  # fmt: skip
    built = {
        "no points": report_charts.measure_chart(Panel(key="tug", title="TUG", unit="s", points=frame([], []))),
        "one point": report_charts.measure_chart(Panel(key="tug", title="TUG", unit="s", points=frame([start], [9]))),
        "one day": report_charts.measure_chart(Panel(key="tug", title="TUG", unit="s",
                                                     points=frame([start] * 3, [9, 10, 11]))),
        "at the top, a goal after the last point": report_charts.measure_chart(Panel(
            key="bbs", title="Berg", unit="points", points=frame(days, [56.0] * 10), y_domain=(0.0, 56.0),
            goals=[goal], mdc_band={"low": 50.0, "high": 62.0}, cutoffs=[{"value": 45.0, "label": "x"}])),
        "a cut-off above all data": report_charts.measure_chart(Panel(
            key="tug", title="TUG", unit="s", points=frame(days, [8.0] * 10), cutoffs=[{"value": 30.0, "label": "x"}],
            neural={"start": start - timedelta(days=7), "end": start + timedelta(days=35)})),
        "long names, four series": report_charts.measure_chart(Panel(
            key="hhd", title=long, unit="Newton " * 30, points=sides, subtitle=long, target={"value": 25.0})),
        "categories": report_charts.measure_chart(Panel(
            key="ten_mwt", title="10MWT", unit="m/s", points=frame(days, [0.5] * 10), y_domain=(0.0, 1.6),
            categories=[{"low": 0.0, "high": 0.4, "label": "household " * 20}, {"low": 0.8, "high": 1.6,
                                                                                 "label": "community"}])),
        "2,000 sessions, long phase names": report_charts.load_chart(loads, bands, title=long, nominal=True),
        "no sets": report_charts.load_chart(loads.iloc[:0], bands.iloc[:0], title="Leg press", nominal=False),
    }  # fmt: skip
    return {name: chart for name, (chart, _) in built.items()}


@pytest.mark.parametrize("page", ["A4", "Letter"])
def test_nothing_is_drawn_outside_the_chart_box(page: str, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, chart in _hostile_charts().items():
        data, (left, top, right, bottom) = _draw(chart, page)
        ink = _ink(data, tmp_path)
        slack = 0.4  # mm: anti-aliasing at the rendered edge
        assert ink[0] >= left - slack and ink[1] >= top - slack, (name, ink, (left, top))
        assert ink[2] <= right + slack and ink[3] <= bottom + slack, (name, ink, (right, bottom))
        (ARTIFACTS / f"chart-{page}-{re.sub(r'[^a-z0-9]+', '-', name)}.pdf").write_bytes(data)


def test_long_text_is_cut_or_wrapped_to_the_chart_width() -> None:
    chart = _hostile_charts()["long names, four series"]
    data, (left, _, right, _) = _draw(chart)
    texts = _texts(data)
    for text, x, _, size, bold in texts:
        assert x >= left - 0.01 and x + _width_mm(text, size, bold) <= right + 0.01, text
    titles = [t for t, _, _, _, bold in texts if bold]
    assert len(titles) == 2 and titles[0].startswith("Hand-held") and titles[1].endswith("…")
    assert "Right (Łukasz Żółć)" in [t for t, *_ in texts]


# --- labels that never collide ------------------------------------------------------------------------------------


def _crowded(months: int) -> PrintedChart:
    """A chart with a label every month for ``months`` months: more than fit side by side."""
    first = date(2024, 1, 1)
    ticks = tuple(DateTick(date(2024 + i // 12, i % 12 + 1, 1), f"{date(2024 + i // 12, i % 12 + 1, 1):%b %Y}")
                  for i in range(months))  # fmt: skip
    return replace(tug_chart(), dates=(first, ticks[-1].day), date_ticks=ticks,
                   series=(_series("x", [(first, 9.0), (ticks[-1].day, 12.0)]),))  # fmt: skip


def _date_labels(data: bytes) -> list[tuple[float, float]]:
    """Each date label's left and right edge (mm), left to right."""
    spans = [(x, x + _width_mm(t, size, bold)) for t, x, _, size, bold in _texts(data) if DAY.search(t)]
    return sorted(spans)


@pytest.mark.parametrize("months", [6, 30, 60])
def test_date_labels_never_overlap_and_some_are_always_shown(months: int) -> None:
    data, (left, _, right, _) = _draw(_crowded(months))
    spans = _date_labels(data)
    assert len(spans) >= min(months, 2)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end, spans
    assert spans[0][0] >= left - 0.01 and spans[-1][1] <= right + 0.01  # positions are written to 0.01 pt


def test_six_monthly_labels_all_fit() -> None:
    data, _ = _draw(_crowded(6))
    assert len(_date_labels(data)) == 6


def test_the_bench_like_year_keeps_every_label_at_a4_and_letter() -> None:
    """A year of results labelled every other month: six labels, all printed, none overlapping."""
    dates = pd.date_range("2025-11-20", periods=27, freq="14D")
    points = pd.DataFrame({"date": dates, "series": "Berg", "value": 44.0, "unit": "points", "assessor": "A"})
    chart, _ = report_charts.measure_chart(Panel(key="bbs", title="Berg", unit="points", points=points))
    for page in PAGES:
        data, _ = _draw(chart, page)
        assert len(_date_labels(data)) == len(chart.date_ticks) == 6


# --- phase names --------------------------------------------------------------------------------------------------


def _band_rectangles(data: bytes) -> list[tuple[float, float]]:
    """The left and right edge (mm) of each filled rectangle as tall as the tallest (the phases)."""
    reader = PdfReader(io.BytesIO(data))
    content = ContentStream(reader.pages[0].get_contents(), reader)
    rects = [[float(v) for v in operands] for operands, op in content.operations if op == b"re"]
    tallest = max(abs(r[3]) for r in rects)
    return [(r[0] / MM, (r[0] + r[2]) / MM) for r in rects if abs(abs(r[3]) - tallest) < 0.01]


def test_phase_names_are_cut_to_their_phase_and_narrow_phases_are_not_named() -> None:
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    names = ("Familiarisation", "Early strength phase (weeks 3–8)", "Strength and power phase, weeks 9 to 52 " * 3)
    bands = (DateBand(first, date(2026, 1, 20), "#999999", 0.08, ""),  # under an eighth of the year: not named
             DateBand(date(2026, 1, 20), date(2026, 3, 20), "#999999", 0.18, names[1]),
             DateBand(date(2026, 3, 20), last, "#999999", 0.08, names[2]))  # fmt: skip
    chart = PrintedChart(
        title="Leg press", subtitle="", unit="Load (kg)", label_colour="#7B7B7B", y_domain=(0.0, 60.0),
        y_ticks=(ValueTick(0.0, "0"),),
        dates=(first, last), date_ticks=(), height=58.0, date_bands=bands,
        series=(_series("Performed load", [(first, 30.0), (last, 40.0)]),),
    )  # fmt: skip
    data, _ = _draw(chart)
    phases = sorted(_band_rectangles(data))
    assert len(phases) == 3
    written = {t: (x, x + _width_mm(t, size, bold)) for t, x, _, size, bold in _texts(data) if t not in ("0",)}
    assert not any(t.startswith("Famil") for t in written)
    for (start, end), name in zip(phases[1:], names[1:], strict=True):
        [(text, (_, x1))] = [(t, span) for t, span in written.items() if start <= span[0] < end]
        assert name.startswith(text.rstrip("…").rstrip())
        assert x1 <= end, (text, x1, end)
    assert [t for t in written if t.endswith("…")], "the longest name is cut"


# --- on the report's pages ----------------------------------------------------------------------------------------


def test_each_chart_is_kept_on_one_page_with_its_summary() -> None:
    charts = [m.ChartSpec(f"Chart {i}", replace(tug_chart(), title=f"Chart {i}"), f"Summary of chart {i}, in words.")
              for i in range(7)]  # fmt: skip
    report = m.ProgressReport(
        patient=patient(), start=date(2026, 10, 1), end=date(2026, 11, 30), measures=[], exercises=[], phases=[],
        sessions_performed=2, sessions_not_performed=0, plan_text="", generated_at=datetime(2026, 12, 1, tzinfo=UTC),
        generated_by="Dr Ana Núñez", charts=charts,
    )  # fmt: skip
    for page_size in ("A4", "Letter"):
        reader = PdfReader(io.BytesIO(pdf.progress_pdf(report, page_size=page_size)))
        pages = [" ".join(p.extract_text().split()) for p in reader.pages]
        for i in range(7):
            [with_title] = [n for n, text in enumerate(pages) if f"Chart {i} " in text + " "]
            assert f"Summary of chart {i}, in words." in pages[with_title], (page_size, i)


def test_labels_are_measured_as_fpdf2_measures_them() -> None:
    doc = pdf_plot.FPDF(unit="mm")
    pdf_fonts.add_bundled_fonts(doc, pdf_plot.FONT)
    for style, size in (("", 7.0), ("B", 9.5)):
        doc.set_font(pdf_plot.FONT, style, size)
        for text in ("Jan 2026", "Στάδιο δύναμης (Ελένη)", "Łukasz Żółć …", ""):
            assert pdf_plot.width_of(doc, text) == pytest.approx(doc.get_string_width(text), abs=1e-9)


def test_a_name_is_cut_with_an_ellipsis_or_left_out_never_a_lone_ellipsis() -> None:
    doc = pdf_plot.FPDF(unit="mm")
    pdf_fonts.add_bundled_fonts(doc, pdf_plot.FONT)
    doc.set_font(pdf_plot.FONT, "", 7.0)
    name = "Neural phase (weeks 1–6)"
    assert pdf_plot.fit(doc, name, 100.0) == name
    cut = pdf_plot.fit(doc, name, _width_mm("Neural ph…", 7.0, False) + 0.01)
    assert cut == "Neural ph…"
    assert pdf_plot.fit(doc, name, _width_mm("N…", 7.0, False) - 0.01) == ""


def test_a_category_name_is_not_written_under_the_results_line(tmp_path: Path) -> None:
    """The bench patient's 10MWT on paper: 0.50–0.57 m/s, inside the 0.4–0.8 m/s band. Written over the band's lower
    edge, "limited community ambulation" had the results' line running through it; looked at on the rendered page,
    none of the line's colour lies within any category name's box."""
    days = [date(2026, 8, 24) + timedelta(days=21 * i) for i in range(6)]
    speeds = [0.50, 0.56, 0.57, 0.57, 0.55, 0.52]
    points = pd.DataFrame({"date": pd.to_datetime(days), "series": "10MWT", "value": speeds, "unit": "m/s",
                           "assessor": "A"})  # fmt: skip
    names = ("household ambulation", "limited community ambulation", "community ambulation")
    bands = [
        {"low": lo, "high": hi, "label": n} for lo, hi, n in zip((0.0, 0.4, 0.8), (0.4, 0.8, 1.6), names, strict=True)
    ]
    panel = Panel(key="ten_mwt", title="10 Metre Walk Test (gait speed)", unit="m/s", points=points,
                  y_domain=(0.0, 1.6), categories=bands)  # fmt: skip
    chart, _ = report_charts.measure_chart(panel)
    data, _ = _draw(chart)
    source = tmp_path / "chart.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "144", "-png", "-singlefile", str(source), str(tmp_path / "chart")], check=True)
    line = tuple(int(chart.series[0].colour[i : i + 2], 16) for i in (1, 3, 5))
    scale = 144 / 25.4  # pixels per mm
    written = [(t, x, base, size) for t, x, base, size, _ in _texts(data) if t in names]
    assert sorted(t for t, *_ in written) == sorted(names)
    with Image.open(tmp_path / "chart.png") as page:
        rgb = page.convert("RGB")
        for text, x, base, size in written:
            height = size * 25.4 / 72
            box = [round(v * scale) for v in (x, base - 0.75 * height, x + _width_mm(text, size, False), base)]
            inked = [rgb.getpixel((i, j)) for i in range(box[0], box[2]) for j in range(box[1], box[3])]
            near = [px for px in inked if sum(abs(a - b) for a, b in zip(px, line, strict=True)) < 90]
            assert not near, f"the results' line runs through {text!r}"
