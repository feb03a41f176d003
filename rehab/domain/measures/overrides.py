"""Clinic overrides for thresholds that are not from a primary source.

A clinic configuration is a plain mapping from a stable threshold id to a value, for example::

    {"bbs.cutoff.older_adults": 46, "tug.mdc.chronic_hemiparesis": 2.9}

Pass it as ``overrides=`` to ``change``, ``flags`` or ``thresholds``. Rules:

- Only thresholds whose evidence is ``secondary`` (2°) or ``unverified`` (MEM) can be overridden; a
  primary-source figure is fixed, so the record always matches the paper it cites.
- An ``unverified`` threshold is not applied at all until the clinic gives it a value (the reference: no
  MEM value without clinician sign-off). Giving its catalogue value is how a clinic signs it off.
- An overridden threshold keeps its source and evidence and is marked ``overridden``, so help text can
  say "value set by the clinic".

``thresholds()`` lists every id with its current value, population, source and evidence for a settings page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import TypeVar

from rehab.domain.errors import ValidationError
from rehab.domain.measures.catalogue import all_measures, get
from rehab.domain.measures.model import ChangeThreshold, Cutoff, Measure
from rehab.domain.units import require_number

Threshold = ChangeThreshold | Cutoff
_T = TypeVar("_T", bound=Threshold)


@cache
def _index() -> dict[str, tuple[Measure, Threshold]]:
    index: dict[str, tuple[Measure, Threshold]] = {}
    for measure in all_measures():
        for t in measure.all_thresholds:
            if t.id in index:  # pragma: no cover - guarded by a catalogue test
                raise RuntimeError(f"duplicate threshold id {t.id}")
            index[t.id] = (measure, t)
    return index


def check_overrides(overrides: object) -> dict[str, float]:
    """Validate a clinic configuration; errors name the threshold id (or "overrides")."""
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise ValidationError("overrides", "must map threshold ids to numbers")
    index = _index()
    checked: dict[str, float] = {}
    for ident, value in overrides.items():
        if not isinstance(ident, str) or ident not in index:
            raise ValidationError("overrides", f"{ident!r} is not a threshold id in the catalogue")
        measure, t = index[ident]
        if t.evidence == "primary":
            raise ValidationError(ident, "comes from a primary source and cannot be overridden")
        if isinstance(t, Cutoff):
            checked[ident] = require_number(value, ident, minimum=measure.minimum, maximum=measure.maximum, unit=t.unit)
        else:
            span = None if measure.maximum is None else measure.maximum - measure.minimum
            checked[ident] = require_number(value, ident, minimum=0, minimum_inclusive=False, maximum=span, unit=t.unit)
    return checked


def effective(threshold: _T, overrides: Mapping[str, float]) -> _T | None:
    """The threshold as the clinic applies it, or None if it is not applied (unverified, not signed off).

    ``overrides`` must already have been through ``check_overrides``.
    """
    if threshold.id in overrides:
        return replace(threshold, value=overrides[threshold.id], active=True, overridden=True)
    return threshold if threshold.active else None


def thresholds(key: object = None, *, overrides: object = None) -> tuple[Threshold, ...]:
    """Every MDC, MCID and cut-off (of one measure, or all), as the clinic configuration applies them.

    Inactive unverified thresholds are included, with ``active=False``, so a settings page can offer them
    for sign-off.
    """
    checked = check_overrides(overrides)
    measures = all_measures() if key is None else (get(key),)
    out: list[Threshold] = []
    for measure in measures:
        for t in measure.all_thresholds:
            out.append(effective(t, checked) or t)
    return tuple(out)


def all_populations() -> frozenset[str]:
    """Every population key that selects an MDC or MCID somewhere in the catalogue."""
    return frozenset(t.population for _, t in _index().values() if isinstance(t, ChangeThreshold))
