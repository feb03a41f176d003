"""What typed text the records can hold, decided once for every form and importer."""

from __future__ import annotations

import unicodedata

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


# --- identifiers: text that tells one patient (or colleague) from another -------------------------------------

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties) outside category Cf: characters that draw as
# nothing, so two identifiers that differ only by them look the same. (Cf itself is refused as a whole.)
_INVISIBLE_RANGES = (
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x115F, 0x1160),  # HANGUL CHOSEONG/JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ/AA
    (0x180B, 0x180F),  # MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
    (0x2800, 0x2800),  # BRAILLE PATTERN BLANK (not ignorable, but draws as a space)
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTORS
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0x1BCA0, 0x1BCA3),  # SHORTHAND FORMAT CONTROLS
    (0x1D173, 0x1D17A),  # MUSICAL SYMBOL BEGIN/END controls
    (0xE0100, 0xE01EF),  # VARIATION SELECTORS SUPPLEMENT
)
_ZWNJ, _ZWJ = "\u200c", "\u200d"
# Scripts whose spelling uses ZERO WIDTH (NON-)JOINER between two of their letters (UAX #31, A1/A2): there the
# joiner changes how the word is drawn, so it is visible and part of the name. Anywhere else it is invisible.
_JOINING_SCRIPTS = (
    (0x0600, 0x08FF),  # Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, Arabic Extended
    (0x0900, 0x0DFF),  # Devanagari to Sinhala
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFF),  # Arabic Presentation Forms-B
)


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
    for low, high in ranges:
        if low <= code <= high:
            return (low, high)
    return None


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed character')})"


def _joiner_in_a_word(text: str, index: int) -> bool:
    """A ZWNJ/ZWJ between two letters (or marks) of one script that spells with it."""
    if index == 0 or index == len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    if unicodedata.category(before)[0] not in "LM" or unicodedata.category(after)[0] not in "LM":
        return False
    block = _in(ord(before), _JOINING_SCRIPTS)
    return block is not None and block == _in(ord(after), _JOINING_SCRIPTS)


def invisible_character(text: str, *, allow_joiners: bool = False) -> str | None:
    """The first character of ``text`` that is invisible or reorders the text around it (format characters,
    Unicode category Cf: zero-width spaces and joiners, bidirectional controls such as U+202E, the BOM, soft
    hyphen; fillers and variation selectors; private-use, unassigned and line/paragraph separators), or None.

    ``allow_joiners`` keeps ZWNJ/ZWJ inside a word of a script that spells with them (Persian, Hindi...)."""
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category in ("Cf", "Co", "Cn", "Zl", "Zp") or _in(ord(ch), _INVISIBLE_RANGES):
            if allow_joiners and ch in (_ZWNJ, _ZWJ) and _joiner_in_a_word(text, index):
                continue
            return ch
    return None


def _script(ch: str) -> str | None:
    """A letter's script, from its Unicode name ("LATIN", "CYRILLIC", "GREEK"...); None for non-letters."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else None


def identifier_problem(
    value: str, label: str, *, single_script: bool = False, allow_joiners: bool = True
) -> str | None:
    """Why ``value`` cannot identify a person, as a sentence naming ``label``; None when it can.

    Nothing is changed for the user: text holding an invisible or direction-changing character, or text that
    is not in Unicode normalised form NFKC (decomposed accents, full-width or ligature letters), is refused
    with the character named or the normalised spelling suggested, so that two records cannot look the same
    while differing underneath. ``single_script`` (MRNs) also refuses letters of two scripts in one value,
    such as a Cyrillic "А" among Latin letters. Ordinary names in any script, with accents, apostrophes and
    hyphens, pass."""
    ch = invisible_character(value, allow_joiners=allow_joiners)
    if ch is not None:
        kind = "a direction-changing" if unicodedata.bidirectional(ch) in _BIDI_CONTROLS else "an invisible"
        return f"{label} contains {kind} character {_char_name(ch)}; delete it and type the text again."
    normal = unicodedata.normalize("NFKC", value)
    if normal != value:
        return (
            f"{label} is not in normalised form (NFKC): it holds characters that look like others. "
            f"Type it as “{normal}”."
        )
    if single_script:
        scripts: dict[str, str] = {}
        for ch in value:
            script = _script(ch)
            if script is not None:
                scripts.setdefault(script, ch)
        if len(scripts) > 1:
            (first, a), (second, b) = list(scripts.items())[:2]
            return (
                f"{label} mixes {first.title()} and {second.title()} letters ({_char_name(a)} and {_char_name(b)}), "
                "which can look alike; use letters of one script."
            )
    return None


_BIDI_CONTROLS = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "LRM", "RLM", "ALM"})


def identity_key(value: str) -> str:
    """What two identifiers are compared by when checking for a duplicate: NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", value).casefold()
