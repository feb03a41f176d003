"""The demo clinic's caseload flags: the share of patients with a NEW flag and with each flag, judged today.

    .venv/bin/python bench/demo_flags.py 200 1000      # the README's "Demo clinic" figures (seed 1, 180 days)

Generates each clinic in a temporary SQLite database and judges it with the caseload service as the demo
clinician sees it, before any acknowledgement. Reported, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# run as a script, this folder comes first on the path and `bench` would name bench.py, not the folder
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from rehab.domain.accounts import Role  # noqa: E402
from rehab.services import caseload, demo  # noqa: E402
from rehab.services.context import Actor, now_utc  # noqa: E402
from rehab.store import open_database  # noqa: E402
from rehab.store import users as user_store  # noqa: E402


def shares(patients: int, seed: int, history_days: int) -> list[str]:
    """One line per figure: patients with a NEW flag, with any flag, and each flag raised (and new)."""
    with tempfile.TemporaryDirectory(prefix="rehab-demo-flags-") as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'demo.db'}")
        demo.generate(db, patients=patients, seed=seed, plan_history_days=history_days)
        user = db.run(lambda c: user_store.by_username(c, demo.DEMO_USERNAME), write=False)
        assert user is not None
        actor = Actor(user_id=user.id, username=user.username, display_name=user.display_name, role=Role.CLINICIAN)
        today = now_utc().date()
        table = caseload.caseload(db, actor, today=today, audit_view=False).table
        db.dispose()
    total = len(table)

    def share(count: int) -> str:
        return f"{count} ({100 * count / total:.1f} %)"

    labels = [caseload.FLAG_LABELS[f] for f in caseload.FLAGS]
    lines = [
        f"{patients} patients, seed {seed}, {history_days} days of plan history, judged {today}:",
        f"  a NEW flag: {share(int((table['New'] > 0).sum()))}",
        f"  any flag: {share(int(table[labels].any(axis=1).sum()))}",
    ]
    for flag in caseload.FLAGS:
        badge = f"NEW · {caseload.BADGE_LABELS[flag]}"
        new = int(table["Flags"].apply(lambda badges, b=badge: b in badges).sum())
        lines.append(
            f"  {caseload.FLAG_LABELS[flag]}: {share(int(table[caseload.FLAG_LABELS[flag]].sum()))}, new {share(new)}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("patients", type=int, nargs="+")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plan-history-days", type=int, default=demo.PLAN_HISTORY_DAYS)
    args = parser.parse_args(argv)
    for patients in args.patients:
        print("\n".join(shares(patients, args.seed, args.plan_history_days)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
