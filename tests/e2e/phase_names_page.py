"""A page that draws one load chart whose early phases are narrow (a 24-week plan: familiarisation 2 weeks, the
early (neural) phase 4, strength 18), for tests/e2e/test_phase_names_browser.py."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from rehab.charts import load_chart

START = date(2026, 1, 5)
WEEK = timedelta(weeks=1)
BANDS = pd.DataFrame(
    [
        {"start": START, "end": START + 2 * WEEK, "label": "Familiarisation", "kind": "phase"},
        {"start": START + 2 * WEEK, "end": START + 6 * WEEK, "label": "Early (neural) phase", "kind": "phase"},
        {"start": START + 6 * WEEK, "end": START + 24 * WEEK, "label": "Strength phase", "kind": "phase"},
        {"start": START, "end": START + 8 * WEEK, "label": "Neural phase (weeks 1–8)", "kind": "neural"},
    ]
)
POINTS = pd.DataFrame(
    [
        {"date": START + timedelta(days=4 * n), "series": series, "value_kg": 30.0 + n, "recorded_by": "Casey"}
        for n in range(40)
        for series in ("Prescribed load", "Performed load")
    ]
)
st.vega_lite_chart(load_chart(POINTS, BANDS, title="Leg press", titled=False), width="stretch")
