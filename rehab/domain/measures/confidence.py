"""Balance confidence: the Activities-specific Balance Confidence (ABC) scale (reference §2.6)."""

from __future__ import annotations

from rehab.domain.measures._build import cutoff, local, mcid, mdc, scale_items
from rehab.domain.measures.model import Anchor, Measure

# The reference gives 16 activities rated 0-100 % (count confirmed only in a secondary source) but not
# their wording, so items are numbered. The score is the mean of the 16 ratings.
# Defaults: MDC 14 % (stroke, 2°) and MCID (MIC) 15.6 % (subacute stroke, primary).
ABC = Measure(
    key="abc",
    name="Activities-specific Balance Confidence scale",
    construct="confidence",
    unit="%",
    unit_label="%",
    minimum=0,
    maximum=100,
    higher_is_better=True,
    items=scale_items(
        tuple(f"Activity {n}" for n in range(1, 17)),
        0,
        100,
        (Anchor(0, "no confidence"), Anchor(100, "complete confidence")),
        evidence="secondary",
        whole=False,
    ),
    aggregate="mean",
    range_source="16 activities rated 0–100 % confidence; score = mean (study cards, 2° [R40])",
    mdc=(mdc("abc", "stroke", 14, "%", "stroke", "study cards [R40]", "secondary"),),
    mcid=(
        mcid(
            "abc",
            "subacute",
            15.6,
            "%",
            "subacute stroke",
            "2025 study [R40]",
            statistic="MIC anchored to a Mini-BESTest gain of 4 or more; 95 % CI 10.4–21.1 %",
        ),
    ),
    cutoffs=(
        cutoff(
            "abc.cutoff.older_adults",
            "abc_low_confidence",
            "<",
            67,
            "%",
            "Balance confidence below the older-adult fall-risk threshold",
            "older adults",
            "study cards; Lajoie 2004 [R40]",
            "secondary",
        ),
        cutoff(
            "abc.cutoff.stroke_fallers",
            "abc_stroke_faller",
            "<",
            81.1,
            "%",
            "Balance confidence below the stroke faller cut-off",
            "stroke",
            "Beninato 2009 (from memory)",
            "unverified",
        ),
    ),
    codes=(local("abc-score", "Activities-specific Balance Confidence score"),),
    fhir_category="survey",
    core_set=True,
    notes=("Chronic stroke: Cronbach α 0.94, 4-week test–retest ICC 0.85 (Botner 2005 [R40]).",),
)

MEASURES = (ABC,)
