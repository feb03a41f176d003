"""axe-core in a Playwright page: inject the npm package (installed by `make test` from tests/e2e/axe) and run it
against WCAG 2.2 AA; a serious or critical violation fails unless tests/e2e/axe_allowlist.json lists it as
Streamlit's own markup (docs/accessibility.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "tests" / "e2e" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ALLOWLIST = ROOT / "tests" / "e2e" / "axe_allowlist.json"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = ("serious", "critical")

_RUN = """async ({tags, allowed}) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
      const entry = allowed.find(a => a.rule === v.id && el !== null && el.closest(a.within) !== null);
      return {target: n.target.join(' '), html: n.html.slice(0, 300), why: n.failureSummary,
              allowed_by: entry ? entry.within : null};
    }),
  }));
}"""


@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    help: str
    target: str
    html: str
    why: str
    allowed_by: str | None

    @property
    def fails(self) -> bool:
        return self.impact in FAILING and self.allowed_by is None


def allowlist() -> list[dict[str, str]]:
    entries: list[dict[str, str]] = json.loads(ALLOWLIST.read_text())["allowed"]
    return entries


def audit(page: Any, record: Path | None = None) -> list[Finding]:
    """Every WCAG 2.2 A/AA violation axe finds on the page as it is now, each node marked allowed or not."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `make axe` (npm ci in tests/e2e/axe)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text())
    raw = page.evaluate(_RUN, {"tags": TAGS, "allowed": allowlist()})
    findings = [
        Finding(v["rule"], v["impact"] or "", v["help"], n["target"], n["html"], n["why"], n["allowed_by"])
        for v in raw
        for n in v["nodes"]
    ]
    if record is not None:
        record.write_text(json.dumps([f.__dict__ for f in findings], indent=1))
    return findings


def failures(findings: list[Finding]) -> str:
    """The serious or critical violations the app controls, one a line (empty when there are none)."""
    return "\n".join(f"[{f.impact}] {f.rule} at {f.target}: {f.help}\n    {f.html}\n    {f.why}" for f in findings
                     if f.fails)  # fmt: skip
