"""Gait speed and endurance: 10 Metre Walk Test and 6 Minute Walk Test (reference §4)."""

from __future__ import annotations

from rehab.domain.measures._build import cutoff, local, mcid, mdc
from rehab.domain.measures.model import Band, Category, ChangeThreshold, Measure
from rehab.domain.units import speed_m_per_s

HOUSEHOLD = Band(None, 0.4, upper_inclusive=False)
LIMITED_COMMUNITY = Band(0.4, 0.8)
COMMUNITY = Band(0.8, None, lower_inclusive=False)
SPEED_BANDS = (("household", HOUSEHOLD), ("limited", LIMITED_COMMUNITY), ("community", COMMUNITY))
CATEGORY_SOURCE = "Perry 1995 as used by Schmid 2007, Stroke; NeuroRehabilitation 2020 [R46]"

JNPT_SOURCE = "Lewek & Sykes 2019, J Neurol Phys Ther 43:122 (speed-stratified MDC) [R50]"
HOSOI_SOURCE = "Hosoi 2023, Front Neurol, n = 84 [R49]"
HIENGKAEW_SOURCE = "Hiengkaew, Jitaree & Chaiyawat 2012, Arch Phys Med Rehabil 93:1201 [R102]"
HIENGKAEW_POPULATION = "chronic stroke, able to walk, outpatients, n = 61, test–retest about 6 days apart"
PACES = ("comfortable", "fast")


def _banded(
    population: str, values: tuple[float, float, float], text: str, source: str, statistic: str, pace: str
) -> tuple[ChangeThreshold, ...]:
    return tuple(
        mdc(
            "ten_mwt",
            population,
            value,
            "m/s",
            text,
            source,
            suffix=name,
            baseline=band,
            statistic=statistic,
            pace=pace,
        )
        for (name, band), value in zip(SPEED_BANDS, values, strict=True)
    )


# 10MWT MDC depends on the pace recorded (comfortable or fast) and on baseline speed: the band of the
# FIRST score picks the figure.
# - Comfortable pace, default: Lewek & Sykes 2019, chronic stroke walking without therapist assistance
#   (n = 76), MDC95 0.10 / 0.15 / 0.18 m/s for < 0.4 / 0.4–0.8 / > 0.8 m/s. The abstract [R50] gives these
#   for comfortable gait speed (CGS) and says only "similar findings" for fast speed, so they are not used
#   for fast speed.
# - Fast pace, default: Hosoi 2023 (stroke, n = 84), fast (maximum) speed 0.04 / 0.12 / 0.19 m/s.
# - 'hosoi_comfortable' selects Hosoi's comfortable-speed figures; 'chronic_ambulatory' selects Hiengkaew
#   2012 (MDC95 0.2 m/s comfortable, 0.1 m/s fast, as published: reference §13.11).
# MCID default: 0.16 m/s (subacute stroke, Tilson 2010, the largest cohort); others selectable.
TEN_MWT = Measure(
    key="ten_mwt",
    name="10 Metre Walk Test (gait speed)",
    construct="gait",
    unit="m/s",
    unit_label="m/s",
    minimum=0,
    maximum=None,
    higher_is_better=True,
    range_source="speed = 10 m / time over the middle 10 m (reference §4.1)",
    default_reason=(
        "MDC by the recorded pace and the band of the first speed: comfortable pace Lewek & Sykes 2019 (chronic "
        "stroke), fast pace Hosoi 2023 (stroke); 'hosoi_comfortable' selects Hosoi's comfortable-speed figures; "
        "'chronic_ambulatory' selects Hiengkaew 2012 (0.2 m/s comfortable, 0.1 m/s fast)."
        " MCID 0.16 m/s (Tilson 2010, subacute, the largest cohort) is the default; "
        "'inpatient', 'acute' and 'older_adults' select the others."
    ),
    mdc=(
        *_banded(
            "chronic",
            (0.10, 0.15, 0.18),
            "chronic stroke, walking without therapist assistance, n = 76",
            JNPT_SOURCE,
            "MDC95",
            "comfortable",
        ),
        *_banded("hosoi_fast", (0.04, 0.12, 0.19), "stroke, n = 84", HOSOI_SOURCE, "MDC95", "fast"),
        *_banded("hosoi_comfortable", (0.05, 0.11, 0.21), "stroke, n = 84", HOSOI_SOURCE, "MDC95", "comfortable"),
        mdc(
            "ten_mwt",
            "chronic_ambulatory",
            0.2,
            "m/s",
            HIENGKAEW_POPULATION,
            HIENGKAEW_SOURCE,
            suffix="comfortable",
            statistic="MDC95 (34 %)",
            pace="comfortable",
        ),
        mdc(
            "ten_mwt",
            "chronic_ambulatory",
            0.1,
            "m/s",
            HIENGKAEW_POPULATION,
            HIENGKAEW_SOURCE,
            suffix="fast",
            statistic="MDC95 (21 %)",
            pace="fast",
            note="smaller than the comfortable-speed MDC, as published",
        ),
    ),
    mcid=(
        mcid(
            "ten_mwt",
            "subacute",
            0.16,
            "m/s",
            "subacute stroke, 20 to 60 days (LEAPS, n = 283)",
            "Tilson 2010, Phys Ther [R47]",
            statistic="Sn 73.9 %, Sp 57.0 %",
        ),
        mcid(
            "ten_mwt",
            "inpatient",
            0.13,
            "m/s",
            "inpatient stroke rehabilitation",
            "J Phys Ther Sci 2013 [R53]",
        ),
        mcid(
            "ten_mwt",
            "acute",
            0.25,
            "m/s",
            "acute stroke",
            "Hayashi 2022, Clin Rehabil [R25]",
            statistic="anchor-based",
            note="reported 0.18–0.25 m/s; the upper end is used",
        ),
        mcid(
            "ten_mwt",
            "older_adults",
            0.05,
            "m/s",
            "older adults including subacute stroke",
            "Perera 2006, JAGS [R48]",
            statistic="small meaningful change; substantial ≈ 0.10 m/s",
        ),
    ),
    cutoffs=(
        cutoff(
            "ten_mwt.cutoff.ewgsop2",
            "gait_speed_ewgsop2",
            "<=",
            0.8,
            "m/s",
            "EWGSOP2 marker of low physical performance (severe sarcopenia if strength and muscle mass are also low)",
            "adults (sarcopenia)",
            "EWGSOP2 [R55]",
        ),
    ),
    categories=(
        Category("household", "household ambulation", HOUSEHOLD, "stroke", CATEGORY_SOURCE),
        Category("limited_community", "limited community ambulation", LIMITED_COMMUNITY, "stroke", CATEGORY_SOURCE),
        Category("community", "community ambulation", COMMUNITY, "stroke", CATEGORY_SOURCE),
    ),
    codes=(local("ten-mwt-speed", "10 Metre Walk Test gait speed"),),
    core_set=True,
    notes=(
        "Categories were based on clinician opinion; a sensor-based re-analysis suggested higher cut-offs "
        "(Fulk et al. [R46]).",
        "Record comfortable or fast speed: the MDC is chosen for the pace recorded. Protocol details (2 m "
        "acceleration zones, 2 trials) are 2°.",
    ),
)

# 6MWT: no verified MDC (Flansbjer's SRD 54.1 m is from memory and waits for sign-off). MCID default:
# Fulk & He 2018, stroke 2-6 months, whole sample, 71 m (mRS anchor; 65 m with the SIS anchor: the larger
# is used).
SIX_MWT = Measure(
    key="six_mwt",
    name="6 Minute Walk Test",
    construct="gait",
    unit="m",
    unit_label="m",
    minimum=0,
    maximum=None,
    higher_is_better=True,
    range_source="distance in metres in 6 minutes (ATS 2002; SRALAB [R46])",
    default_reason=(
        "No verified MDC. MCID 71 m (Fulk & He 2018, stroke 2–6 months, whole sample) is the default; "
        "'subacute_slow' selects 44 m (initial gait speed < 0.40 m/s), 'older_adults' 20 m (Perera 2006)."
    ),
    mdc=(
        mdc(
            "six_mwt",
            "chronic",
            54.1,
            "m",
            "chronic hemiparesis",
            "Flansbjer 2005 [R52] (value from memory; the abstract gives only SRD% 13–23 %)",
            "unverified",
            statistic="SRD",
        ),
    ),
    mcid=(
        mcid(
            "six_mwt",
            "subacute",
            71,
            "m",
            "stroke 2–6 months, whole sample",
            "Fulk & He 2018, JNPT 42:235 [R51]",
            statistic="anchor-based",
            note="71 m with the mRS anchor, 65 m with the SIS anchor; the larger is used",
        ),
        mcid(
            "six_mwt",
            "subacute_slow",
            44,
            "m",
            "stroke 2–6 months, initial gait speed < 0.40 m/s",
            "Fulk & He 2018, JNPT 42:235 [R51]",
            statistic="anchor-based",
            note="44 m (mRS), 34 m (SIS); the larger is used. Not estimable for faster walkers",
        ),
        mcid(
            "six_mwt",
            "older_adults",
            20,
            "m",
            "older adults including subacute stroke",
            "Perera 2006, JAGS [R48]",
            statistic="small meaningful change; substantial ≈ 50 m",
        ),
        mcid("six_mwt", "chronic", 34.4, "m", "chronic stroke", "Tang 2012 (value from memory)", "unverified"),
    ),
    codes=(local("six-mwt-distance", "6 Minute Walk Test distance"),),
    core_set=True,
    notes=(
        "LOINC 64098-7 was seen only in a national FHIR guide, not on loinc.org, so it is not used.",
        "A patient who cannot walk but has walking goals: document 0 m (ANPT FAQ [R21]).",
        "Standing rests allowed with the timer running; record assistive devices (SRALAB [R46]).",
    ),
)


def ten_mwt_speed(time_s: object, distance_m: object = 10.0) -> float:
    """Gait speed (m/s) from the time over the timed 10 m."""
    return speed_m_per_s(time_s, distance_m)


MEASURES = (TEN_MWT, SIX_MWT)
