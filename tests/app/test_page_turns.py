"""The real app takes a turn for each page run (rehab/turns.py) and gives it back however the run ends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rehab import turns
from rehab.store import Database
from tests.app.conftest import assert_no_crash, new_app, signed_in_app, titles
from tests.helpers import make_admin


@pytest.fixture
def one_at_a_time() -> Iterator[None]:
    turns.configure(1)
    yield
    turns.configure(0)


def test_runs_ended_by_st_rerun_and_st_stop_give_their_turn_back(app_db: Database, one_at_a_time: None) -> None:
    admin = make_admin(app_db)
    at = signed_in_app(admin.user_id).run()
    assert titles(at) == ["Caseload"] and turns.running() == 0
    at.sidebar.button(key="sign_out").click()
    at.run()  # signing out ends its run with st.rerun; the rerun needs the only turn again
    assert_no_crash(at)
    assert titles(at) == ["Sign in"] and turns.running() == 0
    # A page that stops early (st.stop: the caseload asked for by a tab that is no longer signed in).
    after = new_app().run()
    assert titles(after) == ["Sign in"] and turns.running() == 0
    again = signed_in_app(admin.user_id).run()  # a later visit still gets a turn
    assert titles(again) == ["Caseload"] and turns.running() == 0
