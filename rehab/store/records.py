"""Rows to records without a per-row dictionary: long histories (a year of logged sets) are read often."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import CursorResult

R = TypeVar("R")


def records(result: CursorResult[Any], make: Callable[..., R], fields: tuple[str, ...] | None = None) -> list[R]:
    """Build ``make(*values)`` per row, with the values in the order of ``fields`` (the dataclass's fields by
    default), looking each column's position up once for the whole result."""
    names = fields or tuple(f.name for f in dataclasses.fields(make))  # type: ignore[arg-type]  # no fields: a dataclass
    keys = list(result.keys())
    positions = [keys.index(name) for name in names]
    return [make(*[row[i] for i in positions]) for row in result.all()]  # one fetchall, not a fetch per row


def inserted_id(result: CursorResult[Any]) -> int:
    """The new row's id after a single-row INSERT (SQLAlchemy types the key as optional)."""
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - a single-row INSERT always has one
        raise RuntimeError("the INSERT returned no primary key")
    return int(key[0])
