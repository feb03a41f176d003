"""`python -m rehab export` and `import assessments`: files written, acting user audited, bad input refused."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from rehab.cli import main
from rehab.store import assessments as assessment_store
from rehab.store import audit as audit_store
from rehab.store import open_database
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import leg_press_plan, new_patient, run_session


def test_export_and_import_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("REHAB_DATABASE_URL", url)
    db = open_database(url)
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    make_clinician(db, admin, "ben")
    start = date.today() - timedelta(days=6)
    pid = new_patient(db, ana, "CLI-1")
    leg_press_plan(db, ana, pid, start=start)
    run_session(db, ana, pid, start)

    out = tmp_path / "summary.pdf"
    assert main(["export", "--patient", "cli-1", "--format", "pdf", "--page", "Letter", "--user", "ana",
                 "--out", str(out)]) == 0  # fmt: skip
    assert "sha256" in capsys.readouterr().out
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert f"Treatment session summary · {start.isoformat()}" in reader.pages[0].extract_text()
    assert float(reader.pages[0].mediabox.width) == pytest.approx(612, abs=0.5)
    progress = tmp_path / "progress.pdf"
    assert main(["export", "--patient", "CLI-1", "--format", "pdf", "--from", start.isoformat(), "--to",
                 date.today().isoformat(), "--user", "ana", "--out", str(progress)]) == 0  # fmt: skip
    assert "Progress report" in PdfReader(str(progress)).pages[0].extract_text()
    document = tmp_path / "session.json"
    assert main(["export", "--patient", "CLI-1", "--format", "fhir-document", "--user", "ana",
                 "--out", str(document)]) == 0  # fmt: skip
    assert json.loads(document.read_text("utf-8"))["entry"][0]["resource"]["resourceType"] == "Composition"
    # an existing file is not overwritten; a clinician outside the care team is refused
    assert main(["export", "--patient", "CLI-1", "--format", "fhir", "--user", "ana", "--out", str(out)]) == 2
    assert main(["export", "--patient", "CLI-1", "--format", "fhir", "--user", "ben",
                 "--out", str(tmp_path / "x.json")]) == 1  # fmt: skip
    assert "not on your care team" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()

    csv_file = tmp_path / "in.csv"
    csv_file.write_text("mrn,measure,taken_at,value\nCLI-1,tug,2026-10-01 09:30,14.2\n", encoding="utf-8")
    assert main(["import", "assessments", str(csv_file), "--user", "ana"]) == 0
    assert main(["import", "assessments", str(csv_file), "--user", "ana"]) == 0
    assert "0 value(s)" in capsys.readouterr().out.splitlines()[-1]
    csv_file.write_text("mrn,measure,taken_at,value\nCLI-1,tug,2026-10-01 09:30,soon\n", encoding="utf-8")
    assert main(["import", "assessments", str(csv_file), "--user", "ana"]) == 2
    assert "Row 2, value" in capsys.readouterr().err
    # a day-first date, a time in the clinic's zone, and a TUG beyond the 120 s the catalogue questions
    csv_file.write_text("mrn,measure,taken_at,value\nCLI-1,tug,02/10/2026 09:30,900\n", encoding="utf-8")
    assert main(["import", "assessments", str(csv_file), "--user", "ana"]) == 2  # no date order chosen
    order = ["--date-order", "dmy", "--time-zone", "Europe/London"]
    assert main(["import", "assessments", str(csv_file), "--user", "ana", *order]) == 2  # not confirmed
    assert "Confirm it on the preview" in capsys.readouterr().err
    assert main(["import", "assessments", str(csv_file), "--user", "ana", *order, "--confirm-implausible"]) == 0
    values = db.run(lambda c: assessment_store.for_patient(c, pid), write=False)
    assert [(v.measure_key, v.value) for v in values] == [("tug", 14.2), ("tug", 900)]
    assert values[1].taken_at.isoformat() == "2026-10-02T08:30:00+00:00"  # 09:30 BST on 2 October
    assert values[1].plausibility_confirmed
    exported = db.run(lambda c: audit_store.search(c, action="export"), write=False)
    assert [e.username for e in exported] == ["ana", "ana", "ana"]
    db.dispose()
