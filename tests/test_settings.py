"""Settings come from the environment once; bad values name the variable."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.db import async_url
from api.errors import SettingsError
from api.settings import Settings


def test_defaults_when_nothing_is_set() -> None:
    assert Settings.from_env({}) == Settings(
        database_url="sqlite:///./quotegraph.db", debug=False, seeds_dir=Path("seeds"),
        log_level="INFO", test_database_url=None,
    )


def test_values_are_read_from_the_environment() -> None:
    settings = Settings.from_env({
        "DATABASE_URL": "postgresql://app@db:5432/news", "QUOTEGRAPH_DEBUG": "1",
        "QUOTEGRAPH_SEEDS_DIR": "/data/articles", "QUOTEGRAPH_LOG_LEVEL": "debug",
        "TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
    })
    assert (settings.database_url, settings.debug, settings.seeds_dir, settings.log_level) == (
        "postgresql://app@db:5432/news", True, Path("/data/articles"), "DEBUG",
    )
    assert settings.test_database_url == "postgresql://postgres@127.0.0.1:5432/test"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/x"},
         ("DATABASE_URL: 'mysql://root@localhost/x' is not a supported database URL; "
          "use sqlite:///path/to/file.db or postgresql://user@host:port/dbname")),
        ({"QUOTEGRAPH_DEBUG": "maybe"}, "QUOTEGRAPH_DEBUG: 'maybe' is not a boolean; use 1 or 0"),
        ({"QUOTEGRAPH_LOG_LEVEL": "loud"}, "QUOTEGRAPH_LOG_LEVEL: 'loud' is not a level; use INFO or DEBUG"),
    ],
)
def test_bad_values_fail_naming_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///./quotegraph.db", "sqlite+aiosqlite:///./quotegraph.db"),
        ("postgresql://u:secret@h:5433/db", "postgresql+asyncpg://u:secret@h:5433/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_usual_urls_get_the_async_drivers(url: str, expected: str) -> None:
    assert async_url(url) == expected
