"""Reading a falls CSV (the one the falls export writes), row by row, before anything is saved.

The export holds every version of every fall: a correction supersedes the row it corrects, and a fall withdrawn
as entered in error ends with a version of that status. Only each fall's current version is imported (the
others are counted and shown on the preview, never silently dropped); a file made by hand, without the
``fall_id``, ``status`` and ``supersedes_id`` columns, is one current fall per row. Whether each fall is valid
(date, place, injury, who reported it) is ``rehab.domain.falls.parse_fall``'s business, in the service, which
knows the patient and today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rehab.domain.errors import ValidationError
from rehab.exports import import_csv
from rehab.exports.import_csv import RowProblem
from rehab.exports.import_dates import DateOrderNeeded, ReadOptions, read_date

REQUIRED = ("mrn", "fell_on", "place", "circumstances", "injury", "reported_by")
COLUMNS = (*REQUIRED, "injury_note", "fall_id", "status", "supersedes_id")
INFORMATIONAL = ("version", "status_reason", "recorded_at", "recorded_by")
_WITHDRAWN = "entered_in_error"


@dataclass(frozen=True)
class FallRow:
    """A current fall as the file gives it: the fields ``parse_fall`` reads, the date already read."""

    row: int
    mrn: str
    fields: dict[str, object]


@dataclass(frozen=True)
class ParsedFalls:
    rows: list[FallRow]
    problems: list[RowProblem]
    ignored_columns: list[str]
    earlier_versions: int = 0
    """Rows that are a corrected or withdrawn fall's earlier versions (or its withdrawal): not imported."""
    zone: str = field(default="")


def _current(records: list[tuple[int, dict[str, str]]]) -> tuple[list[tuple[int, dict[str, str]]], int]:
    superseded = {c["supersedes_id"].strip() for _, c in records if c["supersedes_id"].strip()}
    kept = [
        (i, c)
        for i, c in records
        if not (c["fall_id"].strip() and c["fall_id"].strip() in superseded) and c["status"].strip() != _WITHDRAWN
    ]
    return kept, len(records) - len(kept)


def parse(data: bytes, options: ReadOptions | None = None) -> ParsedFalls:
    chosen = options or ReadOptions()
    written, numbered = import_csv.read_table(data)
    header = [h.lower() for h in written]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(
            "file", "The header row lacks the column(s) " + ", ".join(missing) + ". Start from a falls export."
        )
    problems: list[RowProblem] = []
    records: list[tuple[int, dict[str, str]]] = []
    for index, raw in numbered:
        cells = import_csv.cells_of(header, COLUMNS, index, raw)
        if isinstance(cells, RowProblem):
            problems.append(cells)
        else:
            records.append((index, cells))
    current, earlier = _current(records)
    rows: list[FallRow] = []
    for index, cells in current:
        empty = [c for c in ("mrn", "fell_on") if not cells[c].strip()]
        problems += [RowProblem(index, c, "required; this cell is empty.") for c in empty]
        if empty:
            continue
        try:
            fell_on: date | None = read_date(cells["fell_on"], chosen, "fell_on")
        except DateOrderNeeded:
            raise
        except ValidationError as exc:
            problems.append(RowProblem(index, "fell_on", exc.message + "."))
            continue
        fields: dict[str, object] = {c: cells[c] for c in ("place", "circumstances", "injury", "injury_note")}
        fields.update(fell_on=fell_on, reported_by=cells["reported_by"])
        rows.append(FallRow(index, cells["mrn"].strip(), fields))
    if not rows and not problems:
        raise ValidationError("file", "The file has no current falls to import.")
    ignored = [h for h in header if h not in COLUMNS]
    return ParsedFalls(rows, problems, ignored, earlier, chosen.zone_name)
