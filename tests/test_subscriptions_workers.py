"""`statementAdded` across processes: two uvicorn workers on PostgreSQL, subscribers on
both, an article stored by a separate `python -m api seed` process or by the
`ingestArticle` mutation, which one of the workers serves.

graphql-transport-ws does not acknowledge a subscription, so before the real
article the test publishes "canary" events (the seed article's statement ids)
until every subscriber has received one: from then on every subscriber is
certainly listening. Which worker holds which websocket is read from /proc.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.websockets import WebsocketsTransport

from api.schema.node import from_global_id
from api.store.events import PostgresBus, libpq_dsn
from tests.articles import CEASEFIRE, CEASEFIRE_TITLE
from tests.conftest import ROOT
from tests.servers import serve_process

pytestmark = pytest.mark.anyio

WAIT_SECONDS = 60  # every wait below fails loudly after this long
FIRST_CLIENTS = 4
MOST_CLIENTS = 16  # connections opened, at most, until both workers hold one
SEED_TITLE = "Syrian rebels reject withdrawal plan amid Russia's chilling warnings"
NEW_STATEMENTS = [
    ("Sergei Lavrov", "ceasefire call as fighting spreads in Aleppo"),
    ("Russia's foreign minister", "a new call for a truce"),
    ("Sergei Lavrov", "There will be no pause while the armed groups stay in Aleppo,"),
    ("Aid workers", "food was running out in eastern Aleppo"),
    ("Omar Haddad", "We have nothing left to give the families in Damascus,"),
    ("Sergei Lavrov", "Russia would keep talking to Washington"),
]

STATEMENT_ADDED = gql(
    "subscription { statementAdded { id text speaker { name } article { title } } }"
)
TOKEN = "wire-service-token-42"
INGEST = """
mutation ($body: String!) {
  ingestArticle(input: {body: $body}) { ... on IngestArticleSuccess { created article { title } } }
}
"""
ARTICLE_STATEMENTS = """
query ($title: String!) {
  articles(filter: {search: $title}) { nodes { title statements(first: 100) { nodes { id } } } }
}
"""


@pytest.mark.parametrize("store", ["seed process", "ingestArticle"])
async def test_a_statement_stored_elsewhere_reaches_subscribers_of_both_workers(
    store: str, postgres_url: str, tmp_path: Path
) -> None:
    # a worker's first ingest starts its extraction process, which builds the indexes
    # (~5 s, far more on a loaded machine): not what this test times
    tokens = {"QUOTEGRAPH_API_TOKENS": f"wire:{TOKEN}", "QUOTEGRAPH_QUERY_TIMEOUT_MS": "120000"}
    with serve_process(postgres_url, tmp_path, workers=2, env=tokens) as (base, server):
        port = int(base.rsplit(":", 1)[1])
        received: list[list[dict[str, Any]]] = []
        with anyio.fail_after(WAIT_SECONDS):
            async with anyio.create_task_group() as clients:
                await _subscribe_on_both_workers(clients, base, received, server.pid, port)
                await _publish_canaries(postgres_url, base, received)
                if store == "ingestArticle":
                    await _ingest_through_the_api(base)
                else:
                    await _seed_in_another_process(postgres_url, tmp_path)
                expected = await _statement_ids(base, CEASEFIRE_TITLE)
                await _until(lambda: all(len(_new(r)) >= len(expected) for r in received))
                clients.cancel_scope.cancel()
    assert len(received) >= 2
    for statements in received:
        assert [s["id"] for s in _new(statements)] == expected
        assert [(s["speaker"]["name"], s["text"]) for s in _new(statements)] == NEW_STATEMENTS


def _new(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in statements if s["article"]["title"] == CEASEFIRE_TITLE]


async def _subscribe_on_both_workers(
    clients: anyio.abc.TaskGroup, base: str, received: list[list[dict[str, Any]]],
    server_pid: int, port: int,
) -> None:
    """Open subscriptions until each of the two workers holds at least one."""
    while True:
        opened = len(received)
        if opened >= FIRST_CLIENTS and len(_connections_by_worker(server_pid, port)) == 2:
            return
        if opened >= MOST_CLIENTS:
            pytest.fail(f"{opened} connections all went to one worker: "
                        f"{_connections_by_worker(server_pid, port)}")
        received.append([])
        clients.start_soon(_subscribe, base, received[-1])
        await _until(lambda n=opened: sum(_connections_by_worker(server_pid, port).values()) > n)


async def _subscribe(base: str, out: list[dict[str, Any]]) -> None:
    url = base.replace("http://", "ws://") + "/graphql"
    transport = WebsocketsTransport(url=url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL])
    async with Client(transport=transport) as session:
        async for result in session.subscribe(GraphQLRequest(STATEMENT_ADDED)):
            out.append(result["statementAdded"])


async def _publish_canaries(url: str, base: str, received: list[list[dict[str, Any]]]) -> None:
    """Announce the seed article's statements until every subscriber has heard one."""
    seed_ids = await _statement_ids(base, SEED_TITLE)
    bus = PostgresBus(libpq_dsn(url), buffer=1)
    try:
        while not all(received):
            await bus.publish([from_global_id(seed_ids[0])[1]])
            await anyio.sleep(0.2)
    finally:
        await bus.close()


async def _seed_in_another_process(url: str, workdir: Path) -> None:
    path = workdir / "new.txt"
    path.write_text(CEASEFIRE, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": url}
    done = await anyio.run_process(
        [sys.executable, "-m", "api", "seed", str(path)], cwd=ROOT, env=env, check=False
    )
    output = (done.stdout + done.stderr).decode()
    assert done.returncode == 0, output
    assert "seeded 1 new article(s) with 6 statement(s)" in output


async def _ingest_through_the_api(base: str) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        response = await client.post(
            f"{base}/graphql",
            headers={"Authorization": f"Bearer {TOKEN}"},
            json={"query": INGEST, "variables": {"body": CEASEFIRE}},
        )
    assert response.json() == {
        "data": {"ingestArticle": {"created": True, "article": {"title": CEASEFIRE_TITLE}}},
        "extensions": {"cost": response.json()["extensions"]["cost"]},
    }


async def _statement_ids(base: str, title: str) -> list[str]:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{base}/graphql",
            json={"query": ARTICLE_STATEMENTS, "variables": {"title": title.split()[0]}},
        )
    body = response.json()
    assert "errors" not in body, body
    article = next(a for a in body["data"]["articles"]["nodes"] if a["title"] == title)
    return [s["id"] for s in article["statements"]["nodes"]]


async def _until(condition: Callable[[], bool]) -> None:
    """Poll `condition` until it holds (the caller's deadline fails the test if never)."""
    while not condition():
        await anyio.sleep(0.05)


def _connections_by_worker(server_pid: int, port: int) -> dict[int, int]:
    """Established TCP connections to `port` held by each child of `server_pid` (the
    uvicorn workers), read from /proc; children holding none are left out."""
    established = _established_inodes(port)
    counts: dict[int, int] = {}
    for pid in _children(server_pid):
        held = sum(1 for inode in _socket_inodes(pid) if inode in established)
        if held:
            counts[pid] = held
    return counts


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def _established_inodes(port: int) -> set[str]:
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
            inodes.add(fields[9])
    return inodes
