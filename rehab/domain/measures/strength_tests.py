"""Strength and sit-to-stand measures: MMT, HHD, grip, 1RM, 5xSTS and 30 s chair stand (reference §1)."""

from __future__ import annotations

from rehab.domain.measures._build import cutoff, local, mdc
from rehab.domain.measures.model import LOINC_SYSTEM, Code, Cutoff, Measure
from rehab.domain.measures.norms import (
    BOHANNON_5XSTS_ABOVE,
    BOHANNON_5XSTS_SOURCE,
    CDC_CHAIR_STAND_BELOW,
    CDC_SOURCE,
    age_band,
    band_label,
)
from rehab.domain.strength import MMT_GRADES
from rehab.domain.units import N_PER_KGF

MMT = Measure(
    key="mmt",
    name="Manual muscle test (MRC / Oxford scale)",
    construct="strength",
    unit="{score}",
    unit_label="grade",
    minimum=0,
    maximum=len(MMT_GRADES) - 1,
    higher_is_better=True,
    whole=True,
    range_source="MRC 0–5 with +/− grades (BMC Res Notes 2014; World J Orthop 2017 [R60])",
    codes=(local("mrc-grade", "MRC muscle strength grade"),),
    per_side=True,
    notes=(
        "Stored as the ordinal index into 0,1,2-,2,2+,3-,3,3+,4-,4,4+,5-,5 plus the label; never averaged.",
        "Adding +/− grades did not improve agreement between clinicians (64 % vs 48 %; Chiropr Man Therap "
        "2017 [R60]). Prefer dynamometry to quantify grades 3 and above (2° [R60]).",
        "No MDC or MCID applies: the scale is ordinal.",
    ),
)

# Hand-held dynamometry MDCs (reference §1.2, [R59]) are specific to the muscle action measured:
# - Lee 2020: anchored supine KNEE EXTENSION in non-ambulatory inpatients, 3 trials x 3 contractions; the
#   default is the intra-rater figure (re-testing is usually done by the same clinician). Applied to knee
#   extension only.
# - Ekstrand 2015: isometric ARM strength in chronic stroke, torque (N·m); the reference does not name the
#   arm action, so it applies to arm sites (elbow, shoulder, "arm") only.
# Any other muscle has no MDC in the reference, and the change says so rather than borrowing these.
HHD = Measure(
    key="hhd",
    name="Hand-held dynamometry",
    construct="strength",
    unit="N",
    unit_label="N",
    minimum=0,
    maximum=None,
    higher_is_better=True,
    range_source="force in N (kgf converted) or torque in N·m with the lever arm (reference §1.2)",
    default_reason=(
        "MDCs are by muscle: knee extension takes Lee 2020's same-rater 29.46 N (non-ambulatory inpatients); "
        "'non_ambulatory_inpatient_inter_rater' selects 36.73 N; arm torque readings (unit 'N.m') take "
        "Ekstrand 2015's 8.4 N·m (chronic stroke). Other muscles have no MDC in the reference."
    ),
    mdc=(
        mdc(
            "hhd",
            "non_ambulatory_inpatient",
            29.46,
            "N",
            "non-ambulatory inpatients, anchored supine knee extension, same rater",
            "Lee 2020, Ann Rehabil Med [R59]",
            statistic="intra-rater MDC (24.1 %)",
            sites=("knee extension",),
        ),
        mdc(
            "hhd",
            "non_ambulatory_inpatient_inter_rater",
            36.73,
            "N",
            "non-ambulatory inpatients, anchored supine knee extension, different raters",
            "Lee 2020, Ann Rehabil Med [R59]",
            statistic="inter-rater MDC (29.26 %)",
            sites=("knee extension",),
        ),
        mdc(
            "hhd",
            "chronic_upper_limb",
            8.4,
            "N.m",
            "chronic stroke, isometric arm strength",
            "Ekstrand 2015, J Rehabil Med [R59]",
            statistic="SRD",
            note="reported range 7.5–8.4 N·m; the upper end is used",
            sites=("arm",),
        ),
    ),
    codes=(local("hhd-strength", "Hand-held dynamometry strength"),),
    per_side=True,
    trial_rule="max",
    trial_rule_source="3 repetitions, maximum analysed (Kim 2014, Ann Rehabil Med [R59])",
    notes=(
        "Record unit (N, kgf or N·m), lever arm, joint and action, position, make/break, fixed or hand-held.",
        "Strap-fixed HHD is more reliable than non-fixed (Kim 2014 [R59]).",
        "The make test is usually described as more reliable than the break test (unverified, §1.2).",
    ),
)

# EWGSOP2's grip cut-offs (< 27 kg men, < 16 kg women [R55]) come from Dodds 2014's normative data, which
# use MAXIMUM grip (Dodds 2014, PLoS One [R54]): they are compared with the best trial, not the mean of
# trials the Mathiowetz norms use. They judge sarcopenia, so they are not applied to the paretic hand, whose
# weakness is neurological: the result says so instead (issue 13's clinical review).
GRIP_NOT_PARETIC = (
    "The EWGSOP2 low-strength cut-off is a sarcopenia criterion; weakness of the paretic hand after stroke is "
    "neurological, so it is not judged against it. Compare with the non-paretic hand and with the norms (§1.3)"
)

# Grip MDC: chronic-stroke SRD 61.8–73.3 N (Ekstrand 2015). The upper end is used so only change beyond
# every reported error is called real, converted to kg (kgf) with standard gravity: 73.3 / 9.80665.
GRIP = Measure(
    key="grip",
    name="Grip strength (Jamar)",
    construct="strength",
    unit="kg",
    unit_label="kg",
    minimum=0,
    maximum=None,
    higher_is_better=True,
    range_source="Jamar reads kg (kilograms-force) and lb (reference §1.3)",
    default_reason=(
        "MDC is the upper end of the SRD 61.8–73.3 N (7.47 kg), so only change beyond every reported error counts."
    ),
    mdc=(
        mdc(
            "grip",
            "chronic",
            73.3 / N_PER_KGF,
            "kg",
            "chronic stroke, isometric grip",
            "Ekstrand 2015, J Rehabil Med [R59]",
            statistic="SRD",
            note="reported 61.8–73.3 N (21.0–25.6 %); the upper end is used, converted from N to kg",
        ),
    ),
    cutoffs=(
        cutoff(
            "grip.cutoff.ewgsop2.male",
            "grip_below_ewgsop2",
            "<",
            27,
            "kg",
            "Grip below the EWGSOP2 threshold for low muscle strength",
            "adults (sarcopenia)",
            "EWGSOP2 [R55]; derived on maximum grip (Dodds 2014, PLoS One [R54])",
            sex="male",
            trial_rule="max",
            not_on_paretic=GRIP_NOT_PARETIC,
        ),
        cutoff(
            "grip.cutoff.ewgsop2.female",
            "grip_below_ewgsop2",
            "<",
            16,
            "kg",
            "Grip below the EWGSOP2 threshold for low muscle strength",
            "adults (sarcopenia)",
            "EWGSOP2 [R55]; derived on maximum grip (Dodds 2014, PLoS One [R54])",
            sex="female",
            trial_rule="max",
            not_on_paretic=GRIP_NOT_PARETIC,
        ),
    ),
    codes=(
        Code(LOINC_SYSTEM, "83173-5", "Grip strength Hand - left Dynamometer", side="left"),
        Code(LOINC_SYSTEM, "83174-3", "Grip strength Hand - right Dynamometer", side="right"),
        local("grip-strength", "Grip strength"),
    ),
    per_side=True,
    trial_rule="mean",
    trial_rule_source="Mathiowetz norms use the mean of 3 trials per hand (Baseline manual [R58])",
    notes=(
        "Protocol (ASHT, Bohannon 2006 [R56]): handle 2nd position, seated, shoulder adducted, elbow 90°, "
        "forearm neutral.",
        "In hemiparesis compare the paretic with the non-paretic hand as well as with norms (§1.3).",
        "The EWGSOP2 cut-offs are compared with the maximum trial (Dodds 2014 [R54]) and are not applied to the "
        "paretic hand.",
        "LOINC's example unit is [lbf_av]; values here are kg and exports convert.",
    ),
)

ONE_RM = Measure(
    key="one_rm",
    name="One-repetition maximum (1RM)",
    construct="strength",
    unit="kg",
    unit_label="kg",
    minimum=0,
    minimum_inclusive=False,
    maximum=None,
    higher_is_better=True,
    range_source="load in kg, tested or estimated from a submaximal set (reference §1.4)",
    codes=(local("one-rm", "One-repetition maximum"),),
    notes=(
        "Record whether the 1RM was tested or estimated, and the formula, load and repetitions if estimated.",
        "Estimate only from 1–10 repetitions; 11–12 are less accurate; more than 12 are refused (§1.4).",
        "Direct 1RM was used safely as the training anchor in chronic stroke trials (Lee 2010 [R6]).",
    ),
)


def _bohannon_cutoffs() -> tuple[Cutoff, ...]:
    out = []
    for low, high, seconds in BOHANNON_5XSTS_ABOVE:
        band = age_band(low, high)
        out.append(
            cutoff(
                f"five_sts.cutoff.age_average.{low}_{high - 1}",
                "five_sts_slower_than_age_average",
                ">",
                seconds,
                "s",
                "Slower than average for age",
                f"older adults aged {band_label(band)}",
                BOHANNON_5XSTS_SOURCE,
                age=band,
            )
        )
    return tuple(out)


FIVE_STS = Measure(
    key="five_sts",
    name="Five Times Sit to Stand",
    construct="transfers",
    unit="s",
    unit_label="s",
    minimum=0,
    minimum_inclusive=False,
    maximum=None,
    higher_is_better=False,
    range_source="time in seconds for 5 rises (SRALAB [R35])",
    cutoffs=(
        cutoff(
            "five_sts.cutoff.stroke",
            "five_sts_above_stroke_cutoff",
            ">",
            12,
            "s",
            "Slower than the cut-off separating chronic stroke from healthy older adults",
            "chronic stroke",
            "Mong 2010, Arch Phys Med Rehabil 91:407 (Sn 83 %, Sp 75 %) [R33]",
        ),
        cutoff(
            "five_sts.cutoff.mobility_disability",
            "five_sts_mobility_disability",
            ">=",
            13.6,
            "s",
            "Not completed in under 13.6 s, associated with mobility disability",
            "older adults",
            "Guralnik 2000 [R34]",
        ),
        cutoff(
            "five_sts.cutoff.recurrent_falls",
            "five_sts_recurrent_falls",
            ">=",
            15,
            "s",
            "At or above the time that predicted recurrent falls (Sn 55 %, Sp 65 %)",
            "older adults",
            "Buatois 2008, n = 2,735 [R34]",
        ),
        cutoff(
            "five_sts.cutoff.ewgsop2",
            "five_sts_above_ewgsop2",
            ">",
            15,
            "s",
            "Chair-rise time above the EWGSOP2 threshold for low muscle strength",
            "adults (sarcopenia)",
            "EWGSOP2 [R55]",
        ),
        *_bohannon_cutoffs(),
    ),
    codes=(local("five-sts", "Five Times Sit to Stand time"),),
    core_set=True,
    notes=(
        "Chair 43–45 cm, arms folded (in stroke the impaired arm may hang or be in a sling); time from 'Go' "
        "until seated after the 5th rise; 1 practice trial (SRALAB [R35]). Other protocols stop at the 5th "
        "stand: record the protocol variant.",
        "No MDC or MCID for stroke was found in the reference.",
    ),
)


def _cdc_cutoffs() -> tuple[Cutoff, ...]:
    out = []
    for low, high, men, women in CDC_CHAIR_STAND_BELOW:
        band = age_band(low, high)
        for sex, value in (("male", men), ("female", women)):
            out.append(
                cutoff(
                    f"thirty_s_cst.cutoff.cdc.{sex}.{low}_{high - 1}",
                    "thirty_s_cst_below_average",
                    "<",
                    value,
                    "stands",
                    "Below average for age and sex (a fall-risk flag)",
                    f"older adults aged {band_label(band)}",
                    CDC_SOURCE,
                    sex=sex,
                    age=band,
                )
            )
    return tuple(out)


THIRTY_S_CST = Measure(
    key="thirty_s_cst",
    name="30-second chair stand",
    construct="strength",
    unit="{#}/(30.s)",
    unit_label="stands",
    minimum=0,
    maximum=None,
    higher_is_better=True,
    whole=True,
    range_source="full stands in 30 s; 0 if arms are needed (CDC STEADI; Rikli & Jones 1999 [R36])",
    cutoffs=(
        *_cdc_cutoffs(),
        cutoff(
            "thirty_s_cst.cutoff.low_function",
            "thirty_s_cst_low_function",
            "<",
            8,
            "stands",
            "Fewer than 8 unassisted stands, associated with lower functional ability",
            "older adults",
            "Rikli & Jones 1999 [R36]",
        ),
    ),
    codes=(
        Code(LOINC_SYSTEM, "66247-8", "Sit to stand frequency in 30 seconds"),
        local("thirty-s-cst", "30-second chair stand count"),
    ),
    notes=(
        "Chair seat 43 cm (17 in) against a wall, arms crossed on the chest; count a stand more than halfway "
        "up at 30 s; if arms are needed, stop and score 0 (CDC STEADI [R36]).",
        "No MDC or MCID for stroke was found in the reference.",
    ),
)

MEASURES = (MMT, HHD, GRIP, ONE_RM, FIVE_STS, THIRTY_S_CST)
