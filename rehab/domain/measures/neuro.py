"""Neuro-rehabilitation core measures after stroke (clinical reference §13.1–13.6).

Fugl-Meyer motor (upper and lower extremity), Modified Ashworth Scale, Functional Ambulation Categories,
Trunk Control Test, Motricity Index (arm and leg) and the Action Research Arm Test. Every number here is
from §13 of the reference with its tag; figures the reference marks UNVERIFIED are catalogued with
``evidence="unverified"`` and are not applied until a clinic signs them off (``overrides``).

The scoring rules of these instruments (Fugl-Meyer part V gating, the Motricity Index "+1", Lyle's ARAT
shortcut, the Trunk Control Test's 0/12/25) are pure functions below; ``rehab.domain.measures.scoring``
calls them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Literal

from rehab.domain.errors import ValidationError
from rehab.domain.measures._build import local, mcid, mdc
from rehab.domain.measures.model import Anchor, Band, Category, Evidence, Item, Measure
from rehab.domain.units import fmt, require_number

_A = Anchor

# --- Fugl-Meyer motor (§13.1) ------------------------------------------------------------------------------

FMA_SOURCE = "Fugl-Meyer et al. 1975, Scand J Rehabil Med 7:13; Gothenburg protocol [R67]; SRALAB [R66]"
FMA_ANCHORS = (_A(0, "cannot perform"), _A(1, "performs partially"), _A(2, "performs fully"))
FMA_REFLEX_ANCHORS = (_A(0, "no reflex activity"), _A(2, "reflex can be elicited"))
REFLEX = (0.0, 2.0)


def _fma(
    number: int,
    name: str,
    domain: str,
    *,
    reflex: bool = False,
    anchors: tuple[Anchor, ...] | None = None,
    evidence: Evidence = "primary",
) -> Item:
    return Item(
        number,
        name,
        0,
        2,
        anchors or (FMA_REFLEX_ANCHORS if reflex else FMA_ANCHORS),
        domain=domain,
        allowed=REFLEX if reflex else (),
        evidence=evidence,
    )


_UE_I = "A.I Reflex activity"
_UE_II = "A.II Volitional movement within synergies"
_UE_III = "A.III Mixing synergies"
_UE_IV = "A.IV Little or no synergy"
_UE_V = "A.V Normal reflex activity"
_UE_B = "B. Wrist"
_UE_C = "C. Hand"
_UE_D = "D. Coordination / speed"
_UE_ROWS: tuple[tuple[str, str, bool, Evidence], ...] = (
    ("Flexors: biceps and/or finger flexors", _UE_I, True, "primary"),
    ("Extensors: triceps", _UE_I, True, "primary"),
    ("Flexor synergy: shoulder retraction", _UE_II, False, "primary"),
    ("Flexor synergy: shoulder elevation", _UE_II, False, "primary"),
    ("Flexor synergy: shoulder abduction 90°", _UE_II, False, "primary"),
    ("Flexor synergy: shoulder external rotation", _UE_II, False, "primary"),
    ("Flexor synergy: elbow flexion", _UE_II, False, "primary"),
    ("Flexor synergy: forearm supination", _UE_II, False, "primary"),
    ("Extensor synergy: shoulder adduction / internal rotation", _UE_II, False, "primary"),
    ("Extensor synergy: elbow extension", _UE_II, False, "primary"),
    ("Extensor synergy: forearm pronation", _UE_II, False, "primary"),
    ("Hand to lumbar spine", _UE_III, False, "primary"),
    ("Shoulder flexion 0–90° (elbow at 0°)", _UE_III, False, "primary"),
    ("Pronation–supination (elbow 90°, shoulder 0°)", _UE_III, False, "primary"),
    # Part IV wording is UNVERIFIED in the reference (§13.15 item 1): the believed wording, marked.
    ("Shoulder abduction 0–90° (wording unverified)", _UE_IV, False, "unverified"),
    ("Shoulder flexion 90–180° (wording unverified)", _UE_IV, False, "unverified"),
    ("Pronation–supination, elbow at 0° (wording unverified)", _UE_IV, False, "unverified"),
    ("Normal reflex activity", _UE_V, False, "primary"),
    # The reference gives the item count of parts B and C ("items 7a–e", "8a–g"), not their wording:
    # score them from the official Gothenburg protocol form.
    *((f"Wrist item 7{c} (Gothenburg protocol)", _UE_B, False, "primary") for c in "abcde"),
    *((f"Hand item 8{c} (Gothenburg protocol)", _UE_C, False, "primary") for c in "abcdefg"),
    ("Tremor", _UE_D, False, "primary"),
    ("Dysmetria", _UE_D, False, "primary"),
    ("Time (compared with the unaffected side)", _UE_D, False, "primary"),
)
FMA_UE_ITEMS = tuple(
    _fma(n, name, domain, reflex=reflex, evidence=evidence)
    for n, (name, domain, reflex, evidence) in enumerate(_UE_ROWS, start=1)
)

_LE_I = "E.I Reflex activity (supine)"
_LE_II = "E.II Volitional movement within synergies (supine)"
_LE_III = "E.III Mixing synergies (sitting)"
_LE_IV = "E.IV Little or no synergy (standing, hip 0°)"
_LE_V = "E.V Normal reflex activity"
_LE_F = "F. Coordination / speed (supine, heel to opposite knee 5×)"
FMA_LE_ITEMS = (
    _fma(1, "Knee flexors", _LE_I, reflex=True),
    _fma(2, "Patellar and/or Achilles (at least one)", _LE_I, reflex=True),
    _fma(3, "Flexor synergy: hip flexion", _LE_II),
    _fma(4, "Flexor synergy: knee flexion", _LE_II),
    _fma(5, "Flexor synergy: ankle dorsiflexion", _LE_II),
    _fma(6, "Extensor synergy: hip extension", _LE_II),
    _fma(7, "Extensor synergy: hip adduction", _LE_II),
    _fma(8, "Extensor synergy: knee extension", _LE_II),
    _fma(9, "Extensor synergy: ankle plantar flexion", _LE_II),
    _fma(
        10, "Knee flexion beyond 90°", _LE_III, anchors=(_A(0, "none"), _A(1, "less than 90°"), _A(2, "more than 90°"))
    ),
    _fma(11, "Ankle dorsiflexion", _LE_III, anchors=(_A(0, "none"), _A(1, "limited"), _A(2, "complete"))),
    _fma(12, "Knee flexion to 90° without simultaneous hip flexion", _LE_IV),
    _fma(13, "Ankle dorsiflexion", _LE_IV),
    _fma(
        14,
        "Normal reflex activity (only if part IV scored 4)",
        _LE_V,
        anchors=(
            _A(0, "0 points on part IV, or 2 of 3 reflexes markedly hyperactive"),
            _A(1, "1 reflex markedly hyperactive or at least 2 lively"),
            _A(2, "at most 1 reflex lively, none hyperactive"),
        ),
    ),
    _fma(15, "Tremor", _LE_F, anchors=(_A(0, "marked"), _A(1, "slight"), _A(2, "none"))),
    _fma(
        16,
        "Dysmetria",
        _LE_F,
        anchors=(_A(0, "pronounced or unsystematic"), _A(1, "slight and systematic"), _A(2, "none")),
    ),
    _fma(
        17,
        "Time (compared with the unaffected side)",
        _LE_F,
        anchors=(
            _A(0, "more than 5 s slower"),
            _A(1, "2–5 s slower"),
            _A(2, "at most 1 s difference"),
        ),
    ),
)

FMA_UE_PARTS: dict[str, tuple[int, ...]] = {
    "A (upper arm, 0–36)": tuple(range(1, 19)),
    "B + C (wrist/hand, 0–24)": tuple(range(19, 31)),
    "D (coordination/speed, 0–6)": (31, 32, 33),
}
FMA_LE_PARTS: dict[str, tuple[int, ...]] = {
    "E (lower extremity, 0–28)": tuple(range(1, 15)),
    "F (coordination/speed, 0–6)": (15, 16, 17),
}
FMA_INCOMPLETE_RULE = (
    "The total is not computed while an item is not tested: no official rule for untestable items (pain, cast, "
    "contracture, refusal) was found (clinical reference §13.1), so 0 is never put in its place."
)


def fma_incomplete(key: str, items: Sequence[object]) -> str | None:
    """Why a Fugl-Meyer total cannot be computed ("Incomplete: item 12 not tested ..."), naming each item not
    tested (None) and giving the subtotal of each part whose items are all scored; None when nothing is missing."""
    catalogued = FMA_UE_ITEMS if key == "fma_ue" else FMA_LE_ITEMS
    missing = [item for item, v in zip(catalogued, items, strict=False) if v is None]
    if not missing:
        return None
    numbers = [str(i.number) for i in missing]
    which = f"item {numbers[0]}" if len(numbers) == 1 else "items " + ", ".join(numbers[:-1]) + " and " + numbers[-1]
    named = "; ".join(f"{i.number}: {i.domain}, {i.name}" for i in missing)
    done = []
    for part, members in (FMA_UE_PARTS if key == "fma_ue" else FMA_LE_PARTS).items():
        scored = [v for v in (items[n - 1] for n in members) if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(scored) == len(members):
            done.append(f"{part} {fmt(math.fsum(float(v) for v in scored))}")
    parts = f" Parts fully scored: {'; '.join(done)}." if done else ""
    return f"Incomplete: {which} not tested ({named}). {FMA_INCOMPLETE_RULE}{parts}"


FMA_UE_EARLY = "moderate–severe, baseline within 2 weeks of stroke, retest 6 weeks later, n = 51"

FMA_UE = Measure(
    key="fma_ue",
    name="Fugl-Meyer Assessment, upper extremity (motor)",
    construct="motor",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=66,
    higher_is_better=True,
    whole=True,
    items=FMA_UE_ITEMS,
    aggregate="sum",
    range_source="33 items scored 0/1/2 (reflex items 0 or 2), total 0–66 (" + FMA_SOURCE + "; Hijikata 2020 [R68])",
    default_reason=(
        "Figures are chosen by phase after the stroke: early subacute takes the NNR 2023 MDC 6.82 and MCID 13 "
        "(moderate–severe, 1 → 6 weeks); 'subacute' the small-sample interday MDC 1.52 and MCID 10; chronic "
        "the MCID 7.25 (upper end of Page 2012's 4.25–7.25). See 2013's chronic MDC and the NINDS CDE "
        "'4.5–7.0' are not applied unless the clinic signs them off."
    ),
    mdc=(
        mdc(
            "fma_ue",
            "early_subacute",
            6.82,
            "points",
            FMA_UE_EARLY,
            "Neurorehabil Neural Repair 2023;37(8):545–553 [R72]",
            statistic="MDC, SEM 2.46; confidence level not stated in the abstract",
        ),
        mdc(
            "fma_ue",
            "subacute",
            1.52,
            "points",
            "subacute stroke, n = 15 (small sample), Tehran",
            "USWR Phys Treat J 2016;5:225–230 [R73]",
            statistic="interday MDC, ICC 0.99; confidence level not stated",
        ),
        mdc(
            "fma_ue",
            "chronic",
            5.2,
            "points",
            "chronic stroke (See et al. 2013, as recalled)",
            "from memory (See et al. 2013, reference §13.15 item 2: believed, not found)",
            "unverified",
        ),
    ),
    mcid=(
        mcid(
            "fma_ue",
            "early_subacute",
            13,
            "points",
            FMA_UE_EARLY,
            "Neurorehabil Neural Repair 2023 [R72]",
            statistic="ROC vs GROC arm weakness (12 vs GROC recovery, 9 vs mRS)",
        ),
        mcid(
            "fma_ue",
            "inpatient",
            12.4,
            "points",
            "convalescent ward, moderate–severe, mean 49.4 days post onset, n = 14",
            "Hiragami 2019, J Phys Ther Sci 31:917 [R71]",
            statistic="mean change of the 'a little better, meaningful' GRC group; upper arm 5.6, wrist/hand 4.9",
        ),
        mcid(
            "fma_ue",
            "subacute",
            10,
            "points",
            "subacute stroke, mean 8.42 weeks, 4-week training, n = 71",
            "Top Stroke Rehabil 2011;18 suppl 1:599–610 [R70]",
            statistic="anchor patient global rating (Sn 97.6 %, Sp 89.7 %); 9 with anchor mRS",
            note="authors not shown on the page found",
        ),
        mcid(
            "fma_ue",
            "chronic",
            7.25,
            "points",
            "chronic stroke, minimal–moderate impairment, n = 146",
            "Page, Fulk & Boyne 2012, Phys Ther 92:791 [R69]",
            statistic="CID range 4.25–7.25 (ROC vs therapist GROC); the upper end is used",
        ),
        mcid(
            "fma_ue",
            "general",
            7.0,
            "points",
            "population not stated",
            "NINDS CDE '4.5–7.0' [R66]; the reference says not to use it (no source or population)",
            "unverified",
        ),
    ),
    categories=(
        Category("severe", "Severe (0–25)", Band(0, 25), "stroke", "2025 systematic review of 57 studies [R76]"),
        Category("moderate", "Moderate (26–50)", Band(26, 50), "stroke", "2025 systematic review of 57 studies [R76]"),
        Category("mild", "Mild (51–66)", Band(51, 66), "stroke", "2025 systematic review of 57 studies [R76]"),
    ),
    codes=(local("fma-ue-total", "Fugl-Meyer Assessment upper extremity motor total"),),
    fhir_category="survey",
    notes=(
        "Test the non-affected limb first; up to 3 trials on the affected side, score the best; coordination "
        "once; no physical assistance [R67]. Score from the official Gothenburg protocol.",
        "Subtotals: A upper arm 0–36, B + C wrist/hand 0–24, D coordination/speed 0–6 (maxima computed, §13.1).",
        "Part IV item wording and the part V gating rule for the upper extremity are unverified (§13.15 "
        "item 1), so part V is not gated here as it is for the lower extremity.",
        "Severity bands are descriptive (how studies labelled severity), not outcome-validated [R76].",
        "All 33 items are required: no official rule for untestable items was found, and 0 is never "
        "substituted for an item not tested.",
        "No LOINC code found; exported with a local code [R113].",
    ),
)

FMA_LE = Measure(
    key="fma_le",
    name="Fugl-Meyer Assessment, lower extremity (motor)",
    construct="motor",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=34,
    higher_is_better=True,
    whole=True,
    items=FMA_LE_ITEMS,
    aggregate="sum",
    range_source="17 items scored 0/1/2 (reflex items 0 or 2), total 0–34 (" + FMA_SOURCE + "; [R68])",
    default_reason=(
        "Chronic ambulatory patients take Hiengkaew 2012's MDC95 4; acute, the inter-rater MDC 3.23; otherwise "
        "Beckerman 1996's error threshold (a change under 5 points is 'stable'). MCID 6 was derived in "
        "chronic stroke (Pandian 2016)."
    ),
    mdc=(
        mdc(
            "fma_le",
            "chronic_ambulatory",
            4,
            "points",
            "chronic stroke, able to walk, outpatients, n = 61, test–retest about 6 days apart",
            "Hiengkaew, Jitaree & Chaiyawat 2012, Arch Phys Med Rehabil 93:1201 [R102]",
            statistic="MDC95 (16 %)",
        ),
        mdc(
            "fma_le",
            "acute",
            3.23,
            "points",
            "acute stroke (scoping review)",
            "Nakazono 2025, Phys Ther Res 28:137 [R75]",
            statistic="inter-rater MDC; confidence level not given in the abstract",
        ),
        mdc(
            "fma_le",
            "stroke",
            5,
            "points",
            "stroke, n = 49, 3-week retest",
            "Beckerman 1996, Scand J Rehabil Med 28:3 [R75]",
            statistic="error threshold: a change under 5 points is 'stable' (ICC 0.86, SEM 1.76)",
        ),
    ),
    mcid=(
        mcid(
            "fma_le",
            "chronic",
            6,
            "points",
            "chronic stroke (> 6 months, mean 16.4 months, mean age 44), n = 65",
            "Pandian 2016, Top Stroke Rehabil 23:233 [R74]",
            statistic="ROC; anchors FAC (Sn 90, Sp 94) and patient global rating (Sn 87, Sp 91)",
        ),
    ),
    codes=(local("fma-le-total", "Fugl-Meyer Assessment lower extremity motor total"),),
    fhir_category="survey",
    notes=(
        "Part V (item 14) is scored only when part IV (items 12–13) scores the full 4; otherwise the protocol "
        "scores it 0 [R67], and any other score is refused.",
        "Coordination 'time': the protocol text leaves a 1–2 s side difference undefined [R67]; agree a local "
        "rule and note the seconds of both sides.",
        "Subtotals: E 0–28, F coordination/speed 0–6 (computed).",
        "All 17 items are required; 0 is never substituted for an item not tested.",
        "No LOINC code found; exported with a local code [R113].",
    ),
)

# --- Modified Ashworth Scale (§13.2) -----------------------------------------------------------------------

MAS_GRADES = ("0", "1", "1+", "2", "3", "4")
MAS_DEFINITIONS = {
    "0": "No increase in muscle tone",
    "1": "Slight increase in tone: catch and release, or minimal resistance at the end of the range",
    "1+": "Slight increase in tone: catch followed by minimal resistance throughout the remainder (less than "
    "half) of the range",
    "2": "More marked increase through most of the range, but the part is easily moved",
    "3": "Considerable increase in tone, passive movement difficult",
    "4": "Affected part(s) rigid in flexion or extension",
}
MAS_MUSCLES = (
    "Elbow flexors",
    "Elbow extensors",
    "Wrist flexors",
    "Finger flexors",
    "Shoulder adductors",
    "Hip adductors",
    "Knee extensors",
    "Knee flexors",
    "Ankle plantar flexors",
)
"""Muscle groups offered on the form (any other can be typed); MAS is graded per muscle group and side."""

MAS = Measure(
    key="mas",
    name="Modified Ashworth Scale",
    construct="tone",
    # The stored number is the grade's position (1+ is 2), not the grade: its unit says so, and exports carry
    # the grade itself ("1+") beside it.
    unit="{grade_position}",
    unit_label="grade",
    minimum=0,
    maximum=len(MAS_GRADES) - 1,
    higher_is_better=False,
    whole=True,
    grades=MAS_GRADES,
    range_source="grades 0, 1, 1+, 2, 3, 4 per muscle group and side (Bohannon & Smith 1987, Phys Ther 67 [R77])",
    codes=(local("mas-grade", "Modified Ashworth Scale grade"),),
    per_side=True,
    notes=(
        "An ordinal grade per muscle group and side: 1+ is its own grade between 1 and 2, not 1.5. Grades are "
        "never averaged, subtracted or summed across muscles; a change is reported as a shift of grade (§13.2).",
        "Definitions are the short labels found; the verbatim 1987 wording, the standard position and velocity "
        "are unverified (§13.15 item 6): record position and protocol in the context.",
        "Original study: elbow flexors, 30 patients, 86.7 % agreement, Kendall's tau 0.847 [R77]. Agreement with "
        "a biomechanical measure was poor one week after stroke (κ 0.366; Pandyan 2001 [R78]).",
        "No MDC or MCID applies (6-level ordinal per muscle). No LOINC code found [R113].",
    ),
)

# --- Functional Ambulation Categories (§13.3) --------------------------------------------------------------

FAC_SOURCE = "Holden et al. 1984, Phys Ther 64:35–40; FAC appendix and MGH instructions [R80]"
FAC_LEVELS = (
    (
        "Nonfunctional ambulator",
        "Cannot ambulate, ambulates in parallel bars only, or needs supervision or physical assistance from more "
        "than one person to walk safely outside the bars",
    ),
    (
        "Dependent, physical assistance level II",
        "Manual contact of no more than 1 person on level surfaces to prevent falling; contact continuous and "
        "needed to support body weight as well as balance or coordination",
    ),
    (
        "Dependent, physical assistance level I",
        "Manual contact of no more than 1 person on level surfaces; continuous or intermittent light touch to "
        "assist balance or coordination",
    ),
    (
        "Dependent, supervision",
        "Walks on level surfaces without manual contact but needs standby guarding of no more than 1 person "
        "(poor judgement, questionable cardiac status, or verbal cueing)",
    ),
    (
        "Independent, level surfaces only",
        "Walks independently on level surfaces but needs supervision or assistance on stairs, inclines or "
        "non-level surfaces",
    ),
    ("Independent", "Walks independently on non-level and level surfaces, stairs and inclines"),
)
FAC = Measure(
    key="fac",
    name="Functional Ambulation Categories",
    construct="gait",
    unit="{category}",
    unit_label="category",
    minimum=0,
    maximum=5,
    higher_is_better=True,
    whole=True,
    grades=tuple(str(n) for n in range(6)),
    range_source="categories 0–5 (" + FAC_SOURCE + "); NINDS CDE numbers the same categories 1–6",
    categories=tuple(
        Category(f"fac_{n}", f"FAC {n}: {label}", Band(n, n), "any", FAC_SOURCE)
        for n, (label, _) in enumerate(FAC_LEVELS)
    ),
    codes=(local("fac", "Functional Ambulation Category"),),
    fhir_category="survey",
    notes=(
        "Rate the most independent level; 'ambulate' = at least 3 m (10 ft) outside parallel bars, any device "
        "but the bars; sit-to-stand is not part of the rating [R80].",
        "Numbering: 0–5 here (Holden; TWIST uses FAC ≥ 4 as independent walking [R94]); NINDS CDE numbers the "
        "same categories 1–6 — convert before entering.",
        "FAC ≥ 4 after 4 weeks of rehabilitation predicted community ambulation at 6 months (Sn 100 %, Sp 78 %; "
        "55 non-ambulatory first-ever stroke, Mehrholz 2007 [R81]).",
        "An ordinal category: a change is a shift of category; no MDC or MCID applies. No LOINC code found.",
    ),
)

# --- Trunk Control Test (§13.4) ----------------------------------------------------------------------------

TCT_SOURCE = "Collin & Wade 1990, J Neurol Neurosurg Psychiatry 53:576 [R82]"
TCT_SCORES = (0.0, 12.0, 25.0)
_TCT_ANCHORS = (
    _A(0, "unable to do without assistance"),
    _A(12, "able to do, but with non-muscular help or in an abnormal style"),
    _A(25, "able to complete the task normally"),
)
TCT_ITEMS = (
    Item(1, "Roll to the weak (paretic) side", 0, 25, _TCT_ANCHORS, allowed=TCT_SCORES),
    Item(2, "Roll to the strong side", 0, 25, _TCT_ANCHORS, allowed=TCT_SCORES),
    Item(
        3,
        "Sitting balance on the edge of the bed, feet off the ground, at least 30 s",
        0,
        25,
        (_TCT_ANCHORS[0], _A(12, "able to do, but uses arms to steady self"), _TCT_ANCHORS[2]),
        allowed=TCT_SCORES,
    ),
    Item(4, "Sit up from lying down", 0, 25, _TCT_ANCHORS, allowed=TCT_SCORES),
)
TCT_TOTALS = tuple(sorted({math.fsum(c) for c in product(TCT_SCORES, repeat=4)}))
"""0, 12, 24, 25, 36, 37, 48, 49, 50, 61, 62, 74, 75, 87, 100: the only sums of four 0/12/25 items (§13.4)."""

TCT = Measure(
    key="tct",
    name="Trunk Control Test",
    construct="posture",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=100,
    higher_is_better=True,
    whole=True,
    items=TCT_ITEMS,
    aggregate="sum",
    allowed_totals=TCT_TOTALS,
    range_source="4 items scored 0, 12 or 25, total 0–100 (" + TCT_SOURCE + ")",
    codes=(local("tct-total", "Trunk Control Test total"),),
    fhir_category="survey",
    notes=(
        "Patient on a bed. All 4 items are required (no rule for a missing item was found) [R82].",
        "TWIST: TCT > 40 at 1 week (that is, ≥ 48) → independent walking within 6 weeks [R93]. TCT ≥ 50 at 6 "
        "weeks predicting walking by 18 weeks is from a secondary score sheet only [R82].",
        "Reliability, MDC and MCID in stroke were not found (§13.15 item 7): no change figure is applied.",
        "Ceiling effect; less responsive than the Trunk Impairment Scale in subacute patients needing walking "
        "assistance (Yamamoto 2025 [R44]). No LOINC code found.",
    ),
)

# --- Motricity Index (§13.5) -------------------------------------------------------------------------------

MI_SOURCE = "Demeurisse et al. 1980; Collin & Wade 1990 guidelines; SRALAB and MI score sheet [R83]"
MI_POINTS = (0.0, 9.0, 14.0, 19.0, 25.0, 33.0)
MI_PINCH_POINTS = (0.0, 11.0, 19.0, 22.0, 26.0, 33.0)
_MI_ANCHORS = (
    _A(0, "no movement"),
    _A(9, "palpable contraction, no movement"),
    _A(14, "visible movement, not full range / not against gravity"),
    _A(19, "full range against gravity, not against resistance"),
    _A(25, "movement against resistance, weaker than the other side"),
    _A(33, "normal power"),
)
_MI_PINCH_ANCHORS = (
    _A(0, "no movement"),
    _A(11, "beginnings of prehension"),
    _A(19, "grips the cube, cannot hold it against gravity"),
    _A(22, "holds the cube against gravity, not against a weak pull"),
    _A(26, "holds the cube against a weak pull, weaker than the other side"),
    _A(33, "normal pinch"),
)


def _mi(number: int, name: str, *, pinch: bool = False, at_14: str = "") -> Item:
    anchors: tuple[Anchor, ...] = _MI_PINCH_ANCHORS if pinch else _MI_ANCHORS
    if at_14:
        anchors = tuple(_A(14, at_14) if a.score == 14 else a for a in anchors)
    return Item(number, name, 0, 33, anchors, allowed=MI_PINCH_POINTS if pinch else MI_POINTS)


MI_ARM_ITEMS = (
    _mi(1, "Pinch grip: 2.5 cm cube between thumb and forefinger", pinch=True),
    _mi(
        2,
        "Elbow flexion from 90° (touch the shoulder)",
        at_14="movement seen with the elbow out and the arm horizontal",
    ),
    _mi(3, "Shoulder abduction (flexed elbow moved off the chest)"),
)
MI_LEG_ITEMS = (
    _mi(1, "Ankle dorsiflexion from a plantar-flexed position"),
    _mi(2, "Knee extension (foot unsupported, knee at 90°)", at_14="less than 50 % of full extension"),
    _mi(3, "Hip flexion from 90° (knee towards the chin)"),
)
_MI_NOTES = (
    "Usually tested sitting (chair or bed edge), lying if necessary; weights reflect how hard each step of "
    "recovery is in the first 6 months [R83].",
    "Score = sum of the 3 items + 1 (score sheet [R83]), so a full 99 is reported as 100. The sources disagree "
    "on whether a sum of 0 gets the +1 (range 0–99 vs 0–100; §13.15 item 8): a sum of 0 is reported as 0 "
    "unless the clinic signs off the other convention. The raw sum is kept with every result.",
    "Reliability 'excellent' (SRALAB), numeric values unverified; no MDC found. No LOINC code found.",
)
MI_ARM = Measure(
    key="mi_arm",
    name="Motricity Index, arm",
    construct="motor",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=100,
    higher_is_better=True,
    whole=True,
    items=MI_ARM_ITEMS,
    aggregate="sum",
    range_source="pinch, elbow flexion, shoulder abduction, weighted 0–33 each; sum + 1, 0–100 (" + MI_SOURCE + ")",
    mcid=(
        mcid(
            "mi_arm",
            "early_subacute",
            13,
            "points",
            "ischaemic stroke inpatients, acute → 3 months, n = 69",
            "Lin et al. 2023, Top Stroke Rehabil 30(3):298–303 [R84]",
            statistic="ROC (Youden), anchored to FM-UE recovery; Sn 80 %, Sp 69 %, AUC 0.81",
        ),
    ),
    codes=(local("mi-arm", "Motricity Index arm score"),),
    fhir_category="survey",
    notes=_MI_NOTES,
)
MI_LEG = Measure(
    key="mi_leg",
    name="Motricity Index, leg",
    construct="motor",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=100,
    higher_is_better=True,
    whole=True,
    items=MI_LEG_ITEMS,
    aggregate="sum",
    range_source="ankle dorsiflexion, knee extension, hip flexion, weighted 0–33 each; sum + 1, 0–100 ("
    + MI_SOURCE
    + ")",
    codes=(local("mi-leg", "Motricity Index leg score"),),
    fhir_category="survey",
    notes=(*_MI_NOTES, "No leg-score MCID was found (§13.15 item 8)."),
)

MI_ZERO_SETTING = "mi.zero_sum_plus_one"
"""Clinic sign-off key: when set (to 1), a Motricity Index raw sum of 0 is reported as 1, not 0."""


@dataclass(frozen=True)
class MotricityScore:
    raw_sum: float
    reported: float
    reason: str


def motricity_score(raw_sum: float, *, zero_plus_one: bool = False) -> MotricityScore:
    """The Motricity Index arm or leg score from its raw item sum (0–99): sum + 1 (score sheet [R83]).

    A raw 0 is reported as 0 unless ``zero_plus_one`` (the clinic's sign-off of the other convention): the
    sources' stated ranges (0–99, 0–100) both start at 0, and §13.15 item 8 leaves the rule unverified.
    """
    if raw_sum == 0 and not zero_plus_one:
        return MotricityScore(0.0, 0.0, "raw sum 0 → reported 0 (the +1 is not added to a zero sum)")
    reported = raw_sum + 1
    return MotricityScore(raw_sum, reported, f"raw sum {fmt(raw_sum)} + 1 = {fmt(reported)}")


# --- Action Research Arm Test (§13.6) ----------------------------------------------------------------------

ARAT_SOURCE = "Lyle 1981; NINDS CDE; Yozbatiran, Der-Yeghiaian & Cramer 2008 manual [R85]"
ARAT_ANCHORS = (
    _A(0, "can perform no part of the test"),
    _A(1, "performs the test partially"),
    _A(2, "completes, but takes abnormally long or has great difficulty"),
    _A(3, "performs the test normally"),
)
ARAT_SUBSCALES: dict[str, tuple[int, ...]] = {
    "Grasp": (1, 2, 3, 4, 5, 6),
    "Grip": (7, 8, 9, 10),
    "Pinch": (11, 12, 13, 14, 15, 16),
    "Gross movement": (17, 18, 19),
}


def _arat_items() -> tuple[Item, ...]:
    # The reference gives the subscales, item counts and Lyle's order (first item the most difficult,
    # second the easiest), not each item's task: score them from the standardised manual and kit.
    out = []
    for subscale, numbers in ARAT_SUBSCALES.items():
        for position, n in enumerate(numbers, start=1):
            role = {1: " (tested first: most difficult)", 2: " (tested second: easiest)"}.get(position, "")
            out.append(Item(n, f"{subscale} item {position}{role}", 0, 3, ARAT_ANCHORS, domain=subscale))
    return tuple(out)


ARAT = Measure(
    key="arat",
    name="Action Research Arm Test",
    construct="motor",
    unit="{score}",
    unit_label="points",
    minimum=0,
    maximum=57,
    higher_is_better=True,
    whole=True,
    items=_arat_items(),
    aggregate="sum",
    range_source="19 items scored 0–3: grasp 6, grip 4, pinch 6, gross movement 3; total 0–57 (" + ARAT_SOURCE + ")",
    default_reason=(
        "MCID 17 (affected side non-dominant) is used: dominance is not recorded, and the larger figure is the "
        "cautious one; it is 12 when the affected side is dominant (Lang 2008)."
    ),
    mcid=(
        mcid(
            "arat",
            "early_subacute",
            17,
            "points",
            "inpatients, about 9.5 → 25.9 days post stroke, n = 52",
            "Lang et al. 2008 (VECTORS) [R86]",
            statistic="anchor: patient global rating of change; 17 affected side non-dominant, 12 dominant",
        ),
    ),
    codes=(local("arat-total", "Action Research Arm Test total"),),
    fhir_category="survey",
    notes=(
        "Lyle's shortcut per subscale [R85]: if the first item scores 3, the subscale's other items are credited "
        "3; if the first scores less and the second scores 0, the rest are credited 0; otherwise test every "
        "item. Credited items are stored as inferred, apart from the observed ones.",
        "Reliability: intra/inter-rater ICC > 0.98, inter-rater limits of agreement −2.35 to 3.85 points (20 "
        "chronic, van der Lee 2001 [R87]). No MDC was found; the '5.7' of van der Lee 2001 is a pre-set "
        "relevant difference, not an anchor-based MCID, and is not used.",
        "No LOINC code found; exported with a local code [R113].",
    ),
)

MEASURES = (MAS, FMA_UE, FMA_LE, MI_ARM, MI_LEG, ARAT, TCT, FAC)


# --- scoring rules ------------------------------------------------------------------------------------------


def check_item_rules(key: str, values: Sequence[float]) -> None:
    """Rules across items that the instrument's protocol states; raises ValidationError naming the item."""
    if key == "fma_le":
        part_iv = values[11] + values[12]
        if part_iv < 4 and values[13] != 0:
            raise ValidationError(
                "item 14",
                f"must be 0: part V is evaluated only when part IV (items 12–13) scores the full 4, and part IV "
                f"scored {fmt(part_iv)}; the protocol then scores part V 0 (Gothenburg protocol [R67])",
            )


def subtotals(key: str, values: Sequence[float]) -> dict[str, float]:
    """Subscale totals of a scored item list (Fugl-Meyer parts, ARAT subscales), in the order published."""
    parts = {"fma_ue": FMA_UE_PARTS, "fma_le": FMA_LE_PARTS, "arat": ARAT_SUBSCALES}.get(key)
    if parts is None:
        return {}
    return {name: math.fsum(values[n - 1] for n in numbers) + 0.0 for name, numbers in parts.items()}


ItemSource = Literal["observed", "inferred_lyle"]


@dataclass(frozen=True)
class AratItems:
    values: tuple[float, ...]
    sources: tuple[ItemSource, ...]

    @property
    def inferred(self) -> tuple[int, ...]:
        """Item numbers credited by Lyle's shortcut, not observed."""
        return tuple(n for n, s in enumerate(self.sources, start=1) if s == "inferred_lyle")


def arat_items(entered: object) -> AratItems:
    """All 19 ARAT item scores from those entered, applying Lyle's hierarchical shortcut per subscale [R85].

    ``entered`` is a list of 19 scores with None for an item not tested. Per subscale: the first item (most
    difficult) scoring 3 credits 3 to the untested rest; the first below 3 and the second (easiest) scoring
    0 credits 0 to the untested rest; otherwise every item must be tested. An item left empty where the
    shortcut does not apply is refused, naming it; nothing is guessed.
    """
    count = len(ARAT.items)
    if isinstance(entered, str | bytes) or not isinstance(entered, Sequence):
        raise ValidationError("items", f"must be a list of {count} item scores")
    if len(entered) != count:
        raise ValidationError("items", f"must have {count} item scores, not {len(entered)}")
    values: list[float | None] = [
        None if v is None else require_number(v, f"item {n}", minimum=0, maximum=3, whole=True)
        for n, v in enumerate(entered, start=1)
    ]
    sources: list[ItemSource] = ["observed"] * count
    for subscale, numbers in ARAT_SUBSCALES.items():
        first, second = values[numbers[0] - 1], values[numbers[1] - 1]
        if first is None:
            raise ValidationError(
                f"item {numbers[0]}", f"test the first {subscale.lower()} item (Lyle's shortcut starts there)"
            )
        credit: float | None = None
        if first == 3:
            credit = 3.0
        elif second == 0:
            credit = 0.0
        for n in numbers:
            if values[n - 1] is None:
                if credit is None:
                    rule = (
                        "test the second item"
                        if second is None
                        else "the shortcut applies only when the first item scores 3 or the second scores 0"
                    )
                    raise ValidationError(f"item {n}", f"is required: {rule} (Lyle 1981 [R85])")
                values[n - 1] = credit
                sources[n - 1] = "inferred_lyle"
    return AratItems(tuple(float(v) for v in values if v is not None), tuple(sources))
