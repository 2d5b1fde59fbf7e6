"""Settings, read once from the environment. The only module that reads os.environ."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from api.errors import SettingsError
from api.model_files import missing_file
from api.vocabulary import ExtractionMode

DEFAULT_DATABASE_URL = "sqlite:///./quotegraph.db"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
RESPONSE_CACHES = ("memory", "redis", "off")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}


@dataclass(frozen=True)
class RateLimit:
    """A token bucket per client: `requests` at once, refilled evenly over `per_seconds`."""

    requests: int
    per_seconds: float

    def __str__(self) -> str:
        period = next(name for name, secs in _PERIODS.items() if secs == self.per_seconds)
        return f"{self.requests}/{period}"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with safe defaults."""

    database_url: str = DEFAULT_DATABASE_URL
    debug: bool = False
    seeds_dir: Path = Path("seeds")
    log_level: str = "INFO"
    # Only the test suite reads this: the PostgreSQL database it may use and wipe.
    test_database_url: str | None = None
    # Limits on what one request may ask (docs/api.md: "Limits and errors").
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_cost: int = 50_000
    max_body_bytes: int = 1_048_576
    query_timeout_ms: int = 10_000
    # Characters an article body may have (ingestArticle, seed, extract); 0: no limit.
    # Extraction time and memory grow with the body; a CMS export that glued a month of
    # stories into one record is refused rather than left to hold a worker.
    max_article_chars: int = 200_000
    rate_limit: RateLimit | None = RateLimit(requests=600, per_seconds=60.0)
    batch_max: int = 0  # operations in one batched request; 0 turns batching off
    # Browser pages on these origins may call the API (CORS); none: same origin only.
    cors_origins: tuple[str, ...] = ()
    cors_credentials: bool = False
    # Statement events a live subscriber may fall behind by before it is dropped.
    subscription_buffer: int = 100
    # Bearer tokens that may run mutations, as (name, token); the name is recorded
    # with every correction. None configured: every mutation is refused.
    api_tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    private_queries: bool = False  # queries need a token too
    # Where queries read from (a replica); None: DATABASE_URL. Mutations always use the primary.
    database_read_url: str | None = None
    # Answers to identical queries, kept until the data changes (docs/performance.md: "Response cache").
    response_cache: str = "memory"  # one of RESPONSE_CACHES
    redis_url: str = field(default=DEFAULT_REDIS_URL, repr=False)  # may hold a password
    response_cache_size: int = 1000  # answers (and persisted queries) kept in memory
    response_cache_ttl: int = 300  # seconds an answer lives in Redis
    # Compile supported queries into one SQL statement that builds the JSON (api.compiler);
    # off: every query runs through Strawberry's resolvers.
    compiled_sql: bool = True
    # uvicorn's line per request; off by default (a load balancer usually logs requests,
    # and the line costs a small query ~7% of its time).
    access_log: bool = False
    # How seed, ingestArticle and reextract read articles: accurate (the transformer
    # tagger with the rules) or fast (rules and CRF, for backfills of millions).
    extractor: ExtractionMode = ExtractionMode.FAST

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables; bad values name the variable."""
        env = os.environ if environ is None else environ
        url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        _check_url("DATABASE_URL", url)
        test_url = env.get("TEST_DATABASE_URL", "").strip() or None
        if test_url is not None:
            _check_url("TEST_DATABASE_URL", test_url)
        read_url = env.get("DATABASE_READ_URL", "").strip() or None
        if read_url is not None:
            _check_url("DATABASE_READ_URL", read_url)
        return cls(
            database_url=url,
            debug=_flag(env, "QUOTEGRAPH_DEBUG"),
            seeds_dir=Path(env.get("QUOTEGRAPH_SEEDS_DIR", "").strip() or "seeds"),
            log_level=_log_level(env.get("QUOTEGRAPH_LOG_LEVEL", "INFO")),
            test_database_url=test_url,
            max_depth=_count(env, "QUOTEGRAPH_MAX_DEPTH", cls.max_depth),
            max_aliases=_count(env, "QUOTEGRAPH_MAX_ALIASES", cls.max_aliases),
            max_tokens=_count(env, "QUOTEGRAPH_MAX_TOKENS", cls.max_tokens, least=1),
            max_cost=_count(env, "QUOTEGRAPH_MAX_COST", cls.max_cost, least=1),
            max_body_bytes=_count(env, "QUOTEGRAPH_MAX_BODY_BYTES", cls.max_body_bytes, least=1),
            query_timeout_ms=_count(env, "QUOTEGRAPH_QUERY_TIMEOUT_MS", cls.query_timeout_ms),
            max_article_chars=_count(
                env, "QUOTEGRAPH_MAX_ARTICLE_CHARS", cls.max_article_chars
            ),
            rate_limit=_rate_limit(env.get("QUOTEGRAPH_RATE_LIMIT"), cls.rate_limit),
            batch_max=_count(env, "QUOTEGRAPH_BATCH_MAX", cls.batch_max),
            cors_origins=(origins := _cors_origins(env.get("QUOTEGRAPH_CORS_ORIGINS", ""))),
            cors_credentials=_cors_credentials(env, origins),
            subscription_buffer=_count(
                env, "QUOTEGRAPH_SUBSCRIPTION_BUFFER", cls.subscription_buffer, least=1
            ),
            api_tokens=_api_tokens(env.get("QUOTEGRAPH_API_TOKENS", "")),
            private_queries=_flag(env, "QUOTEGRAPH_PRIVATE_QUERIES"),
            database_read_url=read_url,
            response_cache=_response_cache(env.get("QUOTEGRAPH_RESPONSE_CACHE", "")),
            redis_url=_redis_url(env.get("REDIS_URL", "")),
            response_cache_size=_count(
                env, "QUOTEGRAPH_RESPONSE_CACHE_SIZE", cls.response_cache_size, least=1
            ),
            response_cache_ttl=_count(
                env, "QUOTEGRAPH_RESPONSE_CACHE_TTL", cls.response_cache_ttl, least=1
            ),
            compiled_sql=_flag(env, "QUOTEGRAPH_COMPILED_SQL", default=True),
            access_log=_flag(env, "QUOTEGRAPH_ACCESS_LOG"),
            extractor=_extractor(env.get("QUOTEGRAPH_EXTRACTOR", ""), missing_file()),
        )


def _flag(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError(name, f"{raw!r} is not a boolean; use 1 or 0")


def _count(env: Mapping[str, str], name: str, default: int, *, least: int = 0) -> int:
    raw = env.get(name, "").strip().replace("_", "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < least:
        raise SettingsError(name, f"{raw!r} is not a whole number of at least {least}; "
                            f"use e.g. {default}")
    return int(raw)


def _rate_limit(raw: str | None, default: RateLimit | None) -> RateLimit | None:
    text = (raw or "").strip().lower()
    if not text:
        return default
    if text in {"off", "0"}:
        return None
    count, _, period = text.partition("/")
    if count.strip().isdigit() and int(count) > 0 and period.strip() in _PERIODS:
        return RateLimit(requests=int(count), per_seconds=_PERIODS[period.strip()])
    raise SettingsError(
        "QUOTEGRAPH_RATE_LIMIT",
        f"{raw!r} is not a rate; use requests per second, minute or hour "
        "(e.g. 600/minute), or off",
    )


def _cors_origins(raw: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        scheme, sep, host = origin.partition("://")
        if origin != "*" and (scheme not in {"http", "https"} or not sep or not host
                              or "/" in host):
            raise SettingsError(
                "QUOTEGRAPH_CORS_ORIGINS",
                f"{origin!r} is not an origin; use scheme://host[:port] such as "
                "https://app.example.com, comma-separated",
            )
    return origins


def _cors_credentials(env: Mapping[str, str], origins: tuple[str, ...]) -> bool:
    credentials = _flag(env, "QUOTEGRAPH_CORS_CREDENTIALS")
    if credentials and "*" in origins:
        raise SettingsError(
            "QUOTEGRAPH_CORS_CREDENTIALS",
            "credentials with the origin '*' would let any site act as a signed-in user; "
            "list the origins in QUOTEGRAPH_CORS_ORIGINS",
        )
    return credentials


def _api_tokens(raw: str) -> tuple[tuple[str, str], ...]:
    """`name:token,name2:token2` -> ((name, token), ...); names and tokens must be unique."""
    tokens: list[tuple[str, str]] = []
    items = [part.strip() for part in raw.split(",") if part.strip()]
    for number, item in enumerate(items, start=1):
        name, sep, token = (piece.strip() for piece in item.partition(":"))
        if not sep or not name or not token or any(c.isspace() for c in token):
            raise SettingsError(  # never echo the value: it may be a secret
                "QUOTEGRAPH_API_TOKENS",
                f"entry {number} is not name:token; use e.g. "
                "QUOTEGRAPH_API_TOKENS=alice:long-random-secret,bot:another-secret",
            )
        if name in (n for n, _ in tokens) or token in (t for _, t in tokens):
            raise SettingsError(
                "QUOTEGRAPH_API_TOKENS",
                f"entry {number} repeats a name or a token; give each its own",
            )
        tokens.append((name, token))
    return tuple(tokens)


def _response_cache(raw: str) -> str:
    kind = raw.strip().lower() or "memory"
    if kind not in RESPONSE_CACHES:
        raise SettingsError(
            "QUOTEGRAPH_RESPONSE_CACHE",
            f"{raw!r} is not a cache; use memory (one process), redis (shared by every "
            "worker, at REDIS_URL) or off",
        )
    return kind


def _redis_url(raw: str) -> str:
    url = raw.strip() or DEFAULT_REDIS_URL
    scheme, sep, rest = url.partition("://")
    if scheme.lower() not in {"redis", "rediss", "unix"} or not sep or not rest:
        raise SettingsError(  # the URL may hold a password: never echo it
            "REDIS_URL", "is not a Redis URL; use redis://host:port/db, e.g. " + DEFAULT_REDIS_URL
        )
    return url


def _extractor(raw: str, missing: Path | None) -> ExtractionMode:
    """accurate or fast; unset: accurate when the repository ships its model, else fast."""
    name = raw.strip().lower()
    if not name:
        return ExtractionMode.FAST if missing else ExtractionMode.ACCURATE
    if name not in {m.value for m in ExtractionMode}:
        raise SettingsError(
            "QUOTEGRAPH_EXTRACTOR",
            f"{raw!r} is not an extractor; use accurate (the transformer tagger) or fast "
            "(rules and CRF)",
        )
    mode = ExtractionMode(name)
    if mode == ExtractionMode.ACCURATE and missing is not None:
        raise SettingsError(
            "QUOTEGRAPH_EXTRACTOR",
            f"accurate needs its model file {missing}, which is missing; build it with "
            "`python -m api train-model --neural --corpus ../shared/corpora/polnear/train` "
            "or use fast",
        )
    return mode


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
