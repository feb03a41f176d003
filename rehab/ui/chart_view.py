"""Every chart is drawn through ``show``: the chart as wide as its container, what it shows in words, and its
data as a table, so a screen reader (which hears a Vega chart only by its description) and anyone who cannot
tell two lines apart reads the same as the sighted reader.

The table is drawn when its "Show data" expander is opened (Streamlit's lazy expander: opening it reruns the
page). Sent with every page, closed, the bench patient's 13 dashboard tables put 1,300 rows (17,000 of the
page's 21,000 elements) into the browser, and Chromium took 3.5–5.1 s rather than 1.0–1.3 s to draw the charts
after the page's script had finished (bench/bench.py's patient, 1,000-patient clinic).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from rehab.charts import ChartText
from rehab.ui.fmt import md_escape


def data_key(key: str) -> str:
    """The session-state key of a chart's "Show data" expander (True while open)."""
    return f"chart_data_{key}"


def show(spec: dict[str, Any], text: ChartText, *, title: str, key: str, subtitle: str | None = None) -> None:
    """Draw ``spec`` with ``text.summary`` as its accessible description and caption, and a "Show data" table.

    With ``subtitle``, the title and subtitle are written above the chart as text, which wraps on a phone (a
    chart's own title is cut short with "…" where it is wider than the chart); ``spec`` then has no title.
    ``key`` tells the chart from the page's others (its expander keeps its open state under ``data_key``).
    """
    if subtitle is not None:
        st.markdown(f"**{md_escape(title)}**")
        st.caption(md_escape(subtitle))
    st.vega_lite_chart({**spec, "description": text.summary}, width="stretch")
    st.caption(md_escape(text.summary))
    data = st.expander(f"Show data: {md_escape(title)}", key=data_key(key), on_change="rerun")
    if not data.open:
        return
    with data:
        if text.table.empty:
            st.write("No data in this period.")
        else:
            # a real HTML table, read cell by cell by screen readers (the data grid is drawn on a canvas)
            st.table(text.table.set_index("Date"))
