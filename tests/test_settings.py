"""Settings come from the environment once; bad values name the variable."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.errors import SettingsError
from api.settings import RateLimit, Settings
from api.store.db import async_url
from api.vocabulary import ExtractionMode


def test_defaults_when_nothing_is_set() -> None:
    assert Settings.from_env({}) == Settings(
        database_url="sqlite:///./quotegraph.db", debug=False, seeds_dir=Path("seeds"),
        log_level="INFO", test_database_url=None,
        extractor=ExtractionMode.ACCURATE,  # the repository ships the tagger's model
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


def test_limits_and_cors_have_safe_defaults() -> None:
    settings = Settings.from_env({})
    assert (settings.max_depth, settings.max_aliases, settings.max_tokens, settings.max_cost) == (
        12, 30, 5000, 50_000,
    )
    assert (settings.max_body_bytes, settings.query_timeout_ms, settings.batch_max) == (
        1_048_576, 10_000, 0,
    )
    assert settings.rate_limit == RateLimit(requests=600, per_seconds=60.0)
    assert (settings.cors_origins, settings.cors_credentials) == ((), False)


def test_limits_and_cors_are_read_from_the_environment() -> None:
    settings = Settings.from_env({
        "QUOTEGRAPH_MAX_DEPTH": "8", "QUOTEGRAPH_MAX_ALIASES": "5", "QUOTEGRAPH_MAX_TOKENS": "900",
        "QUOTEGRAPH_MAX_COST": "10_000", "QUOTEGRAPH_MAX_BODY_BYTES": "65536",
        "QUOTEGRAPH_QUERY_TIMEOUT_MS": "2500", "QUOTEGRAPH_RATE_LIMIT": "10/second",
        "QUOTEGRAPH_BATCH_MAX": "4",
        "QUOTEGRAPH_CORS_ORIGINS": "https://app.example, http://localhost:3000/",
        "QUOTEGRAPH_CORS_CREDENTIALS": "1",
    })
    assert (settings.max_depth, settings.max_aliases, settings.max_tokens, settings.max_cost) == (
        8, 5, 900, 10_000,
    )
    assert (settings.max_body_bytes, settings.query_timeout_ms, settings.batch_max) == (
        65536, 2500, 4,
    )
    assert settings.rate_limit == RateLimit(requests=10, per_seconds=1.0)
    assert settings.cors_origins == ("https://app.example", "http://localhost:3000")
    assert settings.cors_credentials is True


@pytest.mark.parametrize("value", ["off", "0"])
def test_the_rate_limit_can_be_turned_off(value: str) -> None:
    assert Settings.from_env({"QUOTEGRAPH_RATE_LIMIT": value}).rate_limit is None


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"QUOTEGRAPH_MAX_COST": "lots"},
         "QUOTEGRAPH_MAX_COST: 'lots' is not a whole number of at least 1; use e.g. 50000"),
        ({"QUOTEGRAPH_MAX_BODY_BYTES": "0"},
         "QUOTEGRAPH_MAX_BODY_BYTES: '0' is not a whole number of at least 1; use e.g. 1048576"),
        ({"QUOTEGRAPH_QUERY_TIMEOUT_MS": "-5"},
         "QUOTEGRAPH_QUERY_TIMEOUT_MS: '-5' is not a whole number of at least 0; use e.g. 10000"),
        ({"QUOTEGRAPH_RATE_LIMIT": "60 per minute"},
         "QUOTEGRAPH_RATE_LIMIT: '60 per minute' is not a rate; use requests per second, "
         "minute or hour (e.g. 600/minute), or off"),
        ({"QUOTEGRAPH_SUBSCRIPTION_BUFFER": "0"},
         "QUOTEGRAPH_SUBSCRIPTION_BUFFER: '0' is not a whole number of at least 1; use e.g. 100"),
        ({"QUOTEGRAPH_CORS_ORIGINS": "app.example.com"},
         "QUOTEGRAPH_CORS_ORIGINS: 'app.example.com' is not an origin; use scheme://host[:port] "
         "such as https://app.example.com, comma-separated"),
        ({"QUOTEGRAPH_CORS_ORIGINS": "*", "QUOTEGRAPH_CORS_CREDENTIALS": "1"},
         "QUOTEGRAPH_CORS_CREDENTIALS: credentials with the origin '*' would let any site act "
         "as a signed-in user; list the origins in QUOTEGRAPH_CORS_ORIGINS"),
    ],
)
def test_bad_limits_fail_naming_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert str(caught.value) == message


def test_the_subscription_buffer_defaults_to_100_and_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).subscription_buffer == 100
    assert Settings.from_env({"QUOTEGRAPH_SUBSCRIPTION_BUFFER": "5"}).subscription_buffer == 5


def test_api_tokens_and_private_queries() -> None:
    settings = Settings.from_env({
        "QUOTEGRAPH_API_TOKENS": " alice:s3cret , bot:other-token,",
        "QUOTEGRAPH_PRIVATE_QUERIES": "1",
    })
    assert settings.api_tokens == (("alice", "s3cret"), ("bot", "other-token"))
    assert settings.private_queries is True
    assert "s3cret" not in repr(settings)
    assert (Settings.from_env({}).api_tokens, Settings.from_env({}).private_queries) == ((), False)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("just-a-secret", "QUOTEGRAPH_API_TOKENS: entry 1 is not name:token; use e.g. "
         "QUOTEGRAPH_API_TOKENS=alice:long-random-secret,bot:another-secret"),
        ("alice:one,:two", "QUOTEGRAPH_API_TOKENS: entry 2 is not name:token; use e.g. "
         "QUOTEGRAPH_API_TOKENS=alice:long-random-secret,bot:another-secret"),
        ("alice:has space", "QUOTEGRAPH_API_TOKENS: entry 1 is not name:token; use e.g. "
         "QUOTEGRAPH_API_TOKENS=alice:long-random-secret,bot:another-secret"),
        ("alice:one,alice:two", "QUOTEGRAPH_API_TOKENS: entry 2 repeats a name or a token; "
         "give each its own"),
        ("alice:one,bob:one", "QUOTEGRAPH_API_TOKENS: entry 2 repeats a name or a token; "
         "give each its own"),
    ],
)
def test_bad_api_tokens_fail_naming_the_variable_but_not_the_secret(
    raw: str, message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"QUOTEGRAPH_API_TOKENS": raw})
    assert str(caught.value) == message


def test_the_access_log_is_off_unless_asked_for() -> None:
    assert Settings.from_env({}).access_log is False
    assert Settings.from_env({"QUOTEGRAPH_ACCESS_LOG": "1"}).access_log is True
    with pytest.raises(SettingsError, match="QUOTEGRAPH_ACCESS_LOG"):
        Settings.from_env({"QUOTEGRAPH_ACCESS_LOG": "sometimes"})


@pytest.mark.parametrize(
    ("value", "limit"), [(None, 200_000), ("5000", 5000), ("1_000_000", 1_000_000), ("0", 0)]
)
def test_the_article_size_limit_defaults_to_200000_and_0_turns_it_off(
    value: str | None, limit: int
) -> None:
    environ = {} if value is None else {"QUOTEGRAPH_MAX_ARTICLE_CHARS": value}
    assert Settings.from_env(environ).max_article_chars == limit


@pytest.mark.parametrize("value", ["-1", "200k", "1e6"])
def test_a_bad_article_size_limit_fails_naming_the_variable(value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"QUOTEGRAPH_MAX_ARTICLE_CHARS": value})
    assert str(caught.value) == (
        f"QUOTEGRAPH_MAX_ARTICLE_CHARS: {value!r} is not a whole number of at least 0; "
        "use e.g. 200000"
    )


def test_extractor_is_read_and_checked(tmp_path: Path) -> None:
    from api.settings import _extractor

    assert Settings.from_env({"QUOTEGRAPH_EXTRACTOR": " Fast "}).extractor == ExtractionMode.FAST
    assert _extractor("", None) == ExtractionMode.ACCURATE  # the model ships: accurate
    assert _extractor("", tmp_path / "tagger.onnx") == ExtractionMode.FAST
    assert _extractor("accurate", None) == ExtractionMode.ACCURATE
    with pytest.raises(SettingsError) as caught:
        _extractor("accurate", tmp_path / "tagger.onnx")
    assert str(caught.value).startswith(
        f"QUOTEGRAPH_EXTRACTOR: accurate needs its model file {tmp_path / 'tagger.onnx'}, "
        "which is missing; build it with `python -m api train-model --neural")
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"QUOTEGRAPH_EXTRACTOR": "neural"})
    assert str(caught.value) == (
        "QUOTEGRAPH_EXTRACTOR: 'neural' is not an extractor; use accurate (the transformer "
        "tagger) or fast (rules and CRF)")
