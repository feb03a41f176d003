"""Settings read from the environment, so one build runs on a laptop or in a hospital."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'rehab.db'}"
PAGES_AT_ONCE = 1  # page scripts run at once per server process (rehab.turns; docs/deploy.md)


def _int_env(name: str, default: int, *, least: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc
    if value < least:
        raise SystemExit(f"{name} must be {least} or more, got {value}")
    return value


def _flag_env(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name} must be 1 or 0, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    database_url: str
    idle_minutes: int
    lockout_attempts: int
    lockout_minutes: int
    prepare_caseload: bool
    migration_database_url: str
    require_app_role: bool
    session_hours: int
    cookie_secure: bool
    sso_config: Path
    report_processes: int
    pages_at_once: int


def settings() -> Settings:
    """Current settings; read on each call so tests and the CLI can change the environment."""
    return Settings(
        database_url=os.environ.get("REHAB_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        idle_minutes=_int_env("REHAB_IDLE_MINUTES", 30),
        lockout_attempts=_int_env("REHAB_LOCKOUT_ATTEMPTS", 5),
        lockout_minutes=_int_env("REHAB_LOCKOUT_MINUTES", 15),
        prepare_caseload=_flag_env("REHAB_PREPARE_CASELOAD", True),
        # PostgreSQL: the tables' owner, which `init-db` migrates as; empty means REHAB_DATABASE_URL.
        migration_database_url=os.environ.get("REHAB_MIGRATION_DATABASE_URL", "").strip(),
        # PostgreSQL: refuse to start when the app's role owns tables or can disable triggers (else warn).
        require_app_role=_flag_env("REHAB_REQUIRE_APP_ROLE", False),
        # A browser session ends this long after sign-in, however active (OWASP: an absolute time-out).
        session_hours=_int_env("REHAB_SESSION_HOURS", 12),
        # The session cookie is sent over HTTPS only; browsers also accept it on http://localhost.
        cookie_secure=_flag_env("REHAB_COOKIE_SECURE", True),
        # Single sign-on: the [auth] table of this TOML file (Streamlit's secrets file by default).
        sso_config=Path(os.environ.get("REHAB_SSO_CONFIG", "").strip() or PROJECT_ROOT / ".streamlit" / "secrets.toml"),
        # PDFs and chart images are made in up to this many worker processes per server (0: in the server itself).
        report_processes=_int_env("REHAB_REPORT_PROCESSES", 1, least=0),
        # Page scripts that run at once in one server process; the others wait their turn (0: no bound).
        pages_at_once=_int_env("REHAB_PAGES_AT_ONCE", PAGES_AT_ONCE, least=0),
    )
