"""Times are entered in the browser's time zone and stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st


def clinic_timezone() -> tzinfo:
    name = getattr(st.context, "timezone", None)
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def to_utc(day: date | None, clock: time | None, tz: tzinfo) -> datetime | None:
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)
