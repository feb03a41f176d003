"""AppTest fixtures: the real app against a fresh SQLite database per test."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from tests.app import cookies

ENTRY = str(Path(__file__).with_name("entry.py"))


def new_app() -> AppTest:
    return AppTest.from_file(ENTRY, default_timeout=30)


def signed_in_app(user_id: int) -> AppTest:
    """An app session in a browser that holds a live session cookie for ``user_id`` (as after the sign-in form)."""
    cookies.sign_in_browser(user_id)
    return new_app()


def goto(at: AppTest, url_path: str) -> AppTest:
    """Open a page by its url path, as a browser would (st.Page hashes the url path)."""
    at._page_hash = calc_hash(url_path)  # AppTest.switch_page only knows file-based pages
    return at.run()


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def assert_no_crash(at: AppTest) -> None:
    """Neither a raised exception nor the page's catch-all error message."""
    assert not at.exception, [e.value for e in at.exception]
    crashed = [e.value for e in at.error if "unexpected problem" in e.value]
    assert not crashed, crashed
