"""Dates and times in an imported file, read exactly as the clinic says the file writes them.

ISO 8601 (2026-10-01 09:30, with or without an offset) is always accepted. A date written day and month first
(03/04/2026) is 3 April in most of the world and 4 March in the United States, so it is read only once the
clinician has chosen the file's date order on the import page; a file holding such a date without that
choice is refused as a whole, never guessed at. A time without a zone is read in the clinic's time zone, and
a wall-clock time that does not exist there (the hour skipped when clocks go forward) or happens twice (the
hour repeated when they go back) is refused at its cell rather than moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Literal

from rehab.domain.errors import ValidationError

DateOrder = Literal["dmy", "mdy"]
DATE_ORDERS: dict[str, str] = {"dmy": "DD/MM/YYYY (day first)", "mdy": "MM/DD/YYYY (month first)"}
_DAY_MONTH = re.compile(
    r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<year>\d{4})"
    r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?$"
)
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ReadOptions:
    """How the clinic says the file writes dates, and the zone for times written without one."""

    date_order: DateOrder | None = None
    """None: only ISO 8601 dates; a file with a day-month date is refused until an order is chosen."""
    tz: tzinfo = field(default=UTC)
    zone_name: str = "UTC"


class DateOrderNeeded(ValidationError):
    """A day-month date in a file whose date order was not chosen: the whole file is refused with this."""

    def __init__(self, example: str) -> None:
        super().__init__(
            "file",
            f"The file writes dates like “{example}”, which can be read day first or month first. Choose the "
            "file's date order on this page (DD/MM/YYYY or MM/DD/YYYY) and check the file again.",
        )


def _day_month(text: str, options: ReadOptions, column: str) -> tuple[date, time | None] | None:
    found = _DAY_MONTH.match(text)
    if found is None:
        return None
    if options.date_order is None:
        raise DateOrderNeeded(text)
    a, b, year = int(found["a"]), int(found["b"]), int(found["year"])
    day, month = (a, b) if options.date_order == "dmy" else (b, a)
    try:
        day_value = date(year, month, day)
    except ValueError:
        raise ValidationError(
            column, f"“{text}” is not a date in the order chosen, {DATE_ORDERS[options.date_order]}"
        ) from None
    if found["hour"] is None:
        return day_value, None
    try:
        clock = time(int(found["hour"]), int(found["minute"]), int(found["second"] or 0))
    except ValueError:
        raise ValidationError(column, f"“{text}” has a time that does not exist") from None
    return day_value, clock


def _in_zone(naive: datetime, options: ReadOptions, column: str, text: str) -> datetime:
    """A wall-clock time read in the clinic's zone, refused where the zone skips or repeats it."""
    early = naive.replace(tzinfo=options.tz, fold=0)
    late = naive.replace(tzinfo=options.tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        back = early.astimezone(UTC).astimezone(options.tz).replace(tzinfo=None)
        if back != naive:
            raise ValidationError(
                column, f"“{text}” does not exist in {options.zone_name} (the clocks went forward); write the offset"
            )
        raise ValidationError(
            column, f"“{text}” happens twice in {options.zone_name} (the clocks went back); write the offset"
        )
    return early.astimezone(UTC)


def read_datetime(raw: str, options: ReadOptions, column: str = "taken_at") -> datetime:
    """A date and time in UTC; a date alone is read as midnight in the clinic's zone."""
    text = raw.strip()
    parts = _day_month(text, options, column)
    if parts is not None:
        day_value, clock = parts
        return _in_zone(datetime.combine(day_value, clock or time()), options, column, text)
    if not _ISO_START.match(text):
        raise ValidationError(column, f"“{text}” is not a date and time such as 2026-10-01 09:30")
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(column, f"“{text}” is not a date and time such as 2026-10-01 09:30") from None
    if value.tzinfo is None:
        return _in_zone(value, options, column, text)
    return value.astimezone(UTC)


def read_date(raw: str, options: ReadOptions, column: str) -> date:
    """A calendar date (a fall's day): ISO, or day-month in the order chosen; a time is refused."""
    text = raw.strip()
    parts = _day_month(text, options, column)
    if parts is not None:
        if parts[1] is not None:
            raise ValidationError(column, f"“{text}” must be a date without a time")
        return parts[0]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(column, f"“{text}” is not a date such as 2026-10-01") from None
