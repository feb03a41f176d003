"""The shapes of the measures catalogue: frozen, so a clinical number cannot be changed by accident.

Every number a clinician sees (an MDC, an MCID, a cut-off, a category boundary) travels with its
population, its source and how firmly that source backs it (``evidence``), so the UI can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rehab.domain.units import fmt

Evidence = Literal["primary", "secondary", "unverified"]
"""How firmly a number is backed, mirroring the reference's markings.

- ``primary``: checked against the paper or guideline cited.
- ``secondary``: seen only in a secondary source, marked (2°) in the reference; used by default, flagged in
  help text, and a clinic may override it.
- ``unverified``: from memory, marked (MEM) in the reference. The reference says not to hard-code these
  without clinician sign-off, so they are catalogued but not applied until a clinic configuration gives
  a value for them (see ``rehab.domain.measures.overrides``).
"""

EVIDENCE_TEXT: dict[str, str] = {
    "primary": "primary source",
    "secondary": "secondary source only; check before relying on it",
    "unverified": "not verified against a source; needs clinician sign-off",
}

Construct = Literal["strength", "tone", "motor", "balance", "posture", "gait", "transfers", "confidence"]
Comparison = Literal["<", "<=", ">", ">="]
Sex = Literal["male", "female"]

LOINC_SYSTEM = "http://loinc.org"
LOCAL_SYSTEM = "local"
"""Codes of our own where the reference found no verified LOINC code; exports map this to a URI."""


@dataclass(frozen=True)
class Band:
    """A range of values, each end open or closed, e.g. gait speed 0.4-0.8 m/s or age 60-64."""

    lower: float | None = None
    upper: float | None = None
    lower_inclusive: bool = True
    upper_inclusive: bool = True

    def contains(self, value: float) -> bool:
        if self.lower is not None and (value < self.lower or (value == self.lower and not self.lower_inclusive)):
            return False
        return not (
            self.upper is not None and (value > self.upper or (value == self.upper and not self.upper_inclusive))
        )

    def describe(self, unit: str = "") -> str:
        suffix = f" {unit}" if unit else ""
        if self.lower is None and self.upper is None:
            return "any value"
        if self.lower is None:
            return f"{'≤' if self.upper_inclusive else '<'} {fmt(self.upper or 0)}{suffix}"
        if self.upper is None:
            return f"{'≥' if self.lower_inclusive else '>'} {fmt(self.lower)}{suffix}"
        return f"{fmt(self.lower)}–{fmt(self.upper)}{suffix}"


@dataclass(frozen=True)
class Anchor:
    """What an item score means, in the scale's own words."""

    score: float
    text: str


@dataclass(frozen=True)
class Item:
    """One item of an item-level scale, with its scoring range and anchors."""

    number: int
    name: str
    minimum: float
    maximum: float
    anchors: tuple[Anchor, ...] = ()
    domain: str = ""
    whole: bool = True
    evidence: Evidence = "primary"
    allowed: tuple[float, ...] = ()
    """The only scores the item can take, where they are not every whole number in the range (Trunk Control
    Test 0/12/25, Fugl-Meyer reflex items 0/2, Motricity Index weighted scores); empty means any."""
    anchor_source: str = ""
    """Where the anchors' words come from, and what the reference does not give (shown beside them)."""

    @property
    def choices(self) -> tuple[float, ...]:
        """The scores offered for this item, lowest first."""
        if self.allowed:
            return self.allowed
        return tuple(float(v) for v in range(int(self.minimum), int(self.maximum) + 1))


@dataclass(frozen=True)
class ChangeThreshold:
    """An MDC (smallest real change) or MCID (smallest change that matters), for one population.

    ``strict`` means the source says "more than" the value (e.g. "MID > 2 points"), so reaching it is not
    enough. ``baseline`` limits the figure to patients whose first score lies in a band (gait-speed MDC
    depends on baseline speed). ``active`` is False for unverified figures until a clinic signs them off.
    ``pace`` limits a gait-speed figure to the pace it was measured at ("comfortable" or "fast"); ``sites``
    limits a dynamometry figure to the muscle actions it was measured on (canonical names, see
    ``rehab.domain.measures.changes.site_key``); empty means any.
    """

    id: str
    kind: Literal["mdc", "mcid"]
    value: float
    unit: str
    population: str
    population_text: str
    source: str
    evidence: Evidence
    statistic: str = ""
    strict: bool = False
    baseline: Band | None = None
    note: str = ""
    active: bool = True
    overridden: bool = False
    pace: str | None = None
    sites: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return "MDC" if self.kind == "mdc" else "MCID"

    def describe(self) -> str:
        """One line for help text and reasons: value, statistic, population, source, evidence."""
        more = "more than " if self.strict else ""
        stat = f"{self.statistic}; " if self.statistic else ""
        band = f" with baseline {self.baseline.describe(self.unit)}" if self.baseline else ""
        if self.pace:
            band += f", {self.pace} pace"
        if self.sites:
            band += f", {' or '.join(self.sites)} only"
        origin = "value set by the clinic; catalogue source: " if self.overridden else ""
        note = f" ({self.note})" if self.note else ""
        return (
            f"{self.label} {more}{fmt(self.value)} {self.unit} ({stat}{self.population_text}{band}; "
            f"{origin}{self.source}; {EVIDENCE_TEXT[self.evidence]}){note}"
        )


@dataclass(frozen=True)
class Cutoff:
    """A screening cut-off that raises a flag when a value is on its wrong side.

    Flags are prompts, not diagnoses: the reference stresses cut-offs have modest accuracy.
    """

    id: str
    code: str
    comparison: Comparison
    value: float
    unit: str
    message: str
    population: str
    source: str
    evidence: Evidence
    sex: Sex | None = None
    age: Band | None = None
    note: str = ""
    active: bool = True
    overridden: bool = False
    trial_rule: Literal["max", "mean"] | None = None
    """The trial aggregate the cut-off was derived on (EWGSOP2 grip: the maximum); None means any."""
    not_on_paretic: str = ""
    """If set, the cut-off is not applied to the paretic side, and this says why."""

    def is_met(self, value: float) -> bool:
        if self.comparison == "<":
            return value < self.value
        if self.comparison == "<=":
            return value <= self.value
        if self.comparison == ">":
            return value > self.value
        return value >= self.value

    def describe(self) -> str:
        who = self.population
        if self.sex:
            who += f", {self.sex}"
        if self.age:
            who += f", age {self.age.describe()}"
        origin = "value set by the clinic; catalogue source: " if self.overridden else ""
        return (
            f"{self.comparison} {fmt(self.value)} {self.unit}: {self.message} ({who}; {origin}{self.source}; "
            f"{EVIDENCE_TEXT[self.evidence]})"
        )


@dataclass(frozen=True)
class Category:
    """A named band of values, e.g. "community ambulation" for gait speed above 0.8 m/s."""

    key: str
    label: str
    band: Band
    population: str
    source: str
    evidence: Evidence = "primary"


@dataclass(frozen=True)
class Code:
    """A terminology code; ``side`` is set for codes that exist per hand (grip)."""

    system: str
    code: str
    display: str
    side: str | None = None


@dataclass(frozen=True)
class Measure:
    """One outcome measure: what it measures, its range and direction, and every number behind it.

    ``mdc`` and ``mcid`` list all figures in the reference, by population; the first active one is the
    default used when no population is asked for. ``higher_is_better`` is None where better means closer
    to ``target`` (weight-bearing symmetry: 50 %).
    """

    key: str
    name: str
    construct: Construct
    unit: str
    unit_label: str
    minimum: float
    maximum: float | None
    higher_is_better: bool | None
    range_source: str
    target: float | None = None
    minimum_inclusive: bool = True
    whole: bool = False
    items: tuple[Item, ...] = ()
    aggregate: Literal["sum", "mean"] | None = None
    mdc: tuple[ChangeThreshold, ...] = ()
    mcid: tuple[ChangeThreshold, ...] = ()
    cutoffs: tuple[Cutoff, ...] = ()
    categories: tuple[Category, ...] = ()
    codes: tuple[Code, ...] = ()
    fhir_category: Literal["survey", "exam"] = "exam"
    core_set: bool = False
    per_side: bool = False
    trial_rule: Literal["max", "mean"] | None = None
    trial_rule_source: str = ""
    allowed_totals: tuple[float, ...] = ()
    """The only totals the measure can take (Trunk Control Test: sums of 0/12/25); empty means any in range."""
    grades: tuple[str, ...] = ()
    """An ordinal scale's grade labels, lowest first (Modified Ashworth 0, 1, 1+, 2, 3, 4). The stored value
    is the grade's position in this tuple, for sorting only: never averaged or subtracted."""
    default_reason: str = ""
    """Why the default MDC/MCID were chosen and which populations select the others (help text, reasons)."""
    notes: tuple[str, ...] = ()

    @property
    def loinc(self) -> str | None:
        """The verified LOINC code for the whole measure, if the reference verified one."""
        for code in self.codes:
            if code.system == LOINC_SYSTEM and code.side is None:
                return code.code
        return None

    def code_for(self, side: str | None = None) -> Code:
        """The code to export: LOINC (per hand where LOINC has one per hand), else our local code."""
        for code in self.codes:
            if code.system == LOINC_SYSTEM and code.side == side:
                return code
        for code in self.codes:
            if code.system == LOINC_SYSTEM and code.side is None:
                return code
        return next(c for c in self.codes if c.system == LOCAL_SYSTEM)

    @property
    def direction(self) -> str:
        """Which way is better, in words."""
        if self.higher_is_better is None:
            return f"closer to {fmt(self.target or 0)} {self.unit_label}"
        return "higher" if self.higher_is_better else "lower"

    @property
    def all_thresholds(self) -> tuple[ChangeThreshold | Cutoff, ...]:
        """Every MDC, MCID and cut-off, in catalogue order."""
        return (*self.mdc, *self.mcid, *self.cutoffs)

    @property
    def populations(self) -> tuple[str, ...]:
        """Population keys that select an MDC/MCID here, in catalogue order."""
        seen: list[str] = []
        for t in (*self.mdc, *self.mcid):
            if t.population not in seen:
                seen.append(t.population)
        return tuple(seen)

    @property
    def is_item_scale(self) -> bool:
        return bool(self.items)

    @property
    def is_ordinal(self) -> bool:
        """Graded on labelled ordinal grades (stored as the grade's position with its label)."""
        return bool(self.grades)


@dataclass(frozen=True)
class Flag:
    """A raised screening flag, with the cut-off and source behind it."""

    code: str
    message: str
    source: str
    evidence: Evidence
    threshold_id: str
    threshold: float
    population: str


@dataclass(frozen=True)
class Battery:
    """A preset list of measures to enter together."""

    key: str
    name: str
    measures: tuple[str, ...]
    note: str = ""
