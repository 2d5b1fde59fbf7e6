"""Location fields: hierarchy, statements and articles about a place."""

from __future__ import annotations

import httpx
import pytest

from tests.schema.helpers import Graph, run_query

pytestmark = pytest.mark.anyio

LOCATION = """
query ($id: ID!) {
  location(id: $id) {
    name kind latitude longitude countryCode
    parent { name } children { name kind }
    statements { totalCount nodes { text } }
    articles { totalCount nodes { title } }
  }
}
"""


async def test_a_country_with_cities(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, LOCATION, {"id": graph.gid("Location", "syria")})
    assert data["location"] == {
        "name": "Syria",
        "kind": "COUNTRY",
        "latitude": None,
        "longitude": None,
        "countryCode": "SY",
        "parent": None,
        "children": [{"name": "Aleppo", "kind": "CITY"}, {"name": "Damascus", "kind": "CITY"}],
        "statements": {"totalCount": 1, "nodes": [{"text": "the strikes in Syria would continue"}]},
        "articles": {"totalCount": 1, "nodes": [{"title": "Strikes go on"}]},
    }


async def test_a_city(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, LOCATION, {"id": graph.gid("Location", "aleppo")})
    assert data["location"] == {
        "name": "Aleppo",
        "kind": "CITY",
        "latitude": 36.2,
        "longitude": 37.16,
        "countryCode": "SY",
        "parent": {"name": "Syria"},
        "children": [],
        "statements": {"totalCount": 1, "nodes": [{"text": "Moscow wants peace in Aleppo"}]},
        "articles": {"totalCount": 1, "nodes": [{"title": "Russia urges Aleppo truce"}]},
    }
