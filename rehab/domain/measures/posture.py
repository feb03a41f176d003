"""Posture and trunk measures after stroke: PASS, Trunk Impairment Scale, weight-bearing symmetry (§3)."""

from __future__ import annotations

import math

from rehab.domain.errors import ValidationError
from rehab.domain.measures._build import cutoff, local, mcid, mdc
from rehab.domain.measures.model import Anchor, Item, Measure
from rehab.domain.units import require_number

PASS_SOURCE = "Benaim 1999, Stroke 30:1862; anchors per physio-pedia [R43]"
PASS_ANCHORS_SOURCE = "Benaim 1999 scoring as given by physio-pedia, clinical reference §3.1 [R43]"
PASS_CHANGING_SOURCE = (
    "the clinical reference marks this wording as from memory, not verified (§3.1, §11 item 12); SwePASS "
    "defines 'much help' as support from 2 persons [R43]"
)
_A = Anchor
PASS_ITEMS = (
    Item(
        1,
        "Sitting without support (edge of 50 cm table, feet on floor)",
        0,
        3,
        (
            _A(0, "cannot sit"),
            _A(1, "sits with slight support (e.g. 1 hand)"),
            _A(2, "sits more than 10 s without support"),
            _A(3, "sits 5 min without support"),
        ),
        domain="Maintaining posture",
        anchor_source=PASS_ANCHORS_SOURCE,
    ),
    Item(
        2,
        "Standing with support",
        0,
        3,
        (
            _A(0, "cannot stand, even with support"),
            _A(1, "stands with strong support of 2 people"),
            _A(2, "stands with moderate support of 1 person"),
            _A(3, "stands with support of only 1 hand"),
        ),
        domain="Maintaining posture",
        anchor_source=PASS_ANCHORS_SOURCE,
    ),
    Item(
        3,
        "Standing without support",
        0,
        3,
        (
            _A(0, "cannot stand without support"),
            _A(1, "stands 10 s or leans heavily on 1 leg"),
            _A(2, "stands 1 min or slightly asymmetrically"),
            _A(3, "stands more than 1 min while moving the arms above shoulder level"),
        ),
        domain="Maintaining posture",
        anchor_source=PASS_ANCHORS_SOURCE,
    ),
    *(
        Item(
            n,
            name,
            0,
            3,
            (_A(0, "cannot"), _A(1, "a few seconds"), _A(2, "more than 5 s"), _A(3, "more than 10 s")),
            domain="Maintaining posture",
            anchor_source=PASS_ANCHORS_SOURCE,
        )
        for n, name in ((4, "Standing on non-paretic leg"), (5, "Standing on paretic leg"))
    ),
    # Items 6-12: the anchors are marked MEM in the reference (SwePASS defines "much help" as 2 persons).
    *(
        Item(
            n,
            name,
            0,
            3,
            (_A(0, "cannot"), _A(1, "with much help"), _A(2, "with little help"), _A(3, "without help")),
            domain="Changing posture",
            evidence="unverified",
            anchor_source=PASS_CHANGING_SOURCE,
        )
        for n, name in (
            (6, "Supine to affected-side lateral"),
            (7, "Supine to non-affected-side lateral"),
            (8, "Supine to sitting up on the edge of the table"),
            (9, "Sitting on the edge of the table to supine"),
            (10, "Sit-to-stand (no support)"),
            (11, "Stand-to-sit (no support)"),
            (12, "Standing, picking up a pencil from the floor"),
        )
    ),
)

# PASS defaults are the subacute figures: the reference rates PASS "highly recommended" in acute/subacute
# stroke, and subacute is the one population with both an MDC (2.22, 2°) and an MID (3.0, primary).
PASS = Measure(
    key="pass",
    name="Postural Assessment Scale for Stroke",
    construct="posture",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=36,
    higher_is_better=True,
    whole=True,
    items=PASS_ITEMS,
    aggregate="sum",
    range_source="12 items scored 0–3, total 0–36 (" + PASS_SOURCE + ")",
    default_reason=(
        "Subacute figures are the default (MDC 2.22, 2°; MID 3.0): PASS is recommended in acute and subacute "
        "stroke; 'acute' and 'chronic' select MDC 1.8 and 3.2."
    ),
    mdc=(
        mdc(
            "pass",
            "subacute",
            2.22,
            "points",
            "subacute stroke",
            "UIndy neuro outcome-measures site [R43]",
            "secondary",
        ),
        mdc(
            "pass",
            "acute",
            1.8,
            "points",
            "acute stroke",
            "UIndy neuro outcome-measures site [R43]",
            "secondary",
        ),
        mdc(
            "pass",
            "chronic",
            3.2,
            "points",
            "chronic stroke",
            "UIndy neuro outcome-measures site [R43]",
            "secondary",
        ),
    ),
    mcid=(
        mcid(
            "pass",
            "subacute",
            3.0,
            "points",
            "subacute stroke, n = 240",
            "Braz J Phys Ther 2024 [R43]",
            statistic="MID; Sn 81 %, Sp 75.6 %",
        ),
    ),
    codes=(local("pass-total", "Postural Assessment Scale for Stroke total"),),
    fhir_category="survey",
    notes=(
        "Cronbach α 0.95; inter-rater κ 0.88, test–retest κ 0.72 (Benaim 1999 [R43]).",
        "Cut-offs 3.5 static / 8.5 dynamic / 12.5 total are quoted without their purpose (2°), so no flag "
        "is raised from them.",
    ),
)

TIS_SOURCE = "Verheyden 2004, Clin Rehabil 18:326; rules per MDCalc [R44]"
# Entered as three subscale totals. Item counts per subscale (3 / 10 / 4) are MEM in the reference; the
# subscale ranges are not.
TIS_ITEMS = (
    Item(1, "Static sitting balance", 0, 7, domain="subscale"),
    Item(2, "Dynamic sitting balance", 0, 10, domain="subscale"),
    Item(3, "Coordination", 0, 6, domain="subscale"),
)

# TIS "MDC": the test-retest 95 % limits of agreement are -2.90 to +3.68 (Verheyden 2004). The larger
# limit, 3.68, is used in both directions, so a change is called real only outside both limits.
TIS = Measure(
    key="tis",
    name="Trunk Impairment Scale (Verheyden)",
    construct="posture",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=23,
    higher_is_better=True,
    whole=True,
    items=TIS_ITEMS,
    aggregate="sum",
    range_source="total 0–23: static 0–7, dynamic 0–10, coordination 0–6 (" + TIS_SOURCE + ")",
    default_reason="The larger test–retest limit of agreement, 3.68, is used for gains and losses alike.",
    mdc=(
        mdc(
            "tis",
            "stroke",
            3.68,
            "points",
            "stroke",
            "Verheyden 2004, Clin Rehabil [R44]",
            statistic="95 % limits of agreement, test–retest −2.90 to +3.68",
            note="the larger limit is used in both directions",
        ),
    ),
    mcid=(
        mcid(
            "tis",
            "subacute_assisted",
            2.5,
            "points",
            "subacute stroke requiring assisted ambulation",
            "Yamamoto et al. 2025 [R44]",
            statistic="MIC",
        ),
    ),
    codes=(local("tis-total", "Trunk Impairment Scale total"),),
    fhir_category="survey",
    notes=(
        "Seated on the edge of a bed or table without back or arm support; up to 3 attempts per item, best "
        "counts; no practice. If item 1 scores 0 the total is 0 [R44].",
        "Not the Fujiwara TIS (a different 7-item scale).",
    ),
)

WB_SOURCE = "DUMAS master thesis [R45]"
WB_SYMMETRY = Measure(
    key="wb_symmetry",
    name="Weight-bearing symmetry (% body weight on the paretic leg)",
    construct="posture",
    unit="%",
    unit_label="% BW",
    minimum=0,
    maximum=100,
    higher_is_better=None,
    target=50.0,
    range_source="paretic load / (paretic + non-paretic load) × 100; 50 % is symmetric (reference §3.3)",
    mdc=(mdc("wb_symmetry", "subacute", 5, "% BW", "subacute stroke cohort", WB_SOURCE, "secondary"),),
    cutoffs=(
        cutoff(
            "wb_symmetry.cutoff.asymmetric_low",
            "wb_asymmetric",
            "<",
            41,
            "% BW",
            "Weight bearing asymmetric: too little on the paretic leg",
            "subacute stroke cohort",
            WB_SOURCE,
            "secondary",
        ),
        cutoff(
            "wb_symmetry.cutoff.asymmetric_high",
            "wb_asymmetric",
            ">",
            59,
            "% BW",
            "Weight bearing asymmetric: too much on the paretic leg",
            "subacute stroke cohort",
            WB_SOURCE,
            "secondary",
        ),
    ),
    codes=(local("wb-paretic-percent", "Body weight on the paretic leg"),),
    notes=(
        "Two scales or force plates, one under each foot, quiet stance (reference §3.3).",
        "Ambulant stroke (n = 53): 60.3 % of body weight on the unaffected leg (PMC4777057 [R45]).",
        "Better means closer to 50 %: a change is judged by how much the distance from 50 % shrinks.",
    ),
)


def paretic_load_percent(paretic_load: object, non_paretic_load: object) -> float:
    """% of body weight on the paretic leg from the two scale readings (same unit, e.g. kg).

    The definition (paretic / (paretic + non-paretic) × 100) is marked MEM in the reference: it is
    arithmetic, but confirm the protocol locally.
    """
    paretic = require_number(paretic_load, "paretic_load", minimum=0.0)
    other = require_number(non_paretic_load, "non_paretic_load", minimum=0.0)
    total = paretic + other
    if total <= 0:
        raise ValidationError("non_paretic_load", "both readings are zero: no body weight recorded")
    if not math.isfinite(total):
        raise ValidationError("paretic_load", "is too large")
    return paretic / total * 100.0


MEASURES = (PASS, TIS, WB_SYMMETRY)
