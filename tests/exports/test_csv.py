"""CSV writer: UTF-8 with BOM, RFC 4180 quoting, formula injection neutralised in text, numbers untouched."""

from __future__ import annotations

import csv
import io

import pytest

from rehab.exports import csv_out


def _read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for spreadsheets"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+1+1", "'+1+1"),
        ("-3 pain after", "'-3 pain after"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain note, with comma", "plain note, with comma"),
        ("Zoë Łukasiewicz", "Zoë Łukasiewicz"),
    ],
)
def test_text_cells_that_a_spreadsheet_would_run_are_neutralised(typed: str, written: str) -> None:
    rows = _read(csv_out.write(["note"], [{"note": typed}]))
    assert rows[1] == [written]
    assert csv_out.unneutralise(rows[1][0]) == typed


def test_numbers_stay_numbers_including_negative_ones() -> None:
    row = {"lag_deg": -10, "value": -2.5, "count": 3, "note": "-"}
    data = csv_out.write(["lag_deg", "value", "count", "note"], [row])
    line = data.decode("utf-8-sig").splitlines()[1]
    assert line == "-10,-2.5,3,'-"


def test_round_trip_keeps_every_value() -> None:
    rows = [
        {"mrn": "M-1", "value": 14.2, "note": 'said "ok", then left\nsecond line'},
        {"mrn": "M-2", "value": -0.5, "note": "=1+2"},
    ]
    read = _read(csv_out.write(["mrn", "value", "note"], rows))
    assert read[0] == ["mrn", "value", "note"]
    assert [(r[0], float(r[1]), csv_out.unneutralise(r[2])) for r in read[1:]] == [
        ("M-1", 14.2, 'said "ok", then left\nsecond line'),
        ("M-2", -0.5, "=1+2"),
    ]
