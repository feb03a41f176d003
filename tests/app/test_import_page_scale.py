"""The import page checks an uploaded file once, however often the page reruns, and only for its own user."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from rehab.services import imports
from rehab.store import Database
from tests.app.conftest import assert_no_crash, goto, signed_in_app
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import new_patient

FIRST = b"mrn,measure,taken_at,value\nPAGE-9,tug,2026-10-01 09:30,14.2\n"
SECOND = b"mrn,measure,taken_at,value\nPAGE-9,tug,2026-10-02 09:30,13.8\n"


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.get("file_uploader")[0].upload(name, data, "text/csv")
    return at.run()


def test_the_preview_is_computed_once_per_file_and_again_after_an_import(
    app_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    new_patient(app_db, ana, "PAGE-9")
    real = imports.preview
    calls: list[bytes] = []

    def counted(*args: Any, **kwargs: Any) -> imports.ImportPreview:
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "preview", counted)
    at = _upload(goto(signed_in_app(ana.user_id).run(), "import"), "first.csv", FIRST)
    assert_no_crash(at)
    for _ in range(3):  # reruns (any click on the page) reuse the file's preview
        at = at.run()
    assert calls == [FIRST]
    assert at.dataframe[-1].value["Status"].tolist() == ["new"]
    at = _upload(at, "second.csv", SECOND)
    at = at.run()
    assert calls == [FIRST, SECOND]
    at = _upload(at, "first.csv", FIRST)  # only the newest file's preview is kept
    assert calls == [FIRST, SECOND, FIRST]
    at.button(key="import_go").click()
    at = at.run()
    assert_no_crash(at)
    assert calls == [FIRST, SECOND, FIRST, FIRST]  # the stored values changed: checked again
    assert at.dataframe[-1].value["Status"].tolist() == ["already recorded"]
    assert [s.value for s in at.success] == [
        r"Imported 1 value\(s\) for 1 patient\(s\); 0 already recorded were skipped\."
    ]


def test_a_preview_is_not_reused_for_another_user(app_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    ben = make_clinician(app_db, admin, "ben")
    new_patient(app_db, ana, "PAGE-9")
    at = _upload(goto(signed_in_app(ana.user_id).run(), "import"), "first.csv", FIRST)
    assert at.dataframe[-1].value["Status"].tolist() == ["new"]
    kept = {k: at.session_state[k] for k in ("_rehab_import_preview",)}
    other = goto(signed_in_app(ben.user_id).run(), "import")
    other.session_state["_rehab_import_preview"] = kept["_rehab_import_preview"]  # as if left in the session
    other = _upload(other, "first.csv", FIRST)
    assert_no_crash(other)
    assert other.error[0].value.startswith("Nothing can be imported: 1 problem(s)")  # PAGE-9 is not Ben's patient
