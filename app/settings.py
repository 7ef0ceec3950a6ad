"""Application settings, read from the environment (prefix ``SASARAN_``) and ``.env``.

No settings object is created at import time: the app factory, the CLI and the tests build one.
"""

from __future__ import annotations

import functools
import secrets
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app import clock

SECRET_KEY_FILE = "secret.key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SASARAN_", env_file=".env", extra="ignore")

    mode: Literal["local", "production"] = "local"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "SASARAN_DATABASE_URL")
    )
    data_dir: Path = Path(".sasaran")
    secret_key: str | None = None
    pg_bindir: Path | None = None
    pg_port: int = 5432
    pg_listen_tcp: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    tile_url: str | None = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "&copy; OpenStreetMap contributors"
    # The light basemap offered beside it (empty = none); both are optional: the map works
    # without any basemap (the offline intranet case).
    tile_light_url: str | None = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png"
    tile_light_attribution: str = "&copy; OpenStreetMap contributors &copy; CARTO"
    max_upload_mb: int = 200
    default_desil_max: int = 4
    poverty_line: float = 441_448.0
    # The zone of "today" (default reference dates): WIB; Kaltim deployments set Asia/Makassar.
    timezone: str = clock.DEFAULT_TIMEZONE
    # Access control and hardening (docs/security.md).
    auth_disabled: bool = False  # local mode only: every request is a local admin
    session_hours: int = 8
    cookie_secure: bool | None = None  # None = Secure cookies outside local mode
    cors_origins: list[str] = []
    check_rate_per_minute: int = 30
    login_attempts_max: int = 5  # failed logins per user name in 15 minutes
    # Failed logins per client address in 15 minutes, whatever the names tried (guessing many
    # names). Above the per-name limit: behind a proxy every client shares one address unless
    # uvicorn runs with --proxy-headers (docs/security.md).
    login_attempts_per_address: int = 20
    max_xlsx_uncompressed_mb: int = 1000

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        clock.zone(name)
        return name

    @model_validator(mode="after")
    def _refuse_missing_secret_outside_local(self) -> Settings:
        if self.mode != "local" and not self.secret_key:
            raise ValueError(
                "SASARAN_SECRET_KEY wajib diisi di luar mode lokal (kunci HMAC untuk NIK/No. KK)."
            )
        if self.mode != "local" and len(self.secret_key or "") < 32:
            raise ValueError("SASARAN_SECRET_KEY terlalu pendek: minimal 32 karakter acak.")
        if self.mode != "local" and self.auth_disabled:
            raise ValueError("SASARAN_AUTH_DISABLED hanya boleh di mode lokal.")
        if self.mode != "local" and not self.database_url:
            raise ValueError("DATABASE_URL wajib diisi di luar mode lokal.")
        return self

    @property
    def pgdata(self) -> Path:
        return (self.data_dir / "pgdata").resolve()

    def hmac_key(self) -> bytes:
        """The HMAC key for NIK/No. KK; in local mode a random key is kept in the data dir."""
        if self.secret_key:
            return self.secret_key.encode()
        return _local_key(self.data_dir.resolve() / SECRET_KEY_FILE)


@functools.cache
def _local_key(key_file: Path) -> bytes:
    # Read once per process: session checks ask for the key on every request.
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip().encode()
