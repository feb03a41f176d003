"""What a report prints of typed text: as typed, minus control characters (``pdf_text.plain``)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from rehab.exports.pdf_text import plain


def _control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"  # C0, DEL and C1: the Unicode "control" category


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=["Cs"]), max_size=200))
def test_only_control_characters_are_left_out(text: str) -> None:
    out = plain(text)
    typed = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    assert out == "".join(ch for ch in typed if ch == "\n" or not _control(ch))


def test_line_breaks_and_tabs() -> None:
    assert plain("Gait:\r\nslow\rsteady\tpace\x00\x1b[31m\x85\u200bÉlise") == "Gait:\nslow\nsteady pace[31m\u200bÉlise"
    assert plain(None) == ""
