"""Byte-level fuzzing of /graphql: arbitrary bytes, arbitrary JSON (lone surrogates,
NUL, deep nesting, huge numbers included) and arbitrary GET parameters, under several
content types, over HTTP on SQLite and PostgreSQL, and arbitrary frames over the
websocket. Nothing may get a 5xx, a body that is not GraphQL-shaped JSON, an error
without a client error code, or (websocket) a close code outside 44xx.

Runs are derandomised, so a failure reproduces; `--fuzz-bytes-examples N` sets the
examples per case (default 300).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from api.app import create_app
from api.settings import Settings
from api.store.db import upgrade
from tests.conftest import empty_database_url
from tests.servers import serve_app
from tests.web.conftest import seed

CLIENT_CODES = {
    "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "NOT_FOUND",
    "UNAUTHENTICATED", "FORBIDDEN", "QUERY_TOO_COMPLEX", "RATE_LIMITED",
    "PERSISTED_QUERY_NOT_FOUND",
}
CONTENT_TYPES = (
    None, "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16",
    "application/graphql-response+json", "text/plain", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "application/json; charset=\"\\\"",
)
ACCEPTS = ("application/graphql-response+json", "application/json", "*/*")
QUERIES = (
    "{ articles { totalCount } }", "query ($s: String!) { search(query: $s) { __typename } }",
    "query ($f: ActorFilter) { actors(filter: $f, first: 2) { nodes { name } } }",
    "query ($id: ID!) { node(id: $id) { id } }", "mutation { deleteStatement(id: \"x\") { __typename } }",
    "subscription { statementAdded { id } }", "{ __typename }",
)
# Text with everything JSON can escape: lone surrogates, NUL and other controls.
TEXT = st.text(st.one_of(
    st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.sampled_from("\x00\x01\n\"\\{}[]:$"),
), max_size=40)
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63, max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), TEXT,
)
JSON_VALUE = st.recursive(
    SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                    st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=20,
)
REQUEST = st.fixed_dictionaries(
    {"query": st.one_of(st.sampled_from(QUERIES), TEXT, JSON_VALUE)},
    optional={"variables": st.one_of(st.dictionaries(st.sampled_from("sfid"), JSON_VALUE),
                                     JSON_VALUE),
              "operationName": st.one_of(TEXT, JSON_VALUE), "extensions": JSON_VALUE},
)


def _encoded(value: object, how: str) -> bytes:
    """`value` as JSON bytes: ASCII with escapes, or raw (lone surrogates as the invalid
    UTF-8 of CESU-8), or nested a thousand levels deep."""
    if how == "ascii":
        return json.dumps(value).encode()
    if how == "deep":
        return b"[" * 1100 + json.dumps(value).encode() + b"]" * 1100
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def faults(response: httpx.Response) -> list[str]:
    """What says the server, not the request, was at fault: a 5xx, a body that is not
    GraphQL-shaped JSON, an error without a client error code."""
    found = [f"HTTP {response.status_code}"] if response.status_code >= 500 else []
    try:
        body: Any = response.json()
    except ValueError:
        return [*found, f"not JSON: {response.text[:200]!r}"]
    results = body if isinstance(body, list) else [body]
    for result in results:
        if not isinstance(result, dict) or not ("data" in result or "errors" in result):
            found.append(f"not a GraphQL response: {result!r:.200}")
            continue
        for error in result.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            if code not in CLIENT_CODES:
                found.append(f"{code}: {error.get('message')}")
    return found


class Fuzzer:
    """Sends requests to the ASGI app from synchronous code, on one event loop."""

    def __init__(self, runner: asyncio.Runner, http: httpx.AsyncClient) -> None:
        self.runner = runner
        self._http = http

    def post(self, body: bytes, content_type: str | None, accept: str) -> httpx.Response:
        headers = {"accept": accept} | ({"content-type": content_type} if content_type else {})
        return self.runner.run(self._http.post("/graphql", content=body, headers=headers))

    def get(self, query_string: str, accept: str) -> httpx.Response:
        return self.runner.run(
            self._http.get(f"/graphql?{query_string}", headers={"accept": accept})
        )


@asynccontextmanager
async def _http(url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=url, rate_limit=None))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fuzz") as http:
            yield http


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzzer(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fuzzer]:
    """A client on the app over the seed article, one per database kind."""
    url = empty_database_url(request.param, tmp_path_factory.mktemp("fuzz-bytes"))
    upgrade(url)
    with asyncio.Runner() as runner:
        runner.run(seed(url))
        context = _http(url)
        http = runner.run(context.__aenter__())
        try:
            yield Fuzzer(runner, http)
        finally:
            runner.run(context.__aexit__(None, None, None))


def _settings(config: pytest.Config) -> settings:
    return settings(
        max_examples=config.getoption("--fuzz-bytes-examples"), deadline=None,
        derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.function_scoped_fixture],
    )


def test_arbitrary_bytes_never_fail_the_server(fuzzer: Fuzzer, pytestconfig: pytest.Config) -> None:
    @_settings(pytestconfig)
    @given(body=st.binary(max_size=300), content_type=st.sampled_from(CONTENT_TYPES),
           accept=st.sampled_from(ACCEPTS))
    def fuzz(body: bytes, content_type: str | None, accept: str) -> None:
        response = fuzzer.post(body, content_type, accept)
        assert faults(response) == [], body

    fuzz()


def test_arbitrary_json_never_fails_the_server(fuzzer: Fuzzer, pytestconfig: pytest.Config) -> None:
    @_settings(pytestconfig)
    @given(value=st.one_of(REQUEST, JSON_VALUE), how=st.sampled_from(["ascii", "raw", "deep"]),
           content_type=st.sampled_from(CONTENT_TYPES[1:3]), accept=st.sampled_from(ACCEPTS))
    def fuzz(value: object, how: str, content_type: str, accept: str) -> None:
        body = _encoded(value, how)
        response = fuzzer.post(body, content_type, accept)
        assert faults(response) == [], body[:500]

    fuzz()


def _query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, errors='surrogatepass')}={quote(v, errors='surrogatepass')}"
                    for k, v in pairs)


PARAMETER = st.one_of(st.sampled_from(["query", "variables", "operationName", "extensions"]),
                      TEXT)
PARAMETER_VALUE = st.one_of(st.sampled_from(QUERIES), TEXT, JSON_VALUE.map(json.dumps))


def test_arbitrary_get_parameters_never_fail_the_server(
    fuzzer: Fuzzer, pytestconfig: pytest.Config
) -> None:
    @_settings(pytestconfig)
    @given(pairs=st.lists(st.tuples(PARAMETER, PARAMETER_VALUE), max_size=6),
           raw=st.binary(max_size=40), accept=st.sampled_from(ACCEPTS[:2]))
    def fuzz(pairs: list[tuple[str, str]], raw: bytes, accept: str) -> None:
        query_string = _query_string(pairs)
        for candidate in (query_string, quote(raw.decode("latin-1"), safe="=&")):
            response = fuzzer.get(candidate, accept)
            assert faults(response) == [], candidate

    fuzz()


FRAME = st.one_of(
    st.binary(max_size=100),
    JSON_VALUE.map(lambda v: json.dumps(v)),
    st.fixed_dictionaries(
        {"type": st.one_of(st.sampled_from(["connection_init", "ping", "pong", "subscribe",
                                            "complete", "next", "error"]), TEXT)},
        optional={"id": st.one_of(TEXT, JSON_VALUE), "payload": st.one_of(REQUEST, JSON_VALUE)},
    ).map(lambda v: json.dumps(v)),
)


async def _exchange(host: str, frames: list[str | bytes]) -> int | None:
    """Send connection_init, `frames` and a ping; the close code, or None if the server
    answered the ping (it is still serving the connection)."""
    async with connect(f"ws://{host}/graphql", max_size=None,
                       subprotocols=[Subprotocol("graphql-transport-ws")]) as websocket:
        try:
            for frame in ['{"type":"connection_init"}', *frames, '{"type":"ping"}']:
                await websocket.send(frame)
            async with asyncio.timeout(10):
                while json.loads(await websocket.recv()).get("type") != "pong":
                    pass
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else -1
    return None


def test_arbitrary_websocket_frames_close_with_44xx_or_are_served(
    sqlite_url: str, pytestconfig: pytest.Config
) -> None:
    app = create_app(Settings(database_url=sqlite_url, rate_limit=None))
    with asyncio.Runner() as runner:
        context = serve_app(app)
        host = runner.run(context.__aenter__())
        try:
            @_settings(pytestconfig)
            @given(frames=st.lists(FRAME, min_size=1, max_size=3))
            def fuzz(frames: list[str | bytes]) -> None:
                code = runner.run(_exchange(host, frames))
                assert code is None or 4400 <= code < 4500, (code, frames)

            fuzz()
        finally:
            runner.run(context.__aexit__(None, None, None))


def _response(status: int, body: bytes) -> httpx.Response:
    return httpx.Response(status, content=body)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b'{"data":{"a":1}}', []),
        (400, b'{"errors":[{"message":"m","extensions":{"code":"BAD_USER_INPUT"}}]}', []),
        (500, b'{"errors":[{"message":"m","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}',
         ["HTTP 500", "INTERNAL_SERVER_ERROR: m"]),
        (500, b"Internal Server Error", ["HTTP 500", "not JSON: 'Internal Server Error'"]),
        (200, b'{"errors":[{"message":"m"}]}', ["None: m"]),
        (200, b"42", ["not a GraphQL response: 42"]),
    ],
)
def test_faults_are_recognised(status: int, body: bytes, expected: list[str]) -> None:
    assert faults(_response(status, body)) == expected
