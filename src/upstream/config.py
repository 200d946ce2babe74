"""Settings: where the stores live and which area pack and definitions apply.

Every value can be set by an environment variable prefixed ``UPSTREAM_`` (for example
``UPSTREAM_DATA_DIR``); ``DATABASE_URL`` is read without a prefix because that is the
convention every database tool follows.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "BUNDLED_AREA",
    "DEV_AUDIT_KEY",
    "DEV_SECRET_KEY",
    "PROJECT_ROOT",
    "Settings",
    "get_settings",
]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The checkout (``src/upstream/config.py`` -> two levels up from the package)."""

BUNDLED_DATA = PROJECT_ROOT / "data"

BUNDLED_AREA = BUNDLED_DATA / "areas" / "waltham_forest"
"""The bundled area pack: the London Borough of Waltham Forest."""

_RETIRED = {
    "UPSTREAM_BOUNDARY_FILE": "the boundary",
    "UPSTREAM_AREA_NAME": "the area's name",
}
"""Settings replaced by the area pack: still set, they would be silently ignored."""

DEV_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
"""The secret key used when none is set; refused when ``UPSTREAM_ENV=production``."""

DEV_AUDIT_KEY = "development-only-audit-chain-key-do-not-use-in-production"
"""The audit chain's key when none is set; refused when ``UPSTREAM_ENV=production``."""


class Settings(BaseSettings):
    """Run-time settings for every command and the web app."""

    model_config = SettingsConfigDict(env_prefix="UPSTREAM_", extra="ignore")

    data_dir: Path = Field(default=PROJECT_ROOT / "var", description="Event store and outputs.")
    bundled_data: Path = Field(
        default=BUNDLED_DATA, description="The bundled open data (demo events, London files)."
    )
    area_dir: Path = Field(
        default=BUNDLED_AREA,
        description="The area pack: a folder with an area.toml manifest and its layers.",
    )
    definitions_file: Path | None = Field(
        default=None, description="A TOML file overriding the bundled local definitions."
    )
    safe_spaces_file: Path | None = Field(
        default=None,
        description="The partnership's safe-space list (CSV or XLSX) the Plan page uses; "
        "default: the synthetic demonstration list 'make run' writes.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "UPSTREAM_DATABASE_URL"),
        description="Case store; SQLite under the data dir when unset.",
    )
    env: str = Field(default="development", description="development, test or production.")
    secret_key: str = Field(default=DEV_SECRET_KEY, description="Signs login-form CSRF cookies.")
    cookie_secure: bool | None = Field(
        default=None, description="Send session cookies over HTTPS only (always in production)."
    )
    audit_key: str = Field(
        default=DEV_AUDIT_KEY,
        description="Keys the audit log's hash chain; keep it outside the database.",
    )
    audit_seal_ms: int = Field(
        default=50,
        ge=0,
        le=5000,
        description="Audit events are sealed into the chain this long after their commit, "
        "in the background (0: by the request itself).",
    )
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=8, ge=1, le=72)
    lockout_attempts: int = Field(
        default=5, ge=1, le=100, description="Failed logins allowed before delays start."
    )
    lockout_minutes: int = Field(default=15, ge=1, description="The longest delay imposed.")
    throttle_window_minutes: int = Field(
        default=60, ge=1, description="Failed logins older than this are forgotten."
    )
    access_grace_days: int = Field(
        default=28,
        ge=0,
        description="Days a caseworker keeps access after their offer or the case closes.",
    )
    contact_backdate_hours: int = Field(
        default=72, ge=1, description="How far back a contact may be dated when recorded."
    )
    clock_skew_minutes: int = Field(
        default=5, ge=0, le=60, description="How far in the future a given time may be."
    )
    retention_months: int = Field(default=24, ge=1, description="Anonymise cases closed before.")
    request_log: bool = Field(
        default=True,
        description="Log one line per web request (method, route, status, duration; no "
        "query strings, cookies or bodies).",
    )
    breach_deadline_days: int = Field(
        default=2,
        ge=1,
        le=30,
        description="Working days an order's lead has to decide a breach alert.",
    )
    order_flag_days: int = Field(
        default=28,
        ge=1,
        le=365,
        description="Days ahead an order's reviews and expiry are flagged.",
    )
    case_deadlines: dict[str, int] = Field(
        default_factory=dict, description="Hours to first contact per service (overrides)."
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_retired_settings(cls, data: Any) -> Any:
        for name, what in _RETIRED.items():
            if os.environ.get(name):
                raise ValueError(
                    f"{name} is no longer read: {what} now comes from the area pack. Make a "
                    "pack ('upstream area build', or a folder with an area.toml) and set "
                    "UPSTREAM_AREA_DIR to it"
                )
        return data

    @model_validator(mode="after")
    def _refuse_unsafe_values(self) -> Settings:
        if self.env not in ("development", "test", "production"):
            raise ValueError("UPSTREAM_ENV must be development, test or production")
        if self.env == "production":
            if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
                raise ValueError("set UPSTREAM_SECRET_KEY to a random value of 32+ characters")
            if self.cookie_secure is False:
                raise ValueError("UPSTREAM_COOKIE_SECURE cannot be false in production")
            if self.audit_key == DEV_AUDIT_KEY or len(self.audit_key) < 32:
                raise ValueError("set UPSTREAM_AUDIT_KEY to a random value of 32+ characters")
        return self

    @property
    def secure_cookies(self) -> bool:
        """Whether session cookies carry the Secure flag (HTTPS only)."""
        return self.env == "production" if self.cookie_secure is None else self.cookie_secure

    @cached_property
    def events_dir(self) -> Path:
        """Root of the partitioned Parquet event store."""
        return self.data_dir / "events"

    @cached_property
    def quarantine_dir(self) -> Path:
        """Where rejected input rows are written, one CSV per input file."""
        return self.data_dir / "quarantine"


def get_settings() -> Settings:
    """Settings read from the environment now (not cached, so tests can change it)."""
    return Settings()
