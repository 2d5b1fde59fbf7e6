"""search(query:) across actors, locations, articles and statements."""

from __future__ import annotations

import httpx
import pytest

from tests.schema.helpers import Graph, post_query, run_query

pytestmark = pytest.mark.anyio

SEARCH = """
query ($query: String!, $first: Int) {
  search(query: $query, first: $first) {
    __typename
    ... on Actor { name }
    ... on Location { name }
    ... on Article { title }
    ... on Statement { text }
  }
}
"""


async def test_search_finds_every_kind_in_a_fixed_order(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    data = await run_query(client, SEARCH, {"query": "syria"})
    assert data["search"] == [
        {"__typename": "Location", "name": "Syria"},
        {"__typename": "Article", "title": "Strikes go on"},
        {"__typename": "Statement", "text": "the strikes in Syria would continue"},
    ]


async def test_search_matches_aliases_and_limits(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, SEARCH, {"query": "Moscow", "first": 3})
    assert data["search"] == [
        {"__typename": "Actor", "name": "Russia"},
        {"__typename": "Location", "name": "Moscow"},
        {"__typename": "Article", "title": "Russia urges Aleppo truce"},
    ]


async def test_blank_search_finds_nothing(client: httpx.AsyncClient, graph: Graph) -> None:
    assert await run_query(client, SEARCH, {"query": "   "}) == {"search": []}


async def test_search_limit_is_checked(client: httpx.AsyncClient, graph: Graph) -> None:
    body = await post_query(client, SEARCH, {"query": "a", "first": 101})
    assert [error["message"] for error in body["errors"]] == [
        "`first` must be between 0 and 100, got 101"
    ]
