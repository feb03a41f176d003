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


# Issue 14, row 14: a spreadsheet in a semicolon (or tab) locale splits an unquoted cell at its separator,
# so a formula after a separator inside a cell ran, although the cell's first character was harmless.
SEPARATOR_ATTACKS = [
    "x;=1+1",
    "a,@SUM(1)",
    "\t=cmd",
    "a\t=cmd",
    "Borg 3; -2+3",
    'first line\n=HYPERLINK("http://evil.example")',
    "ok\r+1",
    "note;  =1+1",
]


def _cells_any_locale(line: str) -> list[str]:
    """Every cell a spreadsheet could see in one written line, whichever separator its locale uses."""
    cells = []
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(line, newline=""), delimiter=delimiter):
            cells.extend(row)
    return cells


@pytest.mark.parametrize("typed", SEPARATOR_ATTACKS)
def test_a_formula_after_a_separator_inside_a_cell_never_runs(typed: str) -> None:
    data = csv_out.write(["note", "value"], [{"note": typed, "value": -3.2}])
    line = data.decode("utf-8-sig").split("\r\n", 1)[1].removesuffix("\r\n")
    rows = _read(data)
    assert rows[1] == ["'" + typed, "-3.2"]  # one apostrophe in front; the rest of the text as typed
    assert csv_out.unneutralise(rows[1][0]) == typed
    for seen in _cells_any_locale(line):
        assert not seen.lstrip(" ").startswith(("=", "+", "@")), (typed, seen)
        assert not seen.lstrip(" ").startswith("-") or seen == "-3.2", (typed, seen)


@pytest.mark.parametrize(
    ("typed", "line"),
    [
        ("-3.2 s", "'-3.2 s"),  # a number typed as text stays text, visibly so
        ("3,5 kg", '"3,5 kg"'),  # a separator without a formula: quoted, not prefixed
        ("walked 10 m; no aid", '"walked 10 m; no aid"'),
        ("pain 3 - 4 / 10", "pain 3 - 4 / 10"),  # a minus inside a part is not a formula
        ("e-mail a@b.example", "e-mail a@b.example"),
        ("'=1", "''=1"),  # text that itself begins with an apostrophe survives the round trip
        ("'x;=1", "\"''x;=1\""),
    ],
)
def test_ordinary_text_is_left_as_typed(typed: str, line: str) -> None:
    data = csv_out.write(["note", "value"], [{"note": typed, "value": -3.2}])
    assert data.decode("utf-8-sig").splitlines()[1] == f"{line},-3.2"  # the number unquoted, no apostrophe
    assert csv_out.unneutralise(_read(data)[1][0]) == typed
