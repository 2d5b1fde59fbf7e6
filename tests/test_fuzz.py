"""Property-based fuzzing: queries generated from `schema.graphql` never make the server fail.

hypothesis-graphql builds valid queries (every root field, arguments of every
type, hostile strings with NUL and mixed scripts, stored and malformed global
ids, bad dates) and queries with one schema violation, sent by POST or GET with
either media type. Over the seed article, on SQLite and PostgreSQL, none may get
a 5xx, an error the server masked as its own fault, or an error without a client
error code. Runs are derandomised, so a failure reproduces; `--fuzz-examples N`
sets the count (docs/testing.md).
"""
from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes, queries

from api.load.seed import seed_paths
from api.settings import Settings
from api.store.db import create_engine, upgrade
from tests.conftest import ROOT, SEED_FILE, empty_database_url
from tests.servers import app_client

SCHEMA = (ROOT / "schema.graphql").read_text(encoding="utf-8")
# Real dates and strings that are not dates: both must be answered, never crash.
DATE = st.one_of(st.dates().map(nodes.String), st.text(max_size=12).map(nodes.String))
# Global ids of stored rows (and of rows past the end, of no type, and any text at all),
# so generated queries reach past `node(id:)` into the nested fields.
TYPES = ("Article", "Actor", "Location", "Statement", "Caption")
GLOBAL_ID = st.builds(
    lambda type_name, pk: base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode(),
    st.sampled_from(TYPES), st.integers(min_value=1, max_value=40),
)
ID = st.one_of(GLOBAL_ID, GLOBAL_ID, st.text(max_size=12)).map(nodes.String)
SCALARS = {"Date": DATE, "ID": ID}
# Both media types of the GraphQL-over-HTTP spec (the first answers client errors with 4xx).
ACCEPTS = ("application/graphql-response+json", "application/json")
MASKED = "Unexpected error"
# The codes a client may see for its own mistakes (docs/api.md, "Limits and errors").
CLIENT_CODES = {
    "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT",
    "UNAUTHENTICATED", "QUERY_TOO_COMPLEX", "RATE_LIMITED",
}


def _seed(url: str) -> None:
    async def load() -> None:
        engine = create_engine(url)
        try:
            report = await seed_paths(engine, [SEED_FILE])
        finally:
            await engine.dispose()
        assert report.ok, report.errors

    upgrade(url)
    asyncio.run(load())


class AppClient:
    """Posts queries to the ASGI app from synchronous code, on one event loop per module."""

    def __init__(self, runner: asyncio.Runner, http: httpx.AsyncClient) -> None:
        self._runner = runner
        self._http = http

    def send(self, query: str, method: str, accept: str) -> httpx.Response:
        headers = {"accept": accept}
        if method == "GET":
            request = self._http.get("/graphql", params={"query": query}, headers=headers)
        else:
            request = self._http.post("/graphql", json={"query": query}, headers=headers)
        return self._runner.run(request)


@asynccontextmanager
async def _http(url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(Settings(database_url=url, rate_limit=None)) as http:
        yield http


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppClient]:
    """A client on the app over the seed article, one per database kind for the module."""
    url = empty_database_url(request.param, tmp_path_factory.mktemp("fuzz"))
    _seed(url)
    with asyncio.Runner() as runner:
        context = _http(url)
        http = runner.run(context.__aenter__())
        try:
            yield AppClient(runner, http)
        finally:
            runner.run(context.__aexit__(None, None, None))


def server_faults(status: int, body: Any) -> list[str]:
    """What in one response says the server, not the query, was at fault.

    A 5xx, a masked message, or an error without a client error code (which would
    mean an exception nobody classified).
    """
    faults = [f"HTTP {status}"] if status >= 500 else []
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        code = (error.get("extensions") or {}).get("code")
        if code not in CLIENT_CODES or str(error.get("message", "")).startswith(MASKED):
            faults.append(f"{code}: {error.get('message')}")
    return faults


def _check(client: AppClient, query: str, method: str, accept: str) -> None:
    response = client.send(query, method, accept)
    body = response.json() if response.headers.get("content-type", "").find("json") >= 0 else None
    faults = server_faults(response.status_code, body)
    assert not faults, f"{faults} for {method} ({accept}) of:\n{query}"


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=["valid", "invalid"])
def test_generated_queries_never_fail_the_server(
    fuzz_client: AppClient, mode: Mode, pytestconfig: pytest.Config
) -> None:
    examples: int = pytestconfig.getoption("--fuzz-examples")

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        query=queries(SCHEMA, custom_scalars=SCALARS, mode=mode),
        method=st.sampled_from(["POST", "GET"]),
        accept=st.sampled_from(ACCEPTS),
    )
    def fuzz(query: str, method: str, accept: str) -> None:
        _check(fuzz_client, query, method, accept)

    fuzz()


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"data": {"node": None}}, []),
        (400, {"errors": [{"message": "Syntax Error", "extensions": {"code": "GRAPHQL_PARSE_FAILED"}}]}, []),
        (200, {"errors": [{"message": "bad id"}]}, ["None: bad id"]),
        (500, None, ["HTTP 500"]),
        (200, {"errors": [{"message": "Unexpected error; logged as request r1."}]},
         ["None: Unexpected error; logged as request r1."]),
        (200, {"errors": [{"message": "x", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]},
         ["INTERNAL_SERVER_ERROR: x"]),
    ],
)
def test_server_faults_are_recognised(status: int, body: Any, expected: list[str]) -> None:
    assert server_faults(status, body) == expected

