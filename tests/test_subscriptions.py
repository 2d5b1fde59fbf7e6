"""`statementAdded` over graphql-transport-ws, with the real `gql` websockets client.

A server runs in the test's event loop (uvicorn over `create_app`) on SQLite and
PostgreSQL; articles are stored with `ArticleWriter` on the app's own event bus
after the clients have subscribed.
"""
from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from api.app import create_app
from api.load.ingest import ArticleInput, ArticleWriter
from api.load.seed import extract
from api.schema.node import from_global_id
from api.settings import Settings
from api.store.db import session_factory
from api.store.events import EventBus
from tests.articles import CEASEFIRE
from tests.conftest import SEED_FILE
from tests.servers import serve_app

pytestmark = pytest.mark.anyio

WAIT_SECONDS = 30  # every wait below fails loudly after this long

# Matches every filter below; its arrival tells a subscriber that article B is complete.
ARTICLE_C = """Lavrov says talks on Aleppo will continue
The minister spoke after meeting his counterpart.
07 December, 2016
"The talks on Aleppo will continue next week," Lavrov said on Wednesday.
"""
TITLE_B = "Lavrov rejects ceasefire call as fighting spreads in Aleppo"
TITLE_C = "Lavrov says talks on Aleppo will continue"

STATEMENT_ADDED = gql(
    """
    subscription Added($filter: StatementAddedFilter) {
      statementAdded(filter: $filter) {
        id text kind speaker { name } article { title } locations { name }
      }
    }
    """
)
IDS = """
query {
  actors(filter: {search: "lavrov"}) { nodes { id name } }
  locations(filter: {search: "aleppo"}) { nodes { id name } }
}
"""
ARTICLE_STATEMENTS = """
query ($title: String!) {
  articles(filter: {search: $title}) { nodes { title statements(first: 100) { nodes { id } } } }
}
"""

LAVROV_IN_B = [
    ("INDIRECT", "ceasefire call as fighting spreads in Aleppo"),
    ("DIRECT", "There will be no pause while the armed groups stay in Aleppo,"),
    ("INDIRECT", "Russia would keep talking to Washington"),
]
ALEPPO_IN_B = [
    ("Sergei Lavrov", "ceasefire call as fighting spreads in Aleppo"),
    ("Sergei Lavrov", "There will be no pause while the armed groups stay in Aleppo,"),
]


@asynccontextmanager
async def _live(database_url: str, **settings: Any) -> AsyncIterator[tuple[str, EventBus]]:
    """The app served in this event loop; yields its /graphql websocket URL and its bus."""
    app = create_app(Settings(database_url=database_url, rate_limit=None, **settings))
    async with serve_app(app) as base:
        yield f"ws://{base}/graphql", app.state.events


async def _query(url: str, query: str, **variables: object) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            url.replace("ws://", "http://"), json={"query": query, "variables": variables}
        )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def _store(engine: AsyncEngine, events: EventBus, body: str, source: str) -> None:
    article = ArticleInput(body=body, source=source)
    created, _ = await ArticleWriter(session_factory(engine), events).write(article, extract(article))
    assert created


async def _collect_until_c(url: str, filter: dict[str, str] | None, out: list[dict[str, Any]]) -> None:
    """Subscribe and append every statement received until the first one of article C."""
    transport = WebsocketsTransport(url=url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL])
    async with Client(transport=transport) as session:
        request = GraphQLRequest(STATEMENT_ADDED, variable_values={"filter": filter})
        async for result in session.subscribe(request):
            statement = result["statementAdded"]
            if statement["article"]["title"] == TITLE_C:
                return
            out.append(statement)


async def _until(condition: Callable[[], bool]) -> None:
    """Poll `condition` (state this process can see) until it holds; fail loudly if not."""
    with anyio.fail_after(WAIT_SECONDS):
        while not condition():
            await asyncio.sleep(0.01)


async def test_subscribers_receive_exactly_the_new_statements_that_match(
    engine: AsyncEngine, database_url: str
) -> None:
    async with _live(database_url) as (url, events):
        await _store(engine, events, SEED_FILE.read_text(encoding="utf-8"), SEED_FILE.name)
        found = await _query(url, IDS)
        lavrov = next(a["id"] for a in found["actors"]["nodes"] if a["name"] == "Sergei Lavrov")
        aleppo = next(p["id"] for p in found["locations"]["nodes"] if p["name"] == "Aleppo")
        received: dict[str, list[dict[str, Any]]] = {"all": [], "speaker": [], "location": []}
        filters = {"all": None, "speaker": {"speakerId": lavrov}, "location": {"locationId": aleppo}}
        with anyio.fail_after(WAIT_SECONDS):  # the clients return on article C
            async with anyio.create_task_group() as clients:
                for name, given in filters.items():
                    clients.start_soon(_collect_until_c, url, given, received[name])
                await _until(lambda: events.subscriber_count == 3)
                await _store(engine, events, CEASEFIRE, "b.txt")
                await _store(engine, events, ARTICLE_C, "c.txt")
        stored = await _query(url, ARTICLE_STATEMENTS, title="ceasefire")
    new = next(a for a in stored["articles"]["nodes"] if a["title"] == TITLE_B)
    assert [s["id"] for s in received["all"]] == [s["id"] for s in new["statements"]["nodes"]]
    assert {s["article"]["title"] for s in received["all"]} == {TITLE_B}
    assert len(received["all"]) == 6
    assert [(s["kind"], s["text"]) for s in received["speaker"]] == LAVROV_IN_B
    assert {s["speaker"]["name"] for s in received["speaker"]} == {"Sergei Lavrov"}
    assert [(s["speaker"]["name"], s["text"]) for s in received["location"]] == ALEPPO_IN_B
    assert all("Aleppo" in [p["name"] for p in s["locations"]] for s in received["location"])
    assert events.subscriber_count == 0  # the clients closed; nothing is left behind


async def test_a_subscriber_that_never_reads_is_dropped_with_bounded_memory(
    database_url: str,
) -> None:
    async with _live(database_url, subscription_buffer=3) as (_url, events):
        reader = await events.subscribe()
        idle = await events.subscribe()
        for pk in range(1, 11):
            await events.publish([pk])
            assert idle.pending <= 3
            assert await _next(reader) == (pk,)
        assert (idle.pending, events.subscriber_count) == (1, 1)  # the wake-up only
        with pytest.raises(Exception, match=r"did not keep up \(the server holds at most 3 unsent events\)"):
            await _next(idle)
        reader.close()
        assert events.subscriber_count == 0


async def _next(subscription: Any) -> Any:
    with anyio.fail_after(WAIT_SECONDS):
        return await anext(subscription)


async def test_a_dropped_client_gets_the_error_then_complete(database_url: str) -> None:
    """A slow websocket client sees why its subscription ended (`extensions.code`)."""
    async with _live(database_url, subscription_buffer=1) as (url, events):
        transport = WebsocketsTransport(
            url=url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
        )
        async with Client(transport=transport) as session:
            stream = session.subscribe(GraphQLRequest(STATEMENT_ADDED)).__aiter__()
            first = asyncio.ensure_future(anext(stream))
            await _until(lambda: events.subscriber_count == 1)
            subscription = next(iter(events._hub.subscriptions))  # noqa: SLF001
            subscription.offer((1,))
            subscription.offer((2,))  # the queue holds one: the subscriber is ended
            with anyio.fail_after(WAIT_SECONDS), pytest.raises(TransportQueryError) as raised:
                await first
    assert raised.value.errors == [{
        "message": "this subscription was ended: its client did not keep up (the server holds "
        "at most 1 unsent events); subscribe again, and read what was missed with the "
        "`statements` query",
        "extensions": {"code": "SUBSCRIPTION_ENDED"},
    }]
    assert events.subscriber_count == 0


async def test_an_id_of_the_wrong_type_is_refused(database_url: str) -> None:
    async with _live(database_url) as (url, _events):
        transport = WebsocketsTransport(
            url=url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
        )
        async with Client(transport=transport) as session:
            request = GraphQLRequest(
                STATEMENT_ADDED, variable_values={"filter": {"speakerId": "QXJ0aWNsZTox"}}
            )
            with anyio.fail_after(WAIT_SECONDS), pytest.raises(TransportQueryError) as raised:
                async for _ in session.subscribe(request):
                    pass
    assert [(e["message"], e["extensions"]) for e in raised.value.errors or []] == [
        ("'QXJ0aWNsZTox' identifies an Article, not an Actor", {"code": "BAD_USER_INPUT"})
    ]


async def test_a_client_that_stops_reading_its_socket_is_dropped(
    engine: AsyncEngine, database_url: str
) -> None:
    """A real websocket that stops reading: once the socket buffers fill, the server's
    send waits, the subscriber's queue fills (never past the buffer) and it is dropped."""
    async with _live(database_url, subscription_buffer=2) as (url, events):
        await _store(engine, events, SEED_FILE.read_text(encoding="utf-8"), SEED_FILE.name)
        found = await _query(url, ARTICLE_STATEMENTS, title="Syrian")
        ids = [from_global_id(s["id"])[1] for s in found["articles"]["nodes"][0]["statements"]["nodes"]]
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", int(url.split(":")[2].split("/")[0])))
        async with connect(url, sock=sock, subprotocols=[Subprotocol("graphql-transport-ws")],
                           max_queue=1, close_timeout=0.5) as websocket:
            await websocket.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await websocket.recv()) == {"type": "connection_ack"}
            await websocket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                "query": "subscription { statementAdded { text speaker { name } } }"}}))
            await _until(lambda: events.subscriber_count == 1)
            subscription = next(iter(events._hub.subscriptions))  # noqa: SLF001
            published = 0
            with anyio.fail_after(WAIT_SECONDS):
                while events.subscriber_count:
                    await events.publish(ids)
                    published += 1
                    assert subscription.pending <= 2
                    await asyncio.sleep(0.01)
    assert published > 2


async def test_subscriptions_by_http_and_queries_by_websocket_are_refused(
    database_url: str,
) -> None:
    async with _live(database_url) as (url, _events):
        async with httpx.AsyncClient() as client:
            response = await client.post(
                url.replace("ws://", "http://"),
                json={"query": "subscription { statementAdded { text } }"},
                headers={"accept": "application/graphql-response+json"},
            )
        transport = WebsocketsTransport(
            url=url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
        )
        async with Client(transport=transport) as session:
            with anyio.fail_after(WAIT_SECONDS), pytest.raises(TransportQueryError) as raised:
                await session.execute(gql("{ articles { totalCount } }"))
    assert (response.status_code, response.json()["errors"]) == (400, [{
        "message": "Subscriptions run over a websocket to this URL with the graphql-transport-ws "
        "protocol (e.g. the graphql-ws client), not over HTTP.",
        "extensions": {"code": "BAD_USER_INPUT"},
    }])
    assert raised.value.errors == [{
        "message": "Only subscriptions run over the websocket; send queries and mutations by "
        "HTTP GET or POST to the same URL.",
        "extensions": {"code": "BAD_USER_INPUT"},
    }]


async def test_a_client_that_vanishes_leaves_no_subscriber_behind(database_url: str) -> None:
    """The TCP connection is cut without a websocket close: the subscriber goes with it."""
    async with _live(database_url) as (url, events):
        async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as websocket:
            await websocket.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await websocket.recv()) == {"type": "connection_ack"}
            await websocket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                "query": "subscription { statementAdded { text } }"}}))
            await _until(lambda: events.subscriber_count == 1)
            websocket.transport.abort()
            await _until(lambda: events.subscriber_count == 0)


async def test_private_queries_make_subscriptions_need_a_token(database_url: str) -> None:
    settings = {"private_queries": True, "api_tokens": (("alice", "s3cret-token"),)}
    async with _live(database_url, **settings) as (url, events):
        anonymous = WebsocketsTransport(
            url=url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
        )
        async with Client(transport=anonymous) as session:
            with anyio.fail_after(WAIT_SECONDS), pytest.raises(TransportQueryError) as raised:
                async for _ in session.subscribe(GraphQLRequest(STATEMENT_ADDED)):
                    pass
        assert [e["extensions"] for e in raised.value.errors or []] == [
            {"code": "UNAUTHENTICATED"}
        ]
        signed = WebsocketsTransport(
            url=url,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            headers={"Authorization": "Bearer s3cret-token"},
        )
        async with Client(transport=signed) as session:
            stream = session.subscribe(GraphQLRequest(STATEMENT_ADDED)).__aiter__()
            first = asyncio.ensure_future(anext(stream))
            await _until(lambda: events.subscriber_count == 1)
            first.cancel()
