"""Issue 18 in the exports: the Outlook in the clinical PDF (path, accuracy, disagreement) and the patient PDF
(the developers' published wording where the reference gives it [R88]), and falls in their own CSV with every
version, on both engines."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from pypdf import PdfReader

from rehab.exports import pdf
from rehab.services import assessments, exports, falls, patients, prognosis
from rehab.store import Database
from tests.exports.builders import session_summary
from tests.helpers import make_admin, patient_data

EVENT = datetime.now(UTC).date() - timedelta(days=30)


def _flat(data: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def _seeded(db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(event_date=EVENT, paretic_side="left"))
    taken = datetime.combine(EVENT + timedelta(days=1), time(10), tzinfo=UTC)
    # SAFE 4 + 1 = 5 on day 1, age 76 → PREP2 Excellent [R88]
    for site, grade in (("shoulder abduction", "4"), ("finger extension", "1")):
        assessments.record(db, admin, pid, taken_at=taken, entries={"mmt": {"site": site, "sides": {"left": grade}}})
    return admin, pid


def test_progress_pdf_prints_the_outlook_with_path_accuracy_and_disagreement(db: Database) -> None:
    admin, pid = _seeded(db)
    prognosis.disagree(db, admin, pid, "prep2", reason="Severe sensory loss in the hand")
    start = EVENT
    data = exports.export(db, admin, pid, "progress-pdf", start=start, end=datetime.now(UTC).date()).data
    text = _flat(data)
    assert "Outlook: recovery predictions (not guarantees)" in text
    assert "Excellent" in text and "SAFE 5 on day 1: 5 or more within days 0–3." in text
    assert "Correct for 75 %" in text  # Stinear 2017 [R89]
    assert "disagrees with this prediction" in text and "Severe sensory loss in the hand" in text
    assert "Trunk Control Test (days 7–14)" in text  # TWIST refused, naming the input


def test_patient_pdf_uses_the_published_wording_for_the_category(db: Database) -> None:
    admin, pid = _seeded(db)
    patient = db.run(lambda conn: patients.check_access(conn, admin, pid), write=False)
    lines = db.run(lambda conn: prognosis.outlook_lines(conn, patient), write=False)
    text = _flat(pdf.session_pdf_patient(replace(session_summary(), outlook=lines)))
    assert "What we expect" in text and "not promises" in text
    assert '"promote normal function"' in text  # PREP2 developers' wording for Excellent [R88]
    assert "TWIST" not in text  # no TWIST prediction was given, so none is printed for the patient


def test_falls_csv_holds_every_version_with_its_status(db: Database) -> None:
    admin, pid = _seeded(db)
    raw = {
        "fell_on": EVENT + timedelta(days=10),
        "place": "outdoor",
        "circumstances": "=HYPERLINK() tripped on the kerb",
        "injury": "fracture",
        "injury_note": "wrist, X-ray confirmed",
        "reported_by": "incident_report",
    }
    first = falls.record(db, admin, pid, raw)
    falls.correct(db, admin, first, {**raw, "place": "indoor"}, expected_version=1, reason="was in the porch")
    data = exports.export(db, admin, pid, "csv-falls").data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["version"], r["place"], r["supersedes_id"]) for r in rows] == [
        ("1", "outdoor", ""),
        ("2", "indoor", str(first)),
    ]
    assert rows[0]["circumstances"].startswith("'=")  # formula injection neutralised (OWASP ASVS 1.2.10)
    assert rows[1]["status_reason"] == "was in the porch" and rows[1]["injury"] == "fracture"
