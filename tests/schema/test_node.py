"""Global ids: every type round-trips through node(id:); bad ids give clear errors."""

from __future__ import annotations

import httpx
import pytest

from tests.schema.helpers import Graph, gid, post_query, run_query

pytestmark = pytest.mark.anyio

NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Article { title }
    ... on Actor { name }
    ... on Statement { text }
    ... on Location { name }
  }
}
"""
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Actor { name } } }"
ARTICLE = "query ($id: ID!) { article(id: $id) { title } }"
ACTOR = "query ($id: ID!) { actor(id: $id) { name } }"
STATEMENT = "query ($id: ID!) { statement(id: $id) { text } }"
LOCATION = "query ($id: ID!) { location(id: $id) { name } }"

CASES = [
    ("Article", "truce", "title", "Russia urges Aleppo truce"),
    ("Actor", "lavrov", "name", "Sergei Lavrov"),
    ("Statement", "stay", "text", '"We will stay,"'),
    ("Location", "aleppo", "name", "Aleppo"),
]


@pytest.mark.parametrize(("type_name", "row", "field", "value"), CASES)
async def test_node_round_trips_every_type(
    client: httpx.AsyncClient, graph: Graph, type_name: str, row: str, field: str, value: str
) -> None:
    global_id = graph.gid(type_name, row)
    data = await run_query(client, NODE, {"id": global_id})
    assert data["node"] == {"__typename": type_name, "id": global_id, field: value}


async def test_global_ids_are_base64_of_type_and_key(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    data = await run_query(
        client, ARTICLE.replace("title", "id"), {"id": graph.gid("Article", "truce")}
    )
    assert data["article"]["id"] == gid("Article", graph.ids["truce"])


@pytest.mark.parametrize(
    ("query", "type_name", "row", "expected"),
    [
        (ARTICLE, "Article", "truce", {"article": {"title": "Russia urges Aleppo truce"}}),
        (ACTOR, "Actor", "russia", {"actor": {"name": "Russia"}}),
        (STATEMENT, "Statement", "near", {"statement": {"text": "Peace is near"}}),
        (LOCATION, "Location", "syria", {"location": {"name": "Syria"}}),
    ],
)
async def test_typed_lookups(
    client: httpx.AsyncClient,
    graph: Graph,
    query: str,
    type_name: str,
    row: str,
    expected: dict[str, object],
) -> None:
    assert await run_query(client, query, {"id": graph.gid(type_name, row)}) == expected


async def test_missing_rows_are_null(client: httpx.AsyncClient, graph: Graph) -> None:
    assert await run_query(client, NODE, {"id": gid("Actor", 999)}) == {"node": None}
    assert await run_query(client, ARTICLE, {"id": gid("Article", 999)}) == {"article": None}


async def test_nodes_keeps_order_and_nulls_missing(client: httpx.AsyncClient, graph: Graph) -> None:
    ids = [graph.gid("Actor", "afp"), gid("Actor", 999), graph.gid("Location", "moscow")]
    data = await run_query(client, NODES, {"ids": ids})
    assert data == {"nodes": [{"id": ids[0], "name": "AFP"}, None, {"id": ids[2]}]}


@pytest.mark.parametrize(
    "bad_id", ["nonsense", "QXJ0aWNsZQ==", gid("Article", -1), gid("Table", 1), "%%%"]
)
async def test_malformed_ids_are_clear_errors(
    client: httpx.AsyncClient, graph: Graph, bad_id: str
) -> None:
    body = await post_query(client, NODE, {"id": bad_id})
    assert body["data"] == {"node": None}
    assert [e["message"] for e in body["errors"]] == [
        f"{bad_id!r} is not a Quotegraph id; use an `id` returned by the API"
    ]


async def test_an_id_of_another_type_is_a_clear_error(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    actor_id = graph.gid("Actor", "lavrov")
    body = await post_query(client, ARTICLE, {"id": actor_id})
    assert body["data"] == {"article": None}
    assert [e["message"] for e in body["errors"]] == [
        f"{actor_id!r} identifies an Actor, not an Article"
    ]
