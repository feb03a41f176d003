"""Balance measures: Berg, TUG, FGA, Mini-BESTest, functional reach and single-leg stance (reference §2)."""

from __future__ import annotations

from rehab.domain.measures._build import cutoff, local, mcid, mdc, scale_items
from rehab.domain.measures.model import LOINC_SYSTEM, Anchor, Band, Category, Code, Item, Measure

BBS_SOURCE = "mdapp; cliot R package [R23]"
HIENGKAEW_SOURCE = "Hiengkaew, Jitaree & Chaiyawat 2012, Arch Phys Med Rehabil 93:1201 [R102]"
HIENGKAEW_POPULATION = "chronic stroke, able to walk, outpatients, n = 61, test–retest about 6 days apart"
BBS_ITEM_NAMES = (
    "Sitting to standing",
    "Standing unsupported",
    "Sitting with back unsupported, feet supported",
    "Standing to sitting",
    "Transfers",
    "Standing unsupported, eyes closed",
    "Standing unsupported, feet together",
    "Reaching forward with outstretched arm while standing",
    "Picking up object from floor",
    "Turning to look behind over left and right shoulders",
    "Turn 360°",
    "Placing alternate foot on step or stool while standing unsupported",
    "Standing unsupported, one foot in front (tandem)",
    "Standing on one leg",
)
# Item anchors. The clinical reference quotes item 8's from the NIH Common Data Element (CDE) repository
# (NLM; steward NINDS; "Berg Balance Scale (BBS)" CRF module, from Berg et al. 1989 [R23]). The same
# repository publishes the anchors of items 3, 4, 6, 9, 10, 11, 12 and 14 as permissible values, used here
# word for word (punctuation aside) except three evident typesetting faults in the published text: "able to
# able to sit", "2=5 cm(1=2 inches)" (2–5 cm, 1–2 inches) and "hold L 3 seconds" / "unable to try of needs"
# (≥ 3 s; or). The CDE anchors of items 1, 2, 5, 7 and 13 were not found in the copies of the repository
# available when this was written: those items show the scale's general anchors and say so, rather than
# text from an unvetted copy of the scoring sheet.
BBS_GENERAL_ANCHORS = (Anchor(0, "unable / needs help"), Anchor(4, "independent / normal"))


def _anchors(*texts: str) -> tuple[Anchor, ...]:
    """Anchors listed from 4 (best) down to 0, as on the scoring sheet; kept from 0 up, as the form shows them."""
    return tuple(Anchor(4 - i, text) for i, text in enumerate(texts))[::-1]


BBS_CDE_ANCHORS: dict[int, tuple[str, tuple[Anchor, ...]]] = {
    3: ("C14695 'unsupport sit'", _anchors(
        "able to sit safely and securely for 2 minutes",
        "able to sit 2 minutes under supervision",
        "able to sit 30 seconds",
        "able to sit 10 seconds",
        "unable to sit without support 10 seconds",
    )),
    4: ("C14696 'stand sit'", _anchors(
        "sits safely with minimal use of hands",
        "controls descent by using hands",
        "uses back of legs against chair to control descent",
        "sits independently but has uncontrolled descent",
        "needs assist to sit",
    )),
    6: ("C14698 'unsupport stand closed eyes'", _anchors(
        "able to stand 10 seconds safely",
        "able to stand 10 seconds with supervision",
        "able to stand 3 seconds",
        "unable to keep eyes closed 3 seconds but stays safely",
        "needs help to keep from falling",
    )),
    8: ("C14700 'reach forward', as quoted in the clinical reference §2.1", _anchors(
        "reaches forward confidently 25 cm (10 in)",
        "reaches forward 12 cm (5 in)",
        "reaches forward 5 cm (2 in)",
        "needs supervision",
        "loses balance / needs external support",
    )),
    9: ("C14701 'retrieve floor object'", _anchors(
        "able to pick up slipper safely and easily",
        "able to pick up slipper but needs supervision",
        "unable to pick up but reaches 2–5 cm (1–2 inches) from slipper and keeps balance independently",
        "unable to pick up and needs supervision while trying",
        "unable to try / needs assist to keep from losing balance or falling",
    )),
    10: ("C14702 'turn head'", _anchors(
        "looks behind from both sides and weight shifts well",
        "looks behind one side only, other side shows less weight shift",
        "turns sideways only but maintains balance",
        "needs supervision when turning",
        "needs assist to keep from losing balance or falling",
    )),
    11: ("C14703 'turn around'", _anchors(
        "able to turn 360 degrees safely in 4 seconds or less",
        "able to turn 360 degrees safely one side only in 4 seconds or less",
        "able to turn 360 degrees safely but slowly",
        "needs close supervision or verbal cuing",
        "needs assistance while turning",
    )),
    12: ("C14704 'alternate foot step up'", _anchors(
        "able to stand independently and safely and complete 8 steps in 20 seconds",
        "able to stand independently and complete 8 steps in > 20 seconds",
        "able to complete 4 steps without aid with supervision",
        "able to complete > 2 steps, needs minimal assist",
        "needs assistance to keep from falling / unable to try",
    )),
    14: ("C17394 'stand one leg'", _anchors(
        "able to lift leg independently and hold > 10 seconds",
        "able to lift leg independently and hold 5–10 seconds",
        "able to lift leg independently and hold ≥ 3 seconds",
        "tries to lift leg, unable to hold 3 seconds but remains standing independently",
        "unable to try or needs assist to prevent fall",
    )),
}  # fmt: skip
BBS_CDE_SOURCE = "NINDS CDE (NIH CDE repository), Berg Balance Scale element {element}; Berg et al. 1989 [R23]"
BBS_GENERAL_SOURCE = (
    "the scale's general anchors only (0 unable / needs help … 4 independent / normal [R23]); neither the "
    "clinical reference nor the NINDS CDE gives this item's own published descriptions, so score it from the "
    "Berg scoring sheet"
)


def _bbs_item(n: int, name: str) -> Item:
    if n in BBS_CDE_ANCHORS:
        element, anchors = BBS_CDE_ANCHORS[n]
        return Item(n, name, 0, 4, anchors, anchor_source=BBS_CDE_SOURCE.format(element=element))
    return Item(n, name, 0, 4, BBS_GENERAL_ANCHORS, anchor_source=BBS_GENERAL_SOURCE)


BBS_ITEMS = tuple(_bbs_item(n, name) for n, name in enumerate(BBS_ITEM_NAMES, start=1))

# Berg MDC/MCID by population (reference §2.1). Defaults (first entries):
# - MDC: Stevenson 2001, 6 points (MDC90, inpatient stroke rehabilitation): most patients re-tested in
#   rehabilitation are inpatients, and it is the more cautious figure; "chronic" selects Alghadir 2018, 2.7.
# - MCID: 5 points, early subacute stroke needing a walking aid (the population closest to inpatient
#   rehabilitation); "acute" and "chronic" select the other published figures.
# Where a source gives a range, the upper end is used, so a change is called meaningful only when every
# reported figure agrees. "MDC 6.9" is in CPG-derived study cards only (2°, reference §2.1 and §11 item 6:
# no primary source found), so it is catalogued as unverified: off until a clinic signs it off.
# Hiengkaew 2012 (reference §13.11): MDC95 5 points in 61 chronic ambulatory outpatients, selected by
# 'chronic_ambulatory'; 'chronic' keeps Alghadir 2018's 2.7.
BBS = Measure(
    key="bbs",
    name="Berg Balance Scale",
    construct="balance",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=56,
    higher_is_better=True,
    whole=True,
    items=BBS_ITEMS,
    aggregate="sum",
    range_source="14 items scored 0–4, total 0–56 [R23]",
    default_reason=(
        "MDC 6 (Stevenson 2001, inpatients, MDC90) is the default: the more cautious figure, for the usual "
        "re-test in rehabilitation; population 'chronic' selects 2.7 (Alghadir 2018) and an MCID of more "
        "than 2. MCID 5 (early subacute, walking aid) is the default as the population closest to inpatient "
        "rehabilitation; 'acute' selects 12.5 (upper end of 6.5–12.5). 'chronic_ambulatory' selects Hiengkaew "
        "2012's MDC95 5 (chronic stroke outpatients able to walk). 'MDC 6.9' has no primary source and is not "
        "applied unless the clinic signs it off."
    ),
    mdc=(
        mdc(
            "bbs",
            "inpatient",
            6,
            "points",
            "inpatient stroke rehabilitation, n = 48",
            "Stevenson 2001, Aust J Physiother [R24]",
            statistic="MDC90",
        ),
        mdc(
            "bbs",
            "chronic",
            2.7,
            "points",
            "chronic stroke",
            "Alghadir 2018 (PMC6136166) [R26]",
            statistic="SEM 0.98, ICC 0.99",
        ),
        mdc(
            "bbs",
            "chronic_ambulatory",
            5,
            "points",
            HIENGKAEW_POPULATION,
            HIENGKAEW_SOURCE,
            statistic="MDC95 (10 %)",
        ),
        mdc(
            "bbs",
            "stroke",
            6.9,
            "points",
            "stroke (population not stated)",
            "CPG-derived study cards (2°); no primary source found, so treated as from memory (reference §11 item 6)",
            "unverified",
        ),
    ),
    mcid=(
        mcid(
            "bbs",
            "early_subacute_walking_aid",
            5,
            "points",
            "early subacute stroke needing a walking aid",
            "Top Stroke Rehabil 2022 [R28]",
            statistic="ROC, AUC 0.84",
        ),
        mcid(
            "bbs",
            "acute",
            12.5,
            "points",
            "acute stroke",
            "Hayashi 2022, Clin Rehabil [R25]",
            statistic="anchor-based",
            note="reported range 6.5–12.5; the upper end is used. Song 2018 [R29] found 12.5 by ROC, but its "
            "abstract says 13.5",
        ),
        mcid(
            "bbs",
            "chronic",
            2,
            "points",
            "chronic stroke",
            "J Stroke Cerebrovasc Dis 2024 [R25]",
            statistic="ROC; MID more than 2 points",
            strict=True,
        ),
    ),
    # Stroke fall-risk cut-offs span 46.5–50.5 (Matsumoto 2024). Flags are screening prompts, so the end
    # that flags more patients is used, as for TUG (15 of 15–19 s); the message shows the whole range.
    cutoffs=(
        cutoff(
            "bbs.cutoff.stroke_fall_risk",
            "bbs_stroke_fall_risk",
            "<",
            50.5,
            "points",
            "Below the upper end of published stroke fall-risk cut-offs (46.5–50.5, AUC 0.72–0.81)",
            "stroke",
            "Matsumoto 2024, J Rehabil Med (scoping review) [R27]",
        ),
        cutoff(
            "bbs.cutoff.older_adults",
            "bbs_older_adult_fall_risk",
            "<",
            45,
            "points",
            "Below 45, a threshold commonly used for fall risk in older adults",
            "older adults",
            "mdapp [R23]",
            evidence="secondary",
        ),
    ),
    # The 0–20 / 21–40 / 41–56 bands describe mobility (wheelchair / walking with assistance / independent),
    # not a studied fall risk, and come from secondary sources only (mdapp; cliot R package [R23]). They
    # are labelled by what they describe, so a stroke patient with Berg 45 is not told "low fall risk";
    # fall risk is judged by the population's cut-offs above.
    categories=(
        Category(
            "wheelchair", "wheelchair (Berg 0–20 band; 2° source)", Band(0, 20), "general", BBS_SOURCE, "secondary"
        ),
        Category(
            "walking_with_assistance",
            "walking with assistance (Berg 21–40 band; 2° source)",
            Band(21, 40),
            "general",
            BBS_SOURCE,
            "secondary",
        ),
        Category(
            "independent",
            "independent (Berg 41–56 band; 2° source, not a fall-risk judgement)",
            Band(41, 56),
            "general",
            BBS_SOURCE,
            "secondary",
        ),
    ),
    codes=(local("bbs-total", "Berg Balance Scale total"),),
    fhir_category="survey",
    core_set=True,
    notes=(
        "Score 0 on an item the patient cannot do; with hemiparesis the intact arm may be used for the reach "
        "without trunk rotation; no assistive devices (ANPT FAQ, 2° [R23]).",
        "Ceiling effect in higher-functioning chronic stroke: prefer Mini-BESTest or FGA in community "
        "ambulators (Godi 2013, 2°).",
    ),
)

# TUG (reference §2.2): MDC 3.2 s chronic stroke (Alghadir 2018). No MCID in the reference.
TUG = Measure(
    key="tug",
    name="Timed Up and Go",
    construct="balance",
    unit="s",
    unit_label="s",
    minimum=0,
    minimum_inclusive=False,
    maximum=None,
    higher_is_better=False,
    range_source="time in s: rise, walk 3 m (10 ft), turn, return, sit (Podsiadlo 1991 via LOINC [R31])",
    default_reason=(
        "MDC 3.2 s (Alghadir 2018, chronic stroke) is the default; 'chronic_ambulatory' selects Hiengkaew "
        "2012's MDC95 8 s (chronic stroke outpatients able to walk); 'chronic_hemiparesis' selects "
        "Flansbjer's 2.9 s once the clinic signs it off."
    ),
    mdc=(
        mdc(
            "tug",
            "chronic",
            3.2,
            "s",
            "chronic stroke",
            "Alghadir 2018 (PMC6136166) [R26]",
            statistic="SEM 1.16",
        ),
        mdc(
            "tug",
            "chronic_ambulatory",
            8,
            "s",
            HIENGKAEW_POPULATION,
            HIENGKAEW_SOURCE,
            statistic="MDC95 (28 %)",
        ),
        mdc(
            "tug",
            "chronic_hemiparesis",
            2.9,
            "s",
            "chronic hemiparesis",
            "Flansbjer 2005 [R52] (value from memory; the abstract gives only SRD% 13–23 %)",
            "unverified",
            statistic="SRD",
        ),
    ),
    cutoffs=(
        cutoff(
            "tug.cutoff.older_adults",
            "tug_older_adult_fall_risk",
            ">=",
            12,
            "s",
            "At or above the CDC STEADI older-adult figure (below normal)",
            "older adults",
            "CDC STEADI; Bischoff 2003 via LOINC 89422-0 [R31]",
        ),
        cutoff(
            "tug.cutoff.stroke_fall_risk",
            "tug_stroke_fall_risk",
            ">=",
            15,
            "s",
            "At or above the lowest published stroke fall-risk cut-off (15–19 s, AUC 0.66–0.70)",
            "stroke",
            "Matsumoto 2024, J Rehabil Med (scoping review) [R27]",
        ),
        cutoff(
            "tug.cutoff.stroke_andersson",
            "tug_stroke_fall_risk_14",
            ">=",
            14,
            "s",
            "At or above 14 s, a stroke fall-risk cut-off",
            "stroke",
            "Andersson 2006, J Rehabil Med (from memory)",
            "unverified",
        ),
        cutoff(
            "tug.cutoff.ewgsop2_severe",
            "tug_ewgsop2_severe",
            ">=",
            20,
            "s",
            "EWGSOP2 marker of low physical performance (severe sarcopenia if strength and muscle mass are also low)",
            "adults (sarcopenia)",
            "EWGSOP2 [R55]",
        ),
    ),
    codes=(
        Code(
            LOINC_SYSTEM,
            "89423-8",
            "Time to rise from chair, walk 10 feet and back, and return to sitting [TUG]",
        ),
        local("tug", "Timed Up and Go time"),
    ),
    notes=(
        "Under 10 s is typical without balance problems; over 30 s in ADL-dependent adults (Podsiadlo 1991 "
        "[R31]). 13.5 s pooled: Sp 0.74, Sn 0.31 — do not use in isolation (Barry 2014 [R30]).",
        "Not in the APTA core set; a useful adjunct.",
    ),
)

FGA_ITEM_NAMES = (
    "Gait level surface",
    "Change in gait speed",
    "Gait with horizontal head turns",
    "Gait with vertical head turns",
    "Gait and pivot turn",
    "Step over obstacle",
    "Gait with narrow base of support",
    "Gait with eyes closed",
    "Ambulating backwards",
    "Steps",
)
FGA_ANCHORS = (
    Anchor(0, "severe impairment"),
    Anchor(1, "moderate impairment"),
    Anchor(2, "mild impairment"),
    Anchor(3, "normal"),
)
# FGA defaults: MDC 6 points (subacute stroke, primary); MCID "≥ 4 (general)" is 2°, the only MCID.
# Lin 2010's 4.2 in stroke is a minimal detectable change, not an MCID (issue 13's review of the source);
# the value itself is from memory in the reference (§2.5, §11 item 9), so it stays off until signed off.
FGA = Measure(
    key="fga",
    name="Functional Gait Assessment",
    construct="balance",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=30,
    higher_is_better=True,
    whole=True,
    items=scale_items(FGA_ITEM_NAMES, 0, 3, FGA_ANCHORS),
    aggregate="sum",
    range_source="10 items scored 0–3, total 0–30 (SRALAB [R39]); item names from study cards (2°)",
    default_reason=(
        "MDC 6 (van Bloemendaal, subacute stroke, primary) is the default; 'stroke' selects 5.02 (2°). "
        "Lin 2010's stroke MDC 4.2 (from memory) applies only once the clinic signs it off. MCID 4 (general, 2°) "
        "is the only MCID."
    ),
    mdc=(
        mdc(
            "fga",
            "subacute",
            6,
            "points",
            "subacute stroke, median 6 weeks post-stroke",
            "van Bloemendaal et al. [R39]",
            statistic="SEM 2",
        ),
        mdc(
            "fga",
            "stroke",
            5.02,
            "points",
            "stroke",
            "booksci abstract [R39]",
            "secondary",
            statistic="SEM 1.81",
        ),
        mdc(
            "fga",
            "stroke",
            4.2,
            "points",
            "stroke",
            "Lin 2010 (value from memory; reported as an MDC, not an MCID)",
            "unverified",
            suffix="lin_2010",
        ),
    ),
    mcid=(mcid("fga", "general", 4, "points", "general", "study cards [R39]", "secondary"),),
    cutoffs=(
        cutoff(
            "fga.cutoff.older_adults",
            "fga_fall_risk",
            "<=",
            22,
            "points",
            "At or below the fall-risk cut-off for community-dwelling older adults",
            "older adults",
            "Wrisley & Kumar 2010 via NINDS CDE [R39]",
        ),
    ),
    codes=(local("fga-total", "Functional Gait Assessment total"),),
    fhir_category="survey",
    core_set=True,
    notes=(
        "6 m × 30.48 cm walkway, 22.86 cm obstacle; assistive device allowed, no physical assistance [R39].",
        "A patient who cannot walk but has walking goals scores 0 (ANPT FAQ [R21]).",
        "Item names are from study cards (2°).",
    ),
)

# Mini-BESTest (reference §2.4). The 14 items scored 0–2 are marked MEM in the reference; the 0–28 total is
# not. MDC95 3.0 (chronic stroke) and MCID 4.5 (early subacute; anchor range 4.2–4.5, upper end used).
MINI_BESTEST = Measure(
    key="mini_bestest",
    name="Mini-BESTest",
    construct="balance",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=28,
    higher_is_better=True,
    whole=True,
    items=scale_items(tuple(f"Item {n}" for n in range(1, 15)), 0, 2, evidence="unverified"),
    aggregate="sum",
    range_source="total 0–28; 14 items scored 0–2 (item structure unverified, reference §2.4)",
    default_reason="MCID 4.5 is the upper end of the anchor-based 4.2–4.5, the cautious reading.",
    mdc=(
        mdc(
            "mini_bestest",
            "chronic",
            3.0,
            "points",
            "chronic stroke, n = 106",
            "Tsang 2013, Phys Ther 93:1102 [R37]",
            statistic="MDC95",
        ),
    ),
    mcid=(
        mcid(
            "mini_bestest",
            "early_subacute",
            4.5,
            "points",
            "early subacute stroke",
            "Top Stroke Rehabil 2023 [R38]",
            statistic="anchor-based (ROC)",
            note="anchor-based 4.2–4.5; the upper end is used; distribution-based 3",
        ),
    ),
    cutoffs=(
        cutoff(
            "mini_bestest.cutoff.stroke_fall_risk",
            "mini_bestest_fall_risk",
            "<=",
            17.5,
            "points",
            "At or below the chronic-stroke faller cut-off",
            "chronic stroke",
            "Tsang 2013 (from memory)",
            "unverified",
        ),
    ),
    codes=(local("mini-bestest-total", "Mini-BESTest total"),),
    fhir_category="survey",
    notes=("Item names and sections are not in the reference; items are numbered 1–14.",),
)

FRT = Measure(
    key="frt",
    name="Functional Reach Test",
    construct="balance",
    unit="cm",
    unit_label="cm",
    minimum=0,
    maximum=None,
    higher_is_better=True,
    range_source="reach in cm at the 3rd metacarpal head (SRALAB [R41])",
    mcid=(
        mcid(
            "frt",
            "general",
            5,
            "cm",
            "general",
            "calculator site [R41]",
            "unverified",  # reference §2.3 "(2°, unverified)" and §11 item 11: off until a clinic signs it off
            note="quoted as 3–5 cm; the upper end is used",
        ),
    ),
    # Duncan's cut-off is "6 in or less": 6 × 2.54 = 15.24 cm, inclusive (reference §2.3 rounds it to 15.2).
    cutoffs=(
        cutoff(
            "frt.cutoff.older_adults",
            "frt_fall_risk",
            "<=",
            15.24,
            "cm",
            "Reach at or below the fall-risk cut-off of 6 in (15.24 cm)",
            "older adults (Western studies)",
            "Duncan via J Phys Ther Sci 2024 (PMC10904222) [R41]",
        ),
    ),
    codes=(local("frt", "Functional reach distance"),),
    trial_rule="mean",
    trial_rule_source="2 practice + 3 test trials, average of the 3 (Weiner/Duncan, per SRALAB [R41])",
    notes=(
        "The modified (sitting) functional reach is a different test (Katz-Leurer 2009 [R41]).",
        "No MDC was found in the reference.",
    ),
)

SLS = Measure(
    key="sls",
    name="Single-leg stance",
    construct="balance",
    unit="s",
    unit_label="s",
    minimum=0,
    maximum=None,
    higher_is_better=True,
    range_source="time in seconds on one leg; PhenX protocol up to 30 s, 1–2 trials (LOINC 64388-2 [R62])",
    cutoffs=(
        cutoff(
            "sls.cutoff.injurious_falls",
            "sls_below_5_s",
            "<",
            5,
            "s",
            "Unable to stand on one leg for 5 s, the only independent predictor of injurious falls (RR 2.13)",
            "community older adults, n = 316",
            "Vellas 1997, JAGS [R42]",
        ),
    ),
    codes=(local("sls", "Single-leg stance time"),),
    per_side=True,
    notes=(
        "Record paretic and non-paretic stance separately.",
        "The reference gives no rule for combining trials: choose best or mean and record it.",
    ),
)

MEASURES = (BBS, TUG, FGA, MINI_BESTEST, FRT, SLS)
