"""A server process serving the pages loads only what the pages use.

Each of these is megabytes in every server process (peak memory with ten clinicians at once, issue 16): Alembic
(about 10 MB) when the schema is already current, the single sign-on token libraries (joserfc with cryptography,
about 9 MB) while nobody signs on, SQLAlchemy's ORM (about 6 MB; the store uses Core only), and the PDF writer
(fpdf2, fontTools, Pillow), which runs in a report worker process. A fresh interpreter imports the server module as
a worker does, then a clinician opens the caseload, a patient's dashboard, record, plan, goals and Reports &
export pages; the modules loaded are then listed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rehab.services import patients
from rehab.store import open_database
from tests.helpers import make_admin, patient_data

ROOT = Path(__file__).resolve().parents[2]
NOT_LOADED = ("alembic", "joserfc", "cryptography", "sqlalchemy.orm", "fpdf", "fontTools", "PIL")

SCRIPT = """
import json, sys
import serve  # what every server process imports at start
from rehab.ui import auth as ui_auth
from tests.app import cookies
from tests.app.conftest import assert_no_crash, goto, signed_in_app

ui_auth.browser_token = lambda: cookies.JAR.get("token")
at = signed_in_app(int(sys.argv[1])).run()
at.session_state["_rehab_patient_id"] = int(sys.argv[2])
for page in ("caseload", "dashboard", "patient", "plan", "goals", "exports"):
    assert_no_crash(goto(at, page))
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_pages_load_no_migration_sign_on_orm_or_pdf_code(
    engine: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine == "sqlite":
        db = request.getfixturevalue("app_db")
    else:
        url = request.getfixturevalue("migrated_postgres_url")
        monkeypatch.setenv("REHAB_DATABASE_URL", url)
        db = open_database(url)
    try:
        admin = make_admin(db)
        pid = patients.register(db, admin, patient_data())
    finally:
        db.dispose()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(admin.user_id), str(pid)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert "rehab.services.dashboard" in modules  # the pages did run
    loaded = sorted({m for m in modules for name in NOT_LOADED if m == name or m.startswith(name + ".")})
    assert loaded == []
