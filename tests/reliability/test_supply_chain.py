"""Every dependency is installed from a lock file that pins it, and every transitive package, with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)")


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(lock: Path) -> dict[str, str]:
    text = lock.read_text(encoding="utf-8")
    pins = {m.group(1).lower().replace("_", "-"): m.group(2) for m in map(PIN.match, text.splitlines()) if m}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if PIN.match(block):
            assert "--hash=sha256:" in block, f"{lock.name}: {block.splitlines()[0]} has no hash"
    return pins


@pytest.mark.parametrize(("lock", "extras"), [("requirements.lock", []), ("requirements-test.lock", ["test"])])
def test_the_lock_pins_every_declared_dependency_with_hashes(lock: str, extras: list[str]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"]) + [r for e in extras for r in project["optional-dependencies"][e]]
    pins = _pins(ROOT / lock)
    missing = {_name(r) for r in declared} - set(pins)
    assert missing == set(), f"{lock} lacks {sorted(missing)}: run `make lock`"
    assert "streamlit" in pins and pins["streamlit"].startswith("1.67.")


def test_make_installs_only_from_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line and "pip-tools" not in line]
    assert all("--require-hashes" in line or "--no-deps" in line or "--upgrade pip" in line for line in installs)
    assert any("requirements.lock" in line for line in installs)
    assert any("requirements-test.lock" in line for line in installs)
