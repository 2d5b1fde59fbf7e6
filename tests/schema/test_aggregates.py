"""Aggregates on statement lists: `aggregates` and `groupedAggregates` (api/schema/aggregates.py)
on the hand-made graph of conftest.py, both databases.

The graph's six statements: peace (Lavrov, INDIRECT, Aleppo), stay (Lavrov, DIRECT, told
AFP), aid (Zakharova, INDIRECT) in "truce" (AFP, Wednesday 2016-10-12); shelled (Sources,
INDIRECT, Damascus) and continue (Lavrov, INDIRECT, Syria) in "strikes" (Reuters, Friday
2016-10-14); near (no speaker, DIRECT) in the undated "opinion" (AFP). Lavrov and
Zakharova are affiliated to Russia.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.loaders.aggregates import STATEMENT_KEYS, GroupOrder
from api.schema.aggregates import StatementGroupBy, StatementGroupOrder
from tests.schema.helpers import Graph, post_query, run_query

pytestmark = pytest.mark.anyio

TOTALS = """query ($filter: StatementFilter) { statements(filter: $filter, first: 1) {
  totalCount aggregates { count distinctCount { speakers articles publishers } } } }"""
GROUPS = """query ($by: [StatementGroupBy!]!, $order: StatementGroupOrder, $first: Int,
                  $filter: StatementFilter) {
  statements(filter: $filter) { groupedAggregates(groupBy: $by, orderBy: $order, first: $first) {
    keys count } } }"""
OBJECTS = """query ($by: [StatementGroupBy!]!) { statements { groupedAggregates(groupBy: $by) {
  count distinctCount { speakers articles publishers } speaker { name } affiliation { name }
  medium { name } location { name } publisher kind publishedAt } } }"""
NESTED = """query ($actor: ID!, $place: ID!, $article: ID!) {
  actor(id: $actor) { statements(first: 0) { aggregates { count distinctCount { articles } }
    groupedAggregates(groupBy: [PUBLISHED_AT_TRUNCATED_TO_DAY]) { keys count } } }
  location(id: $place) { statements { aggregates { count }
    groupedAggregates(groupBy: [LOCATION, SPEAKER], orderBy: KEYS_ASC) { keys count } } }
  article(id: $article) { statements { groupedAggregates(groupBy: [KIND]) { keys count } } }
  articles { nodes { title statements { aggregates { count distinctCount { speakers } } } } } }"""


async def _groups(client: httpx.AsyncClient, by: list[str], **variables: Any) -> list[Any]:
    data = await run_query(client, GROUPS, {"by": by, **variables})
    return [(group["keys"], group["count"]) for group in data["statements"]["groupedAggregates"]]


async def test_totals_over_the_whole_list(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, TOTALS)
    assert data["statements"] == {
        "totalCount": 6,
        "aggregates": {"count": 6, "distinctCount": {"speakers": 3, "articles": 3, "publishers": 2}},
    }


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"kind": "DIRECT"}, (2, 1, 2, 1)),
        ({"search": "peace"}, (2, 1, 2, 1)),  # "Moscow wants peace...", "Peace is near"
        ({"search": "zzz"}, (0, 0, 0, 0)),
        ({"publishedFrom": "2016-10-13"}, (2, 2, 1, 1)),
    ],
)
async def test_totals_follow_the_filter(
    client: httpx.AsyncClient, graph: Graph, filter: dict[str, str], expected: tuple[int, ...]
) -> None:
    data = await run_query(client, TOTALS, {"filter": filter})
    found = data["statements"]["aggregates"]
    distinct = found["distinctCount"]
    assert (found["count"], distinct["speakers"], distinct["articles"], distinct["publishers"]) == expected
    assert data["statements"]["totalCount"] == expected[0]


async def test_each_grouping(client: httpx.AsyncClient, graph: Graph) -> None:
    actor, place = (lambda name: graph.gid("Actor", name)), (lambda n: graph.gid("Location", n))
    assert await _groups(client, ["SPEAKER"]) == [
        ([actor("lavrov")], 3), ([actor("zakharova")], 1), ([actor("sources")], 1), ([None], 1),
    ]
    assert await _groups(client, ["AFFILIATION"]) == [([actor("russia")], 4), ([None], 2)]
    assert await _groups(client, ["MEDIUM"]) == [([None], 5), ([actor("afp")], 1)]
    assert await _groups(client, ["PUBLISHER"]) == [(["AFP"], 4), (["Reuters"], 2)]
    assert await _groups(client, ["KIND"]) == [(["INDIRECT"], 4), (["DIRECT"], 2)]
    assert await _groups(client, ["LOCATION"]) == [
        ([None], 3), ([place("syria")], 1), ([place("aleppo")], 1), ([place("damascus")], 1),
    ]


async def test_time_buckets(client: httpx.AsyncClient, graph: Graph) -> None:
    assert await _groups(client, ["PUBLISHED_AT_TRUNCATED_TO_DAY"]) == [
        (["2016-10-12"], 3), (["2016-10-14"], 2), ([None], 1),
    ]
    # Wednesday the 12th and Friday the 14th are in the ISO week of Monday the 10th.
    assert await _groups(client, ["PUBLISHED_AT_TRUNCATED_TO_WEEK"]) == [
        (["2016-10-10"], 5), ([None], 1),
    ]
    assert await _groups(client, ["PUBLISHED_AT_TRUNCATED_TO_MONTH"]) == [
        (["2016-10-01"], 5), ([None], 1),
    ]
    assert await _groups(client, ["PUBLISHED_AT_TRUNCATED_TO_YEAR"]) == [
        (["2016-01-01"], 5), ([None], 1),
    ]


async def test_combined_keys_and_orders(client: httpx.AsyncClient, graph: Graph) -> None:
    by = ["PUBLISHER", "KIND"]
    assert await _groups(client, by) == [
        (["AFP", "DIRECT"], 2), (["AFP", "INDIRECT"], 2), (["Reuters", "INDIRECT"], 2),
    ]
    assert await _groups(client, by, order="KEYS_DESC") == [
        (["Reuters", "INDIRECT"], 2), (["AFP", "INDIRECT"], 2), (["AFP", "DIRECT"], 2),
    ]
    syria = graph.gid("Location", "syria")
    twice = await _groups(client, ["LOCATION", "LOCATION"], first=2)  # one join, not two
    assert twice == [([None, None], 3), ([syria, syria], 1)]
    day = ["PUBLISHED_AT_TRUNCATED_TO_DAY"]
    assert await _groups(client, day, order="KEYS_ASC") == [
        (["2016-10-12"], 3), (["2016-10-14"], 2), ([None], 1),
    ]
    assert await _groups(client, day, order="KEYS_DESC") == [
        ([None], 1), (["2016-10-14"], 2), (["2016-10-12"], 3),
    ]
    assert await _groups(client, day, order="COUNT_ASC") == [
        ([None], 1), (["2016-10-14"], 2), (["2016-10-12"], 3),
    ]


async def test_first_and_filter(client: httpx.AsyncClient, graph: Graph) -> None:
    lavrov = graph.gid("Actor", "lavrov")
    assert await _groups(client, ["SPEAKER"], first=1) == [([lavrov], 3)]
    assert await _groups(client, ["SPEAKER"], first=0) == []
    assert await _groups(client, ["KIND"], filter={"speakerId": lavrov}) == [
        (["INDIRECT"], 2), (["DIRECT"], 1),
    ]
    assert await _groups(client, ["SPEAKER"], filter={"search": "peace"}) == [
        ([lavrov], 1), ([None], 1),
    ]


async def test_the_groups_objects(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, OBJECTS, {"by": ["AFFILIATION", "KIND", "MEDIUM"]})
    nothing = {"speaker": None, "location": None, "publisher": None, "publishedAt": None}
    assert data["statements"]["groupedAggregates"] == [
        {
            "count": 3, "distinctCount": {"speakers": 2, "articles": 2, "publishers": 2},
            "affiliation": {"name": "Russia"}, "kind": "INDIRECT", "medium": None, **nothing,
        },
        {
            "count": 1, "distinctCount": {"speakers": 1, "articles": 1, "publishers": 1},
            "affiliation": {"name": "Russia"}, "kind": "DIRECT", "medium": {"name": "AFP"},
            **nothing,
        },
        {
            "count": 1, "distinctCount": {"speakers": 0, "articles": 1, "publishers": 1},
            "affiliation": None, "kind": "DIRECT", "medium": None, **nothing,
        },
        {
            "count": 1, "distinctCount": {"speakers": 1, "articles": 1, "publishers": 1},
            "affiliation": None, "kind": "INDIRECT", "medium": None, **nothing,
        },
    ]
    data = await run_query(client, OBJECTS, {"by": ["PUBLISHED_AT_TRUNCATED_TO_MONTH", "LOCATION"]})
    groups = data["statements"]["groupedAggregates"]
    assert [(g["publishedAt"], g["location"], g["count"]) for g in groups] == [
        ("2016-10-01", None, 2),
        ("2016-10-01", {"name": "Syria"}, 1),
        ("2016-10-01", {"name": "Aleppo"}, 1),
        ("2016-10-01", {"name": "Damascus"}, 1),
        (None, None, 1),
    ]
    assert {(g["speaker"], g["kind"], g["publisher"]) for g in groups} == {(None, None, None)}


async def test_nested_lists_are_measured_per_parent(client: httpx.AsyncClient, graph: Graph) -> None:
    variables = {
        "actor": graph.gid("Actor", "lavrov"),
        "place": graph.gid("Location", "damascus"),
        "article": graph.gid("Article", "truce"),
    }
    data = await run_query(client, NESTED, variables)
    assert data["actor"]["statements"] == {
        "aggregates": {"count": 3, "distinctCount": {"articles": 2}},
        "groupedAggregates": [
            {"keys": ["2016-10-12"], "count": 2}, {"keys": ["2016-10-14"], "count": 1},
        ],
    }
    assert data["location"]["statements"] == {
        "aggregates": {"count": 1},
        "groupedAggregates": [
            {"keys": [variables["place"], graph.gid("Actor", "sources")], "count": 1},
        ],
    }
    assert data["article"]["statements"]["groupedAggregates"] == [
        {"keys": ["INDIRECT"], "count": 2}, {"keys": ["DIRECT"], "count": 1},
    ]
    assert [
        (a["title"], a["statements"]["aggregates"]) for a in data["articles"]["nodes"]
    ] == [
        ("Strikes go on", {"count": 2, "distinctCount": {"speakers": 2}}),
        ("Russia urges Aleppo truce", {"count": 3, "distinctCount": {"speakers": 2}}),
        ("Letters", {"count": 1, "distinctCount": {"speakers": 0}}),
    ]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"by": ["SPEAKER"], "first": 1001}, "`first` must be between 0 and 1000, got 1001"),
        ({"by": ["SPEAKER"], "first": -1}, "`first` must be between 0 and 1000, got -1"),
        ({"by": []}, "`groupBy` is empty; give at least one key (for totals use `aggregates`)"),
    ],
)
async def test_unusable_arguments(
    client: httpx.AsyncClient, graph: Graph, variables: dict[str, Any], message: str
) -> None:
    body = await post_query(client, GROUPS, variables)
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        (message, "BAD_USER_INPUT")
    ]


def test_every_group_by_value_has_its_key() -> None:
    assert [value.value for value in StatementGroupBy] == [by.value for by in STATEMENT_KEYS]
    assert [value.value for value in StatementGroupOrder] == [order.value for order in GroupOrder]
