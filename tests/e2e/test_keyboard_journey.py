"""A clinic day by keyboard alone in a real browser: sign in, open a patient from the caseload, score a Berg
Balance Scale, save it and reach the dashboard with Tab, Shift+Tab, Enter, Space and the arrow keys only (no mouse).

At every Tab stop the focus must be seen (WCAG 2.2 2.4.7) and not hidden (2.4.11): the element that takes focus
changes how it is drawn (outline, ring, border or background), and the changed pixels differ from the same pixels
without focus by at least 3:1 (the measure 2.4.13 and 1.4.11 use); its centre is on screen and not under another
element. The Berg items take focus in reading order: 1, 2, 3 … 14, left to right then down. A table's cells are
left out: Streamlit's data grid draws their focus in its own canvas, where the page cannot measure it.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from rehab.services import assessments
from rehab.store import open_database
from tests.caseload_helpers import seeded_clinic
from tests.e2e.conftest import wait_for_app
from tests.e2e.page_checks import SETTLED
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

# The focused element, marked so it can be found again once focus has moved on, with how it and its three nearest
# ancestors are drawn, its box, and whether its centre is on screen and on top.
_STYLE = """(el) => { const out = []; let node = el;
  const under = n => { for (let p = n.parentElement; p; p = p.parentElement) {
      const c = getComputedStyle(p).backgroundColor; if (!/rgba\\(0, 0, 0, 0\\)|transparent/.test(c)) return c }
    return 'rgb(255, 255, 255)' };
  for (let i = 0; i < 4 && node && node !== document.body; i++, node = node.parentElement) {
    const s = getComputedStyle(node);
    out.push({outline: s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? '' :
              `${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow === 'none' ? '' : s.boxShadow,
              border: parseFloat(s.borderTopWidth) > 0 && s.borderTopStyle !== 'none' ? s.borderTopColor : '',
              bg: s.backgroundColor, behind: under(node)});
  }
  return out }"""
_FOCUSED = f"""(n) => {{ const e = document.activeElement; if (!e || e === document.body) return null;
  e.setAttribute('data-kb', String(n));
  const host = e.closest('label') ?? e;  // a choice's own input is hidden inside its drawn label
  const r = e.getBoundingClientRect(), h = host.getBoundingClientRect();
  const x = h.left + h.width / 2, y = h.top + h.height / 2, top = document.elementFromPoint(x, y);
  return {{tag: e.tagName.toLowerCase(), role: e.getAttribute('role') || '',
    name: (e.getAttribute('aria-label') || e.innerText || e.name || e.value || '')
          .replace(/\\s+/g, ' ').trim().slice(0, 60),
    group: e.closest('[role="radiogroup"]')?.getAttribute('aria-label') || '',
    grid: e.closest('[data-testid="stDataFrame"]') !== null,
    box: [r.left, r.top + scrollY + (document.querySelector('[data-testid="stMain"]')?.scrollTop ?? 0), r.width,
          r.height],  // in the page, not the screen: focus scrolls the page
    shown: x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight && top !== null
           && (top === host || host.contains(top) || top.contains(host)),
    style: ({_STYLE})(e)}} }}"""
_AGAIN = f"""(n) => {{ const e = document.querySelector(`[data-kb="${{n}}"]`);
  return e === document.activeElement ? 'focused' : e ? ({_STYLE})(e) : null }}"""
_RGBA = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)")


def _colour(text: str) -> tuple[float, float, float, float] | None:
    found = _RGBA.search(text)
    if found is None:
        return None
    r, g, b, a = found.groups()
    return float(r), float(g), float(b), float(a) if a is not None else 1.0


def _over(top: str, below: str) -> tuple[float, float, float]:
    """``top`` drawn over the opaque colour ``below``."""
    t, b = _colour(top), _colour(below)
    assert t is not None and b is not None, (top, below)
    return tuple(t[3] * t[i] + (1 - t[3]) * b[i] for i in range(3))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.2 relative luminance."""
    lin = [(c / 255 / 12.92) if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def indicator_contrast(focused: list[dict[str, str]], unfocused: list[dict[str, str]]) -> float:
    """The best contrast between the same pixels with and without focus, over every way the element or one of its
    three nearest ancestors changed; 0 when nothing changed (no indicator)."""
    best = 0.0
    for now, before in zip(focused, unfocused, strict=False):
        behind = now["behind"]
        if now["outline"] and now["outline"] != before["outline"]:
            best = max(best, contrast(_over(now["outline"], behind), _over(before["outline"] or behind, behind)))
        if now["shadow"] and now["shadow"] != before["shadow"]:
            was = _over(before["shadow"] or behind, behind)
            best = max(best, contrast(_over(now["shadow"], behind), was))
        if now["border"] and now["border"] != before["border"] and before["border"]:
            best = max(best, contrast(_over(now["border"], behind), _over(before["border"], behind)))
        if now["bg"] != before["bg"]:
            best = max(best, contrast(_over(now["bg"], behind), _over(before["bg"], behind)))
    return best


def test_worked_example_contrast() -> None:
    """WCAG's own anchors: black on white is 21:1; #767676 on white is 4.54:1 (the lightest grey passing AA)."""
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54


@dataclass
class Keyboard:
    """Presses keys and checks every Tab stop's focus indicator once focus has left it."""

    page: Any
    stops: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        with contextlib.suppress(PlaywrightError):  # the key sent the sign-in form: a new page, no ring to ease
            self.page.evaluate(SETTLED)  # Streamlit eases its focus ring in and out

    def _judge_previous(self) -> None:
        if not self.stops or self.stops[-1].get("judged"):
            return
        stop = self.stops[-1]
        stop["judged"] = True
        try:
            unfocused = self.page.evaluate(_AGAIN, stop["n"])
        except PlaywrightError:  # a new page loaded (the sign-in form was sent): nothing left to compare
            return
        if unfocused == "focused":  # still focused after Enter: judged once focus moves on
            stop["judged"] = False
            return
        if unfocused is None:  # the page changed under it (a rerun): nothing left to compare
            return
        if stop["grid"]:  # a table cell or its toolbar: the grid draws its focus in its own canvas
            return
        ratio = indicator_contrast(stop["style"], unfocused)
        if ratio < 3:
            seen = "no visible focus indicator" if ratio == 0 else f"focus indicator {ratio:.2f}:1 (< 3:1)"
            self.problems.append(f"{stop['tag']} {stop['role']} {stop['name']!r}: {seen}")
        if not stop["shown"]:
            self.problems.append(f"{stop['tag']} {stop['role']} {stop['name']!r}: focused but off screen or covered")

    def tab(self, back: bool = False) -> dict[str, Any] | None:
        self.press("Shift+Tab" if back else "Tab")
        self._judge_previous()
        now = self.page.evaluate(_FOCUSED, len(self.stops))
        if now is not None:
            now["n"] = len(self.stops)
            self.stops.append(now)
        return now

    def tab_to(self, role: str, name: str, *, limit: int = 90) -> None:
        """Tab until the element with this role (or tag) and name has focus."""
        for _ in range(limit):
            now = self.tab()
            named = now is not None and (now["name"] == name or now["name"].endswith(" " + name))  # after an icon
            if now and (now["role"] == role or now["tag"] == role) and named:
                return
        raise AssertionError(f"{role} {name!r} never took focus in {limit} Tab presses")

    def settle(self) -> None:
        """After Enter or Space ran the page again: judge the element that had focus, then wait for the run."""
        self._judge_previous()
        wait_for_app(self.page)


def test_a_clinic_day_by_keyboard_alone(
    tmp_path: Path,
    browser,
    server_factory,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    url = f"sqlite:///{tmp_path / 'keyboard.db'}"
    db = open_database(url)
    clinic = seeded_clinic(db)
    patient = clinic.ids["fine"]
    before = [r.id for r in assessments.history(db, clinic.clinician, patient)]
    db.dispose()
    server = server_factory(url)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    keys = Keyboard(page)

    # Sign in: the form's own fields, typed, sent with Enter.
    page.goto(f"{server.url}/auth/signin")
    page.wait_for_selector("form[action='/auth/signin']")
    keys.tab_to("input", "username")
    page.keyboard.type("casey")
    keys.tab_to("input", "password")
    page.keyboard.type(PASSWORD)
    keys.tab_to("button", "Sign in")
    keys.tab(back=True)  # Shift+Tab back to the password, then send the form from there
    keys.press("Enter")
    page.wait_for_load_state()
    keys.settle()
    page.get_by_role("heading", name="Caseload", level=1).wait_for()
    page.screenshot(path=str(artifacts / "1-caseload.png"))

    # Open the patient from the caseload: the Patient box, typed and chosen with Enter; then Open record.
    keys.tab_to("combobox", "Patient")
    page.keyboard.type("FINE")
    keys.press("ArrowDown")
    keys.press("Enter")
    keys.settle()
    keys.tab_to("button", "Open record")
    keys.press("Enter")
    keys.settle()
    page.get_by_role("heading", name=re.compile("FINE, Ada")).first.wait_for()
    page.screenshot(path=str(artifacts / "2-record.png"))

    # Record a Berg Balance Scale: every item scored 4 with the arrow keys and Space, in the order Tab reaches them.
    keys.tab_to("a", "Record assessment")  # a sidebar link
    keys.press("Enter")
    keys.settle()
    page.get_by_role("heading", name="Berg Balance Scale").wait_for()
    groups: list[tuple[int, list[float]]] = []
    for _ in range(14):
        keys.tab_to("radio", "0")
        stop = keys.stops[-1]
        groups.append((int(stop["group"].split(".")[0]), stop["box"]))
        for _ in range(4):
            keys.press("ArrowRight")
        keys.press("Space")
    page.screenshot(path=str(artifacts / "3-berg-scored.png"), full_page=True)
    numbers = [n for n, _ in groups]
    assert numbers == list(range(1, 15)), f"Berg items took focus in the order {numbers}, not 1 to 14"
    boxes = [box for _, box in groups]
    for (n, a), b in zip(groups, boxes[1:], strict=False):  # the next item is right of this one, or on a lower line
        assert b[1] > a[1] + a[3] / 2 or (abs(b[1] - a[1]) <= a[3] / 2 and b[0] > a[0]), f"item {n + 1} before {n}"
    keys.tab_to("button", "Save assessment")
    keys.press("Enter")
    keys.settle()
    page.get_by_text("Saved. What the results mean").wait_for()
    page.screenshot(path=str(artifacts / "4-saved.png"), full_page=True)

    # Reach the dashboard by its sidebar link.
    keys.tab_to("a", "Dashboard")
    keys.press("Enter")
    keys.settle()
    page.get_by_role("heading", name="Balance", level=2).wait_for()
    page.screenshot(path=str(artifacts / "5-dashboard.png"))
    context.close()

    db = open_database(url)
    new = [r for r in assessments.history(db, clinic.clinician, patient) if r.id not in before]
    db.dispose()
    assert [(r.measure_key, r.value) for r in new] == [("bbs", 56.0)], new  # 14 items × 4 points
    assert len(keys.stops) > 20
    assert not keys.problems, "Focus not visible (WCAG 2.2 2.4.7 / 2.4.11):\n" + "\n".join(dict.fromkeys(keys.problems))
