"""The shipped Streamlit settings are the production ones: nothing leaks, nothing phones home."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
MAX_UPLOAD_MB = 50


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def test_usage_statistics_are_off(config: dict[str, Any]) -> None:
    assert config["browser"]["gatherUsageStats"] is False


def test_error_details_are_hidden_from_users(config: dict[str, Any]) -> None:
    """Tracebacks can carry patient data and internals; they go to the server log only."""
    assert config["client"]["showErrorDetails"] == "none"


def test_xsrf_protection_is_on(config: dict[str, Any]) -> None:
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("enableCORS", True) is True


def test_uploads_and_messages_are_limited(config: dict[str, Any]) -> None:
    assert 0 < config["server"]["maxUploadSize"] <= MAX_UPLOAD_MB
    assert 0 < config["server"].get("maxMessageSize", 200) <= 200


def test_nothing_development_only_is_switched_on(config: dict[str, Any]) -> None:
    assert config["global"]["developmentMode"] is False
    assert config["server"]["headless"] is True
    assert config["server"].get("runOnSave", False) is False
    assert config["server"].get("fileWatcherType") == "none"
    # The agent API lets non-browser clients drive the app; it stays off unless a deployment decides otherwise.
    assert config["server"].get("enableAgentApi", False) is False
    # A cookie secret in the repository would be shared by every installation: it comes from the environment.
    assert "cookieSecret" not in config["server"]


def test_the_config_uses_only_options_streamlit_knows() -> None:
    """A misspelt option is silently ignored by Streamlit, which would quietly undo a protection."""
    from streamlit import config as st_config

    known = set(st_config._config_options_template)  # type: ignore[attr-defined]
    with CONFIG.open("rb") as handle:
        parsed = tomllib.load(handle)

    def options(prefix: str, table: dict[str, Any]) -> set[str]:
        """Dotted option names; nested tables (``[theme.light]``) are sections of their own."""
        found: set[str] = set()
        for name, value in table.items():
            dotted = f"{prefix}.{name}" if prefix else name
            found |= options(dotted, value) if isinstance(value, dict) else {dotted}
        return found

    used = options("", parsed)
    assert used and used - known == set()


def test_tables_offer_no_unaudited_browser_download(config: dict[str, Any]) -> None:
    """A table's own "Download as CSV" runs in the browser: unaudited, after sign-out, not formula-neutralised."""
    assert config["client"]["disableDataExport"] is True


def test_no_full_collection_after_every_script_run(config: dict[str, Any]) -> None:
    """Streamlit's post-run gc.collect(2) was most of a visit's server CPU; see BENCHMARKS.md."""
    assert config["runner"]["postScriptGC"] is False
