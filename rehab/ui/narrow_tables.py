"""A table that reads on any width: the table where its columns fit, one card a row where they do not.

A table wider than its column scrolls sideways inside itself (at 390 px the treatment page's "Recent sessions"
showed two and a half of its seven columns); a card a row keeps every value on screen, read top to bottom. The
switch is a CSS container query on the width the table would need (its columns sized to their text,
``rehab.ui.tables.fitted``), so it follows the space the page really has: a phone, a tablet beside the sidebar,
or a laptop at 200 % zoom. Only one of the two is shown; the other is hidden from screen readers too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd
import streamlit as st

from rehab.ui.fmt import md_escape
from rehab.ui.tables import fitted

_BORDER_PX = 2


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _card(row: dict[str, object], title: Sequence[str]) -> str:
    head = " · ".join(t for t in (_text(row[c]) for c in title) if t)
    lines = [f"**{md_escape(head)}**"]
    lines += [f"{md_escape(str(c))}: {md_escape(_text(v))}" for c, v in row.items() if c not in title and _text(v)]
    return "  \n".join(lines)


def table(frame: pd.DataFrame, *, key: str, title: Sequence[str]) -> None:
    """``frame`` as a table where it fits, else as cards headed by the ``title`` columns' values."""
    config = fitted(frame)
    need = sum(int(c["width"]) for c in config.values()) + _BORDER_PX
    box = f".st-key-readable_{key}"
    st.html(
        f"<style>{box} {{ container-type: inline-size; }}"
        f"@container (max-width: {need - 0.02}px) {{ {box}_table {{ display: none; }} }}"
        f"@container (min-width: {need}px) {{ {box}_cards {{ display: none; }} }}</style>"
    )
    with st.container(key=f"readable_{key}"):
        with st.container(key=f"readable_{key}_table"):
            st.dataframe(frame, hide_index=True, width="stretch", column_config=config)
        with st.container(key=f"readable_{key}_cards", gap="small"):
            for row in frame.to_dict("records"):
                with st.container(border=True):
                    st.markdown(_card({str(k): v for k, v in row.items()}, title))
