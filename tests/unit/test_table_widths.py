"""Tables sized to what they hold (issue 15: "amended (" and "Right (non-paret" were cut short because a column
was sized from its header and first rows)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from rehab.ui.tables import MAX_PX, MIN_PX, fitted

texts = st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=40)


@given(texts, st.text(min_size=1, max_size=80))
def test_a_column_is_as_wide_as_its_longest_text_wherever_it_is(rows: list[str], late: str) -> None:
    """A long value in the last row widens the column as much as the same value in the first row."""
    last = fitted(pd.DataFrame({"Status": [*rows, late]}))["Status"]["width"]
    first = fitted(pd.DataFrame({"Status": [late, *rows]}))["Status"]["width"]
    assert last == first
    alone = fitted(pd.DataFrame({"Status": [late]}))["Status"]["width"]
    assert last >= alone and MIN_PX <= last <= MAX_PX


def test_history_status_and_side_get_room_for_their_longest_words() -> None:
    frame = pd.DataFrame({"Status": ["current"] * 30 + ["amended (replaced)"], "Side": ["Right (non-paretic)"] * 31})
    widths = {k: v["width"] for k, v in fitted(frame).items()}
    # wider than a column sized for "current" or for the header alone
    assert widths["Status"] > fitted(pd.DataFrame({"Status": ["current"]}))["Status"]["width"]
    assert widths["Side"] > widths["Status"]  # 19 characters against 18


def test_settings_already_given_are_kept() -> None:
    import streamlit as st_

    config = fitted(pd.DataFrame({"Value": [1.5]}), {"Value": st_.column_config.NumberColumn(format="%g")})
    assert config["Value"]["type_config"]["format"] == "%g" and config["Value"]["width"] >= MIN_PX
