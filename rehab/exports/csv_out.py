"""CSV for spreadsheets: UTF-8 with a byte-order mark, RFC 4180 quoting, and formula injection neutralised.

The rule (OWASP ASVS 5.0, 1.2.10, applied to the whole cell, not only its first character):

- A text cell is prefixed with one apostrophe when it starts with ``=``, ``+``, ``-``, ``@``, a tab, a
  carriage return or NUL, or when any part of it after a separator (comma, semicolon, tab, line feed or
  carriage return) starts, after optional spaces, with ``=``, ``+``, ``-`` or ``@``. A spreadsheet set to
  a semicolon or tab locale splits an unquoted ``x;=1+1`` at the ``;`` and runs ``=1+1``; so
- every text cell that holds a separator (or a double quote) is written in double quotes, whichever
  separator the spreadsheet uses, so it stays one cell: ``"'x;=1+1"``.

Nothing else in the text changes. Only text is touched: numbers, including negative ones such as a -10°
extension lag, are written as numbers (unquoted, no apostrophe); a number typed as text (``-3.2 s``) is
text and gets the apostrophe. The importer reverses the prefix (``unneutralise``), so an exported file
imports back unchanged, including text that itself starts with an apostrophe.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
BOM = "\ufeff"


SEPARATORS = ",;\t\n\r"
# A formula character at the start of any separator-delimited part, after optional spaces.
_FORMULA_PART = re.compile(r"(?:^|[,;\t\n\r]) *[=+\-@]")
_QUOTE_WHEN = frozenset(SEPARATORS + '"')


def _needs_prefix(text: str) -> bool:
    # Leading apostrophes are looked through, so that text which itself starts with one (typed as
    # "'=1") gets a prefix too and ``unneutralise`` is the exact inverse of ``neutralise``.
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) or _FORMULA_PART.search(bare) is not None


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text, never evaluate (see the module's rule)."""
    return "'" + text if _needs_prefix(text) else text


def unneutralise(text: str) -> str:
    """Undo ``neutralise`` on a cell read back from one of our files."""
    if text.startswith("'") and _needs_prefix(text[1:]):
        return text[1:]
    return text


def _field(value: str | int | float) -> str:
    """RFC 4180: text holding any separator or a quote is quoted (quotes doubled); numbers unquoted."""
    if isinstance(value, str):
        if any(ch in _QUOTE_WHEN for ch in value):
            return '"' + value.replace('"', '""') + '"'
        return value
    return str(value)  # as csv.writer writes numbers (str and repr agree for floats)


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

    def line(fields: list[str]) -> None:
        # One empty field is quoted, as Python's csv writer does, so the line is not read as no fields at all.
        out.write((",".join(fields) if fields != [""] else '""') + "\r\n")

    line([_field(neutralise(c)) for c in columns])
    for row in rows:
        line([_field(cell(row.get(c))) for c in columns])
    return (BOM + out.getvalue()).encode("utf-8")
