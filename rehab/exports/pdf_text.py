"""Wording rules every exported document follows: no unverified figure printed as a source, one label per line,
times in the clinic's zone, and the patient's own words in the patient version."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

NOT_VERIFIED = "not verified"
# The change reasons (rehab.domain.measures.changes) name a figure still awaiting sign-off in one sentence of
# their own; a catalogue source read from memory carries "(value from memory…)". Neither is a source to print.
_AWAITING = re.compile(
    r"\s*An unverified figure awaits clinician sign-off in the clinic configuration:[^\n]*?\)\.(?=\s|$)"
)
_FROM_MEMORY = re.compile(r"\s*\(value from memory[^()]*(?:\([^()]*\)[^()]*)*\)")
_UNVERIFIED_EVIDENCE = "not verified against a source; needs clinician sign-off"

# The patient version speaks of the weaker and the stronger side; "paretic" is the clinician's word.
_PATIENT_WORDS = (
    (re.compile(r"\bnon-paretic side\b", re.IGNORECASE), "your stronger side"),
    (re.compile(r"\bparetic side\b", re.IGNORECASE), "your weaker side"),
    (re.compile(r"\bnon-paretic\b", re.IGNORECASE), "stronger side"),
    (re.compile(r"\bparetic\b", re.IGNORECASE), "weaker side"),
)


def verified_only(text: str) -> str:
    """``text`` without any figure that was never verified against a source: the sentence offering one for
    sign-off is dropped, and a "(value from memory)" source note becomes "not verified"."""
    out = _AWAITING.sub("", text)
    out = _FROM_MEMORY.sub(f" ({NOT_VERIFIED})", out)
    return out.replace(_UNVERIFIED_EVIDENCE, NOT_VERIFIED)


def labelled(label: str, text: str) -> str:
    """``label: text``, unless the text already opens with the label (the reasons name their measure)."""
    body = text.strip()
    if body.lower().startswith(label.strip().lower() + ":"):
        return body
    return f"{label}: {body}"


def clinic_time(moment: datetime, zone: str) -> str:
    """A moment as the clinic reads it: local date and time with the zone's abbreviation and name."""
    when = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = when.astimezone(ZoneInfo(zone))
    return f"{local.strftime('%Y-%m-%d %H:%M')} {local.tzname()} ({zone})"


def patient_words(text: str) -> str:
    """The clinician's side words in the patient's: "paretic side" → "your weaker side"."""
    out = text
    for pattern, words in _PATIENT_WORDS:
        out = pattern.sub(words, out)
    return out


def plain(text: object) -> str:
    """User text as it will be printed: as typed, minus control characters (tabs become spaces)."""
    value = "" if text is None else str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", value)


# C0 controls but the line break, DEL and C1 controls: what ``plain`` drops (one pass, not a test per character)
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
