"""Tables sized to what they hold: Streamlit sizes a column from its header and first rows, so a later
"amended (replaced)" or "Right (non-paretic)" was cut to "amended (" and "Right (non-paret"."""

from __future__ import annotations

from typing import Any

import pandas as pd

CHAR_PX = 7.5  # about one character of the table font (14 px Source Sans)
PADDING_PX = 30  # cell padding and the header's sort icon
MIN_PX, MAX_PX = 60, 420  # past MAX_PX a long text reads better in its tooltip than in a table wider than a tablet


def fitted(frame: pd.DataFrame, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """A ``column_config`` that gives each column the width of its longest text (header included), keeping any
    settings already given in ``config`` (a ``st.column_config`` entry is a dict)."""
    out: dict[str, Any] = dict(config or {})
    for column in frame.columns:
        texts = [str(column), *(str(v) for v in frame[column].tolist() if v is not None)]
        width = int(min(MAX_PX, max(MIN_PX, max(len(t) for t in texts) * CHAR_PX + PADDING_PX)))
        base = out.get(column)
        out[str(column)] = {**base, "width": width} if isinstance(base, dict) else {"width": width}
    return out
