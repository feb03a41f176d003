"""The load driver (bench/load.py) against two real worker processes on a tiny clinic: every figure is measured.

Benchmarks are not timed here: this only keeps the driver and its report from breaking unnoticed.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench import bench, load

pytestmark = pytest.mark.browser  # real server processes, like the browser tests


def test_clinicians_at_once_on_two_workers_are_measured_and_reported(tmp_path: Path) -> None:
    url, _ = bench._database(3, tmp_path, 1)
    people = load.clinicians(url, 2)
    assert len({p.username for p in people}) == 2 and len({p.patient_id for p in people}) == 2
    # each opens a patient on their own care team (the dashboard shows it: a refusal is a failed visit), also
    # when the clinicians were made by an earlier run that split the clinic between another number of them
    again = load.clinicians(url, 1)
    assert again[0] == people[0]
    server = load.start(url, 2, tmp_path / "serve.log")
    try:
        run = load.measure(server, people, levels=(1, 2), rounds=lambda n: n, workers=2)
    finally:
        load.stop(server)
    assert [level.clinicians for level in run.levels] == [1, 2]
    for level in run.levels:
        # n rounds of n clinicians at once, each round's median kept
        assert level.failures == 0 and len(level.visits) == level.clinicians**2
        assert len(level.round_medians_s) == level.clinicians and all(m > 0 for m in level.round_medians_s)
        assert all(not math.isnan(v) and v > 0 for v in level.stats("total_s"))
        assert level.cpu_s > 0 and level.peak_rss_mb > 0 and level.health_worst_s > 0
        assert 0 < level.peak_pss_mb <= level.peak_rss_mb  # shared pages counted once, never more than RSS

    lines = load.report_lines(3, [run], [])
    text = "\n".join(lines)
    for row in (
        "time to caseload",
        "time to dashboard",
        "server CPU per visit",
        "peak memory",
        "… shared pages",
        "… each round's median",
        "slowest health",
    ):
        assert f"| {row}" in text, row
    # Only the load sections of an existing report are replaced.
    old = (
        "# Benchmarks\n\n## Clinics\n\nkept\n\n"
        + load.HEADING
        + "\n\nold figures\n\n## What limits these figures\n\nkept too\n"
    )
    new = load.splice(old, lines)
    assert "old figures" not in new and "kept\n" in new and new.endswith("## What limits these figures\n\nkept too\n")
    assert new.count(load.HEADING) == 1
