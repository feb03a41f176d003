"""What typed text the records can hold, decided once for every form and importer."""

from __future__ import annotations

from rehab.domain.errors import ValidationError

_LINE_BREAKS = frozenset("\n\r\t")


def unstorable(text: str, *, multiline: bool = False) -> bool:
    """True for control characters (NUL, C0, DEL, C1) and lone surrogates.

    PostgreSQL refuses NUL in text and neither engine can encode a lone surrogate as UTF-8; refusing them at
    the field keeps a clear message next to it instead of a failed save. Tabs and line breaks are allowed
    in free-text notes only."""
    for ch in text:
        code = ord(ch)
        if code < 32 or 0x7F <= code < 0xA0:
            if not (multiline and ch in _LINE_BREAKS):
                return True
        elif 0xD800 <= code <= 0xDFFF:
            return True
    return False


FREE_TEXT_MAX = 2000  # characters in a note or reason: a paragraph, not a document


def free_text(raw: object, field: str, *, limit: int = FREE_TEXT_MAX) -> str:
    """Typed free text (notes, reasons), stripped; '' when blank. Refused, naming ``field``, when it is not
    text, too long, or holds characters no record can store."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(field, "must be text")
    if len(raw) > limit:
        raise ValidationError(field, f"must be {limit} characters or fewer")
    if unstorable(raw, multiline=True):
        raise ValidationError(field, "contains characters that cannot be stored")
    return raw.strip()


def storable(text: str) -> str:
    """``text`` without the characters no record can store (for names the system records, e.g. a file name)."""
    return "".join(ch for ch in text if not unstorable(ch))
