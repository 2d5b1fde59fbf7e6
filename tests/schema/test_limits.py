"""Cost, depth and alias counting (api/schema/limits.py), and the cost limit in the app."""
from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import OperationDefinitionNode, parse

from api.adapters.strawberry import graphql_schema
from api.schema import schema
from api.schema.limits import count_aliases, query_cost
from api.settings import Settings
from tests.servers import app_client

EXPENSIVE = (
    "{ articles(first: 100) { nodes { statements(first: 100) { nodes { locations { name } } } } } }"
)


def _cost(query: str, variables: dict[str, object] | None = None) -> int:
    document = parse(query)
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return query_cost(graphql_schema(schema), document, operation, variables or {})


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ("{ articles { totalCount } }", 0),
        ("{ articles(first: 3) { nodes { title } } }", 3),
        ("{ articles(last: 5) { edges { cursor node { title } } pageInfo { hasNextPage } } }", 5),
        ("{ articles(first: 1000) { nodes { id } } }", 100),
        ("{ statements { nodes { locations { name } } } }", 20 * (1 + 20)),
        (
            "{ articles(first: 50) { nodes { statements(first: 100) { nodes {"
            " speaker { name affiliation { name } } } } } } }",
            50 * (1 + 100 * (1 + 1 + 1)),
        ),
        ("{ search(query: \"x\") { __typename } }", 10),
        (
            "{ search(query: \"x\", first: 7) { ... on Actor { statements(first: 2) {"
            " nodes { text } } } ... on Location { name } } }",
            7 * (1 + 2),
        ),
        ("{ a: articles(first: 2) { nodes { id } } a: articles(first: 2) { nodes { title } } }", 2),
        (
            "fragment S on Statement { speaker { name } }"
            " { statements(first: 10) { nodes { ...S } edges { node { ...S } } } }",
            10 * (1 + 1 + 1),
        ),
        ("{ article(id: \"x\") { title actors(first: 4) { nodes { name } } } }", 1 + 4),
        ("{ __schema { types { name fields { name } } } }", 0),
        (EXPENSIVE, 100 * (1 + 100 * (1 + 20))),
        # Aggregates are one object per list; groups count like a page of `first` rows.
        ("{ statements { totalCount aggregates { count distinctCount { speakers } } } }", 1 + 1),
        ("{ statements { groupedAggregates(groupBy: [SPEAKER]) { keys speaker { name } } } }",
         100 * (1 + 1)),
        ("{ statements(first: 5) { nodes { id } groupedAggregates(groupBy: [KIND], first: 1000)"
         " { count } } }", 5 + 1000),
        ("{ statements { groupedAggregates(groupBy: [KIND], first: 5000) { count } } }", 1000),
        (
            "{ articles(first: 10) { nodes { statements { groupedAggregates(groupBy: [KIND],"
            " first: 50) { count distinctCount { speakers } } } } } }",
            10 * (1 + 50 * (1 + 1)),
        ),
        ("{ quotes { aggregates { count sum { appearances } } } }", 1 + 1),
        ("{ quotes(first: 5) { nodes { id } groupedAggregates(groupBy: [SPEAKER]) { keys speaker"
         " { name } } } }", 5 + 100 * (1 + 1)),
        (
            "{ actors(first: 10) { nodes { quotes { groupedAggregates(groupBy:"
            " [FIRST_SEEN_TRUNCATED_TO_MONTH], first: 5000) { count sum { articleCount } } } } } }",
            10 * (1 + 1000 * (1 + 1)),
        ),
    ],
)
def test_cost_is_the_worst_case_number_of_objects(query: str, cost: int) -> None:
    assert _cost(query) == cost


def test_cost_reads_variables_and_their_defaults() -> None:
    query = "query ($n: Int = 4, $ids: [ID!]!) { articles(first: $n) { nodes { id } }"
    query += " nodes(ids: $ids) { id } }"
    assert _cost(query, {"n": 7, "ids": ["a", "b", "c"]}) == 7 + 3
    assert _cost(query, {"ids": []}) == 4
    # Variables that do not coerce (execution reports them): default page, LIST_BOUND ids.
    assert _cost(query, {"n": "seven", "ids": []}) == 20 + 20


def test_fragments_spread_along_many_paths_are_costed_quickly() -> None:
    levels = 12
    fragments = [
        f"fragment F{i} on Actor {{ affiliation {{ ...F{i + 1} }}"
        f" members(first: 2) {{ nodes {{ ...F{i + 1} }} }} }}"
        for i in range(levels)
    ]
    query = " ".join(fragments) + f" fragment F{levels} on Actor {{ name }}"
    query += " { actor(id: \"x\") { ...F0 } }"
    expected = 0
    for _ in range(levels):
        expected = 3 * (1 + expected)
    started = time.perf_counter()
    assert _cost(query) == 1 + expected
    assert time.perf_counter() - started < 0.5


def test_aliases_are_counted_in_fragments_too() -> None:
    query = "fragment A on Article { t: title } { a: articles { nodes { ...A b: id } } }"
    assert count_aliases(parse(query)) == 3


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(Settings(database_url=database_url, max_cost=1000)) as http:
        yield http


@pytest.mark.anyio
async def test_queries_over_the_cost_limit_are_refused_with_the_figure(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": EXPENSIVE})
    assert response.json() == {
        "errors": [{
            "message": "The query could return up to 210,100 objects; at most 1,000 are allowed. "
            "Ask for smaller pages (`first`/`last`) or nest fewer lists.",
            "extensions": {"code": "QUERY_TOO_COMPLEX", "cost": 210100, "maxCost": 1000},
        }],
        "extensions": {"cost": 210100},
    }


@pytest.mark.anyio
async def test_groups_count_towards_the_cost_limit(client: httpx.AsyncClient) -> None:
    query = "{ statements { groupedAggregates(groupBy: [SPEAKER], first: 600) { speaker { name } } } }"
    response = await client.post("/graphql", json={"query": query})
    assert response.json()["errors"] == [{
        "message": "The query could return up to 1,200 objects; at most 1,000 are allowed. "
        "Ask for smaller pages (`first`/`last`) or nest fewer lists.",
        "extensions": {"code": "QUERY_TOO_COMPLEX", "cost": 1200, "maxCost": 1000},
    }]


@pytest.mark.anyio
async def test_quote_groups_count_towards_the_cost_limit(client: httpx.AsyncClient) -> None:
    query = "{ quotes { groupedAggregates(groupBy: [SPEAKER], first: 501) { speaker { name } } } }"
    response = await client.post("/graphql", json={"query": query})
    assert response.json()["errors"] == [{
        "message": "The query could return up to 1,002 objects; at most 1,000 are allowed. "
        "Ask for smaller pages (`first`/`last`) or nest fewer lists.",
        "extensions": {"code": "QUERY_TOO_COMPLEX", "cost": 1002, "maxCost": 1000},
    }]


@pytest.mark.anyio
async def test_queries_within_the_cost_limit_run_and_report_it(client: httpx.AsyncClient) -> None:
    query = "{ statements(first: 40) { nodes { locations { name } } } }"
    response = await client.post("/graphql", json={"query": query})
    assert response.json() == {"data": {"statements": {"nodes": []}}, "extensions": {"cost": 840}}
