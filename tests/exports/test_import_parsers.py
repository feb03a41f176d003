"""The import parsers without a database: dates in the order chosen, units converted with what was typed kept,
the newer measures, device layouts and FHIR entries; any input imports what was typed or names its row and field."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain.errors import ValidationError
from rehab.exports import import_csv, import_devices, import_falls, import_fhir
from rehab.exports.import_dates import DateOrderNeeded, ReadOptions, read_date, read_datetime

LONDON = ReadOptions(None, ZoneInfo("Europe/London"), "Europe/London")
HEADER = "mrn,measure,taken_at,side,site,value,unit,items\n"


def _one(line: str, options: ReadOptions | None = None) -> import_csv.ParsedFile:
    return import_csv.parse((HEADER + line + "\n").encode(), options)


# --- dates and time zones ---------------------------------------------------------------------------------------


def test_day_first_and_month_first_read_the_same_text_differently_and_only_when_chosen() -> None:
    with pytest.raises(DateOrderNeeded):
        read_datetime("03/04/2026 09:30", ReadOptions())
    day_first = read_datetime("03/04/2026 09:30", ReadOptions("dmy"))
    month_first = read_datetime("03/04/2026 09:30", ReadOptions("mdy"))
    assert day_first == datetime(2026, 4, 3, 9, 30, tzinfo=UTC)  # 3 April
    assert month_first == datetime(2026, 3, 4, 9, 30, tzinfo=UTC)  # 4 March
    with pytest.raises(ValidationError, match="not a date in the order chosen"):
        read_datetime("25/12/2026", ReadOptions("mdy"))  # no 25th month
    assert read_date("25.12.2026", ReadOptions("dmy"), "fell_on") == date(2026, 12, 25)


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    order=st.sampled_from(["dmy", "mdy"]),
    sep=st.sampled_from(["/", ".", "-"]),
)
def test_a_date_written_in_the_order_chosen_reads_back_exactly(day: date, order: str, sep: str) -> None:
    first, second = (day.day, day.month) if order == "dmy" else (day.month, day.day)
    text = f"{first:02d}{sep}{second:02d}{sep}{day.year}"
    assert read_date(text, ReadOptions(order), "fell_on") == day  # type: ignore[arg-type]
    if first != second and first <= 12 and second <= 12:  # the other order reads another, real date
        assert read_date(text, ReadOptions("mdy" if order == "dmy" else "dmy"), "fell_on") != day


def test_a_whole_file_with_day_first_dates_and_no_order_is_refused() -> None:
    with pytest.raises(ValidationError, match="Choose the file's date order"):
        _one("M1,tug,01/02/2026 09:30,,,14.2,s,")
    assert _one("M1,tug,2026-02-01 09:30,,,14.2,s,").problems == []  # ISO needs no choice


def test_times_without_an_offset_are_read_in_the_clinics_zone() -> None:
    # 1 July: London is on BST, UTC+1; 1 December: GMT, UTC+0 (Europe/London rules, IANA tz database)
    assert read_datetime("2026-07-01 09:30", LONDON) == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert read_datetime("2026-12-01 09:30", LONDON) == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert read_datetime("2026-07-01T09:30:00+02:00", LONDON) == datetime(2026, 7, 1, 7, 30, tzinfo=UTC)
    assert _one("M1,tug,2026-07-01 09:30,,,14.2,s,", LONDON).zone == "Europe/London"


def test_a_time_the_clocks_skip_or_repeat_is_refused_not_moved() -> None:
    # UK clocks go forward at 01:00 GMT on 29 March 2026 and back at 02:00 BST on 25 October 2026
    with pytest.raises(ValidationError, match="does not exist in Europe/London"):
        read_datetime("2026-03-29 01:30", LONDON)
    with pytest.raises(ValidationError, match="happens twice in Europe/London"):
        read_datetime("2026-10-25 01:30", LONDON)


# --- units ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "stored", "unit"),
    [
        # 1 lb = 0.45359237 kg; 1 kgf = 9.80665 N; 1 lbf = 4.4482216152605 N; 1 in = 2.54 cm; 1 ft = 0.3048 m (exact)
        ("M1,grip,2026-10-01 09:30,left,,40,lb,", 18.1436948, "kg"),
        ("M1,hhd,2026-10-01 09:30,right,knee extension,20,kgf,", 196.133, "N"),
        ("M1,hhd,2026-10-01 09:30,right,knee extension,10,lbf,", 44.482216152605, "N"),
        ("M1,hhd,2026-10-01 09:30,right,knee extension,95,N·m,", 95, "N.m"),  # a torque the device worked out
        ("M1,one_rm,2026-10-01 09:30,,leg press,100,lb,", 45.359237, "kg"),
        ("M1,frt,2026-10-01 09:30,,,10,in,", 25.4, "cm"),
        ("M1,six_mwt,2026-10-01 09:30,,,1000,ft,", 304.8, "m"),
    ],
)
def test_the_assess_pages_units_are_converted_and_kept_as_typed(line: str, stored: float, unit: str) -> None:
    parsed = _one(line)
    assert parsed.problems == []
    (row,) = parsed.rows
    (m,) = row.values
    assert math.isclose(m.value, stored, rel_tol=1e-12) and m.unit == unit
    assert row.typed == " ".join(line.split(",")[5:7])  # "40 lb": what the file wrote


def test_a_unit_the_form_does_not_offer_is_refused_at_its_cell() -> None:
    parsed = _one("M1,grip,2026-10-01 09:30,left,,40,stone,")
    assert [(p.row, p.column) for p in parsed.problems] == [(2, "unit")]
    assert "kg, lb" in parsed.problems[0].message and "stone" in parsed.problems[0].message


CONTEXT_HEADER = "mrn,measure,taken_at,value,pace,assistive_device,assistance,protocol_variant\n"


def test_context_columns_are_kept_as_typed_and_checked_at_their_cells() -> None:
    """The Assess page's context: a walking aid and the help given (any measure), the 10 m walk's pace."""
    good = import_csv.parse(
        (
            CONTEXT_HEADER
            + "M1,tug,2026-10-01 09:30,14.2,,four-point stick,supervision,chair without arms\n"
            + "M1,ten_mwt,2026-10-01 09:40,0.8,fast,,,\n"
        ).encode(),
        LONDON,
    )
    assert good.problems == []
    tug, walk = (row.values[0].context for row in good.rows)
    assert (tug["assistive_device"], tug["assistance"], tug["protocol_variant"]) == (
        "four-point stick", "supervision", "chair without arms"
    )  # fmt: skip
    assert walk["pace"] == "fast"
    bad = import_csv.parse(
        (
            CONTEXT_HEADER
            + "M1,tug,2026-10-01 09:30,14.2,fast,,,\n"  # a pace for the TUG would be dropped: refused
            + "M1,tug,2026-10-01 09:35,14.2,,,a lot,\n"  # not one of the five levels of help
            + "M1,ten_mwt,2026-10-01 09:40,0.8,brisk,,,\n"  # comfortable or fast only
            + "M1,tug,2026-10-01 09:45,-3,,,a lot,\n"  # both wrong: each named, neither hides the other
        ).encode(),
        LONDON,
    )
    assert [(p.row, p.column) for p in bad.problems] == [
        (2, "pace"), (3, "assistance"), (4, "pace"), (5, "assistance"), (5, "value")
    ]  # fmt: skip
    assert bad.rows == []


# --- the newer measures -----------------------------------------------------------------------------------------


def test_modified_ashworth_is_a_grade_per_muscle_and_side_never_a_number() -> None:
    parsed = _one("M1,mas,2026-10-01 09:30,left,elbow flexors,1+,,")
    (m,) = parsed.rows[0].values
    assert (m.value_text, m.value, m.side, m.site) == ("1+", 2.0, "left", "elbow flexors")  # 1+ is grade 2 of 0…5
    bad = _one("M1,mas,2026-10-01 09:30,left,elbow flexors,1.5,,").problems
    assert [(p.row, p.column) for p in bad] == [(2, "value")]
    assert [p.column for p in _one("M1,mas,2026-10-01 09:30,left,,2,,").problems] == ["site"]
    assert [p.column for p in _one("M1,mas,2026-10-01 09:30,,elbow flexors,2,,").problems] == ["side"]


@pytest.mark.parametrize(
    ("line", "total"),
    [
        ("M1,fac,2026-10-01 09:30,,,3,,", 3),
        ("M1,tct,2026-10-01 09:30,,,,,12;25;25;0", 62),  # reference §13.4 (Collin & Wade 1990): 12+25+25+0
        (
            "M1,fma_le,2026-10-01 09:30,,,,,2;2;2;2;2;2;2;2;2;2;2;2;2;2;2;2;2",
            34,
        ),  # 17 items × 2: the maximum, 34 (reference §13.1 [R68])
        ("M1,mi_leg,2026-10-01 09:30,,,,,9;14;19", 43),  # MI leg: raw 9+14+19 = 42, +1 = 43 (reference §13.5)
    ],
)
def test_the_neuro_measures_import_from_the_value_or_items(line: str, total: float) -> None:
    parsed = _one(line)
    assert parsed.problems == [] and parsed.rows[0].values[0].value == total


# --- any input: imports what was typed, or names its row and column ---------------------------------------------

_CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_characters=',"\r\n'), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    measure=st.sampled_from(["tug", "grip", "hhd", "mas", "fac", "six_mwt", "frt", "bbs"]),
    taken=st.one_of(_CELL, st.sampled_from(["2026-10-01 09:30", "01/10/2026 09:30", "2026-13-01"])),
    side=st.one_of(_CELL, st.sampled_from(["left", "right", ""])),
    value=st.one_of(_CELL, st.floats(allow_nan=True, allow_infinity=True).map(str), st.sampled_from(["1+", "4"])),
    unit=st.one_of(_CELL, st.sampled_from(["lb", "kgf", "ft", "in", "N", ""])),
    order=st.sampled_from([None, "dmy", "mdy"]),
)
def test_any_row_imports_what_was_typed_or_names_its_row_and_column(
    measure: str, taken: str, side: str, value: str, unit: str, order: str | None
) -> None:
    line = f"M1,{measure},{taken},{side},knee extension,{value},{unit},"
    try:
        parsed = _one(line, ReadOptions(order))  # type: ignore[arg-type]
    except ValidationError as exc:
        assert exc.field == "file" and "date order" in exc.message  # the only whole-file refusal here
        return
    if parsed.problems:
        assert parsed.rows == []
        assert all(p.row == 2 and p.column in import_csv.COLUMNS and p.message for p in parsed.problems)
        return
    (row,) = parsed.rows
    assert row.typed == " ".join(x for x in (value.strip(), unit.strip()) if x)
    m = row.values[0]
    if m.value_text is None and measure not in ("hhd", "grip", "six_mwt", "frt"):
        assert m.value == float(value.replace(",", "."))  # no unit to convert: stored exactly as typed


# --- device layouts ---------------------------------------------------------------------------------------------


def test_only_the_generic_layout_is_checked_in_and_it_is_confirmed() -> None:
    layouts = import_devices.layouts()
    assert list(layouts) == ["generic_force"]
    generic = layouts["generic_force"]
    assert generic.confirmed and generic.measure == "hhd" and generic.unit == "N"
    assert generic.columns == {"taken_at": "date", "side": "side", "site": "muscle", "value": "force N"}


def test_a_device_row_is_checked_like_a_template_row_and_named_by_the_devices_column() -> None:
    data = b"date,side,muscle,force N\n2026-10-01 09:30,up,knee extension,180\n2026-10-01 09:31,left,hip,-3\n"
    parsed = import_devices.parse(data, import_devices.layouts()["generic_force"], "M1", ReadOptions())
    assert [(p.row, p.column) for p in parsed.problems] == [(2, "side"), (3, "force N")]


def test_a_file_without_the_layouts_columns_is_refused_whole() -> None:
    with pytest.raises(ValidationError, match="no column named force N"):
        import_devices.parse(b"date,side,muscle,peak\n", import_devices.layouts()["generic_force"], "M1", ReadOptions())


def test_a_layout_mapped_by_hand_needs_every_required_column() -> None:
    with pytest.raises(ValidationError, match="Reading"):
        import_devices.by_hand({"taken_at": "When", "side": "Limb"}, "hhd", "N")
    with pytest.raises(ValidationError):
        import_devices.by_hand({"taken_at": "a", "side": "b", "value": "c"}, "hhd", "lb")  # lb is a mass
    with pytest.raises(ValidationError, match="Limb is chosen twice"):
        import_devices.by_hand({"taken_at": "When", "side": "Limb", "site": "Limb", "value": "Peak"}, "hhd", "N")


# --- FHIR, without a database -----------------------------------------------------------------------------------

MRN_SYSTEM = "urn:test:mrn"


def _bundle(*observations: dict[str, object]) -> bytes:
    patient = {"resourceType": "Patient", "identifier": [{"system": MRN_SYSTEM, "value": "M1"}]}
    entries = [{"fullUrl": "urn:uuid:p", "resource": patient}]
    entries += [{"fullUrl": f"urn:uuid:o{i}", "resource": o} for i, o in enumerate(observations)]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}).encode()


def _obs(code: str, system: str = "http://loinc.org", **more: object) -> dict[str, object]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": "urn:uuid:p"},
        "effectiveDateTime": "2026-10-01T09:30:00+01:00",
        **more,
    }


def test_a_foreign_bundle_with_loinc_codes_imports() -> None:
    tug = _obs(
        "89423-8", valueQuantity={"value": 14.2, "unit": "s", "system": "http://unitsofmeasure.org", "code": "s"}
    )
    grip = _obs("83174-3", valueQuantity={"value": 80, "code": "[lb_av]"})  # LOINC right-hand grip
    parsed = import_fhir.parse(_bundle(tug, grip), MRN_SYSTEM)
    assert parsed.problems == []
    by_key = {r.measure_key: r for r in parsed.rows}
    assert by_key["tug"].taken_at == datetime(2026, 10, 1, 8, 30, tzinfo=UTC) and by_key["tug"].mrn == "M1"
    assert by_key["grip"].values[0].side == "right" and by_key["grip"].typed == "80 lb"


def test_each_bad_entry_is_named_with_its_element() -> None:
    parsed = import_fhir.parse(
        _bundle(
            _obs("1234-5"),
            _obs("89423-8", valueQuantity={"value": 3, "code": "min"}),
            _obs("89423-8", status="entered-in-error", valueQuantity={"value": 3, "code": "s"}),
            _obs("89423-8", valueQuantity={"value": "3", "code": "s"}),
        ),
        MRN_SYSTEM,
    )
    assert [(p.row, p.column) for p in parsed.problems] == [
        (2, "code"), (3, "valueQuantity.code"), (4, "status"), (5, "valueQuantity.value"),
    ]  # fmt: skip
    assert parsed.label == "Entry"


# --- falls ------------------------------------------------------------------------------------------------------


def test_only_each_falls_current_version_is_read() -> None:
    data = (
        b"mrn,fall_id,fell_on,place,circumstances,injury,injury_note,reported_by,status,supersedes_id\n"
        b"M1,1,2026-10-01,indoor,first,none,,interview,final,\n"
        b"M1,2,2026-10-02,indoor,corrected,none,,interview,final,1\n"
        b"M1,3,2026-10-03,indoor,withdrawn,none,,interview,final,\n"
        b"M1,4,2026-10-03,indoor,withdrawn,none,,interview,entered_in_error,3\n"
    )
    parsed = import_falls.parse(data)
    assert [r.fields["circumstances"] for r in parsed.rows] == ["corrected"] and parsed.earlier_versions == 3
