"""The ASGI app: routes, GraphiQL, GET and POST queries, errors, debug extensions."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.loaders import Loaders
from api.settings import Settings

pytestmark = pytest.mark.anyio

COUNT = "{ articles { totalCount } }"


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the app with default settings (debug off)."""
    async for http in _client(Settings(database_url=database_url)):
        yield http


@pytest.fixture
async def debug_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the app with debug on."""
    async for http in _client(Settings(database_url=database_url, debug=True)):
        yield http


async def test_healthz_says_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


async def test_graphiql_for_a_browser(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "GraphiQL" in response.text


async def test_query_by_get_and_by_post(client: httpx.AsyncClient) -> None:
    expected = {"data": {"articles": {"totalCount": 0}}}
    assert (await client.get("/graphql", params={"query": COUNT})).json() == expected
    assert (await client.post("/graphql", json={"query": COUNT})).json() == expected


async def test_debug_off_adds_no_extensions(client: httpx.AsyncClient) -> None:
    body = (await client.post("/graphql", json={"query": COUNT})).json()
    assert "extensions" not in body


async def test_debug_reports_sql_statements_and_time(debug_client: httpx.AsyncClient) -> None:
    body = (await debug_client.post("/graphql", json={"query": COUNT})).json()
    assert body["extensions"]["sqlStatements"] == 1
    assert isinstance(body["extensions"]["timeMs"], float)
    assert body["extensions"]["timeMs"] >= 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ articles { ", "Syntax Error: Expected Name, found <EOF>."),
        ("{ nope }", "Cannot query field 'nope' on type 'Query'. Did you mean 'node' or 'nodes'?"),
        ("{ articles(first: 1000) { totalCount } }", "`first` must be between 0 and 100, got 1000"),
    ],
)
async def test_bad_queries_are_graphql_errors(
    client: httpx.AsyncClient, query: str, message: str
) -> None:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    assert [error["message"] for error in response.json()["errors"]] == [message]


async def test_a_body_that_is_not_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.text) == (400, "Unable to parse request body as JSON")


async def test_unexpected_errors_are_masked_and_logged(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: object) -> list[object]:
        raise RuntimeError("password=hunter2 in a stack trace")

    monkeypatch.setattr(Loaders, "_fetch", broken)
    with caplog.at_level(logging.ERROR, logger="quotegraph.graphql"):
        response = await client.post("/graphql", json={"query": COUNT})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    request_id = error["extensions"]["requestId"]
    assert error["message"] == f"Unexpected error; logged as request {request_id}."
    assert "hunter2" not in response.text
    [record] = caplog.records
    assert request_id in record.getMessage()
    assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])


async def test_responses_name_their_request_id(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": COUNT})
    assert len(response.headers["x-request-id"]) == 12


async def test_deep_queries_are_refused(client: httpx.AsyncClient) -> None:
    deep = "{ actors { nodes { " + "affiliation { " * 12 + "name" + " }" * 12 + " } } }"
    body = (await client.post("/graphql", json={"query": deep})).json()
    assert [error["message"] for error in body["errors"]] == [
        "'anonymous' exceeds maximum operation depth of 12"
    ]


async def test_too_many_aliases_are_refused(client: httpx.AsyncClient) -> None:
    aliased = "{ " + " ".join(f"a{n}: articles {{ totalCount }}" for n in range(31)) + " }"
    body = (await client.post("/graphql", json={"query": aliased})).json()
    assert [error["message"] for error in body["errors"]] == ["31 aliases found. Allowed: 30"]
