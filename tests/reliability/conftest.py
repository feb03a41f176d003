"""Shared pieces of the reliability tests: where measured figures go, so they show in the test output."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

FIGURES = Path(__file__).resolve().parents[1] / "artifacts" / "reliability" / "figures.txt"


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str]) -> Callable[[str], None]:
    """Print a line past pytest's capture (so it is in the run's output) and keep it under tests/artifacts."""

    def write(line: str) -> None:
        with capsys.disabled():
            print(f"\n[reliability] {line}", flush=True)
        FIGURES.parent.mkdir(parents=True, exist_ok=True)
        with FIGURES.open("a", encoding="utf-8") as handle:
            handle.write(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} {line}\n")

    return write
