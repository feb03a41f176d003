"""Every chart is drawn through ``show``: the chart as wide as its container, what it shows in words, and its
data as a table, so a screen reader (which hears a Vega chart only by its description) and anyone who cannot
tell two lines apart reads the same as the sighted reader."""

from __future__ import annotations

from typing import Any

import streamlit as st

from rehab.charts import ChartText
from rehab.ui.fmt import md_escape


def show(spec: dict[str, Any], text: ChartText, *, title: str, subtitle: str | None = None) -> None:
    """Draw ``spec`` with ``text.summary`` as its accessible description and caption, and a "Show data" table.

    With ``subtitle``, the title and subtitle are written above the chart as text, which wraps on a phone (a
    chart's own title is cut short with "…" where it is wider than the chart); ``spec`` then has no title.
    """
    if subtitle is not None:
        st.markdown(f"**{md_escape(title)}**")
        st.caption(md_escape(subtitle))
    st.vega_lite_chart({**spec, "description": text.summary}, width="stretch")
    st.caption(md_escape(text.summary))
    with st.expander(f"Show data: {md_escape(title)}"):
        if text.table.empty:
            st.write("No data in this period.")
        else:
            # a real HTML table, read cell by cell by screen readers (the data grid is drawn on a canvas)
            st.table(text.table.set_index("Date"))
