"""`make bench` on a tiny clinic: every page and figure the report promises is measured and written.

Benchmarks are not timed here; this only keeps the benchmark itself from breaking unnoticed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import bench

TIME_CELL = re.compile(r"^\d+ / \d+ ms$")


def _table_rows(report: str, heading: str) -> dict[str, list[str]]:
    """The body rows of the first table under a heading, by their first cell."""
    section = report.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    lines = [line.strip() for line in section.splitlines() if line.startswith("|")]
    body = lines[2:]  # after the header and the |---| line
    return {cells[0]: cells[1:] for cells in ([c.strip() for c in line.strip("|").split("|")] for line in body)}


def test_bench_measures_every_page_on_a_small_clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the bench points the app at its own clinic through the environment; give it back afterwards
    for name in (
        "REHAB_DATABASE_URL",
        "REHAB_PREPARE_CASELOAD",
        "REHAB_BENCH_FLOOR",
        "REHAB_BENCH_PAGE",
        "REHAB_BENCH_ROOT",
    ):
        monkeypatch.setenv(name, "")
    out = tmp_path / "BENCHMARKS.md"
    argv = ["--patients", "3", "--runs", "3", "--no-browser", "--only", "pages"]
    argv += ["--cache-dir", str(tmp_path), "--out", str(out), "--import-rows", "200", "--import-stored", "50"]
    assert bench.main(argv) == 0

    report = out.read_text()
    clinics = _table_rows(report, "Clinics")
    assert list(clinics) == ["3"]
    assert clinics["3"][0].endswith(" s")  # generated in this run, not reused
    warm = _table_rows(report, "Warm script time")
    for page in bench.PAGE_ROWS:
        assert TIME_CELL.match(warm[page][0]), (page, warm[page])
    assert re.match(r"^\d+\.\d\d ×$", warm["dashboard ÷ floor (medians)"][0])
    others = _table_rows(report, "Other pages")
    assert [title for _, title in bench.OTHER_PAGES] == list(others)
    for title, cells in others.items():
        assert TIME_CELL.match(cells[0]), (title, cells)
    sent = _table_rows(report, "Rows sent per dashboard chart")
    assert sent and all(int(cells[0]) > 0 for cells in sent.values())
    assert "## Real browser" not in report  # --no-browser
    imported = _table_rows(report, "Assessment import (SQLite)")
    assert [cells[0] for cells in imported.values()] == ["1,000", "200", "200"]
    assert all(re.match(r"^\d+\.\d+ s$", cells[1]) for cells in imported.values())
