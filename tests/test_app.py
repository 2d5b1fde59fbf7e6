"""The ASGI app: routes, GraphiQL offline, GET and POST, media types, error codes, CORS,
body size, rate and time limits, debug extensions."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from api.loaders.dataloaders import Loaders
from api.settings import RateLimit, Settings
from tests.servers import app_client

pytestmark = pytest.mark.anyio

COUNT = "{ articles { totalCount } }"
TITLES = "{ articles(first: 3) { nodes { title } } }"
GRAPHQL_JSON = "application/graphql-response+json"


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the app with default settings (debug off)."""
    async with app_client(Settings(database_url=database_url)) as http:
        yield http


@pytest.fixture
async def debug_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the app with debug on."""
    async with app_client(Settings(database_url=database_url, debug=True)) as http:
        yield http


async def test_healthz_says_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


async def test_graphiql_for_a_browser(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "GraphiQL" in response.text


async def test_graphiql_loads_only_local_assets_and_opens_with_an_example(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/graphql", headers={"accept": "text/html"})).text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources == [
        "/graphiql/graphiql-3.9.0.min.css",
        "/graphiql/react-18.3.1.min.js",
        "/graphiql/react-dom-18.3.1.min.js",
        "/graphiql/graphiql-3.9.0.min.js",
        "/graphiql/graphql-ws-5.16.2.min.js",
    ]
    assert "http://" not in page and "https://" not in page
    assert "wsClient: graphqlWs.createClient({ url: socket, lazy: true })" in page
    assert "articles(first: 1)" in page and "speaker { name title affiliation { name } }" in page


@pytest.mark.parametrize(
    ("path", "content_type", "size"),
    [
        ("/graphiql/graphiql-3.9.0.min.js", "text/javascript; charset=utf-8", 978022),
        ("/graphiql/graphiql-3.9.0.min.css", "text/css; charset=utf-8", 410559),
        ("/graphiql/react-18.3.1.min.js", "text/javascript; charset=utf-8", 10751),
        ("/graphiql/react-dom-18.3.1.min.js", "text/javascript; charset=utf-8", 131835),
        ("/graphiql/graphql-ws-5.16.2.min.js", "text/javascript; charset=utf-8", 11608),
    ],
)
async def test_graphiql_assets_are_served_with_their_types(
    client: httpx.AsyncClient, path: str, content_type: str, size: int
) -> None:
    response = await client.get(path)
    assert (response.status_code, response.headers["content-type"]) == (200, content_type)
    assert len(response.content) == size


async def test_query_by_get_and_by_post(client: httpx.AsyncClient) -> None:
    expected = {"data": {"articles": {"totalCount": 0}}, "extensions": {"cost": 0}}
    assert (await client.get("/graphql", params={"query": COUNT})).json() == expected
    assert (await client.post("/graphql", json={"query": COUNT})).json() == expected


async def test_a_mutation_by_get_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { x }"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_debug_off_adds_only_the_cost(client: httpx.AsyncClient) -> None:
    body = (await client.post("/graphql", json={"query": TITLES})).json()
    assert body["extensions"] == {"cost": 3}


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_JSON, GRAPHQL_JSON),
        (f"{GRAPHQL_JSON}, application/json", GRAPHQL_JSON),
        (f"application/json, {GRAPHQL_JSON};q=0.5", "application/json"),
    ],
)
async def test_answers_in_the_media_type_asked_for(
    client: httpx.AsyncClient, accept: str | None, content_type: str
) -> None:
    headers = {"accept": accept} if accept else {}
    response = await client.post("/graphql", json={"query": COUNT}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{content_type}; charset=utf-8"


async def test_a_client_accepting_no_json_gets_a_406(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": COUNT}, headers={"accept": "text/csv"})
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ articles { ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query ($n: Int) { articles(first: $n) { totalCount } }", {"n": "ten"}, "BAD_USER_INPUT"),
    ],
)
async def test_request_errors_are_400_without_data_for_graphql_response_json(
    client: httpx.AsyncClient, query: str, variables: dict[str, object] | None, code: str
) -> None:
    payload = {"query": query, "variables": variables}
    strict = await client.post("/graphql", json=payload, headers={"accept": GRAPHQL_JSON})
    legacy = await client.post("/graphql", json=payload, headers={"accept": "application/json"})
    assert (strict.status_code, legacy.status_code) == (400, 200)
    for body in (strict.json(), legacy.json()):
        assert "data" not in body
        assert [e["extensions"]["code"] for e in body["errors"]] == [code]


async def test_debug_reports_sql_statements_and_time(debug_client: httpx.AsyncClient) -> None:
    body = (await debug_client.post("/graphql", json={"query": COUNT})).json()
    assert body["extensions"]["sqlStatements"] == 1
    assert isinstance(body["extensions"]["timeMs"], float)
    assert body["extensions"]["timeMs"] >= 0


@pytest.mark.parametrize(
    ("query", "message", "code"),
    [
        ("{ articles { ", "Syntax Error: Expected Name, found <EOF>.", "GRAPHQL_PARSE_FAILED"),
        (
            "{ nope }",
            "Cannot query field 'nope' on type 'Query'. Did you mean 'node' or 'nodes'?",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "{ articles(first: 1000) { totalCount } }",
            "`first` must be between 0 and 100, got 1000",
            "BAD_USER_INPUT",
        ),
    ],
)
async def test_bad_queries_are_graphql_errors_with_codes(
    client: httpx.AsyncClient, query: str, message: str, code: str
) -> None:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert [(e["message"], e["extensions"]["code"]) for e in errors] == [(message, code)]


async def test_a_body_that_is_not_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {"errors": [{
        "message": "The request body is not valid JSON: unexpected character, expected a "
        "string key at line 1, column 2.",
        "extensions": {"code": "BAD_USER_INPUT"},
    }]}


async def test_batches_are_refused_unless_configured(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=[{"query": COUNT}, {"query": COUNT}])
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Batching is not enabled."


async def test_batches_run_when_configured(database_url: str) -> None:
    async with app_client(Settings(database_url=database_url, batch_max=2)) as http:
        response = await http.post("/graphql", json=[{"query": COUNT}, {"query": COUNT}])
        assert response.json() == [{"data": {"articles": {"totalCount": 0}},
                                    "extensions": {"cost": 0}}] * 2
        three = await http.post("/graphql", json=[{"query": COUNT}] * 3)
        assert three.json()["errors"][0]["message"] == "Too many operations."


async def test_unexpected_errors_are_masked_and_logged(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: object) -> list[object]:
        raise RuntimeError("password=hunter2 in a stack trace")

    monkeypatch.setattr(Loaders, "_fetch", broken)
    # The loaders fail here, so the query must go through them, not the SQL compiler.
    async with app_client(Settings(database_url=database_url, compiled_sql=False)) as http:
        with caplog.at_level(logging.ERROR, logger="quotegraph.graphql"):
            response = await http.post("/graphql", json={"query": COUNT})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    request_id = error["extensions"]["requestId"]
    assert error["message"] == f"Unexpected error; logged as request {request_id}."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert response.headers["x-request-id"] == request_id
    assert "hunter2" not in response.text
    [record] = caplog.records
    assert request_id in record.getMessage()
    assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])


async def test_responses_name_their_request_id(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": COUNT})
    assert len(response.headers["x-request-id"]) == 12


async def test_too_deep_queries_are_refused(client: httpx.AsyncClient) -> None:
    deep = "{ actors { nodes { " + "affiliation { " * 12 + "name" + " }" * 12 + " } } }"
    body = (await client.post("/graphql", json={"query": deep})).json()
    assert body == {
        "errors": [{
            "message": "The query nests 15 levels deep; at most 12 are allowed. "
            "Nest less, or split it into several queries.",
            "extensions": {"code": "QUERY_TOO_COMPLEX", "depth": 15, "maxDepth": 12},
        }],
        "extensions": {"cost": 0},
    }


async def test_too_many_aliases_are_refused(client: httpx.AsyncClient) -> None:
    aliased = "{ " + " ".join(f"a{n}: articles {{ totalCount }}" for n in range(31)) + " }"
    body = (await client.post("/graphql", json={"query": aliased})).json()
    assert body["errors"] == [{
        "message": "The query uses 31 aliases; at most 30 are allowed. "
        "Split it into several queries.",
        "extensions": {"code": "QUERY_TOO_COMPLEX", "aliases": 31, "maxAliases": 30},
    }]


async def test_limits_follow_the_settings(database_url: str) -> None:
    async with app_client(Settings(database_url=database_url, max_depth=2, max_aliases=1)) as http:
        deep = await http.post("/graphql", json={"query": "{ articles { nodes { id } } }"})
        aliases = await http.post("/graphql", json={"query": "{ a: articles { totalCount } "
                                                               "b: articles { totalCount } }"})
    async with app_client(Settings(database_url=database_url, max_tokens=10)) as http:
        ten = await http.post("/graphql", json={"query": "{ articles { totalCount } }"})
        tokens = await http.post("/graphql", json={"query": "{ a { b { c { d } } } }"})
    assert deep.json()["errors"][0]["extensions"]["depth"] == 3
    assert aliases.json()["errors"][0]["extensions"]["aliases"] == 2
    assert "errors" not in ten.json()
    assert tokens.json()["errors"] == [{
        "message": "The query has more than 10 tokens; send a shorter query "
        "(fewer fields, aliases or arguments).",
        "locations": [{"line": 1, "column": 21}],
        "extensions": {"code": "QUERY_TOO_COMPLEX", "maxTokens": 10},
    }]


async def test_a_body_over_the_limit_is_a_413(database_url: str) -> None:
    async with app_client(Settings(database_url=database_url, max_body_bytes=100)) as http:
        small = await http.post("/graphql", json={"query": COUNT})
        big = await http.post("/graphql", json={"query": COUNT + " " * 100})

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
            for _ in range(3):
                yield b" " * 60

        streamed = await http.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
    assert small.status_code == 200
    for response in (big, streamed):
        assert response.status_code == 413
        assert response.json() == {"errors": [{
            "message": "The request body is larger than 100 bytes; "
            "send a shorter query or fewer variables.",
            "extensions": {"code": "BAD_USER_INPUT"},
        }]}


async def test_a_client_over_its_rate_gets_a_429_with_retry_after(database_url: str) -> None:
    settings = Settings(database_url=database_url, rate_limit=RateLimit(2, 60.0))
    async with app_client(settings) as http:
        statuses = [(await http.post("/graphql", json={"query": COUNT})).status_code
                    for _ in range(3)]
        refused = await http.post("/graphql", json={"query": COUNT})
        health = await http.get("/healthz")
    assert statuses == [200, 200, 429]
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "30")
    assert refused.json() == {"errors": [{
        "message": "Too many requests: at most 2/minute per client; retry in 30 s.",
        "extensions": {"code": "RATE_LIMITED"},
    }]}
    assert health.status_code == 200  # only /graphql is limited


async def test_new_tokens_cost_their_address_a_request(database_url: str) -> None:
    settings = Settings(database_url=database_url, rate_limit=RateLimit(2, 60.0))
    async with app_client(settings) as http:
        statuses = [
            (await http.post("/graphql", json={"query": COUNT},
                             headers={"authorization": f"Bearer invented-{n}"})).status_code
            for n in range(3)
        ]
        again = await http.post("/graphql", json={"query": COUNT},
                                headers={"authorization": "Bearer invented-0"})
        anonymous = await http.post("/graphql", json={"query": COUNT})
    assert statuses == [200, 200, 429]
    assert again.status_code == 200  # a known token spends only its own bucket
    assert anonymous.status_code == 429  # the address spent its requests on new tokens


async def test_a_query_past_the_timeout_is_stopped(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow(*_args: object) -> list[object]:
        await asyncio.sleep(5)
        return []

    monkeypatch.setattr(Loaders, "_fetch", slow)
    settings = Settings(database_url=database_url, query_timeout_ms=50, compiled_sql=False)
    async with app_client(settings) as http:
        response = await http.post("/graphql", json={"query": TITLES},
                                   headers={"accept": GRAPHQL_JSON})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{
            "message": "The query ran longer than 50 ms and was stopped; ask for fewer objects "
            "(smaller pages, fewer nested lists) or try again later.",
            "extensions": {"code": "QUERY_TOO_COMPLEX", "timeoutMs": 50},
        }],
        "extensions": {"cost": 3},
    }


async def test_a_timeout_cancels_a_running_postgresql_query(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no sleep; the timeout itself is tested above on both")
    fetch = Loaders._fetch

    async def sleepy(self: Loaders, statement: Any) -> Any:
        async with self._sessions() as session:
            await session.execute(text("SELECT pg_sleep(30)"))
        return await fetch(self, statement)

    # A second is far past an empty query's time even on a loaded CI machine (at 100 ms
    # the query after the cancelled one timed out once there), yet far short of the sleep.
    monkeypatch.setattr(Loaders, "_fetch", sleepy)
    settings = Settings(database_url=database_url, query_timeout_ms=1000, compiled_sql=False)
    async with app_client(settings) as http:
        stopped = await http.post("/graphql", json={"query": TITLES})
        monkeypatch.setattr(Loaders, "_fetch", fetch)
        after = await http.post("/graphql", json={"query": TITLES})
    assert stopped.json()["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX", "timeoutMs": 1000,
    }
    assert after.json() == {"data": {"articles": {"nodes": []}}, "extensions": {"cost": 3}}


async def test_other_methods_get_a_405(client: httpx.AsyncClient) -> None:
    response = await client.put("/graphql", json={"query": COUNT})
    assert (response.status_code, response.headers["allow"]) == (405, "GET, POST")
    assert response.json() == {"errors": [{
        "message": "GraphQL only supports GET and POST requests.",
        "extensions": {"code": "BAD_USER_INPUT"},
    }]}


PREFLIGHT = {"access-control-request-method": "POST",
             "access-control-request-headers": "content-type"}


async def test_cors_answers_preflights_and_posts_from_allowed_origins(database_url: str) -> None:
    settings = Settings(database_url=database_url, cors_origins=("https://app.example",))
    async with app_client(settings) as http:
        allowed = {"origin": "https://app.example"}
        preflight = await http.options("/graphql", headers={**allowed, **PREFLIGHT})
        post = await http.post("/graphql", json={"query": COUNT}, headers=allowed)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert preflight.headers["access-control-allow-methods"] == "GET, POST"
    assert "access-control-allow-credentials" not in preflight.headers
    assert post.status_code == 200
    assert post.headers["access-control-allow-origin"] == "https://app.example"
    assert post.headers["access-control-expose-headers"] == "Retry-After, X-Request-ID"


async def test_cors_refuses_other_origins(database_url: str) -> None:
    settings = Settings(database_url=database_url, cors_origins=("https://app.example",))
    async with app_client(settings) as http:
        other = {"origin": "https://evil.example"}
        preflight = await http.options("/graphql", headers={**other, **PREFLIGHT})
        post = await http.post("/graphql", json={"query": COUNT}, headers=other)
    assert (preflight.status_code, preflight.text) == (400, "Disallowed CORS origin")
    assert "access-control-allow-origin" not in post.headers


async def test_cors_is_same_origin_only_by_default(client: httpx.AsyncClient) -> None:
    post = await client.post("/graphql", json={"query": COUNT},
                             headers={"origin": "https://app.example"})
    assert "access-control-allow-origin" not in post.headers


async def test_cors_credentials_when_configured(database_url: str) -> None:
    settings = dataclasses.replace(
        Settings(database_url=database_url),
        cors_origins=("https://app.example",), cors_credentials=True,
    )
    async with app_client(settings) as http:
        preflight = await http.options(
            "/graphql", headers={"origin": "https://app.example", **PREFLIGHT}
        )
    assert preflight.headers["access-control-allow-credentials"] == "true"
