"""docs/populations.md is the catalogue's population mapping as the app applies it, generated, never edited."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

from rehab import cli
from rehab.domain import measures
from rehab.domain.populations import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "populations.md"


def test_the_document_matches_the_catalogue() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/populations.md differs from the catalogue: run `python -m rehab populations > docs/populations.md`"
    )


def test_the_cli_prints_the_same() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["populations"]) == 0
    assert out.getvalue() == markdown()


def test_every_measure_and_threshold_is_listed() -> None:
    text = markdown()
    for m in measures.all_measures():
        assert f"### {m.name}\n" in text
        for t in m.all_thresholds:
            assert t.source.replace("|", "\\|") in text


def test_hand_worked_rows() -> None:
    # Berg: Stevenson 2001's MDC 6 (inpatient stroke rehabilitation) applies in early subacute stroke only;
    # Alghadir 2018's 2.7 in chronic stroke only; no Berg MDC or MCID fits late-subacute stroke (§2.1, §13.11).
    text = markdown()
    assert "| MDC 6 points (MDC90) | inpatient stroke rehabilitation, n = 48 | stroke early subacute |" in text
    assert "| MDC 2.7 points (SEM 0.98, ICC 0.99) | chronic stroke | stroke chronic |" in text
    assert (
        "| Berg Balance Scale | MCID 12.5 | MDC 6; MCID 5 | none | MDC 2.7 / 5; MCID 2 | none | none | none |" in text
    )
    # CDC STEADI's TUG ≥ 12 s: adults aged 65 and over without a stroke (§2.2).
    assert (
        "| cut-off >= 12 s: At or above the CDC STEADI older-adult figure (below normal) | older adults | "
        "other condition, 65+ |" in text
    )
