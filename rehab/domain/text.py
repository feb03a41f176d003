"""What typed text the records can hold, decided once for every form and importer."""

from __future__ import annotations

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
