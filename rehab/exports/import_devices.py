"""Device exports (hand-held dynamometer, force plate): a column layout turns their CSV into template rows.

A device's file has no MRN and its own column names. A layout (``device_layouts.toml``, checked in, or one
the clinician maps by hand on the import page) says which column holds the date, the side, the muscle and
the reading, what measure the readings are of and in which unit. Each row then goes through the same checks
as a row of the template (``import_csv.check_row``), for the one patient chosen on the page.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rehab.domain import measures
from rehab.domain.errors import ValidationError
from rehab.exports import import_csv
from rehab.exports.import_csv import ENTRY_UNITS, RowProblem
from rehab.exports.import_dates import ReadOptions

LAYOUTS_FILE = Path(__file__).with_name("device_layouts.toml")
FIELDS: dict[str, str] = {
    "taken_at": "Date and time",
    "side": "Side",
    "site": "Muscle or movement",
    "value": "Reading",
}
"""The template columns a layout fills from the device's columns, with their names on the page."""
OPTIONAL = ("site",)
MEASURES = ("hhd", "grip")
"""Measures a device export can hold: one force or grip reading per row, per side."""
_SOURCE = "Device import"


@dataclass(frozen=True)
class Layout:
    """Which device column holds each field; the measure and unit of its readings."""

    key: str
    name: str
    measure: str
    unit: str
    columns: dict[str, str]
    confirmed: bool = False
    source: str = ""

    def check(self) -> Layout:
        """The layout itself is sound: a known measure, a unit the Assess page offers for it, every field."""
        if self.measure not in MEASURES:
            raise ValidationError("measure", f"a device layout holds one of: {', '.join(MEASURES)}")
        if self.unit not in ENTRY_UNITS[self.measure]:
            raise ValidationError("unit", f"{self.measure} is read in {', '.join(ENTRY_UNITS[self.measure])}")
        missing = [FIELDS[f] for f in FIELDS if f not in OPTIONAL and not self.columns.get(f)]
        if missing:
            raise ValidationError("columns", "choose the column for: " + ", ".join(missing))
        chosen = [c.lower() for c in self.columns.values()]
        twice = sorted({c for c in self.columns.values() if chosen.count(c.lower()) > 1})
        if twice:
            raise ValidationError("columns", f"each column holds one field; {', '.join(twice)} is chosen twice")
        return self


@cache
def layouts() -> dict[str, Layout]:
    """The checked-in layouts, by key, each checked when read."""
    with LAYOUTS_FILE.open("rb") as f:
        raw = tomllib.load(f)
    return {
        key: Layout(
            key,
            str(v["name"]),
            str(v["measure"]),
            str(v["unit"]),
            {str(k): str(c) for k, c in v["columns"].items()},
            bool(v.get("confirmed", False)),
            str(v.get("source", "")),
        ).check()
        for key, v in raw.items()
    }


def by_hand(columns: dict[str, str], measure: str, unit: str) -> Layout:
    """A layout the clinician mapped on the page; ValidationError names what is missing."""
    chosen = {f: c for f, c in columns.items() if f in FIELDS and c}
    return Layout("by_hand", "Columns mapped by hand", measure, unit, chosen).check()


def header(data: bytes) -> list[str]:
    """The device file's column names, for mapping by hand."""
    names, _ = import_csv.read_table(data)
    return names


def parse(data: bytes, layout: Layout, mrn: str, options: ReadOptions) -> import_csv.ParsedFile:
    """The device's rows as template rows for ``mrn``, each checked like a row of the template."""
    if not mrn.strip():
        raise ValidationError("file", "Enter the MRN of the patient these readings are of.")
    names, records = import_csv.read_table(data)
    folded = [n.lower() for n in names]
    missing = [c for f, c in layout.columns.items() if c.lower() not in folded]
    if missing:
        raise ValidationError(
            "file",
            f"The file has no column named {', '.join(missing)}, which the layout “{layout.name}” reads. "
            "Choose another layout or map the columns by hand.",
        )
    wanted = {c.lower(): f for f, c in layout.columns.items()}
    header_as_fields = [wanted.get(n, "") for n in folded]
    ignored = [n for n in names if n.lower() not in wanted]

    def mapped() -> Iterator[tuple[int, dict[str, str] | RowProblem]]:
        for index, raw in records:
            cells = import_csv.cells_of(header_as_fields, import_csv.COLUMNS, index, raw)
            if isinstance(cells, dict):
                cells.update(mrn=mrn, measure=layout.measure, unit=layout.unit)
            yield index, cells

    rows, problems = import_csv.check_all(mapped(), options, f"{_SOURCE}: {layout.name}")
    where = {f: layout.columns[f] for f in layout.columns}
    where.update(mrn="MRN (chosen on the page)", measure="measure (of the layout)", unit="unit (of the layout)")
    problems = [RowProblem(p.row, where.get(p.column, p.column), p.message) for p in problems]
    return import_csv.ParsedFile(rows, problems, ignored, zone=options.zone_name, tz=options.tz, names=where)


def measure_name(key: str) -> str:
    return measures.get(key).name
