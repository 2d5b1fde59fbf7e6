"""Settings, read once from the environment. The only module that reads os.environ."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from api.errors import SettingsError

DEFAULT_DATABASE_URL = "sqlite:///./quotegraph.db"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with safe defaults."""

    database_url: str = DEFAULT_DATABASE_URL
    debug: bool = False
    seeds_dir: Path = Path("seeds")
    log_level: str = "INFO"
    # Only the test suite reads this: the PostgreSQL database it may use and wipe.
    test_database_url: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables; bad values name the variable."""
        env = os.environ if environ is None else environ
        url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        _check_url("DATABASE_URL", url)
        test_url = env.get("TEST_DATABASE_URL", "").strip() or None
        if test_url is not None:
            _check_url("TEST_DATABASE_URL", test_url)
        return cls(
            database_url=url,
            debug=_flag(env, "QUOTEGRAPH_DEBUG"),
            seeds_dir=Path(env.get("QUOTEGRAPH_SEEDS_DIR", "").strip() or "seeds"),
            log_level=_log_level(env.get("QUOTEGRAPH_LOG_LEVEL", "INFO")),
            test_database_url=test_url,
        )


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError(name, f"{raw!r} is not a boolean; use 1 or 0")


def _log_level(raw: str) -> str:
    level = raw.strip().upper() or "INFO"
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError("QUOTEGRAPH_LOG_LEVEL", f"{raw!r} is not a level; use INFO or DEBUG")
    return level


def _check_url(name: str, url: str) -> None:
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme not in {"sqlite", "postgresql", "postgres"} or "://" not in url:
        raise SettingsError(
            name,
            f"{url!r} is not a supported database URL; use sqlite:///path/to/file.db "
            "or postgresql://user@host:port/dbname",
        )
