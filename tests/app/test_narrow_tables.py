"""A table that reads on any width (rehab/ui/narrow_tables.py), drawn by AppTest: the width at which it becomes
cards follows the columns that must fit (a width in pixels given by the page kept), and a long table shows cards
for its first rows only, saying so."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import pandas as pd
    import streamlit as st

    from rehab.ui import narrow_tables

    frame = pd.DataFrame({"Name": [f"Patient {i}" for i in range(60)], "Flag": ["Fall risk"] * 60, "Note": ["x"] * 60})
    narrow_tables.table(
        frame,
        key="long",
        title=("Name",),
        config={"Name": st.column_config.TextColumn(width=150), "Flag": st.column_config.TextColumn(width=250)},
        fit=("Name", "Flag"),
        card_columns=("Name", "Flag"),
        max_cards=50,
    )


def test_the_switch_follows_the_columns_that_must_fit_and_a_long_table_cards_its_first_rows() -> None:
    at = AppTest.from_function(_page).run()
    assert not at.exception
    style = at.get("html")[0].proto.body
    assert "@container (max-width: 401.98px)" in style  # 150 + 250 px and the table's border, not "Note"
    assert at.dataframe[0].value.shape == (60, 3)  # the table keeps every row
    cards = [m.value for m in at.markdown if m.value.startswith("**Patient ")]
    assert len(cards) == 50 and cards[0] == "**Patient 0**  \nFlag: Fall risk"  # no "Note" on a card
    assert [c.value for c in at.caption] == ["The first 50 of 60 as cards; search or filter to narrow the list."]
