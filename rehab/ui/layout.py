"""Narrow screens (below 900 px, a tablet in portrait or a phone): the sidebar closes after a page is chosen, and
section grids (``grid``) show one column (key figures two a row).

Streamlit itself (1.67) opens the sidebar over the page on screens up to 768 px and beside it above that, keeps
it open after a page is chosen from it, and remembers an opened sidebar in the browser's local storage; it
stacks ``st.columns`` only below 640 px. So a phone kept its menu over the page after every step, and a
tablet in portrait lost 300 px to the menu with two charts squeezed beside each other.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

NARROW_PX = 900
GRID_KEY = "grid"  # containers keyed grid_<name> get the one-column rule (class st-key-grid_<name>)
PAIRS_KEY = "pairs"  # containers keyed pairs_<name>: two columns a row (key figures)

# Keyboard focus in two tones, a dark ring inside a white one, so it stands out by at least 3:1 on any background
# (light or dark theme, sidebar, a red button): Streamlit's own ring is its primary colour at half strength
# (2.2:1 on white), and its sidebar links only tint their background (1.1:1). Text boxes keep Streamlit's own
# border, drawn in the primary colour.
FOCUS_RING = """
:is(a, button, summary, [role="radio"], [role="tab"], [role="checkbox"], [role="switch"], [role="spinbutton"],
    [role="slider"]):focus-visible {
  outline: 2px solid #121110 !important; outline-offset: 1px !important; box-shadow: 0 0 0 5px #FFFFFF !important; }
[data-testid="stMain"]:focus-visible {
  outline: 2px solid #121110 !important; outline-offset: -2px; box-shadow: inset 0 0 0 5px #FFFFFF !important; }
"""

_STYLE = f"""<style>
@media (max-width: {NARROW_PX - 0.02}px) {{
  [class*="st-key-{GRID_KEY}_"] [data-testid="stHorizontalBlock"] {{ flex-direction: column; }}
  [class*="st-key-{GRID_KEY}_"] [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {{
    width: 100% !important; flex: 1 1 100% !important; min-width: 100% !important; }}
}}
@media (min-width: 640px) and (max-width: {NARROW_PX - 0.02}px) {{  /* below 640 px Streamlit stacks them */
  [class*="st-key-{PAIRS_KEY}_"] [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; }}
  [class*="st-key-{PAIRS_KEY}_"] [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {{
    flex: 1 1 calc(50% - 1rem) !important; min-width: calc(50% - 1rem) !important; }}
}}
{FOCUS_RING}
</style>"""

# Runs once per tab (the flag), then on every click on a sidebar page link: on a narrow screen the sidebar is
# closed as the new page opens, and Streamlit's remembered "open" is forgotten so a wider screen later opens
# as Streamlit would.
_SCRIPT = f"""<script>
(() => {{
  if (window.__rehabNarrow) return;
  window.__rehabNarrow = true;
  const narrow = () => window.innerWidth < {NARROW_PX};
  const close = () => {{
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (!narrow() || !sidebar || !button || sidebar.getAttribute('aria-expanded') === 'false') return;
    if (sidebar.getBoundingClientRect().right <= 0) return;
    button.click();
    Object.keys(window.localStorage).filter(k => k.startsWith('stSidebarCollapsed'))
      .forEach(k => window.localStorage.removeItem(k));
  }};
  document.addEventListener('click', event => {{
    if (event.target.closest('[data-testid="stSidebarNav"] a')) setTimeout(close, 150);
  }}, true);
  setTimeout(close, 150);
}})();
</script>"""


def narrow_screens() -> None:
    """Once per page run, from app.py: the rules above (a style and a small script, nothing that shows)."""
    st.html(_STYLE)
    with st.sidebar:
        st.html(_SCRIPT, unsafe_allow_javascript=True)


def grid(name: str, *, pairs: bool = False) -> DeltaGenerator:
    """A container whose ``st.columns`` become one column on a narrow screen (two a row with ``pairs``)."""
    return st.container(key=f"{PAIRS_KEY if pairs else GRID_KEY}_{name}")
