"""What a prediction tool takes and gives back: dated inputs, a sourced path, accuracy and caveats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

V = TypeVar("V")
V_co = TypeVar("V_co", covariant=True)

NOT_A_GUARANTEE = (
    "A prediction, not a guarantee: some people recover more or less than expected (PREP2 developers' wording [R88])."
)


class Tool(StrEnum):
    PREP2 = "prep2"
    TWIST = "twist"


TOOL_LABELS = {
    Tool.PREP2: "PREP2 — upper-limb function at 3 months",
    Tool.TWIST: "TWIST — time to walking independently",
}


@dataclass(frozen=True)
class Dated(Generic[V_co]):
    """One recorded result and the day it was taken."""

    value: V_co
    on: date


@dataclass(frozen=True)
class Finding:
    """A sentence with its source tag (clinical reference §13.16)."""

    text: str
    source: str


@dataclass(frozen=True)
class Refusal:
    """Why no prediction is given: which input is missing or outside the tool's time window."""

    input: str
    reason: str


@dataclass(frozen=True)
class Prediction:
    """A tool's answer: a category with its path, or refusals; always with accuracy and caveats."""

    tool: Tool
    category: StrEnum | None
    category_label: str
    path: tuple[Finding, ...]
    accuracy: tuple[Finding, ...]
    caveats: tuple[Finding, ...]
    refusals: tuple[Refusal, ...] = ()
    population: str = ""
    also: tuple[Finding, ...] = ()
    """Other sourced results shown with the prediction (the TWIST tool's score once a clinic signs it off)."""

    @property
    def given(self) -> bool:
        return self.category is not None


def day_after(event: date, on: date) -> int:
    """Day number counted as the tools count it: day 0 is the day of the stroke [R88]."""
    return (on - event).days


def in_window(results: Iterable[Dated[V]], event: date, first: int, last: int) -> list[Dated[V]]:
    """The results taken on days ``first``–``last`` after the stroke, oldest first."""
    return sorted((r for r in results if first <= day_after(event, r.on) <= last), key=lambda r: r.on)


def outside(results: Iterable[Dated[V]], event: date, first: int, last: int) -> list[Dated[V]]:
    return sorted((r for r in results if not first <= day_after(event, r.on) <= last), key=lambda r: r.on)


def days_text(results: Iterable[Dated[V]], event: date) -> str:
    return ", ".join(f"day {day_after(event, r.on)}" for r in results)
