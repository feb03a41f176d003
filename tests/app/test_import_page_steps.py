"""The import page's steps: the date order chosen explicitly, units as typed beside SI, implausible values
confirmed before import, a device export through its layout or columns mapped by hand, FHIR and falls files."""

from __future__ import annotations

from datetime import UTC, datetime

from streamlit.testing.v1 import AppTest

from rehab.services import assessments, exports, falls, patients, report_settings
from rehab.store import Database
from rehab.store import assessments as assessment_store
from tests.app.conftest import assert_no_crash, goto, signed_in_app
from tests.helpers import make_admin, make_clinician, patient_data
from tests.plan_helpers import new_patient

DAY_FIRST = b"mrn,measure,taken_at,side,value,unit\nPAGE-9,grip,03/10/2026 09:30,left,40,lb\n"
DEVICE = b"date,side,muscle,force N\n2026-10-01 09:30,right,knee extension,180\n"


def _upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.get("file_uploader")[0].upload(name, data, mime)
    return at.run()


def _page(db: Database) -> tuple[AppTest, int, object]:
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    pid = new_patient(db, ana, "PAGE-9")
    return goto(signed_in_app(ana.user_id).run(), "import"), pid, ana


def _stored(db: Database, pid: int) -> list[assessment_store.AssessmentRecord]:
    return db.run(lambda c: assessment_store.for_patient(c, pid), write=False)


def test_a_day_first_file_is_refused_until_the_date_order_is_chosen(app_db: Database) -> None:
    at, pid, _ = _page(app_db)
    at = _upload(at, "grip.csv", DAY_FIRST)
    assert_no_crash(at)
    assert "03/10/2026 09\\:30" in at.error[0].value and "date order" in at.error[0].value  # markdown-escaped
    at.radio(key="import_date_order").set_value("dmy")
    at = at.run()
    table = at.dataframe[-1].value
    assert table["Taken at"].tolist() == ["2026-10-03 09:30 UTC"]  # 3 October, day first; read in UTC here
    assert table["As typed"].tolist() == ["40 lb"] and table["Value"].tolist() == ["18.14 kg"]  # 40 × 0.45359237
    assert any("Times are shown in UTC" in c.value for c in at.caption)
    at.button(key="import_go").click()
    at = at.run()
    (grip,) = _stored(app_db, pid)
    assert grip.taken_at == datetime(2026, 10, 3, 9, 30, tzinfo=UTC) and grip.context["entry_unit"] == "lb"


def test_implausible_values_are_imported_only_once_confirmed_and_keep_the_confirmation(app_db: Database) -> None:
    at, pid, _ = _page(app_db)
    # 900 s TUG: beyond the 120 s the catalogue questions (four times the 30 s of Podsiadlo 1991's slowest group)
    at = _upload(at, "tug.csv", b"mrn,measure,taken_at,value\nPAGE-9,tug,2026-10-01 09:30,900\n")
    assert_no_crash(at)
    assert "1 value is outside its measure's plausible range" in at.warning[0].value
    assert "Timed Up and Go 900 s is outside the plausible range" in at.markdown[-1].value
    assert at.button(key="import_go").disabled
    at.checkbox(key="import_confirm").check()
    at = at.run()
    assert not at.button(key="import_go").disabled
    at.button(key="import_go").click()
    at = at.run()
    (tug,) = _stored(app_db, pid)
    assert (
        tug.value == 900 and tug.plausibility_confirmed and "Confirmed as typed at import" in tug.plausibility_confirmed
    )


def test_a_device_export_goes_through_its_layout(app_db: Database) -> None:
    at, pid, _ = _page(app_db)
    at.radio(key="import_kind").set_value("device")
    at = at.run()
    at.text_input(key="import_device_mrn").input("PAGE-9")
    at = _upload(at.run(), "dyn.csv", DEVICE)
    assert_no_crash(at)
    table = at.dataframe[-1].value
    assert table["Measure"].tolist() == ["hhd"] and table["As typed"].tolist() == ["180 N"]
    at.button(key="import_go").click()
    at = at.run()
    (hhd,) = _stored(app_db, pid)
    assert (hhd.value, hhd.side, hhd.site) == (180, "right", "knee extension")


def test_a_device_export_with_its_own_columns_is_mapped_by_hand(app_db: Database) -> None:
    at, pid, _ = _page(app_db)
    at.radio(key="import_kind").set_value("device")
    at = at.run()
    at.selectbox(key="import_layout").set_value("by_hand")
    at.text_input(key="import_device_mrn").input("PAGE-9")
    own = b"When;Limb;Test;Peak (kgf)\n2026-10-01 09:30;left;hip abduction;10\n"
    at = _upload(at.run(), "own.csv", own)
    assert_no_crash(at)
    assert "choose the column for" in at.info[0].value.lower()
    for field, column in (("taken_at", "When"), ("side", "Limb"), ("site", "Test"), ("value", "Peak (kgf)")):
        at.selectbox(key=f"import_map_{field}").set_value(column)
    at.selectbox(key="import_map_unit").set_value("kgf")
    at = at.run()
    assert_no_crash(at)
    assert at.dataframe[-1].value["As typed"].tolist() == ["10 kgf"]
    at.button(key="import_go").click()
    at = at.run()
    (hhd,) = _stored(app_db, pid)
    assert abs(hhd.value - 98.0665) < 1e-9  # 10 kgf × 9.80665 N/kgf (standard gravity, exact)


def test_a_fhir_bundle_previews_by_entry(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = patients.register(app_db, admin, patient_data(mrn="PAGE-9"))
    assessments.record(
        app_db, admin, pid, taken_at=datetime(2026, 9, 10, 10, tzinfo=UTC), entries={"tug": {"value": 14.2}}
    )
    data = exports.export(app_db, admin, pid, "fhir").data
    at = goto(signed_in_app(admin.user_id).run(), "import")
    at.radio(key="import_kind").set_value("fhir")
    at = _upload(at.run(), "bundle.json", data, "application/json")
    assert_no_crash(at)
    table = at.dataframe[-1].value
    assert "Entry" in table.columns and table["Status"].tolist() == ["already recorded"]


def test_a_falls_file_previews_and_imports(app_db: Database) -> None:
    at, pid, ana = _page(app_db)
    at.radio(key="import_kind").set_value("falls")
    at = at.run()
    header = b"mrn,fell_on,place,circumstances,injury,injury_note,reported_by\n"
    at = _upload(at, "falls.csv", header + b"PAGE-9,2026-10-01,indoor,Turned too fast,none,,interview\n")
    assert_no_crash(at)
    assert at.dataframe[-1].value["Status"].tolist() == ["new"]
    at.button(key="import_go").click()
    at = at.run()
    assert_no_crash(at)
    assert [f.circumstances for f in falls.view(app_db, ana, pid).current] == ["Turned too fast"]  # type: ignore[arg-type]


def test_times_are_read_in_the_clinics_time_zone_once_an_administrator_sets_one(app_db: Database) -> None:
    admin = make_admin(app_db)
    report_settings.save_report_settings(
        app_db, admin, clinic_name="Riverside", address="", time_zone="Pacific/Auckland", expected_version=0
    )
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "PAGE-9")
    at = _upload(goto(signed_in_app(ana.user_id).run(), "import"), "grip.csv", DAY_FIRST)
    at.radio(key="import_date_order").set_value("dmy")
    at = at.run()
    assert_no_crash(at)
    assert any("Pacific/Auckland, the clinic's time zone" in c.value for c in at.caption)
    at.button(key="import_go").click()
    at = at.run()
    (grip,) = _stored(app_db, pid)
    # 3 October 2026 09:30 in Auckland is daylight time (NZDT, UTC+13; it began on 27 September): 20:30 UTC the day
    # before.
    assert grip.taken_at == datetime(2026, 10, 2, 20, 30, tzinfo=UTC)
