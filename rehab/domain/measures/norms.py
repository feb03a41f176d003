"""Normative tables from the clinical reference, and look-ups by age, sex and hand.

Tables are kept as printed in their source (Mathiowetz in pounds, converted to kg on look-up with the
exact pound definition), so each number can be checked against the reference line by line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehab.domain.errors import ValidationError
from rehab.domain.measures.model import Band, Evidence, Sex
from rehab.domain.units import KG_PER_LB, fmt, require_number

MAX_AGE_YEARS = 125
"""Plausibility limit for an entered age, the same as for patient records (not a clinical figure)."""

SEX_WORDS: dict[str, Sex | None] = {
    "male": "male",
    "m": "male",
    "female": "female",
    "f": "female",
    "other": None,
    "unknown": None,
}


def parse_sex(value: object, *, required: bool = False) -> Sex | None:
    """``male``/``female`` (or M/F); ``other``, ``unknown`` or None give None, since the sex-specific
    tables in the reference only cover men and women."""
    if value is None and not required:
        return None
    if isinstance(value, str) and value.strip().lower() in SEX_WORDS:
        sex = SEX_WORDS[value.strip().lower()]
        if sex is not None or not required:
            return sex
    if required:
        raise ValidationError("sex", "must be male or female: the normative tables are sex-specific")
    raise ValidationError("sex", "must be male, female, other or unknown")


def parse_age(value: object, *, required: bool = False) -> float | None:
    """Age in years, or None when not given (age-specific cut-offs are then not applied)."""
    if value is None and not required:
        return None
    return require_number(value, "age", minimum=0, maximum=MAX_AGE_YEARS, unit="years")


def age_band(lower: int, upper_exclusive: int | None) -> Band:
    """Years ``lower`` up to (not including) ``upper_exclusive``: "60-64" is [60, 65)."""
    return Band(lower=lower, upper=upper_exclusive, lower_inclusive=True, upper_inclusive=False)


def band_label(band: Band) -> str:
    if band.upper is None:
        return f"{fmt(band.lower or 0)}+"
    return f"{fmt(band.lower or 0)}-{fmt(band.upper - 1)}"


@dataclass(frozen=True)
class Norm:
    """A normative value for one age band, sex and hand: a mean (SD) or a normal range."""

    measure: str
    unit: str
    age_band: str
    sex: Sex
    side: str | None
    source: str
    mean: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    evidence: Evidence = "primary"

    def describe(self) -> str:
        who = f"{self.sex}, age {self.age_band}" + (f", {self.side.replace('_', '-')} hand" if self.side else "")
        if self.mean is not None:
            sd = f" (SD {fmt(self.sd)})" if self.sd is not None else ""
            return f"mean {fmt(self.mean)}{sd} {self.unit} for {who} ({self.source})"
        return f"normal range {fmt(self.low or 0)}–{fmt(self.high or 0)} {self.unit} for {who} ({self.source})"


# --- grip: Mathiowetz et al. 1985 (Jamar/Baseline, mean of 3 trials), mean lb (reference §1.3, [R58]) --
MATHIOWETZ_SOURCE = "Mathiowetz et al. 1985 via Baseline dynamometer manual [R58]"
# age from, age to (exclusive), men right, men left, women right, women left (lb)
MATHIOWETZ_LB: tuple[tuple[int, int | None, float, float, float, float], ...] = (
    (20, 25, 121.0, 104.5, 70.4, 61.0),
    (25, 30, 120.8, 110.5, 74.5, 63.5),
    (30, 35, 121.8, 110.4, 78.7, 68.0),
    (35, 40, 119.7, 112.9, 74.1, 66.3),
    (40, 45, 116.8, 112.8, 70.4, 62.3),
    (45, 50, 109.9, 100.8, 62.2, 56.0),
    (50, 55, 113.6, 101.9, 65.8, 57.3),
    (55, 60, 101.1, 83.2, 57.3, 47.3),
    (60, 65, 89.7, 76.8, 55.1, 45.7),
    (65, 70, 91.1, 76.8, 49.6, 41.0),
    (70, 75, 75.3, 64.8, 49.6, 41.5),
    (75, None, 65.7, 55.0, 42.6, 37.6),
)
# SDs are in the source only for men's right hand (lb), in the same age order.
MATHIOWETZ_MEN_RIGHT_SD_LB = (20.6, 23.0, 22.4, 24.0, 20.7, 23.0, 18.1, 26.7, 20.4, 20.6, 21.5, 21.0)

# --- grip: Massy-Westropp et al. 2011 (Australian population), kg mean (SD) (reference §1.3, [R57]) -----
MASSY_WESTROPP_SOURCE = "Massy-Westropp et al. 2011, BMC Res Notes [R57]"
# age from, age to (exclusive), (mean, SD) men dominant, men non-dominant, women dominant, women non-dominant
MASSY_WESTROPP_KG: tuple[tuple[int, int | None, tuple[tuple[float, float], ...]], ...] = (
    (20, 30, ((47, 9.5), (45, 9.7), (30, 7.0), (28, 6.1))),
    (30, 40, ((47, 9.7), (47, 9.8), (31, 6.4), (29, 6.0))),
    (40, 50, ((47, 9.5), (45, 9.3), (29, 5.7), (28, 5.7))),
    (50, 60, ((45, 8.4), (43, 8.3), (28, 6.3), (26, 5.7))),
    (60, 70, ((40, 8.3), (38, 8.0), (24, 5.3), (23, 5.0))),
    (70, None, ((33, 7.8), (32, 7.5), (20, 5.8), (19, 5.5))),
)

GRIP_TABLES = ("mathiowetz", "massy_westropp")


def grip_norm(age: object, sex: object, hand: object, *, table: object = "mathiowetz") -> Norm | None:
    """Grip norm in kg for the age band, sex and hand; None below the youngest band (20 years).

    Mathiowetz is by right/left hand; Massy-Westropp by dominant/non-dominant. In hemiparesis compare
    the paretic hand with the non-paretic hand as well as with norms: dominance may be confounded by the
    side of the lesion (reference §1.3).
    """
    if table not in GRIP_TABLES:
        raise ValidationError("table", f"must be one of: {', '.join(GRIP_TABLES)}")
    years = parse_age(age, required=True)
    who = parse_sex(sex, required=True)
    assert years is not None and who is not None
    if table == "mathiowetz":
        if hand not in ("right", "left"):
            raise ValidationError("hand", "must be right or left for the Mathiowetz table")
        for index, (low, high, *values) in enumerate(MATHIOWETZ_LB):
            band = age_band(low, high)
            if band.contains(years):
                column = (0 if who == "male" else 2) + (0 if hand == "right" else 1)
                sd = MATHIOWETZ_MEN_RIGHT_SD_LB[index] * KG_PER_LB if column == 0 else None
                return Norm(
                    "grip",
                    "kg",
                    band_label(band),
                    who,
                    hand,
                    MATHIOWETZ_SOURCE,
                    mean=values[column] * KG_PER_LB,
                    sd=sd,
                )
        return None
    if hand not in ("dominant", "non_dominant"):
        raise ValidationError("hand", "must be dominant or non_dominant for the Massy-Westropp table")
    for low, high, cells in MASSY_WESTROPP_KG:
        band = age_band(low, high)
        if band.contains(years):
            mean, sd = cells[(0 if who == "male" else 2) + (0 if hand == "dominant" else 1)]
            return Norm("grip", "kg", band_label(band), who, hand, MASSY_WESTROPP_SOURCE, mean=mean, sd=sd)
    return None


# --- 30-second chair stand (reference §1.5, [R36]) ----------------------------------------------------
CDC_SOURCE = "CDC STEADI 30-second chair stand, below-average scores [R36]"
# age from, age to (exclusive), men below, women below: a score below these is "below average".
CDC_CHAIR_STAND_BELOW: tuple[tuple[int, int, int, int], ...] = (
    (60, 65, 14, 12),
    (65, 70, 12, 11),
    (70, 75, 12, 10),
    (75, 80, 11, 10),
    (80, 85, 10, 9),
    (85, 90, 8, 8),
    (90, 95, 7, 4),
)

RIKLI_JONES_SOURCE = "Rikli & Jones 1999, n = 7,183, 25th–75th percentile [R36]"
# age from, age to (exclusive), (men low, men high), (women low, women high)
RIKLI_JONES_RANGE: tuple[tuple[int, int, tuple[int, int], tuple[int, int]], ...] = (
    (60, 65, (14, 19), (12, 17)),
    (65, 70, (12, 18), (11, 16)),
    (70, 75, (12, 17), (10, 15)),
    (75, 80, (11, 17), (10, 15)),
    (80, 85, (10, 15), (9, 14)),
    (85, 90, (8, 14), (8, 13)),
    (90, 95, (7, 12), (4, 11)),
)


def thirty_s_cst_norm(age: object, sex: object) -> Norm | None:
    """The Rikli & Jones normal range (stands in 30 s) for age 60-94; None outside those ages."""
    years = parse_age(age, required=True)
    who = parse_sex(sex, required=True)
    assert years is not None and who is not None
    for low, high, men, women in RIKLI_JONES_RANGE:
        band = age_band(low, high)
        if band.contains(years):
            lo, hi = men if who == "male" else women
            return Norm("thirty_s_cst", "stands", band_label(band), who, None, RIKLI_JONES_SOURCE, low=lo, high=hi)
    return None


# --- 5xSTS: worse-than-average times by age (Bohannon 2006 meta-analysis, reference §1.6, [R34]) -----
BOHANNON_5XSTS_SOURCE = "Bohannon 2006 meta-analysis [R34]"
# age from, age to (exclusive), a time above this is worse than average (s)
BOHANNON_5XSTS_ABOVE: tuple[tuple[int, int, float], ...] = ((60, 70, 11.4), (70, 80, 12.6), (80, 90, 14.8))


def percent_of_norm(value: object, norm: Norm) -> float:
    """A result as a percentage of the normative mean (100 = the mean for age, sex and hand)."""
    if norm.mean is None or norm.mean <= 0:
        raise ValidationError("norm", "has no mean to compare with")
    result = require_number(value, "value", minimum=0.0) / norm.mean * 100.0
    if result == float("inf"):
        raise ValidationError("value", "is too large")
    return result
