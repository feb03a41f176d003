"""Reading an assessments CSV: the documented template, and row-by-row checks before anything is saved.

Pure parsing: this module turns the file into validated entries (the same ``prepare`` the Assess page uses,
so the same ranges and units apply) and a list of problems, each naming the spreadsheet row (the header is
row 1), the column and what is wrong. Which patient an MRN belongs to, who may see them and what is already
stored are the import service's business.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from rehab.domain import measures
from rehab.domain.assessment import ASSISTANCE, Measured, checked_context, clean_note, prepare
from rehab.domain.errors import ValidationError
from rehab.domain.units import ENTRY_UNITS, fmt
from rehab.exports.csv_out import unneutralise, write
from rehab.exports.import_dates import DateOrderNeeded, ReadOptions, read_datetime

MAX_BYTES = 50_000_000
"""The largest file read (the shipped `server.maxUploadSize` is 50 MiB, a little above it): 100,000 rows of our
own export, notes included, take about 10 MB."""
MAX_ROWS = 100_000
REQUIRED = ("mrn", "measure", "taken_at")
CONTEXT = ("assistive_device", "assistance", "protocol_variant")
"""Context a FHIR Observation carries (its context components), checked by ``prepare`` like the Assess page's."""
COLUMNS = ("mrn", "measure", "taken_at", "side", "site", "value", "unit", "items", "note", "pace", *CONTEXT)
INFORMATIONAL = ("patient", "recorded_by", "confirmed_outside_plausible_range")
"""Columns our own export adds for people reading the file; the importer ignores them."""
_SOURCE = "CSV import"
COLUMN_HELP: dict[str, str] = {
    "mrn": "The patient's medical record number, as registered (the patient must exist and be on your care team).",
    "measure": "The measure's code: " + ", ".join(m.key for m in measures.all_measures()) + ".",
    "taken_at": "Date and time of the assessment: 2026-10-01 09:30 (ISO 8601), or 01/10/2026 09:30 once the file's "
    "date order (day or month first) is chosen on the import page. A time without an offset is read in the clinic's "
    "time zone, shown on the page; 2026-10-01T09:30:00+01:00 carries its own.",
    "side": "left or right, for measures recorded per side (grip, MMT, HHD, Modified Ashworth, single-leg stance; "
    "optional for 1RM); otherwise leave empty.",
    "site": "The muscle group or movement tested, for MMT, HHD, Modified Ashworth and 1RM (e.g. knee extension).",
    "value": "The result in the unit of the unit column; an MRC grade such as 4+ for MMT; a Modified Ashworth grade "
    "(0, 1, 1+, 2, 3 or 4) per muscle and side; the FAC category 0 to 5; for item scales leave empty or give "
    "the total, which must match the items.",
    "unit": "Optional; empty means the measure's unit: "
    + ", ".join(f"{m.key} {m.unit}" for m in measures.all_measures())
    + ". Also accepted, as on the Assess page, and converted: "
    + "; ".join(f"{k} {', '.join(u)}" for k, u in ENTRY_UNITS.items())
    + ".",
    "items": "Item scales only ("
    + ", ".join(m.name for m in measures.all_measures() if m.is_item_scale)
    + "): every item score in order, separated by semicolons, e.g. 4;4;3;4;...",
    "note": "Optional free text (up to 2000 characters).",
    "pace": "10 m walk only: comfortable or fast (empty means comfortable); the change in speed is judged against "
    "the MDC measured at that pace.",
    "assistive_device": "Optional: the walking aid or device used, as on the Assess page (e.g. four-point stick; up "
    "to 120 characters).",
    "assistance": "Optional: the help given: " + ", ".join(ASSISTANCE) + ".",
    "protocol_variant": "Optional: how the test departed from its standard protocol (up to 120 characters).",
}


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with the file: spreadsheet row (1 = header), column and message."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportRow:
    """A row that passed every check this module can make, ready for the service."""

    row: int
    mrn: str
    measure_key: str
    taken_at: datetime
    values: list[Measured]
    note: str
    typed: str = ""
    """The value and unit as the file wrote them."""


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ImportRow]
    problems: list[RowProblem]
    ignored_columns: list[str]
    label: str = "Row"
    """What a problem's number counts: a spreadsheet "Row" or a FHIR Bundle's "Entry"."""
    zone: str = "UTC"
    """The time zone times without an offset were read in."""
    tz: tzinfo = UTC
    names: dict[str, str] = dataclasses.field(default_factory=dict)
    """Where a template column comes from in this kind of file (a FHIR element, a device's column)."""

    def column(self, name: str) -> str:
        return self.names.get(name, name)


def template_csv() -> bytes:
    """The downloadable template: the header, one example row per kind of entry, and nothing else."""
    examples: list[dict[str, object]] = [
        {"mrn": "MRN1001", "measure": "tug", "taken_at": "2026-10-01 09:30", "value": 14.2, "unit": "s"},
        {"mrn": "MRN1001", "measure": "grip", "taken_at": "2026-10-01 09:40", "side": "left", "value": 18.5},
        {"mrn": "MRN1001", "measure": "mmt", "taken_at": "2026-10-01 09:45", "side": "right",
         "site": "knee extension", "value": "4+"},
        {"mrn": "MRN1001", "measure": "bbs", "taken_at": "2026-10-01 10:00",
         "items": ";".join(["4"] * 10 + ["3"] * 4), "note": "Example row: delete before importing"},
    ]  # fmt: skip
    return write(COLUMNS, examples)


def template_help() -> list[tuple[str, str]]:
    return [(c, COLUMN_HELP[c]) for c in COLUMNS]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            "file", "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”."
        ) from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """RFC 4180 (a quote inside a quoted cell written twice) with the separator the header row uses. Only the
    separator is taken from the sniffer: from a header without quotes it also guesses ``doublequote=False``,
    which misread a doubled quote inside a quoted cell."""
    first = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        return csv.excel

    class Separated(csv.excel):
        pass

    Separated.delimiter = delimiter
    return Separated


class _Lines:
    """The file's lines as the csv reader pulls them, remembering where the record being read began, so a
    record the reader refuses can be looked at again (``_unreadable``)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines = iter(io.StringIO(text, newline="").readlines())
        self.offset = 0
        self.record_start = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.offset += len(line)
        return line

    def next_record(self) -> None:
        self.record_start = self.offset


def _unreadable(
    text: str, dialect: type[csv.Dialect] | csv.Dialect, header: list[str], row: int, error: csv.Error
) -> str:
    """Why the record at the start of ``text`` cannot be read, naming its spreadsheet row and column."""
    limit = csv.field_size_limit()
    delimiter, quote = dialect.delimiter, dialect.quotechar or '"'
    column = length = 0
    state = "start"  # start | plain | quoted | after_quote

    def where() -> str:
        name = header[column] if column < len(header) and header[column] else f"column {column + 1}"
        return f"Row {row}, {name}"

    i = 0
    while i < len(text):
        ch = text[i]
        i += 1
        if state == "quoted":
            if ch != quote:
                length += 1
            elif text[i : i + 1] == quote:  # a doubled quote stands for one
                length += 1
                i += 1
            else:
                state = "after_quote"
        elif ch == delimiter:
            column, length, state = column + 1, 0, "start"
            continue
        elif ch in "\r\n":
            break  # the end of the record
        elif state == "after_quote":
            return (
                f"{where()}: there is text (\u201c{ch}\u201d) after the quote that closes this cell. A quote inside a "
                'quoted cell is written twice ("").'
            )
        elif state == "start" and ch == quote:
            state = "quoted"
            continue
        else:
            state = "plain"
            length += 1
        if length > limit:
            return f"{where()}: the cell is longer than {limit:,} characters, which no cell may be."
    if state == "quoted":
        return (
            f'{where()}: a quote (") opens this cell but never closes, so the rows after it would be read into '
            "this cell. Add the closing quote, or remove the opening one."
        )
    return f"{where()}: this row cannot be read ({error})."


def _number(raw: str, column: str) -> float:
    text = raw.strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ValidationError(column, f"“{raw.strip()}” is not a number") from None


def _unit(key: str, cells: dict[str, str]) -> str:
    """The unit the row's value is in: the measure's own when the cell is empty, else one the Assess page offers."""
    measure = measures.get(key)
    typed = cells["unit"].strip().replace("·", ".")  # "N·m" as typed is "N.m"
    if not typed or typed in (measure.unit, measure.unit_label):
        return ENTRY_UNITS.get(key, (measure.unit,))[0]
    for unit in ENTRY_UNITS.get(key, ()):
        if typed.lower() == unit.lower():
            return unit
    accepted = ", ".join(dict.fromkeys((measure.unit, *ENTRY_UNITS.get(key, ()))))
    raise ValidationError("unit", f"{measure.name} is entered in {accepted}, not “{typed}”")


def _entry(key: str, cells: dict[str, str]) -> dict[str, Any]:
    """The raw entry ``prepare`` expects for one measure, from one row's cells."""
    measure = measures.get(key)
    side = cells["side"].strip().lower() or None
    site = cells["site"].strip() or None
    value = cells["value"].strip()
    if key != "ten_mwt" and cells.get("pace", "").strip():
        raise ValidationError("pace", "only the 10 m walk has a pace; leave this cell empty for " + measure.name)
    if measure.is_item_scale:
        if not cells["items"].strip():
            raise ValidationError(
                "items", f"{measure.name} is an item scale: give every item score, separated by semicolons"
            )
        return {"items": [_number(v, "items") for v in cells["items"].split(";") if v.strip()]}
    if cells["items"].strip():
        raise ValidationError("items", f"{measure.name} has no item scores: leave items empty")
    if not value:
        raise ValidationError("value", "enter the result")
    if measure.per_side and side is None:
        raise ValidationError("side", f"{measure.name} is recorded per side: enter left or right")
    if not measure.per_side and key != "one_rm" and side is not None:
        raise ValidationError("side", f"{measure.name} is not recorded per side: leave side empty")
    unit = _unit(key, cells)
    if key in ("mmt", "mas"):  # a grade as written ("4+", "1+"), never a number
        return {"site": site, "sides": {side: value}}
    if measure.is_ordinal:
        return {"value": value}
    number = _number(value, "value")
    if key == "hhd":
        return {"site": site, "sides": {side: [number]}, "unit": unit}
    if key == "grip":
        return {"sides": {side: [number]}, "unit": unit, "rule": "max"}
    if key == "sls":
        return {"sides": {side: [number]}, "rule": "max"}
    if key == "one_rm":
        return {"site": site, "method": "tested", "tested_kg": number, "unit": unit, "side": side}
    if key == "frt":
        return {"trials": [number], "unit": unit}
    if key == "ten_mwt":
        if number <= 0:
            raise ValidationError("value", "gait speed must be above 0 m/s")
        pace = cells.get("pace", "").strip()
        return {"trials": [10.0 / number], "distance_m": 10.0, **({"pace": pace} if pace else {})}
    if key == "six_mwt":
        return {"value": number, "unit": unit}
    return {"value": number}


def _typed(key: str, cells: dict[str, str]) -> str:
    """The value as the file wrote it, for the preview beside the stored SI value."""
    if measures.get(key).is_item_scale:
        return f"items {cells['items'].strip()}"
    unit = cells["unit"].strip()
    return " ".join(x for x in (cells["value"].strip(), unit) if x)


def _column_of(field: str) -> str:
    for name in ("items", "site", "side", "unit", "taken_at", "pace", *CONTEXT):
        if name in field:
            return name
    return "side" if field == "sides" else "value"


def check_row(
    number: int, cells: dict[str, str], options: ReadOptions, source: str = _SOURCE
) -> tuple[ImportRow | None, list[RowProblem]]:
    """One row's cells (the template's columns) checked; raises ``DateOrderNeeded`` for the whole file."""
    problems = [RowProblem(number, c, "required; this cell is empty.") for c in REQUIRED if not cells[c].strip()]
    if problems:
        return None, problems
    key = cells["measure"].strip().lower()
    try:
        measure = measures.get(key)
    except ValidationError:
        return None, [RowProblem(number, "measure", f"“{cells['measure'].strip()}” is not a measure code; see the "
                                 "template's help for the list.")]  # fmt: skip
    found: list[RowProblem] = []
    when: datetime | None = None
    try:
        when = read_datetime(cells["taken_at"], options)
    except DateOrderNeeded:
        raise
    except ValidationError as exc:
        found.append(RowProblem(number, "taken_at", _sentence(exc.message)))
    note = ""
    try:
        note = clean_note(cells["note"])
    except ValidationError as exc:
        found.append(RowProblem(number, "note", exc.message + "."))
    context: dict[str, str] = {}
    for column in CONTEXT:  # each context cell checked on its own, so its problem does not hide the value's
        if cells.get(column):
            try:
                checked_context({column: cells[column]})
                context[column] = cells[column]
            except ValidationError as exc:
                found.append(RowProblem(number, column, _sentence(exc.message)))
    values: list[Measured] = []
    try:
        values = prepare(key, {**_entry(key, cells), **context})
    except ValidationError as exc:
        found.append(RowProblem(number, _column_of(exc.field), _sentence(exc.message)))
    if values and measure.is_item_scale and cells["value"].strip():
        try:
            given = _number(cells["value"], "value")
        except ValidationError as exc:
            found.append(RowProblem(number, "value", exc.message + "."))
        else:
            if abs(given - values[0].value) > 1e-6:
                found.append(
                    RowProblem(number, "value", f"{given:g} does not match the item total {fmt(values[0].value)}.")
                )
    if found or when is None:
        return None, found
    tagged = [dataclasses.replace(v, context={**v.context, "source": source}) for v in values]
    return ImportRow(number, cells["mrn"].strip(), key, when, tagged, note, _typed(key, cells)), []


def _sentence(message: str) -> str:
    text = message.strip()
    return (text[0].upper() + text[1:] if text else text) + ("" if text.endswith(".") else ".")


def read_table(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (trimmed, as written) and the numbered records of a CSV file (the header is row 1); a record
    the reader cannot read refuses the whole file, naming its row and column."""
    if len(data) > MAX_BYTES:
        raise ValidationError("file", f"The file is larger than {MAX_BYTES // 1_000_000} MB; split it.")
    text = _decode(data)
    if not text.strip():
        raise ValidationError("file", "The file is empty.")
    dialect = _dialect(text)
    lines = _Lines(text)
    # strict: an unterminated quote or text after a closing quote is an error instead of a silently merged row.
    reader = csv.reader(lines, dialect, strict=True)
    header: list[str] = []

    def records() -> Iterator[tuple[int, list[str]]]:
        row = 1
        while True:
            lines.next_record()
            try:
                raw = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                reason = _unreadable(text[lines.record_start :], dialect, header, row, exc)
                raise ValidationError("file", reason) from None
            yield row, raw
            row += 1

    numbered = records()
    first = next(numbered, None)
    if first is None:
        raise ValidationError("file", "The file is empty.")
    header.extend(h.strip() for h in first[1])

    def body() -> Iterator[tuple[int, list[str]]]:
        for index, raw in numbered:
            if not any(c.strip() for c in raw):
                continue
            if index - 1 > MAX_ROWS:
                raise ValidationError("file", f"The file has more than {MAX_ROWS} rows; split it.")
            yield index, raw

    return list(header), body()


def cells_of(header: list[str], columns: Iterable[str], index: int, raw: list[str]) -> dict[str, str] | RowProblem:
    """One record's cells by column name (our export's apostrophe undone), or why the record has too many."""
    if len(raw) > len(header):
        return RowProblem(index, "", f"{len(raw)} cells, but the header has {len(header)} columns.")
    cells = {c: "" for c in columns}
    for name, value in zip(header, raw, strict=False):
        if name in cells:
            cells[name] = unneutralise(value)
    return cells


def check_all(
    records: Iterable[tuple[int, dict[str, str] | RowProblem]], options: ReadOptions, source: str = _SOURCE
) -> tuple[list[ImportRow], list[RowProblem]]:
    """Every record checked; the caller saves nothing unless the problems are none."""
    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    for index, cells in records:
        if isinstance(cells, RowProblem):
            problems.append(cells)
            continue
        row, found = check_row(index, cells, options, source)
        problems += found
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        raise ValidationError("file", "The file has a header but no rows to import.")
    return rows, problems


def parse(data: bytes, options: ReadOptions | None = None) -> ParsedFile:
    """Check every row; the caller saves nothing unless ``problems`` is empty."""
    chosen = options or ReadOptions()
    written, records = read_table(data)
    header = [h.lower() for h in written]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(
            "file",
            "The header row lacks the column(s) " + ", ".join(missing) + ". Start from the template.",
        )
    ignored = [h for h in header if h not in COLUMNS]
    rows, problems = check_all(((i, cells_of(header, COLUMNS, i, raw)) for i, raw in records), chosen)
    return ParsedFile(rows, problems, ignored, zone=chosen.zone_name, tz=chosen.tz)
