"""Automatic persisted queries (Apollo's protocol, version 1) on the app in this process;
a real @apollo/client runs the same flow in tests/test_clients.py."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from api.settings import Settings
from tests import services
from tests.conftest import ROOT
from tests.servers import app_client
from tests.web.conftest import REDIS_URL, SEED_TITLE

pytestmark = pytest.mark.anyio

TITLES = "query Titles($first: Int!) { articles(first: $first) { nodes { title } } }"
TITLES_HASH = hashlib.sha256(TITLES.encode()).hexdigest()
ANSWER = {"data": {"articles": {"nodes": [{"title": SEED_TITLE}]}}}
APOLLO_SCRIPT = ROOT / "tests" / "js" / "apollo_persisted.mjs"
NOT_FOUND = {"errors": [{"message": "PersistedQueryNotFound",
                         "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]}


def _persisted(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def _hashed(sha: str = TITLES_HASH) -> dict[str, Any]:
    return {"variables": {"first": 3}, "extensions": _persisted(sha)}


def _with_query(sha: str = TITLES_HASH) -> dict[str, Any]:
    return {"query": TITLES, **_hashed(sha)}


def _data(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    body.pop("extensions", None)
    return body


@asynccontextmanager
async def _client(url: str, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(Settings(database_url=url, rate_limit=None, **changes)) as http:
        yield http


async def test_an_unknown_hash_gets_the_error_apollo_clients_retry_on(seeded: str) -> None:
    async with _client(seeded) as client:
        response = await client.post("/graphql", json=_hashed())
    assert (response.status_code, response.json()) == (200, NOT_FOUND)


async def test_a_query_sent_with_its_hash_is_stored_and_then_runs_by_hash_alone(
    seeded: str,
) -> None:
    async with _client(seeded) as client:
        registered = await client.post("/graphql", json=_with_query())
        by_hash = await client.post("/graphql", json=_hashed())
    assert (registered.status_code, _data(registered)) == (200, ANSWER)
    assert (by_hash.status_code, _data(by_hash)) == (200, ANSWER)


async def test_a_hash_runs_over_get_with_an_etag(seeded: str) -> None:
    params = {"variables": json.dumps({"first": 3}), "extensions": json.dumps(_persisted(
        TITLES_HASH)), "operationName": "Titles"}
    async with _client(seeded) as client:
        unknown = await client.get("/graphql", params=params, headers={"accept": "*/*"})
        await client.post("/graphql", json=_with_query())
        known = await client.get("/graphql", params=params, headers={"accept": "*/*"})
        revalidated = await client.get(
            "/graphql", params=params, headers={"If-None-Match": known.headers["etag"]})
    assert (unknown.status_code, unknown.json()) == (200, NOT_FOUND)
    assert (known.status_code, _data(known)) == (200, ANSWER)
    assert known.headers["etag"] == f'"{hashlib.sha256(known.content).hexdigest()}"'
    assert revalidated.status_code == 304


async def test_a_hash_that_is_not_the_querys_is_refused(seeded: str) -> None:
    wrong = "0" * 64
    async with _client(seeded) as client:
        refused = await client.post("/graphql", json=_with_query(wrong))
        still_unknown = await client.post("/graphql", json=_hashed(wrong))
    assert (refused.status_code, refused.json()) == (400, {"errors": [{
        "message": f"extensions.persistedQuery.sha256Hash is {wrong}, but the query's sha256 "
                   f"is {TITLES_HASH}; send the lowercase hex sha256 of the query text (UTF-8)",
        "extensions": {"code": "BAD_USER_INPUT"},
    }]})
    assert still_unknown.json() == NOT_FOUND


@pytest.mark.parametrize(
    "persisted",
    [{"version": 2, "sha256Hash": TITLES_HASH}, {"version": 1, "sha256Hash": "abc"},
     {"version": 1}, "yes"],
)
async def test_a_malformed_persisted_query_is_refused_saying_what_to_send(
    seeded: str, persisted: object
) -> None:
    async with _client(seeded) as client:
        response = await client.post(
            "/graphql", json={"query": TITLES, "variables": {"first": 3},
                              "extensions": {"persistedQuery": persisted}})
    assert (response.status_code, response.json()) == (400, {"errors": [{
        "message": 'extensions.persistedQuery must be {"version": 1, "sha256Hash": '
                   '"<64 lowercase hex digits>"} (Apollo\'s automatic persisted queries, '
                   "version 1)",
        "extensions": {"code": "BAD_USER_INPUT"},
    }]})


async def test_the_memory_store_keeps_the_most_recently_used_queries(seeded: str) -> None:
    queries = [f"{{ articles(first: {n}) {{ totalCount }} }}" for n in (1, 2, 3)]
    hashes = [hashlib.sha256(q.encode()).hexdigest() for q in queries]
    async with _client(seeded, response_cache_size=2) as client:
        for query, sha in zip(queries, hashes, strict=True):
            await client.post("/graphql", json={"query": query, "extensions": _persisted(sha)})
        answers = [_data(await client.post("/graphql", json={"extensions": _persisted(sha)}))
                   for sha in reversed(hashes)]
    assert answers == [{"data": {"articles": {"totalCount": 1}}}] * 2 + [NOT_FOUND]


async def test_a_query_registered_with_one_worker_runs_on_another_through_redis(
    seeded: str, redis: Redis
) -> None:
    settings = {"response_cache": "redis", "redis_url": REDIS_URL}
    async with _client(seeded, **settings) as one, _client(seeded, **settings) as two:
        await one.post("/graphql", json=_with_query())
        elsewhere = await two.post("/graphql", json=_hashed())
    assert _data(elsewhere) == ANSWER
    assert await redis.get(f"quotegraph:apq:{TITLES_HASH}") == TITLES.encode()


async def test_persisted_queries_work_with_the_response_cache_off(seeded: str) -> None:
    async with _client(seeded, response_cache="off") as client:
        await client.post("/graphql", json=_with_query())
        by_hash = await client.post("/graphql", json=_hashed())
    assert _data(by_hash) == ANSWER


def _node_problem() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed; the Apollo client check needs Node.js"
    if not (ROOT / "node_modules" / "@apollo" / "client").is_dir():
        return "node_modules/@apollo/client is missing; run `make install` (npm install)"
    return None


def test_apollo_clients_register_a_query_once_and_then_send_its_hash_by_get(
    seeded_server: str,
) -> None:
    """@apollo/client's createPersistedQueryLink (useGETForHashedQueries) on a real server."""
    services.need("node", _node_problem())
    run = subprocess.run(
        ["node", str(APOLLO_SCRIPT), f"{seeded_server}/graphql"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert run.returncode == 0, run.stderr
    hashed_get = {"method": "GET", "query": False, "hash": True, "status": 200, "etag": True}
    assert json.loads(run.stdout) == {
        "actors": [{"__typename": "Actor", "name": "Sergei Lavrov", "title": "Foreign Minister"}],
        "sent": [
            hashed_get,  # PersistedQueryNotFound
            {"method": "POST", "query": True, "hash": True, "status": 200, "etag": False},
            hashed_get,  # a second browser: the hash alone is enough now
        ],
    }
