"""Settings: where the stores live and which area and definitions apply.

Every value can be set by an environment variable prefixed ``UPSTREAM_`` (for example
``UPSTREAM_DATA_DIR``); ``DATABASE_URL`` is read without a prefix because that is the
convention every database tool follows.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The checkout (``src/upstream/config.py`` -> two levels up from the package)."""

BUNDLED_DATA = PROJECT_ROOT / "data"


class Settings(BaseSettings):
    """Run-time settings for every command and the web app."""

    model_config = SettingsConfigDict(env_prefix="UPSTREAM_", extra="ignore")

    data_dir: Path = Field(default=PROJECT_ROOT / "var", description="Event store and outputs.")
    bundled_data: Path = Field(default=BUNDLED_DATA, description="The bundled open data.")
    boundary_file: Path = Field(
        default=BUNDLED_DATA / "geography" / "waltham_forest_boundary.geojson",
        description="Polygon of the partnership area (any CRS GeoPandas reads).",
    )
    area_name: str = Field(default="Waltham Forest")
    definitions_file: Path | None = Field(
        default=None, description="A TOML file overriding the bundled local definitions."
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "UPSTREAM_DATABASE_URL"),
        description="Case store; SQLite under the data dir when unset.",
    )

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
