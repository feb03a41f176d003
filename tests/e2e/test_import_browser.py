"""The import page in a real browser at 1,440, 1,024 and 390 px: a file with a unit converted and a value outside
its plausible range previews with what was typed beside the stored value, Import waits for the confirmation, and
then imports; the page never scrolls sideways. Screenshots are kept in the test artifacts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rehab.services import assessments, exports, patients
from rehab.store import open_database
from tests.e2e.conftest import wait_for_app
from tests.e2e.page_checks import open_page
from tests.helpers import make_admin, patient_data

pytestmark = pytest.mark.browser

FILE = (
    b"mrn,measure,taken_at,side,site,value,unit\n"
    b"WEB-1,grip,2026-10-01 09:30,left,,40,lb\n"
    b"WEB-1,tug,2026-10-01 09:40,,,900,s\n"
    b"WEB-1,mas,2026-10-01 09:45,left,elbow flexors,1+,\n"
)
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def _import_page(browser, server, width: int, kind: str, **context: object):  # type: ignore[no-untyped-def]
    """A signed-in administrator on the import page, the kind of file chosen."""
    page = open_page(browser, server.url, "import", (width, 1000), user="admin", **context)
    if kind != "Assessments (CSV)":
        page.get_by_text(kind).click()
        wait_for_app(page)
    return page.context, page


def _upload(page, name: str, mime: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    page.locator('input[type="file"]').first.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    wait_for_app(page)


@pytest.mark.parametrize("width", [1440, 1024, 390])
def test_the_import_preview_confirm_and_import_at_three_widths(
    tmp_path: Path,
    browser,
    server_factory,
    artifacts: Path,
    width: int,  # type: ignore[no-untyped-def]
) -> None:
    url = f"sqlite:///{tmp_path / 'import.db'}"
    db = open_database(url)
    admin = make_admin(db)
    patients.register(db, admin, patient_data(mrn="WEB-1"))
    db.dispose()
    server = server_factory(url)
    context, page = _import_page(browser, server, width, "Assessments (CSV)", timezone_id="Europe/London")
    page.screenshot(path=str(artifacts / f"import-start-{width}.png"), full_page=True)
    _upload(page, "visit.csv", "text/csv", FILE)
    page.get_by_text("Times are shown in Europe/London").wait_for(timeout=15_000)
    page.get_by_text("1 value is outside its measure's plausible range").wait_for()
    go = page.get_by_role("button", name="Import 3 value(s)")
    assert go.is_disabled()
    assert page.evaluate(PAGE_WIDTH) <= width, "the page scrolls sideways"
    page.set_viewport_size({"width": width, "height": 2400})  # the app scrolls inside its own container
    page.screenshot(path=str(artifacts / f"import-preview-{width}.png"), full_page=True)
    page.get_by_text("Yes, this value is right").click()
    wait_for_app(page)
    go.click()
    wait_for_app(page)
    page.get_by_text("Imported 3 value(s) for 1 patient(s)").wait_for(timeout=15_000)
    page.screenshot(path=str(artifacts / f"import-done-{width}.png"), full_page=True)
    context.close()


def test_mapping_a_device_export_by_hand(tmp_path: Path, browser, server_factory, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'device.db'}"
    db = open_database(url)
    make_admin(db)
    db.dispose()
    server = server_factory(url)
    context, page = _import_page(browser, server, 1024, "Device export (CSV)")
    page.get_by_label("Device layout").click()
    page.get_by_role("option", name="Map the columns by hand").click()
    wait_for_app(page)
    _upload(page, "own.csv", "text/csv", b"When;Limb;Test;Peak (kgf)\n2026-10-01 09:30;left;hip;10\n")
    page.get_by_text("Choose the column for").wait_for(timeout=15_000)
    assert page.evaluate(PAGE_WIDTH) <= 1024
    page.set_viewport_size({"width": 1024, "height": 1600})
    page.screenshot(path=str(artifacts / "import-device-by-hand-1024.png"), full_page=True)
    context.close()


def test_a_fhir_bundle_with_a_bad_entry_lists_it_by_entry_and_element(  # type: ignore[no-untyped-def]
    tmp_path: Path, browser, server_factory, artifacts: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'fhir.db'}"
    db = open_database(url)
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="WEB-1"))
    assessments.record(db, admin, pid, taken_at=datetime(2026, 9, 10, 10, tzinfo=UTC), entries={"tug": {"value": 14}})
    bundle = json.loads(exports.export(db, admin, pid, "fhir").data)
    db.dispose()
    (tug,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    tug["valueQuantity"]["code"] = "min"
    server = server_factory(url)
    context, page = _import_page(browser, server, 1024, "FHIR R4 bundle (JSON)")
    _upload(page, "bundle.json", "application/json", json.dumps(bundle).encode())
    page.get_by_text("Nothing can be imported: 1 problem(s)").wait_for(timeout=15_000)
    assert page.evaluate(PAGE_WIDTH) <= 1024
    page.screenshot(path=str(artifacts / "import-fhir-problem-1024.png"), full_page=True)
    context.close()
