"""A table that reads on any width: the table where its columns fit, one card a row where they do not.

A table wider than its column scrolls sideways inside itself (at 390 px the treatment page's "Recent sessions"
showed two and a half of its seven columns); a card a row keeps every value on screen, read top to bottom. The
switch is a CSS container query on the width the table would need (its columns sized to their text,
``rehab.ui.tables.fitted``), so it follows the space the page really has: a phone, a tablet beside the sidebar,
or a laptop at 200 % zoom. Only one of the two is shown; the other is hidden from screen readers too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

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
    if isinstance(value, float) and value.is_integer():  # 100.0 kg reads as the table shows it: 100
        return str(int(value))
    if isinstance(value, list | tuple):  # a list column (the caseload's flags): its items, in order
        return ", ".join(_text(v) for v in value if _text(v))
    return str(value)


def _card(row: Mapping[str, object], title: Sequence[str], shown: Sequence[str]) -> str:
    head = " · ".join(t for t in (_text(row[c]) for c in title) if t)
    lines = [f"**{md_escape(head)}**"]
    lines += [f"{md_escape(c)}: {md_escape(_text(row[c]))}" for c in shown if c not in title and _text(row[c])]
    return "  \n".join(lines)


def _sized(frame: pd.DataFrame, config: Mapping[str, Any] | None) -> dict[str, Any]:
    """``config`` with every column sized to its text, except a width the caller set in pixels."""
    given = {
        k: v["width"] for k, v in (config or {}).items() if isinstance(v, dict) and isinstance(v.get("width"), int)
    }
    out = fitted(frame, dict(config or {}))
    for column, width in given.items():
        out[column] = {**out[column], "width": width}
    return out


def table(
    frame: pd.DataFrame,
    *,
    key: str,
    title: Sequence[str],
    columns: Sequence[str] | None = None,
    config: Mapping[str, Any] | None = None,
    fit: Sequence[str] | None = None,
    card_columns: Sequence[str] | None = None,
    card_footer: Callable[[Mapping[str, object]], None] | None = None,
    max_cards: int | None = None,
    placeholder: str | None = None,
) -> None:
    """``frame`` as a table where it fits, else as cards headed by the ``title`` columns' values.

    ``columns``: the columns shown, in order (default all); ``config``: their ``column_config`` (a width in pixels
    is kept, any other column is sized to its text). ``fit``: the columns that must stand side by side for the
    table to be shown (default all shown): a long table may let its last columns scroll inside it on a wide
    screen, but below that width it is cards. ``card_columns``: what a card shows (default every shown column);
    ``card_footer`` draws more inside each card (a link to open the row's patient), given the row. ``max_cards``:
    cards for the first rows only, with a line saying so (each card is a few page elements, and a page run pays
    for every one of them, shown or hidden: 500 cost the caseload about 100 ms a run).
    """
    shown = [str(c) for c in (columns if columns is not None else frame.columns)]
    sized = _sized(frame[shown], config)
    need = sum(int(sized[c]["width"]) for c in (fit if fit is not None else shown)) + _BORDER_PX
    box = f".st-key-readable_{key}"
    st.html(
        f"<style>{box} {{ container-type: inline-size; }}"
        f"@container (max-width: {need - 0.02}px) {{ {box}_table {{ display: none; }} }}"
        f"@container (min-width: {need}px) {{ {box}_cards {{ display: none; }} }}</style>"
    )
    on_card = list(card_columns) if card_columns is not None else shown
    with st.container(key=f"readable_{key}"):
        with st.container(key=f"readable_{key}_table"):
            st.dataframe(
                frame, hide_index=True, width="stretch", column_config=sized, column_order=shown,
                placeholder=placeholder,
            )  # fmt: skip
        with st.container(key=f"readable_{key}_cards", gap="small"):
            carded = frame if max_cards is None else frame.head(max_cards)
            for row in carded.to_dict("records"):
                record = {str(k): v for k, v in row.items()}
                with st.container(border=True):
                    st.markdown(_card(record, title, on_card))
                    if card_footer is not None:
                        card_footer(record)
            if len(carded) < len(frame):
                st.caption(f"The first {len(carded)} of {len(frame)} as cards; search or filter to narrow the list.")
