"""Formatting user text and clinical values for display, always as text and never as markup."""

from __future__ import annotations

import re
from datetime import date, datetime

from rehab.domain.patients import CONDITION_LABELS, SEX_LABELS, SIDE_LABELS, Condition, Sex, Side

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Escape Markdown and HTML so names and notes typed by users render literally."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


_MD_ACTIVE = re.compile(r"([\\`*_{}\[\]<>#|~$:])")


def md_text(text: str) -> str:
    """Lighter escape for messages that may repeat typed text: neutralises emphasis, links, HTML, maths
    and directives, but leaves ordinary punctuation alone so sentences read (and compare) as written."""
    return _MD_ACTIVE.sub(r"\\\1", text).replace("\n", "  \n")


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def condition_label(value: str) -> str:
    try:
        return CONDITION_LABELS[Condition(value)]
    except ValueError:
        return value


def sex_label(value: str) -> str:
    try:
        return SEX_LABELS[Sex(value)]
    except ValueError:
        return value


def side_label(value: str) -> str:
    try:
        return SIDE_LABELS[Side(value)]
    except ValueError:
        return value
