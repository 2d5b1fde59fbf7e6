"""The response cache, ETags and the read replica, on the app in this process.

Hits are told apart from misses by the debug extensions: a hit runs no SQL
(`sqlStatements: 0`) and says `responseCache: "hit"`. Redis tests use db 3 and
flush only it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from api.app import create_app
from api.context import build_context
from api.errors import SettingsError
from api.load.seed import seed_paths
from api.settings import Settings
from api.store.db import DATA_CHANNEL, create_engine, upgrade
from api.store.events import PostgresBus, libpq_dsn
from tests.articles import CEASEFIRE, CEASEFIRE_TITLE
from tests.servers import app_client
from tests.web.conftest import REDIS_URL, SEED_TITLE, seed

pytestmark = pytest.mark.anyio

TOKEN = "wire-service-token-42"
TITLES = "query Titles($first: Int!) { articles(first: $first) { nodes { title } } }"
LAVROV = '{ actors(filter: {search: "lavrov"}) { nodes { name statementCount } } }'
INGEST = """
mutation ($body: String!) {
  ingestArticle(input: {body: $body}) { ... on IngestArticleSuccess { created article { title } } }
}
"""
WAIT_SECONDS = 30  # a change another connection made must be seen within this (else: fail)


@asynccontextmanager
async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(create_app(settings)) as client:
        yield client


def _settings(url: str, **changes: Any) -> Settings:
    fields: dict[str, Any] = {"debug": True, "api_tokens": (("wire", TOKEN),),
                              "rate_limit": None}
    return Settings(database_url=url, **(fields | changes))


async def _post(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def _ingest(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", headers={"Authorization": f"Bearer {TOKEN}"},
        json={"query": INGEST, "variables": {"body": CEASEFIRE}},
    )
    assert response.json()["data"] == {
        "ingestArticle": {"created": True, "article": {"title": CEASEFIRE_TITLE}}
    }


def _titles(body: dict[str, Any]) -> list[str]:
    return [node["title"] for node in body["data"]["articles"]["nodes"]]


def _served(body: dict[str, Any]) -> tuple[int, str | None]:
    """(SQL statements run, "hit" if the cache answered)."""
    return body["extensions"]["sqlStatements"], body["extensions"].get("responseCache")


async def _until(check: Callable[[], Awaitable[bool]]) -> None:
    """Ask `check` until it holds; fail after WAIT_SECONDS (the change was never seen)."""
    async with asyncio.timeout(WAIT_SECONDS):
        while not await check():
            await asyncio.sleep(0.05)


# --- hits and misses ---------------------------------------------------------------------


async def test_an_identical_query_is_answered_from_the_cache_without_sql(seeded: str) -> None:
    async with _client(_settings(seeded)) as client:
        first = await _post(client, TITLES, first=3)
        second = await _post(client, TITLES, first=3)
        other_variables = await _post(client, TITLES, first=2)
    assert _served(first) == (1, None)
    assert _served(second) == (0, "hit")
    assert _titles(first) == _titles(second) == [SEED_TITLE]
    assert _served(other_variables) == (1, None)


async def test_variables_in_another_key_order_are_the_same_query(seeded: str) -> None:
    query = "query ($a: Int!, $b: String) { articles(first: $a, after: $b) { totalCount } }"
    async with _client(_settings(seeded)) as client:
        first = await client.post("/graphql", json={"query": query,
                                                     "variables": {"a": 1, "b": None}})
        second = await client.post("/graphql", json={"query": query,
                                                      "variables": {"b": None, "a": 1}})
    assert _served(first.json())[1] is None
    assert _served(second.json()) == (0, "hit")


async def test_answers_with_errors_are_not_kept(seeded: str) -> None:
    query = '{ articles(first: 1) { totalCount } node(id: "bm90OmFuaWQ=") { id } }'
    async with _client(_settings(seeded)) as client:
        answers = [(await client.post("/graphql", json={"query": query})).json()
                   for _ in range(2)]
    assert [a["data"]["articles"]["totalCount"] for a in answers] == [1, 1]
    assert all(a["errors"] for a in answers)
    assert [_served(a) for a in answers] == [(1, None), (1, None)]


async def test_batched_requests_are_not_cached(seeded: str) -> None:
    batch = [{"query": TITLES, "variables": {"first": 1}}, {"query": LAVROV}]
    async with _client(_settings(seeded, batch_max=2)) as client:
        answers = [(await client.post("/graphql", json=batch)).json() for _ in range(2)]
    assert [[_served(item) for item in answer] for answer in answers] == [
        [(1, None), (1, None)], [(1, None), (1, None)],  # each compiled to one statement
    ]


async def test_with_the_cache_off_every_query_runs(seeded: str) -> None:
    async with _client(_settings(seeded, response_cache="off")) as client:
        answers = [await _post(client, TITLES, first=3) for _ in range(2)]
    assert [_served(a) for a in answers] == [(1, None), (1, None)]


async def test_the_memory_cache_keeps_the_most_recently_used_answers(seeded: str) -> None:
    async with _client(_settings(seeded, response_cache_size=2)) as client:
        for first in (1, 2, 3):  # 1 is dropped: the cache holds 2 answers
            await _post(client, TITLES, first=first)
        again = [_served(await _post(client, TITLES, first=first)) for first in (3, 2, 1)]
    assert again == [(0, "hit"), (0, "hit"), (1, None)]


# --- invalidation ------------------------------------------------------------------------


async def test_a_mutation_forgets_every_answer(seeded: str) -> None:
    async with _client(_settings(seeded)) as client:
        await _post(client, TITLES, first=5)
        await _ingest(client)
        after = await _post(client, TITLES, first=5)
    assert _served(after) == (1, None)
    assert sorted(_titles(after)) == sorted([SEED_TITLE, CEASEFIRE_TITLE])


async def test_a_write_by_another_connection_is_seen(seeded: str, tmp_path: Path) -> None:
    """A seed run elsewhere: SQLite's data_version moves, or PostgreSQL NOTIFYs."""
    path = tmp_path / "new.txt"
    path.write_text(CEASEFIRE, encoding="utf-8")
    async with _client(_settings(seeded)) as client:
        await _post(client, TITLES, first=5)
        assert _served(await _post(client, TITLES, first=5)) == (0, "hit")
        engine = create_engine(seeded)  # another pool, as another process would have
        try:
            assert (await seed_paths(engine, [path])).created == 1
        finally:
            await engine.dispose()

        async def sees_it() -> bool:
            return CEASEFIRE_TITLE in _titles(await _post(client, TITLES, first=5))

        await _until(sees_it)


# --- Redis -------------------------------------------------------------------------------


async def test_workers_share_answers_in_redis_and_a_mutation_forgets_them_for_all(
    seeded: str, redis: Redis
) -> None:
    settings = _settings(seeded, response_cache="redis", redis_url=REDIS_URL)
    async with _client(settings) as one, _client(settings) as two:
        for worker in (one, two):  # a starting worker forgets what Redis holds (INCR)
            await _post(worker, LAVROV)
        miss = await _post(one, TITLES, first=5)
        shared = await _post(two, TITLES, first=5)
        await _ingest(one)
        after = await _post(two, TITLES, first=5)  # no waiting: the generation moved first
    assert (_served(miss), _served(shared)) == ((1, None), (0, "hit"))
    assert _served(after) == (1, None)
    assert sorted(_titles(after)) == sorted([SEED_TITLE, CEASEFIRE_TITLE])
    names = [k.decode() if isinstance(k, bytes) else k for k in await redis.keys("*")]
    keys = {name.split(":")[1] for name in names}
    assert keys == {"generation", "r"}  # the generation and answers, nothing else


async def test_with_redis_down_queries_are_served_uncached_and_logged_once(
    seeded: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(seeded, response_cache="redis", redis_url="redis://127.0.0.1:1/3")
    with caplog.at_level(logging.WARNING, logger="quotegraph.cache"):
        async with _client(settings) as client:
            answers = [await _post(client, TITLES, first=3) for _ in range(3)]
    assert [_served(a) for a in answers] == [(1, None)] * 3
    assert [_titles(a) for a in answers] == [[SEED_TITLE]] * 3
    warnings = [r.getMessage() for r in caplog.records if "Redis" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].startswith("Redis is unreachable (")
    assert warnings[0].endswith("); answers are computed without it until it answers")


# --- ETags -------------------------------------------------------------------------------


async def test_a_get_answer_has_a_strong_etag_and_a_matching_if_none_match_gets_304(
    seeded: str,
) -> None:
    params = {"query": TITLES, "variables": '{"first": 3}'}
    async with _client(_settings(seeded, debug=False)) as client:
        first = await client.get("/graphql", params=params)
        again = await client.get("/graphql", params=params)
        unchanged = await client.get("/graphql", params=params,
                                     headers={"If-None-Match": first.headers["etag"]})
        other = await client.get("/graphql", params=params, headers={"If-None-Match": '"x"'})
    assert first.status_code == 200
    assert first.headers["etag"] == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert first.headers["cache-control"] == "public, no-cache"
    assert first.headers["vary"] == "Accept, Origin"  # Origin: the CORS middleware
    assert (again.content, again.headers["etag"]) == (first.content, first.headers["etag"])
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["etag"] == first.headers["etag"]
    assert "content-type" not in unchanged.headers
    assert (other.status_code, other.content) == (200, first.content)


async def test_post_answers_carry_no_etag(seeded: str) -> None:
    async with _client(_settings(seeded, debug=False)) as client:
        response = await client.post("/graphql", json={"query": TITLES,
                                                        "variables": {"first": 3}})
    assert response.status_code == 200
    assert ("etag" in response.headers, "cache-control" in response.headers) == (False, False)


async def test_private_queries_are_cached_per_authentication_and_privately(seeded: str) -> None:
    settings = _settings(seeded, debug=False, private_queries=True)
    params = {"query": TITLES, "variables": '{"first": 3}'}
    signed = {"Authorization": f"Bearer {TOKEN}"}
    async with _client(settings) as client:
        refused = [await client.get("/graphql", params=params) for _ in range(2)]
        allowed = await client.get("/graphql", params=params, headers=signed)
    assert [r.json()["errors"][0]["extensions"]["code"] for r in refused] == [
        "UNAUTHENTICATED", "UNAUTHENTICATED"]
    assert allowed.json()["data"] == {"articles": {"nodes": [{"title": SEED_TITLE}]}}
    assert allowed.headers["cache-control"] == "private, no-cache"


# --- read replica ------------------------------------------------------------------------


@pytest.fixture
def primary_and_replica(tmp_path: Path) -> tuple[str, str]:
    """Two migrated SQLite files: the primary and a stand-in for its replica."""
    urls = (f"sqlite:///{tmp_path / 'primary.db'}", f"sqlite:///{tmp_path / 'replica.db'}")
    for url in urls:
        upgrade(url)
    return urls


async def test_queries_read_the_replica_and_mutations_the_primary(
    primary_and_replica: tuple[str, str],
) -> None:
    primary, replica = primary_and_replica
    await seed(primary)  # the replica stays empty: what a query reads tells where from
    async with _client(_settings(primary, database_read_url=replica)) as client:
        before = await _post(client, TITLES, first=5)
        await _ingest(client)  # its answer is read back from the primary
        after = await _post(client, TITLES, first=5)
    assert (_titles(before), _titles(after)) == ([], [])


async def test_a_read_url_on_the_same_database_serves_as_usual(seeded: str) -> None:
    async with _client(_settings(seeded, database_read_url=seeded)) as client:
        await _ingest(client)
        after = await _post(client, TITLES, first=5)
    assert sorted(_titles(after)) == sorted([SEED_TITLE, CEASEFIRE_TITLE])


async def test_a_context_reads_the_replica_until_it_needs_the_primary() -> None:
    primary, replica = create_engine("sqlite:///p.db"), create_engine("sqlite:///r.db")
    context = build_context(primary, read_engine=replica)
    assert context.loaders.engine is replica
    context.use_primary()
    assert context.loaders.engine is primary
    assert build_context(primary).loaders.engine is primary
    await primary.dispose()
    await replica.dispose()


# --- settings ----------------------------------------------------------------------------


def test_cache_settings_default_and_are_read_from_the_environment() -> None:
    defaults = Settings.from_env({})
    assert (defaults.response_cache, defaults.redis_url, defaults.response_cache_size,
            defaults.response_cache_ttl, defaults.database_read_url) == (
        "memory", "redis://127.0.0.1:6379/0", 1000, 300, None)
    settings = Settings.from_env({
        "QUOTEGRAPH_RESPONSE_CACHE": "Redis", "REDIS_URL": "redis://cache:6380/2",
        "QUOTEGRAPH_RESPONSE_CACHE_SIZE": "50", "QUOTEGRAPH_RESPONSE_CACHE_TTL": "60",
        "DATABASE_READ_URL": "postgresql://reader@replica/news",
    })
    assert (settings.response_cache, settings.redis_url, settings.response_cache_size,
            settings.response_cache_ttl, settings.database_read_url) == (
        "redis", "redis://cache:6380/2", 50, 60, "postgresql://reader@replica/news")
    assert "cache:6380" not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"QUOTEGRAPH_RESPONSE_CACHE": "disk"},
         "QUOTEGRAPH_RESPONSE_CACHE: 'disk' is not a cache; use memory (one process), redis "
         "(shared by every worker, at REDIS_URL) or off"),
        ({"REDIS_URL": "http://user:secret@cache"},
         "REDIS_URL: is not a Redis URL; use redis://host:port/db, e.g. redis://127.0.0.1:6379/0"),
        ({"QUOTEGRAPH_RESPONSE_CACHE_SIZE": "0"},
         "QUOTEGRAPH_RESPONSE_CACHE_SIZE: '0' is not a whole number of at least 1; use e.g. 1000"),
        ({"QUOTEGRAPH_RESPONSE_CACHE_TTL": "5m"},
         "QUOTEGRAPH_RESPONSE_CACHE_TTL: '5m' is not a whole number of at least 1; use e.g. 300"),
        ({"DATABASE_READ_URL": "mysql://replica/news"},
         "DATABASE_READ_URL: 'mysql://replica/news' is not a supported database URL; "
         "use sqlite:///path/to/file.db or postgresql://user@host:port/dbname"),
    ],
)
def test_bad_cache_settings_fail_naming_the_variable(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert str(caught.value) == message


def test_an_in_memory_sqlite_database_cannot_be_cached() -> None:
    with pytest.raises(SettingsError) as caught:
        create_app(Settings(database_url="sqlite://"))
    assert str(caught.value) == (
        "QUOTEGRAPH_RESPONSE_CACHE: an in-memory SQLite database cannot tell the cache of "
        "changes; use a file or set QUOTEGRAPH_RESPONSE_CACHE=off"
    )


# --- the PostgreSQL listener -------------------------------------------------------------


async def test_the_cache_hears_commits_goes_blind_when_its_listener_dies_and_recovers(
    postgres_url: str,
) -> None:
    dsn = libpq_dsn(postgres_url)
    bus = PostgresBus(dsn, buffer=1)
    heard: list[str] = []
    await bus.watch_data(lambda: heard.append("changed"), lambda: heard.append("blind"))
    other = await asyncpg.connect(dsn)
    try:
        await other.execute(f"SELECT pg_notify('{DATA_CHANNEL}', '')")
        await _until(lambda: _settled(heard, ["changed", "changed"]))
        await other.execute(  # what a database restart or a dropped connection does
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE query = 'LISTEN \"{DATA_CHANNEL}\"' AND pid <> pg_backend_pid()"
        )
        await _until(lambda: _settled(heard, ["changed", "changed", "blind", "changed"]))
        await other.execute(f"SELECT pg_notify('{DATA_CHANNEL}', '')")  # listening again
        await _until(lambda: _settled(heard, ["changed"] * 2 + ["blind"] + ["changed"] * 2))
    finally:
        await other.close()
        await bus.close()


async def _settled(heard: list[str], expected: list[str]) -> bool:
    assert heard == expected[: len(heard)], heard  # never more, nor in another order
    return heard == expected


async def test_a_blind_cache_serves_nothing_until_it_hears_again(seeded: str) -> None:
    app = create_app(_settings(seeded))
    cache = app.state.cache
    async with app_client(app) as client:
        await _post(client, TITLES, first=3)
        cache.blind()
        blind = await _post(client, TITLES, first=3)
        cache.changed()
        await _post(client, TITLES, first=3)
        again = await _post(client, TITLES, first=3)
    assert (_served(blind), _served(again)) == ((1, None), (0, "hit"))
