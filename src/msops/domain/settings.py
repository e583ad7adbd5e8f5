"""The service's settings: one object, read from the environment and an optional settings file.

Each setting has an environment variable `MSOPS_<NAME>` and a key `<name>` in the TOML file named
by `MSOPS_SETTINGS_FILE`; the environment wins over the file, the file over the default. A value
that does not parse is an `InvalidInput` naming the setting and never echoing the value (a
database URL holds a password). `shown()` gives each effective value with where it came from and
secrets masked, for `msops config show`. Settings are read afresh on each call to `current()`:
the file is small, and a test or an operator changing the environment sees the change.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from platformdirs import user_data_dir, user_log_dir
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from msops.domain.errors import InvalidInput

PREFIX = "MSOPS_"
FILE_ENV = "MSOPS_SETTINGS_FILE"
MASK = "***"
SECRET_QUERY_KEYS = frozenset({"password", "passfile", "sslpassword", "sslkey"})


class Settings(BaseSettings):
    """Every setting of msops, with its default. Paths are as given (`~` expanded where used)."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_ignore_empty=True, extra="forbid", validate_default=True
    )

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database; unset: SQLite in the data directory",
    )
    data_dir: Path | None = Field(
        default=None, description="where the embedded database and default keys live"
    )
    audit_key_file: Path | None = Field(
        default=None, description="the audit trail's MAC key (default: audit-hmac.key in data_dir)"
    )
    audit_signing_key_file: Path | None = Field(
        default=None,
        description="the checkpoints' Ed25519 key (default: audit-signing.key in data_dir)",
    )
    trusted_hosts: str = Field(
        default="", description="host names the web application answers to, comma-separated"
    )
    trusted_proxies: str = Field(
        default="", description="reverse proxies whose X-Forwarded-For is believed, comma-separated"
    )
    secure_cookies: bool = Field(default=False, description="session cookies only over HTTPS")
    metrics: bool = Field(default=False, description="serve Prometheus metrics at /metrics")
    error_log: Path | None = Field(
        default=None,
        description="database errors log (default: errors.log in the user's log folder)",
    )
    max_upload_mb: int = Field(
        default=20, ge=1, le=1024, description="largest return file uploaded"
    )
    max_unpacked_mb: int = Field(
        default=50, ge=1, le=4096, description="what a zip or XLSX may unpack to"
    )
    max_archive_members: int = Field(default=1000, ge=1, description="files inside a zip or XLSX")
    max_rows_per_part: int = Field(
        default=200_000, ge=1, description="rows in one part of a return"
    )
    retention_file: Path | None = Field(
        default=None, description="MoPI review rules over the shipped ones (TOML)"
    )
    user: str | None = Field(default=None, description="the operator's name on the command line")
    hash_slots: int = Field(
        default=2, ge=1, le=64, description="password hashes at once, per process"
    )
    pg_bindir: Path | None = Field(default=None, description="folder of pg_dump and pg_restore")
    web_threads: int = Field(
        default=8, ge=1, le=256, description="requests one web worker runs at once"
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for entry in (e.strip() for e in value.split(",")):
            if entry:
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise ValueError("an entry is not an IP address or network") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = settings_file()
        if path is None:
            return (init_settings, env_settings)
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, path))


def default(field: str) -> Any:
    """The default of a setting, for the modules that keep it as a constant."""
    return Settings.model_fields[field].default


def env_name(field: str) -> str:
    return PREFIX + field.upper()


def settings_file() -> Path | None:
    """The settings file named by MSOPS_SETTINGS_FILE, checked readable as TOML; None if unset."""
    given = os.environ.get(FILE_ENV, "").strip()
    if not given:
        return None
    path = Path(given).expanduser()
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InvalidInput(f"{FILE_ENV}: cannot read {path} ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        raise InvalidInput(f"{FILE_ENV}: {path} is not valid TOML ({err})") from None
    return path


def current() -> Settings:
    """The settings in force; a bad value raises InvalidInput naming the setting.

    Read again only when an `MSOPS_*` variable or the settings file has changed: the service
    asks on every request (the audit key's path), and reading them costs milliseconds."""
    key = _snapshot()
    found = _READ.get(key)
    if found is None:
        found = _read()
        _READ.clear()  # one snapshot is in force at a time
        _READ[key] = found
    return found


_READ: dict[tuple[object, ...], Settings] = {}


def _snapshot() -> tuple[object, ...]:
    """What the settings are read from: the MSOPS_* variables and the file's identity."""
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(PREFIX)))
    given = os.environ.get(FILE_ENV, "").strip()
    if not given:
        return env
    try:
        st = Path(given).expanduser().stat()
    except OSError:
        return (*env, None)  # unreadable: read again, and say so, every time
    return (*env, st.st_mtime_ns, st.st_size, st.st_ino)


def _read() -> Settings:
    try:
        return Settings()
    except ValidationError as err:
        first = err.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        origin = _origins().get(name, "file")
        where = env_name(name) if origin == "env" else f"{name} in {FILE_ENV}"
        if first["type"] == "extra_forbidden":
            raise InvalidInput(f"{FILE_ENV}: {name!r} is not a setting of msops") from None
        raise InvalidInput(f"setting {where}: {first['msg']}") from None


def data_dir(settings: Settings | None = None) -> Path:
    """The data directory: MSOPS_DATA_DIR, else the user's data directory."""
    chosen = (settings or current()).data_dir
    return chosen.expanduser() if chosen else Path(user_data_dir("msops", appauthor=False))


def error_log(settings: Settings | None = None) -> Path:
    chosen = (settings or current()).error_log
    return chosen.expanduser() if chosen else Path(user_log_dir("msops")) / "errors.log"


def split_list(text: str) -> list[str]:
    return [entry.strip() for entry in text.split(",") if entry.strip()]


# --- showing them ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    name: str
    env: str
    value: str
    origin: str  # default, env or file
    description: str


def _origins() -> dict[str, str]:
    origins: dict[str, str] = {}
    path = settings_file()
    if path is not None:
        for key in TomlConfigSettingsSource(Settings, path)():
            origins[key] = "file"
    for key in EnvSettingsSource(Settings)():
        origins[key] = "env"
    return origins


def mask_url(url: str) -> str:
    """A database URL with its password (in the authority or the query) replaced by ***."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        if ":" in credentials:
            credentials = credentials.split(":", 1)[0] + ":" + MASK
        netloc = f"{credentials}@{host}"
    query = urlencode(
        [
            (k, MASK if k.lower() in SECRET_QUERY_KEYS else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*/",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _display(name: str, value: Any) -> str:
    if value is None or value == "":
        return "(unset)"
    if name == "database_url":
        return mask_url(str(value))
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def shown() -> list[Shown]:
    """Every setting's effective value, where it came from, secrets masked."""
    settings = current()
    origins = _origins()
    return [
        Shown(
            name=name,
            env=env_name(name),
            value=_display(name, getattr(settings, name)),
            origin=origins.get(name, "default"),
            description=field.description or "",
        )
        for name, field in Settings.model_fields.items()
    ]
