"""The measures catalogue and what the app does with a result: check, score, compare, flag.

Pure Python, usable from a notebook as well as the app::

    from rehab.domain import measures
    measures.score("bbs", [4] * 14)                  # 56.0
    measures.change("tug", 20, 15).verdict           # "real improvement (no clinically important ...)"
    [f.code for f in measures.flags("grip", 14, sex="female", trials=[13, 14, 15])]

Every bad input raises ``rehab.domain.errors.ValidationError`` naming the field. Every MDC, MCID,
cut-off and category carries its population, source and evidence level. Thresholds that are not from a
primary source can be set by a clinic configuration (``overrides=``; see ``overrides``).
"""

from rehab.domain.measures.catalogue import all_measures, batteries, battery, get
from rehab.domain.measures.changes import (
    NO_MDC,
    PACES,
    REAL_AND_MEANINGFUL_DECLINE,
    REAL_AND_MEANINGFUL_IMPROVEMENT,
    REAL_DECLINE,
    REAL_IMPROVEMENT_BELOW_MCID,
    REAL_IMPROVEMENT_NO_MCID,
    WITHIN_MEASUREMENT_ERROR,
    Change,
    change,
    site_key,
)
from rehab.domain.measures.gait import ten_mwt_speed
from rehab.domain.measures.model import (
    EVIDENCE_TEXT,
    LOCAL_SYSTEM,
    LOINC_SYSTEM,
    Anchor,
    Band,
    Battery,
    Category,
    ChangeThreshold,
    Code,
    Cutoff,
    Evidence,
    Flag,
    Item,
    Measure,
)
from rehab.domain.measures.norms import Norm, grip_norm, percent_of_norm, thirty_s_cst_norm
from rehab.domain.measures.overrides import all_populations, check_overrides, thresholds
from rehab.domain.measures.plausibility import (
    PLAUSIBLE,
    PlausibleRange,
    Question,
    Unconfirmed,
    plausible_range,
    question,
)
from rehab.domain.measures.posture import paretic_load_percent
from rehab.domain.measures.scoring import category, grade_index, score, validate_value
from rehab.domain.measures.screening import Screening, flags, needs, screen

__all__ = [
    "EVIDENCE_TEXT",
    "LOCAL_SYSTEM",
    "LOINC_SYSTEM",
    "NO_MDC",
    "PACES",
    "PLAUSIBLE",
    "REAL_AND_MEANINGFUL_DECLINE",
    "REAL_AND_MEANINGFUL_IMPROVEMENT",
    "REAL_DECLINE",
    "REAL_IMPROVEMENT_BELOW_MCID",
    "REAL_IMPROVEMENT_NO_MCID",
    "WITHIN_MEASUREMENT_ERROR",
    "Anchor",
    "Band",
    "Battery",
    "Category",
    "Change",
    "ChangeThreshold",
    "Code",
    "Cutoff",
    "Evidence",
    "Flag",
    "Item",
    "Measure",
    "Norm",
    "PlausibleRange",
    "Question",
    "Screening",
    "Unconfirmed",
    "all_measures",
    "all_populations",
    "batteries",
    "battery",
    "category",
    "change",
    "check_overrides",
    "flags",
    "get",
    "grade_index",
    "grip_norm",
    "needs",
    "paretic_load_percent",
    "percent_of_norm",
    "plausible_range",
    "question",
    "score",
    "screen",
    "site_key",
    "ten_mwt_speed",
    "thirty_s_cst_norm",
    "thresholds",
    "validate_value",
]
