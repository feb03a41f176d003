"""Clinic settings → Reports and the clinician's registration, through the services on both engines, and what
the exported PDF then prints (read back with pypdf)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

from rehab.domain.errors import ValidationErrors
from rehab.services import accounts, assessments, exports, goals
from rehab.services import report_settings as reports
from rehab.services.context import AccessDenied, ConflictError
from rehab.store import Database
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import leg_press_plan, new_patient, run_session

START = date.today() - timedelta(days=14)


def _image(kind: str, size: tuple[int, int] = (200, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 114, 178)).save(out, kind)
    return out.getvalue()


def _save(db: Database, actor: object, **values: object) -> int:
    fields: dict[str, object] = {"clinic_name": "Northfield Neuro-Rehabilitation Centre", "address": "12 Mill Lane",
                                 "time_zone": "Europe/London", "expected_version": 0, **values}  # fmt: skip
    return reports.save_report_settings(db, actor, **fields)  # type: ignore[arg-type]


def _fields(exc: pytest.ExceptionInfo[ValidationErrors]) -> set[str]:
    return set(exc.value.by_field())


def test_an_unknown_time_zone_is_refused_and_nothing_is_saved(db: Database) -> None:
    admin = make_admin(db)
    for typed in ("Europe/Londn", "GMT+1 ", "", "../../etc/passwd"):
        with pytest.raises(ValidationErrors) as exc:
            _save(db, admin, time_zone=typed)
        assert _fields(exc) == {"time_zone"}
    assert reports.report_settings(db).version == 0
    assert _save(db, admin) == 1
    assert reports.report_settings(db).letterhead.time_zone == "Europe/London"


def test_a_logo_must_be_a_small_readable_png_or_jpeg(db: Database) -> None:
    admin = make_admin(db)
    for bad in (b"not an image", _image("GIF"), _image("PNG")[:60], b"\x89PNG" + b"0" * reports.LOGO_MAX_BYTES):
        with pytest.raises(ValidationErrors) as exc:
            _save(db, admin, logo=bad)
        assert _fields(exc) == {"logo"}
    with pytest.raises(ValidationErrors):
        _save(db, admin, logo=_image("PNG", (reports.LOGO_MAX_PIXELS + 1, 10)))
    cmyk = io.BytesIO()
    Image.new("CMYK", (40, 40)).save(cmyk, "JPEG")
    with pytest.raises(ValidationErrors, match="CMYK"):
        _save(db, admin, logo=cmyk.getvalue())
    assert reports.report_settings(db).version == 0
    jpeg = _image("JPEG")
    _save(db, admin, logo=jpeg)
    assert reports.report_settings(db).letterhead.logo == jpeg
    # a later save without a new file keeps the logo; "remove" takes it away
    _save(db, admin, clinic_name="Northfield", expected_version=1)
    assert reports.report_settings(db).letterhead.logo == jpeg
    _save(db, admin, remove_logo=True, expected_version=2)
    assert reports.report_settings(db).letterhead.logo is None


def test_only_administrators_save_and_a_stale_version_is_refused(db: Database) -> None:
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    with pytest.raises(AccessDenied):
        _save(db, ana)
    _save(db, admin)
    with pytest.raises(ConflictError):
        _save(db, admin, clinic_name="Other", expected_version=0)
    assert reports.report_settings(db).letterhead.clinic_name == "Northfield Neuro-Rehabilitation Centre"


def test_a_clinician_sets_their_own_registration_and_only_an_administrator_anyone_else(db: Database) -> None:
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    ben = make_clinician(db, admin, "ben")
    accounts.set_registration(db, ana, ana.user_id, "HCPC PH123456", "Physiotherapist")
    assert accounts.own_account(db, ana).registration == "HCPC PH123456"
    with pytest.raises(AccessDenied):
        accounts.set_registration(db, ben, ana.user_id, "HCPC PH999999", "")
    accounts.set_registration(db, admin, ben.user_id, "HCPC PH654321", "")
    assert accounts.own_account(db, ben).registration == "HCPC PH654321"
    with pytest.raises(ValidationErrors) as exc:
        accounts.set_registration(db, ana, ana.user_id, "X" * 65, "Y" * 81)
    assert _fields(exc) == {"registration", "job_title"}
    assert accounts.own_account(db, ana).registration == "HCPC PH123456"


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_the_exported_report_carries_the_letterhead_registration_and_clinic_time(db: Database) -> None:
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    pid = new_patient(db, ana, "REP-1", event_date=START - timedelta(days=400))
    leg_press_plan(db, ana, pid, start=START)
    taken = datetime.combine(START, time(9), tzinfo=UTC)
    assessments.record(db, ana, pid, taken_at=taken, entries={"tug": {"value": 20}})
    run_session(db, ana, pid, START)
    before = _pdf_text(exports.export(db, ana, pid, "pdf").data)
    assert "Clinic name not set" in before
    assert "Registration not recorded" in before
    _save(db, admin, time_zone="Australia/Sydney", logo=_image("PNG"))
    accounts.set_registration(db, ana, ana.user_id, "AHPRA PHY0001234567", "Senior physiotherapist")
    for kind in ("pdf", "progress-pdf"):
        done = exports.export(db, ana, pid, kind, start=START, end=START + timedelta(days=1))
        text = _pdf_text(done.data)
        assert "Northfield Neuro-Rehabilitation Centre" in text
        assert "AHPRA PHY0001234567" in text and "Senior physiotherapist" in text
        assert "(Australia/Sydney)" in text and " UTC" not in text
        assert "Confidential — contains patient information" in text


def test_goals_reach_the_progress_report_and_the_patient_version(db: Database) -> None:
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    pid = new_patient(db, ana, "REP-2", event_date=START - timedelta(days=400))
    leg_press_plan(db, ana, pid, start=START)
    run_session(db, ana, pid, START)
    levels = {2: "alone, carrying a tray", 1: "alone", 0: "with supervision", -1: "with one helper", -2: "cannot"}
    target = date.today() + timedelta(days=60)
    gas = goals.set_gas_goal(db, ana, pid, {"statement": "Make a hot drink", "levels": levels, "baseline": -1,
                                            "target_date": target})  # fmt: skip
    goals.review(db, ana, gas, rating=1, note="Used a kettle tipper; carer present.")
    clinical = _pdf_text(exports.export(db, ana, pid, "progress-pdf", start=START, end=date.today()).data)
    assert "Make a hot drink (active)" in clinical
    assert "rated +1 (somewhat more than expected)" in clinical and "Used a kettle tipper" in clinical
    # one goal rated +1, unweighted, rho 0.3 (Kiresuk & Sherman; Turner-Stokes 2009 erratum [R96]):
    # T = 50 + 10 x 1 / sqrt(0.7 x 1 + 0.3 x 1) = 60.0
    assert "T = 60.0, unweighted" in clinical
    words = _pdf_text(exports.export(db, ana, pid, "pdf-patient").data)
    assert "Your goals" in words
    assert "Make a hot drink (by " in words and "At the last review you did a little better than we aimed for." in words
    assert "kettle tipper" not in words and "T = " not in words
