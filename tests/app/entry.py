"""Runs the real app.py for AppTest.

AppTest re-enables Streamlit's legacy `pages/` folder handling on every run when the script's folder
has a `pages/` sibling, which a real server only does until the first st.navigation call. Running
app.py from here (a folder without `pages/`) gives AppTest the same routing a running server has;
the legacy path itself is covered by the browser test.
"""

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
