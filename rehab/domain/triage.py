"""Triage of caseload flags: new, standing or acknowledged, and the order patients are listed in.

Pure Python. A raised flag is

- **acknowledged** while a clinician's acknowledgement of it holds: it was written under the patient's
  current data generation (``patient_changes``), so it lapses on the patient's next write (a result, a
  session, a plan, an edit of the record), and the flag comes back;
- **new** when it was raised in the last ``NEW_FLAG_DAYS`` days, or after the patient was last reviewed;
- **standing** otherwise.

"Reviewed" is the newest acknowledgement of any flag of the patient: an explicit act by a clinician, with a
note. Opening the dashboard is not counted: a view is not evidence that the flag was weighed (it is also
written by an administrator's audit work or an export), and the audit log is indexed by patient only, so
reading each patient's newest view would grow with every view ever written. A patient never reviewed has
only the last ``NEW_FLAG_DAYS`` days counted as new, so a caseload with months of history does not start
with every flag new.

A flag's "raised" date is the date of the figures it judges (``rehab.services.caseload.raised_on``): the
newest Berg or TUG for fall risk, the newest main-measure result for plateau, the day after the re-test fell
due (or, for a load held at its ceiling, the day after the last session that was not held), the last session
for a safety stop; falling attendance, whose windows slide day by day, is new when it was not raised a week
ago.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

NEW = "new"
STANDING = "standing"
ACKNOWLEDGED = "acknowledged"
STATUSES = (NEW, STANDING, ACKNOWLEDGED)
STATUS_LABELS = {NEW: "NEW", STANDING: "standing", ACKNOWLEDGED: "acknowledged"}

# "New" covers the last week: one outpatient cycle of 2–3 sessions (Billinger 2014's frequency), so a flag
# raised since the clinician last saw the patient's list shows as new at least until their next visit.
# A design choice (issue 13), not a clinical figure.
NEW_FLAG_DAYS = 7


def status(
    *,
    raised_on: date | None,
    today: date,
    reviewed_on: date | None,
    acknowledged: bool,
) -> str:
    """New, standing or acknowledged (see the module's rules)."""
    if acknowledged:
        return ACKNOWLEDGED
    if raised_on is None:
        return STANDING
    if raised_on > today - timedelta(days=NEW_FLAG_DAYS):
        return NEW
    if reviewed_on is not None and raised_on > reviewed_on:
        return NEW
    return STANDING


def priority(statuses: Iterable[str]) -> tuple[int, int, int]:
    """Counts of (new, standing, acknowledged) flags: listed in descending order, new ones first."""
    found = list(statuses)
    return (found.count(NEW), found.count(STANDING), found.count(ACKNOWLEDGED))
