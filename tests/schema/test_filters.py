"""Filters on every list: exact matches, case-insensitive search, literal wildcards."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.schema.helpers import Graph, post_query, run_query

pytestmark = pytest.mark.anyio

ACTORS = "query ($filter: ActorFilter) { actors(filter: $filter) { totalCount nodes { name } } }"
STATEMENTS = (
    "query ($filter: StatementFilter) { statements(filter: $filter) { totalCount nodes { text } } }"
)
ARTICLES = (
    "query ($filter: ArticleFilter) { articles(filter: $filter) { totalCount nodes { title } } }"
)
LOCATIONS = (
    "query ($filter: LocationFilter) { locations(filter: $filter) { totalCount nodes { name } } }"
)

AID = "100% of aid_convoys must pass"


def _ids(graph: Graph, given: dict[str, Any]) -> dict[str, Any]:
    """Filter values like ('Actor', 'lavrov') become global ids."""
    return {k: graph.gid(*v) if isinstance(v, tuple) else v for k, v in given.items()}


async def _names(client: httpx.AsyncClient, query: str, given: dict[str, Any]) -> list[str]:
    data = await run_query(client, query, {"filter": given})
    connection = next(iter(data.values()))
    nodes = [next(iter(node.values())) for node in connection["nodes"]]
    assert connection["totalCount"] == len(nodes)
    return nodes


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"search": "lavrov"}, ["Sergei Lavrov"]),
        ({"search": "LAVROV"}, ["Sergei Lavrov"]),
        ({"search": "moscow"}, ["Russia"]),  # an alias
        ({"search": "Krem"}, ["Russia"]),
        ({"kind": "PERSON"}, ["Maria Zakharova", "Sergei Lavrov"]),
        ({"search": "ia", "kind": "GOVERNMENT"}, ["Russia"]),
        ({"search": "%"}, []),
        ({"search": "_"}, []),
    ],
)
async def test_actor_filter(
    client: httpx.AsyncClient, graph: Graph, given: dict[str, Any], expected: list[str]
) -> None:
    assert await _names(client, ACTORS, given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"search": "PEACE"}, ["Moscow wants peace in Aleppo", "Peace is near"]),
        ({"search": "aleppo peace"}, ["Moscow wants peace in Aleppo"]),
        ({"search": "100%"}, [AID]),
        # Words begin words of the text: "_" splits "aid_convoys" in two, and a search
        # with no letters or digits matches nothing (tests/schema/test_search_words.py).
        ({"search": "%"}, []),
        ({"search": "_"}, []),
        ({"search": "aid_con"}, [AID]),
        ({"search": "d_c"}, []),
        ({"search": "\\"}, []),
        ({"speakerId": ("Actor", "zakharova")}, [AID]),
        ({"locationId": ("Location", "syria")}, ["the strikes in Syria would continue"]),
        (
            {"articleId": ("Article", "strikes")},
            ["Damascus was shelled", "the strikes in Syria would continue"],
        ),
        ({"kind": "DIRECT"}, ['"We will stay,"', "Peace is near"]),
        (
            {"publishedFrom": "2016-10-13"},
            ["Damascus was shelled", "the strikes in Syria would continue"],
        ),
        ({"publishedTo": "2016-10-12"}, ["Moscow wants peace in Aleppo", '"We will stay,"', AID]),
        (
            {"speakerId": ("Actor", "lavrov"), "publishedTo": "2016-10-12", "kind": "INDIRECT"},
            ["Moscow wants peace in Aleppo"],
        ),
    ],
)
async def test_statement_filter(
    client: httpx.AsyncClient, graph: Graph, given: dict[str, Any], expected: list[str]
) -> None:
    assert await _names(client, STATEMENTS, _ids(graph, given)) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"search": "aleppo"}, ["Russia urges Aleppo truce"]),
        ({"search": "speaks"}, ["Russia urges Aleppo truce"]),  # in the standfirst
        ({"search": "peace"}, ["Russia urges Aleppo truce", "Letters"]),
        ({"publisher": "afp"}, ["Russia urges Aleppo truce", "Letters"]),
        ({"publishedFrom": "2016-10-13"}, ["Strikes go on"]),
        (
            {"publishedFrom": "2016-10-12", "publishedTo": "2016-10-12"},
            ["Russia urges Aleppo truce"],
        ),
        ({"actorId": ("Actor", "lavrov")}, ["Strikes go on", "Russia urges Aleppo truce"]),
        ({"locationId": ("Location", "damascus")}, ["Strikes go on"]),
    ],
)
async def test_article_filter(
    client: httpx.AsyncClient, graph: Graph, given: dict[str, Any], expected: list[str]
) -> None:
    assert await _names(client, ARTICLES, _ids(graph, given)) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"search": "DAM"}, ["Damascus"]),
        ({"kind": "COUNTRY"}, ["Syria"]),
        ({"countryCode": "sy"}, ["Aleppo", "Damascus", "Syria"]),
        ({"countryCode": "RU", "kind": "CITY"}, ["Moscow"]),
    ],
)
async def test_location_filter(
    client: httpx.AsyncClient, graph: Graph, given: dict[str, Any], expected: list[str]
) -> None:
    assert await _names(client, LOCATIONS, given) == expected


async def test_an_id_of_the_wrong_type_in_a_filter(client: httpx.AsyncClient, graph: Graph) -> None:
    syria = graph.gid("Location", "syria")
    body = await post_query(client, STATEMENTS, {"filter": {"speakerId": syria}})
    assert [error["message"] for error in body["errors"]] == [
        f"{syria!r} identifies a Location, not an Actor"
    ]
