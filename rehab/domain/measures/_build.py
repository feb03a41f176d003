"""Short constructors for catalogue entries, so each entry reads like the line in the reference."""

from __future__ import annotations

from typing import Any

from rehab.domain.measures.model import (
    LOCAL_SYSTEM,
    Anchor,
    ChangeThreshold,
    Code,
    Comparison,
    Cutoff,
    Evidence,
    Item,
)


def mdc(
    measure: str,
    population: str,
    value: float,
    unit: str,
    population_text: str,
    source: str,
    evidence: Evidence = "primary",
    *,
    suffix: str = "",
    **extra: Any,
) -> ChangeThreshold:
    """An MDC with the stable id ``<measure>.mdc.<population>[.<suffix>]``; unverified ones start inactive."""
    ident = f"{measure}.mdc.{population}" + (f".{suffix}" if suffix else "")
    extra.setdefault("active", evidence != "unverified")
    return ChangeThreshold(ident, "mdc", value, unit, population, population_text, source, evidence, **extra)


def mcid(
    measure: str,
    population: str,
    value: float,
    unit: str,
    population_text: str,
    source: str,
    evidence: Evidence = "primary",
    **extra: Any,
) -> ChangeThreshold:
    """An MCID with the stable id ``<measure>.mcid.<population>``; unverified ones start inactive."""
    ident = f"{measure}.mcid.{population}"
    extra.setdefault("active", evidence != "unverified")
    return ChangeThreshold(ident, "mcid", value, unit, population, population_text, source, evidence, **extra)


def cutoff(
    ident: str,
    code: str,
    comparison: Comparison,
    value: float,
    unit: str,
    message: str,
    population: str,
    source: str,
    evidence: Evidence = "primary",
    **extra: Any,
) -> Cutoff:
    """A screening cut-off; unverified ones start inactive (the reference: no MEM value without sign-off)."""
    extra.setdefault("active", evidence != "unverified")
    return Cutoff(ident, code, comparison, value, unit, message, population, source, evidence, **extra)


def local(code: str, display: str) -> Code:
    return Code(LOCAL_SYSTEM, code, display)


def scale_items(
    names: tuple[str, ...],
    minimum: float,
    maximum: float,
    anchors: tuple[Anchor, ...] = (),
    *,
    evidence: Evidence = "primary",
    whole: bool = True,
) -> tuple[Item, ...]:
    """Items that share one range and one set of anchors."""
    return tuple(
        Item(n, name, minimum, maximum, anchors, whole=whole, evidence=evidence)
        for n, name in enumerate(names, start=1)
    )
