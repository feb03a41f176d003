"""CSV for spreadsheets: UTF-8 with a byte-order mark, RFC 4180 quoting, and formula injection neutralised.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or NUL) would be run as a
formula by Excel or LibreOffice, so it is prefixed with an apostrophe (OWASP ASVS 5.0, 1.2.10). Only text
is touched: numbers, including negative ones such as a -10° extension lag, are written as numbers.
The importer reverses the prefix (``unneutralise``), so an exported file imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
BOM = "\ufeff"


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text, never evaluate."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unneutralise(text: str) -> str:
    """Undo ``neutralise`` on a cell read back from one of our files."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r\0":
        return text[1:]
    return text


def cell(value: Any) -> str | int | float:
    """One value as written: numbers as numbers, dates as ISO 8601, everything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return int(value) if value.is_integer() else round(value, 6)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def write(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The CSV file as bytes (UTF-8 with BOM, CRLF line ends as RFC 4180 says)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return (BOM + out.getvalue()).encode("utf-8")
