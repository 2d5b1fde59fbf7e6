"""Quotes: the Quote type, `quotes` (orders, filters, pages), `appearances`, Statement.quote,
`quote(id:)` and `node(id:)`, on the graph's quotes (tests/schema/conftest.py)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.schema.helpers import Graph, gid, post_query, run_query

pytestmark = pytest.mark.anyio

QUOTE = """
query ($id: ID!) { quote(id: $id) {
  id text firstSeenOn appearanceCount articleCount publishers
  speaker { name } firstSeen { text article { title } }
  appearances { totalCount nodes { text article { title publishedAt publisher } } }
  history { action }
} }
"""
LIST = """
query ($order: QuoteOrder!, $filter: QuoteFilter) {
  quotes(orderBy: $order, filter: $filter) { totalCount nodes { text } }
}
"""
APPEARANCES = """
query ($id: ID!, $order: AppearanceOrder!, $first: Int, $after: String, $last: Int,
       $filter: StatementFilter) {
  quote(id: $id) { appearances(orderBy: $order, first: $first, after: $after, last: $last,
                               filter: $filter) {
    totalCount edges { cursor node { text } }
    pageInfo { hasNextPage hasPreviousPage }
  } }
}
"""
PAGES = """
query ($first: Int, $after: String, $last: Int, $before: String) {
  quotes(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { text } } pageInfo { hasNextPage hasPreviousPage }
  }
}
"""

STAY = "We will stay, and we will win"
PEACE = "the strikes in Syria would continue"
AID = "100% of aid_convoys must pass"
NEAR = "Peace is near"


def _texts(data: dict[str, Any]) -> list[str]:
    return [node["text"] for node in data["quotes"]["nodes"]]


async def test_a_quote_and_its_fields(client: httpx.AsyncClient, quotes: Graph) -> None:
    data = await run_query(client, QUOTE, {"id": quotes.gid("Quote", "q_stay")})
    assert data == {
        "quote": {
            "id": quotes.gid("Quote", "q_stay"),
            "text": STAY,
            "firstSeenOn": "2016-10-11",
            "appearanceCount": 3,
            "articleCount": 3,
            "publishers": ["Reuters", "AFP"],
            "speaker": {"name": "Sergei Lavrov"},
            "firstSeen": {"text": '"We will stay,"', "article": {"title": "Echo"}},
            "appearances": {
                "totalCount": 3,
                "nodes": [
                    {"text": '"We will stay,"', "article": {
                        "title": "Echo", "publishedAt": "2016-10-11", "publisher": "Reuters"}},
                    {"text": '"We will stay,"', "article": {
                        "title": "Russia urges Aleppo truce", "publishedAt": "2016-10-12",
                        "publisher": "AFP"}},
                    {"text": STAY, "article": {
                        "title": "Digest", "publishedAt": None, "publisher": None}},
                ],
            },
            "history": [],
        }
    }


async def test_an_undated_quote_without_speaker(client: httpx.AsyncClient, quotes: Graph) -> None:
    query = "query ($id: ID!) { node(id: $id) { __typename ... on Quote { text firstSeenOn " \
        "speaker { name } publishers firstSeen { text } } } }"
    data = await run_query(client, query, {"id": quotes.gid("Quote", "q_near")})
    assert data == {
        "node": {
            "__typename": "Quote",
            "text": NEAR,
            "firstSeenOn": None,
            "speaker": None,
            "publishers": ["AFP"],
            "firstSeen": {"text": NEAR},
        }
    }


async def test_a_quote_whose_statements_are_all_deleted_is_gone(
    client: httpx.AsyncClient, quotes: Graph
) -> None:
    query = "query ($id: ID!) { quote(id: $id) { text } node(id: $id) { id } }"
    data = await run_query(client, query, {"id": quotes.gid("Quote", "q_gone")})
    assert data == {"quote": None, "node": None}


async def test_quote_refuses_an_id_of_another_type(
    client: httpx.AsyncClient, quotes: Graph
) -> None:
    statement = quotes.gid("Statement", "stay")
    query = "query ($id: ID!) { quote(id: $id) { text } }"
    body = await post_query(client, query, {"id": statement})
    assert body["data"] == {"quote": None}
    assert [e["message"] for e in body["errors"]] == [
        f"{statement!r} identifies a Statement, not a Quote"
    ]


async def test_statement_quote(client: httpx.AsyncClient, quotes: Graph) -> None:
    query = """query ($a: ID!, $b: ID!) {
      a: statement(id: $a) { quote { id appearanceCount } }
      b: statement(id: $b) { quote { id } } }"""
    variables = {"a": quotes.gid("Statement", "continue"), "b": quotes.gid("Statement", "talks")}
    assert await run_query(client, query, variables) == {
        "a": {"quote": {"id": quotes.gid("Quote", "q_peace"), "appearanceCount": 2}},
        "b": {"quote": None},
    }


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("APPEARANCES_DESC", [STAY, PEACE, AID, NEAR]),
        ("FIRST_SEEN_ASC", [STAY, AID, PEACE, NEAR]),
        ("FIRST_SEEN_DESC", [AID, PEACE, STAY, NEAR]),
    ],
)
async def test_quote_orders(
    client: httpx.AsyncClient, quotes: Graph, order: str, expected: list[str]
) -> None:
    data = await run_query(client, LIST, {"order": order})
    assert (data["quotes"]["totalCount"], _texts(data)) == (4, expected)


async def test_quotes_default_to_most_reported_first(
    client: httpx.AsyncClient, quotes: Graph
) -> None:
    data = await run_query(client, "{ quotes { nodes { text appearanceCount } } }")
    assert data["quotes"]["nodes"] == [
        {"text": STAY, "appearanceCount": 3},
        {"text": PEACE, "appearanceCount": 2},
        {"text": AID, "appearanceCount": 1},
        {"text": NEAR, "appearanceCount": 1},
    ]


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"speakerId": "lavrov"}, [STAY, PEACE]),
        ({"search": "stay"}, [STAY]),
        ({"search": "ALEPPO"}, [PEACE]),  # the text of an appearance that is not the fullest
        ({"search": "shelled"}, []),  # a deleted statement's words
        ({"search": "we WILL"}, [STAY]),
        ({"search": "--"}, []),
        ({"seenFrom": "2016-10-12"}, [PEACE, AID]),
        ({"seenTo": "2016-10-11"}, [STAY]),
        ({"seenFrom": "2016-10-11", "seenTo": "2016-10-12", "speakerId": "zakharova"}, [AID]),
    ],
)
async def test_quote_filters(
    client: httpx.AsyncClient, quotes: Graph, filter: dict[str, str], expected: list[str]
) -> None:
    if "speakerId" in filter:
        filter = {**filter, "speakerId": quotes.gid("Actor", filter["speakerId"])}
    data = await run_query(client, LIST, {"order": "APPEARANCES_DESC", "filter": filter})
    assert (data["quotes"]["totalCount"], _texts(data)) == (len(expected), expected)


async def test_quotes_page_by_cursor(client: httpx.AsyncClient, quotes: Graph) -> None:
    first = (await run_query(client, PAGES, {"first": 2}))["quotes"]
    assert [e["node"]["text"] for e in first["edges"]] == [STAY, PEACE]
    assert first["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": False}
    after = (await run_query(client, PAGES, {"first": 2, "after": first["edges"][1]["cursor"]}))
    assert [e["node"]["text"] for e in after["quotes"]["edges"]] == [AID, NEAR]
    assert after["quotes"]["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}
    cursor = after["quotes"]["edges"][1]["cursor"]
    before = await run_query(client, PAGES, {"last": 2, "before": cursor})
    assert [e["node"]["text"] for e in before["quotes"]["edges"]] == [PEACE, AID]


async def test_a_cursor_of_another_quote_order_is_refused(
    client: httpx.AsyncClient, quotes: Graph
) -> None:
    cursor = (await run_query(client, PAGES, {"first": 1}))["quotes"]["edges"][0]["cursor"]
    query = "query ($after: String) { quotes(orderBy: FIRST_SEEN_ASC, after: $after) { " \
        "totalCount edges { cursor } } }"
    body = await post_query(client, query, {"after": cursor})
    assert [e["message"] for e in body["errors"]] == [
        f"{cursor!r} is a cursor of another list or order"
    ]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("FIRST_SEEN_ASC", ["Echo", "Russia urges Aleppo truce", "Digest"]),
        ("PUBLISHED_AT_DESC", ["Russia urges Aleppo truce", "Echo", "Digest"]),
    ],
)
async def test_appearance_orders_and_pages(
    client: httpx.AsyncClient, quotes: Graph, order: str, expected: list[str]
) -> None:
    query = APPEARANCES.replace("node { text }", "node { article { title } }")
    variables: dict[str, Any] = {"id": quotes.gid("Quote", "q_stay"), "order": order, "first": 2}
    page = (await run_query(client, query, variables))["quote"]["appearances"]
    assert [e["node"]["article"]["title"] for e in page["edges"]] == expected[:2]
    assert (page["totalCount"], page["pageInfo"]) == (
        3, {"hasNextPage": True, "hasPreviousPage": False}
    )
    variables["after"] = page["edges"][1]["cursor"]
    rest = (await run_query(client, query, variables))["quote"]["appearances"]
    assert [e["node"]["article"]["title"] for e in rest["edges"]] == expected[2:]
    assert rest["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}
    last = {"id": quotes.gid("Quote", "q_stay"), "order": order, "last": 1}
    tail = (await run_query(client, query, last))["quote"]["appearances"]
    assert [e["node"]["article"]["title"] for e in tail["edges"]] == expected[2:]


async def test_appearances_filtered(client: httpx.AsyncClient, quotes: Graph) -> None:
    variables = {
        "id": quotes.gid("Quote", "q_stay"),
        "order": "FIRST_SEEN_ASC",
        "filter": {"kind": "DIRECT"},
    }
    page = (await run_query(client, APPEARANCES, variables))["quote"]["appearances"]
    assert (page["totalCount"], [e["node"]["text"] for e in page["edges"]]) == (
        2, ['"We will stay,"', '"We will stay,"']
    )


async def test_actor_quotes(client: httpx.AsyncClient, quotes: Graph) -> None:
    query = """query ($id: ID!) { actor(id: $id) {
      quotes { totalCount nodes { text } }
      oldest: quotes(orderBy: FIRST_SEEN_ASC, first: 1) { nodes { text } } } }"""
    data = await run_query(client, query, {"id": quotes.gid("Actor", "lavrov")})
    assert data == {
        "actor": {
            "quotes": {"totalCount": 2, "nodes": [{"text": STAY}, {"text": PEACE}]},
            "oldest": {"nodes": [{"text": STAY}]},
        }
    }


async def test_quote_connections_count_toward_the_cost_limit(
    client: httpx.AsyncClient, quotes: Graph
) -> None:
    query = "{ quotes(first: 10) { nodes { speaker { name } appearances(first: 5) { nodes { " \
        "article { title } } } } } }"
    body = await post_query(client, query)
    # 10 quotes, each with its speaker (1) and 5 appearances, each with its article (1 + 1)
    assert body["extensions"]["cost"] == 10 * (1 + 1 + 5 * (1 + 1))


async def test_an_unknown_quote_is_null(client: httpx.AsyncClient, quotes: Graph) -> None:
    query = "query ($id: ID!) { quote(id: $id) { id } }"
    data = await run_query(client, query, {"id": gid("Quote", 99)})
    assert data == {"quote": None}
