"""Tables that read at every width in a real browser: the treatment page's "Recent sessions", the loading plan's
baselines and sessions, and the Accounts page's two tables (accounts; single sign-on identities) never scroll
sideways inside themselves at 1,440, 1,024 or 390 px; the baselines stand as a table beside the sidebar on a tablet.
Where the columns do not fit, each row is a card with every value on screen. Screenshots are kept in the test
artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehab.store import open_database
from tests.caseload_helpers import seeded_clinic
from tests.e2e.page_checks import SIDEWAYS, TABLES_SCROLLING, full_shot, open_page, open_tab

pytestmark = pytest.mark.browser

WIDTHS = ((1440, 900), (1024, 768), (390, 844))


def _visible(page, text: str) -> bool:  # type: ignore[no-untyped-def]
    """The text is drawn on screen in a card or cell the reader can see (not clipped to the right)."""
    return bool(
        page.evaluate(
            """([text, width]) => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
            .filter(e => e.offsetParent !== null && e.textContent.includes(text))
            .some(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right <= width + 1 })""",
            [text, page.viewport_size["width"]],
        )
    )


def test_recent_sessions_and_accounts_tables_read_at_three_widths(
    tmp_path: Path,
    browser,
    server_factory,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    from rehab.services import sso
    from tests.services.test_sso import CONFIG, _claims

    url = f"sqlite:///{tmp_path / 'tables.db'}"
    db = open_database(url)
    patient = seeded_clinic(db).ids["fine"]  # a leg-press plan with two sessions, BP 128/78 · HR 72
    sso.complete_sign_in(db, CONFIG, _claims("u-9", "Rita Levi-Montalcini", username="rlevi"))
    db.dispose()
    server = server_factory(url)
    problems: list[str] = []
    for size in WIDTHS:
        width = size[0]
        page = open_page(browser, server.url, f"treatment?patient={patient}", size)
        page.get_by_role("heading", name="Recent sessions").scroll_into_view_if_needed()
        full_shot(page, artifacts / f"treatment-{width}.png")
        problems += [f"treatment {width} px: table scrolls sideways {s}" for s in page.evaluate(TABLES_SCROLLING)]
        problems += [f"treatment {width} px: {e} scrolls sideways" for e in page.evaluate(SIDEWAYS)]
        if width == 390 and not _visible(page, "BP 128/78 · HR 72"):
            problems.append("treatment 390 px: a session's readings are not on screen")
        page.context.close()
        page = open_page(browser, server.url, f"plan?patient={patient}", size)
        page.get_by_role("heading", name="Baselines").scroll_into_view_if_needed()
        full_shot(page, artifacts / f"plan-{width}.png")
        problems += [f"plan {width} px: table scrolls sideways {s}" for s in page.evaluate(TABLES_SCROLLING)]
        problems += [f"plan {width} px: {e} scrolls sideways" for e in page.evaluate(SIDEWAYS)]
        if width == 1024 and page.locator(".st-key-readable_plan_baselines_table").is_hidden():
            problems.append("plan 1,024 px: the baselines are not a table beside the sidebar on a tablet")
        if width == 390 and not _visible(page, "How measured: Tested 1RM 100 kg"):
            problems.append("plan 390 px: the baseline's method is not on screen")
        open_tab(page, "Sessions")
        full_shot(page, artifacts / f"plan-sessions-{width}.png")
        problems += [f"plan sessions {width} px: table scrolls sideways {s}" for s in page.evaluate(TABLES_SCROLLING)]
        page.context.close()
        page = open_page(browser, server.url, "accounts", size, user="admin")
        open_tab(page, "Single sign-on")
        full_shot(page, artifacts / f"accounts-{width}.png")
        problems += [f"accounts {width} px: table scrolls sideways {s}" for s in page.evaluate(TABLES_SCROLLING)]
        problems += [f"accounts {width} px: {e} scrolls sideways" for e in page.evaluate(SIDEWAYS)]
        if width == 390:
            for text in ("Last sign-in", "Rita Levi-Montalcini", "First signed in"):
                if not _visible(page, text):
                    problems.append(f"accounts 390 px: {text!r} is not on screen")
        page.context.close()
    assert not problems, "\n".join(problems)
