"""PDF writers: the text a reader sees (extracted with pypdf), page counts and sizes, escaping, Unicode."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from rehab.exports import pdf
from rehab.exports import summary as m
from tests.exports.builders import HOSTILE_NOTE, patient, session_summary, tug_chart

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "exports"
A4_PT = (595.28, 841.89)  # 210 × 297 mm
LETTER_PT = (612.0, 792.0)  # 8.5 × 11 in


def _text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("size", "points"), [("A4", A4_PT), ("Letter", LETTER_PT)])
def test_clinical_summary_prints_the_record_on_the_chosen_paper(size: str, points: tuple[float, float]) -> None:
    data = pdf.session_pdf(session_summary(), page_size=size)  # type: ignore[arg-type]
    text, reader = _text(data)
    assert data.startswith(b"%PDF-")
    assert len(reader.pages) == 2  # the record, then the sign-off and the methodology appendix
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(points, abs=0.5)
    flat = _flat(text)
    for expected in (
        "Treatment session summary · 2026-11-20",
        "Zoë Łukasiewicz-Øberg (MRN MRN-77)",  # Unicode names print (bundled DejaVu font)
        "clinician Dr Ana Núñez",
        "Result: Go",
        "40 kg × 12, 12, 11",
        "Timed Up and Go",
        "-6 s",
        "real improvement (no clinically important difference available)",
        "Leg press 1: pain 7/10, above 5/10.",
        "3 × 10 at 42.5 kg",
        "Page 1 of 2",
    ):
        assert expected in flat, expected


def test_user_text_prints_literally_never_as_markup() -> None:
    text, _ = _text(pdf.session_pdf(session_summary(note=HOSTILE_NOTE)))
    flat = _flat(text)
    assert "**bold?** <b>html?</b> [link](http://x)" in flat
    assert '=HYPERLINK("http://evil")' in flat


def test_many_exercises_flow_onto_more_pages_with_identifiers_on_each() -> None:
    data = pdf.session_pdf(session_summary(exercises=40), page_size="A4")
    text, reader = _text(data)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert "MRN MRN-77" in page.extract_text()
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text


def test_patient_version_is_plain_language_from_the_same_record() -> None:
    text, reader = _text(pdf.session_pdf_patient(session_summary(), page_size="Letter"))
    flat = _flat(text)
    assert len(reader.pages) == 1
    assert "Your exercise session on 20 November 2026" in flat
    assert "Leg press 1: 3 sets (40 kg × 12, 12, 11)." in flat
    assert "Timed Up and Go: 14 s, better than last time." in flat
    assert "Leg press 1: 3 × 10 at 42.5 kg. The weight goes up." in flat
    assert "Why you get stronger before your muscles grow" in flat
    assert "nervous system learning to use your muscles better" in flat
    for jargon in ("MDC", "MCID", "1RM", "NSCA"):
        assert jargon not in flat


def test_a_session_that_did_not_go_ahead_says_so_in_both_versions() -> None:
    s = session_summary(performed=False)
    clinical = _flat(_text(pdf.session_pdf(s))[0])
    assert "Session not performed: Blood pressure 190/100. Every load was held." in clinical
    patient_words = _flat(_text(pdf.session_pdf_patient(s))[0])
    assert "We did not exercise today, to keep you safe." in patient_words


def test_progress_report_embeds_charts_and_lists_baseline_and_latest() -> None:
    report = m.ProgressReport(
        patient=patient(), start=date(2026, 10, 1), end=date(2026, 11, 30),
        measures=[m.MeasureProgress("tug", "Timed Up and Go", None, None, "s", 2, date(2026, 10, 1), "20 s",
                                    date(2026, 11, 1), "14 s", m.ChangeLine("-6 s", "real improvement", "MDC 3.2 s",
                                                                            True))],
        exercises=[m.ExerciseProgress("Leg press", "40 kg", "47.5 kg", 60.0, 70.2, 12)],
        phases=[m.PhaseLine("Familiarisation", "1–2", "2026-10-01 to 2026-10-14", 4, 1, "")],
        sessions_performed=12, sessions_not_performed=1, plan_text="2-for-2 rule",
        generated_at=datetime(2026, 12, 1, tzinfo=UTC), generated_by="Dr Ana Núñez",
        charts=[m.ChartSpec("TUG", tug_chart(unit="Seconds to stand, walk and sit"))],
    )  # fmt: skip
    data = pdf.progress_pdf(report)
    text, reader = _text(data)
    flat = _flat(text)
    for expected in ("Progress report", "2026-10-01 to 2026-11-30", "20 s", "14 s", "-6 s", "60.0 → 70.2",
                     "Familiarisation", "12 session(s) performed, 1 not performed"):  # fmt: skip
        assert expected in flat, expected
    # the chart is drawn, not pasted as a picture: its labels are text on the page, in the embedded font
    assert "Seconds to stand, walk and sit" in flat
    assert not [img for page in reader.pages for img in page.images]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "progress-report.pdf").write_bytes(data)


def test_rendered_page_is_kept_for_a_person_to_look_at(tmp_path: Path) -> None:
    """pdftoppm (Debian poppler-utils) renders page 1 as a reader sees it; the PNG is kept with the artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "summary.pdf"
    source.write_bytes(pdf.session_pdf(session_summary()))
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-singlefile", str(source), str(ARTIFACTS / "session-summary")], check=True
    )
    assert (ARTIFACTS / "session-summary.png").stat().st_size > 10_000
