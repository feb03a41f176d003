"""Reports a consultant signs: letterhead, sign-off, time zone, confidentiality, archive metadata and structure,
wording (no unverified source, no doubled label, the patient's words) and goals, read back with pypdf and
pikepdf-independent checks (pypdf reads the PDF objects directly)."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from rehab.domain import measures
from rehab.exports import pdf
from rehab.exports import summary as m
from rehab.exports.pdf_doc import CONFIDENTIAL
from tests.exports.builders import patient, session_summary, tug_chart

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "exports"


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (240, 96), (0, 114, 178)).save(out, "PNG")
    return out.getvalue()


HEAD = m.Letterhead("Northfield Neuro-Rehabilitation Centre", "12 Mill Lane\nNorthfield NF1 2AB", _logo(),
                    "Europe/London")  # fmt: skip
SIGNER = m.SignOff("Dr Ana Núñez", "HCPC PH123456", "Specialist neurological physiotherapist")


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def _flat(reader: PdfReader) -> str:
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _summary(**changes: object) -> m.SessionSummary:
    values: dict[str, object] = {"letterhead": HEAD, "sign_off": SIGNER, **changes}
    return replace(session_summary(), **values)  # type: ignore[arg-type]


def _walk_reason() -> str:
    """A real change reason from the catalogue: the 6MWT, whose only MDC (54.1 m, Flansbjer 2005, "value from
    memory") is unverified, awaits sign-off and is named in the reason."""
    reason = measures.change("six_mwt", 200, 300).reason
    assert "value from memory" in reason and "awaits clinician sign-off" in reason
    return reason


def _progress(**changes: object) -> m.ProgressReport:
    berg = m.MeasureProgress(
        "bbs",
        "Berg Balance Scale",
        None,
        None,
        "points",
        3,
        date(2026, 9, 1),
        "23 points",
        date(2026, 11, 20),
        "37 points",
        m.ChangeLine("+14 points", "real improvement", measures.change("bbs", 23, 37).reason, True),
    )
    walk = m.MeasureProgress(
        "six_mwt",
        "6 Minute Walk Test",
        None,
        None,
        "m",
        3,
        date(2026, 9, 1),
        "200 m",
        date(2026, 11, 20),
        "300 m",
        m.ChangeLine("+100 m", "no MDC", _walk_reason(), None),
    )
    report = m.ProgressReport(
        patient=patient(), start=date(2026, 9, 1), end=date(2026, 11, 30), measures=[berg, walk], exercises=[],
        phases=[], sessions_performed=4, sessions_not_performed=0, plan_text="2-for-2 rule",
        generated_at=datetime(2026, 7, 1, 11, 5, tzinfo=UTC), generated_by="Dr Ana Núñez",
        letterhead=HEAD, sign_off=SIGNER,
    )  # fmt: skip
    return replace(report, **changes)  # type: ignore[arg-type]


# --- letterhead, sign-off, time zone, confidentiality -----------------------------------------------------------


def test_letterhead_sign_off_and_clinic_time_on_the_report() -> None:
    reader = _reader(pdf.progress_pdf(_progress()))
    flat = _flat(reader)
    assert "Northfield Neuro-Rehabilitation Centre" in flat
    assert "12 Mill Lane" in flat and "Northfield NF1 2AB" in flat
    for expected in ("Sign-off", "Dr Ana Núñez", "HCPC PH123456", "Specialist neurological physiotherapist",
                     "Signature", "Date signed"):  # fmt: skip
        assert expected in flat, expected
    # 11:05 UTC on 1 July is 12:05 British Summer Time: the clinic's zone, never UTC, is printed
    assert "2026-07-01 12:05 BST (Europe/London)" in flat
    assert "11:05" not in flat
    assert reader.pages[0].images, "the logo is on the first page"


def test_every_page_says_confidential() -> None:
    reader = _reader(pdf.session_pdf(_summary(), page_size="A4"))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert CONFIDENTIAL in page.extract_text()
    patient_reader = _reader(pdf.session_pdf_patient(_summary()))
    for page in patient_reader.pages:
        assert CONFIDENTIAL in page.extract_text()


def test_no_letterhead_says_the_clinic_name_is_not_set() -> None:
    flat = _flat(_reader(pdf.session_pdf(replace(_summary(), letterhead=m.Letterhead()))))
    assert "Clinic name not set" in flat


def test_a_clinician_without_registration_is_shown_as_not_recorded() -> None:
    flat = _flat(_reader(pdf.session_pdf(_summary(sign_off=m.SignOff("Dr Ana Núñez", "", "Clinician")))))
    assert "Registration not recorded" in flat


# --- archive metadata and structure --------------------------------------------------------------------------


def _figures(reader: PdfReader) -> list[dict[str, object]]:
    root = reader.trailer["/Root"]
    found: list[dict[str, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(node)
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids]:
                walk(kid)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(root["/StructTreeRoot"])
    return found


def test_pdf_a_metadata_language_outline_and_alt_text() -> None:
    alt = "Timed Up and Go: 20 s on 2026-10-01, latest 14 s on 2026-11-01 (−6 s; 2 results)."
    data = pdf.progress_pdf(_progress(charts=[m.ChartSpec("Timed Up and Go", tug_chart(), alt)]))
    reader = _reader(data)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    # PDF/A-2b: the XMP names part 2, conformance B; an sRGB output intent with its ICC profile
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "Progress report 2026-09-01 to 2026-11-30" in xmp  # dc:title
    assert "Dr Ana Núñez" in xmp  # dc:creator (author)
    assert "Progress report for MRN MRN-77" in xmp  # dc:description (subject)
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/OutputConditionIdentifier"] == "sRGB"
    assert intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"  # an ICC profile
    # bookmarks for every section
    titles = [item.title for item in _outline(reader)]
    for section in ("Measures: baseline versus latest", "Charts", "Sign-off", "Appendix: methodology"):
        assert section in titles, section
    # the logo (a picture) and the chart (a drawing) are each a tagged figure with its alternative text
    alts = [str(f.get("/Alt")) for f in _figures(reader)]
    assert sorted(alts) == sorted([alt, f"Logo of {HEAD.clinic_name}"])
    assert sum(len(p.images) for p in reader.pages) == 1  # the logo: the chart is drawn, no picture
    # every font is embedded
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "progress-report-signed.pdf").write_bytes(data)


def _outline(reader: PdfReader) -> list[object]:
    out: list[object] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item)

    walk(reader.outline)
    return out


# --- methodology, unverified figures, doubled labels ---------------------------------------------------------------


def test_no_unverified_figure_is_printed_as_a_source_and_labels_are_not_doubled() -> None:
    for data in (pdf.progress_pdf(_progress()), pdf.session_pdf(_summary())):
        flat = _flat(_reader(data)).lower()
        assert "value from memory" not in flat
        assert "awaits clinician sign-off" not in flat
    flat = _flat(_reader(pdf.progress_pdf(_progress())))
    assert "54.1 m" not in flat  # the unverified MDC of the 6MWT
    flat = _flat(_reader(pdf.progress_pdf(_progress())))
    assert "Berg Balance Scale: Berg Balance Scale" not in flat
    assert "Appendix: methodology" in flat
    assert "Berg Balance Scale: 23 points → 37 points" in flat


def test_a_heading_is_never_the_last_line_of_a_page() -> None:
    s = _summary()
    s = replace(s, exercises=s.exercises * 12)  # pushes the next section's heading towards a page foot
    reader = _reader(pdf.session_pdf(s))
    headings = {"Readiness screen", "Exercises: prescribed and performed", "Assessments taken today", "Flags",
                "Next session's prescription", "Clinician's note", "Sign-off", "Appendix: methodology"}  # fmt: skip
    for page in reader.pages:
        lines = [ln.strip() for ln in page.extract_text().splitlines() if ln.strip()]
        body = [ln for ln in lines if CONFIDENTIAL not in ln and "MRN MRN-77" not in ln and "Generated" not in ln]
        assert body[-1] not in headings, body[-1]


# --- the patient version ---------------------------------------------------------------------------------------


def test_patient_version_never_prints_clinician_only_text() -> None:
    reason = "Clinician override: kept at 40 kg because of a knee flare-up; reviewed by physio lead."
    override = m.NextLine("Leg press 1", "3 × 10 at 40 kg", "40 kg", "override", reason)
    finding = m.OutlookLine(
        tool="TWIST", category="Walking by 6 weeks", given=True, path=["TCT > 40 on day 7"], accuracy=[], caveats=[],
        refusals=[], disagreement="Dr B disagrees with this prediction (2026-11-20): MEP absent, expect longer.",
        patient_text="Walking (TWIST): you are likely to walk on your own within 6 weeks.",
    )  # fmt: skip
    s = _summary(note="Private: patient low mood, discuss with GP.", next_session=[override], outlook=[finding])
    flat = _flat(_reader(pdf.session_pdf_patient(s)))
    assert "you are likely to walk on your own within 6 weeks" in flat
    assert "MEP absent" not in flat
    assert "Private: patient low mood" not in flat
    assert "knee flare-up" not in flat
    assert "All checks within limits" not in flat  # a screen finding is the clinician's


def test_patient_version_says_weaker_side_not_paretic() -> None:
    s = _summary()
    s = replace(s, exercises=[replace(s.exercises[0], label="Elbow flexion (paretic side)")])
    flat = _flat(_reader(pdf.session_pdf_patient(s)))
    assert "paretic" not in flat.lower()
    assert "Elbow flexion (your weaker side): 3 sets" in flat


def test_patient_version_tells_the_truth_about_a_kept_load() -> None:
    s = _summary()
    hurt = replace(s.exercises[0], max_pain=7)
    kept = m.NextLine("Leg press 1", "3 × 10 at 40 kg", "40 kg", "override", "Clinician kept the load.")
    flat = _flat(_reader(pdf.session_pdf_patient(replace(s, exercises=[hurt], next_session=[kept]))))
    assert "come down" not in flat
    assert "Your therapist has chosen the weight for next time: 40 kg." in flat
    lowered = m.NextLine("Leg press 1", "3 × 10 at 37.5 kg", "37.5 kg", "decrease", "Pain above 5/10.")
    flat = _flat(_reader(pdf.session_pdf_patient(replace(s, exercises=[hurt], next_session=[lowered]))))
    assert "so the weight comes down a little next time (37.5 kg)" in flat


# --- goals -------------------------------------------------------------------------------------------------------

GOALS = [
    m.GoalLine("Walk to the corner shop without a stick", "active",
               "Target: 10 Metre Walk Test (gait speed) 0.8 m/s by 2027-01-31 (set 2026-10-01).",
               ["On track: the trend reaches the target."],
               "Walk to the corner shop without a stick (by 31 January 2027)."),
    m.GoalLine("Dress independently", "active", "Goal attainment scale, set 2026-10-01; baseline -1.",
               ["Review 2026-11-20 by Dr Ana Núñez: rated +1 (somewhat more than expected). Used a grab rail."],
               "Dress independently (by 31 January 2027). At the last review you did a little better than we aimed "
               "for."),
]  # fmt: skip


def test_goals_in_the_progress_report_and_in_plain_words_for_the_patient() -> None:
    clinical = _flat(_reader(pdf.progress_pdf(_progress(goals=GOALS, goal_score="T = 53.7, unweighted"))))
    for expected in ("Goals", "Walk to the corner shop without a stick (active)",
                     "Target: 10 Metre Walk Test (gait speed) 0.8 m/s by 2027-01-31", "rated +1",
                     "Goal attainment scaling: T = 53.7, unweighted"):  # fmt: skip
        assert expected in clinical, expected
    words = _flat(_reader(pdf.session_pdf_patient(_summary(goals=GOALS))))
    assert "Your goals" in words
    assert "At the last review you did a little better than we aimed for." in words
    assert "Used a grab rail" not in words  # a review note is the clinician's
    assert "T =" not in words


def test_every_page_is_rendered_for_a_person_to_look_at(tmp_path: Path) -> None:
    """pdftoppm renders each page of the three documents; the PNGs are kept with the artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    documents = {
        "signed-session-clinical": pdf.session_pdf(_summary(goals=GOALS)),
        "signed-session-patient": pdf.session_pdf_patient(_summary(goals=GOALS)),
        "signed-progress": pdf.progress_pdf(_progress(goals=GOALS)),
    }
    for name, data in documents.items():
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(source), str(ARTIFACTS / name)], check=True)
        pages = sorted(ARTIFACTS.glob(f"{name}-*.png"))
        assert len(pages) == len(_reader(data).pages)
