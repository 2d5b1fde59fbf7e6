"""Aggregates on quote lists: `aggregates` and `groupedAggregates` of `quotes` and
`Actor.quotes` (api/schema/aggregates.py) on the graph's quotes (tests/schema/conftest.py),
each answer compiled into one SQL statement and equal to Strawberry's, on both databases.

The visible quotes: aid (Zakharova, first seen Wednesday 2016-10-12, 1 appearance in 1
article), near (no speaker, undated, 1 in 1), stay (Lavrov, Tuesday 2016-10-11, 3 in 3)
and peace (Lavrov, 2016-10-12, 2 in 2). `gone` lost its only statement: never counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from api.loaders.aggregates import QUOTE_KEYS
from api.schema.aggregates import QuoteGroupBy
from tests.schema.helpers import Graph, both_paths, post_query

pytestmark = pytest.mark.anyio

TOTALS = """query ($filter: QuoteFilter) { quotes(filter: $filter, first: 1) { totalCount
  aggregates { count distinctCount { speakers } sum { appearances articleCount } } } }"""
GROUPS = """query ($by: [QuoteGroupBy!]!, $order: StatementGroupOrder, $first: Int,
                  $filter: QuoteFilter) {
  quotes(filter: $filter) { totalCount
    groupedAggregates(groupBy: $by, orderBy: $order, first: $first) { keys count } } }"""
OBJECTS = """query ($by: [QuoteGroupBy!]!) { quotes { totalCount groupedAggregates(groupBy: $by) {
  keys count distinctCount { speakers } sum { appearances articleCount } speaker { name }
  firstSeenOn } } }"""
BY_SPEAKER = """query ($actor: ID!) { actor(id: $actor) { quotes(first: 0) {
  aggregates { count sum { appearances } }
  groupedAggregates(groupBy: [FIRST_SEEN_TRUNCATED_TO_DAY]) { keys count } } }
  actors { nodes { name quotes {
    aggregates { count distinctCount { speakers } sum { articleCount } } } } } }"""

# Alone: a sibling field (totalCount) could still be reading when the error nulls `data`.
TOO_MANY = "{ quotes { groupedAggregates(groupBy: [SPEAKER], first: 1001) { count } } }"
# docs/api.md, "Aggregates": the speakers with the most distinct quotes.
QUOTED_SPEAKERS = """{ quotes {
    aggregates { count distinctCount { speakers } sum { appearances } }
    groupedAggregates(groupBy: [SPEAKER], first: 3) {
      count sum { appearances articleCount } speaker { name } } } }"""


async def _groups(url: str, by: list[str], **variables: Any) -> list[Any]:
    data = await both_paths(url, GROUPS, {"by": by, **variables})
    return [(group["keys"], group["count"]) for group in data["quotes"]["groupedAggregates"]]


async def test_totals_over_the_visible_quotes(database_url: str, quotes: Graph) -> None:
    data = await both_paths(database_url, TOTALS)
    assert data["quotes"] == {
        "totalCount": 4,
        "aggregates": {
            "count": 4, "distinctCount": {"speakers": 2},
            "sum": {"appearances": 7, "articleCount": 7},
        },
    }


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"search": "stay"}, (1, 1, 3, 3)),
        ({"search": "zzz"}, (0, 0, 0, 0)),  # sums of no quotes are 0, not null
        ({"seenFrom": "2016-10-12"}, (2, 2, 3, 3)),
        ({"seenTo": "2016-10-11"}, (1, 1, 3, 3)),
    ],
)
async def test_totals_follow_the_filter(
    database_url: str, quotes: Graph, filter: dict[str, str], expected: tuple[int, ...]
) -> None:
    data = await both_paths(database_url, TOTALS, {"filter": filter})
    found = data["quotes"]["aggregates"]
    sums = found["sum"]
    measured = (found["count"], found["distinctCount"]["speakers"], sums["appearances"],
                sums["articleCount"])
    assert measured == expected
    assert data["quotes"]["totalCount"] == expected[0]


async def test_each_grouping(database_url: str, quotes: Graph) -> None:
    lavrov, zakharova = quotes.gid("Actor", "lavrov"), quotes.gid("Actor", "zakharova")
    assert await _groups(database_url, ["SPEAKER"]) == [
        ([lavrov], 2), ([zakharova], 1), ([None], 1),
    ]
    assert await _groups(database_url, ["FIRST_SEEN_TRUNCATED_TO_DAY"]) == [
        (["2016-10-12"], 2), (["2016-10-11"], 1), ([None], 1),
    ]
    # Tuesday the 11th and Wednesday the 12th are in the ISO week of Monday the 10th.
    assert await _groups(database_url, ["FIRST_SEEN_TRUNCATED_TO_WEEK"]) == [
        (["2016-10-10"], 3), ([None], 1),
    ]
    assert await _groups(database_url, ["FIRST_SEEN_TRUNCATED_TO_MONTH"]) == [
        (["2016-10-01"], 3), ([None], 1),
    ]
    assert await _groups(database_url, ["FIRST_SEEN_TRUNCATED_TO_YEAR"]) == [
        (["2016-01-01"], 3), ([None], 1),
    ]


async def test_combined_keys_orders_first_and_filter(database_url: str, quotes: Graph) -> None:
    lavrov, zakharova = quotes.gid("Actor", "lavrov"), quotes.gid("Actor", "zakharova")
    by = ["FIRST_SEEN_TRUNCATED_TO_DAY", "SPEAKER"]
    assert await _groups(database_url, by, order="KEYS_ASC") == [
        (["2016-10-11", lavrov], 1), (["2016-10-12", lavrov], 1),
        (["2016-10-12", zakharova], 1), ([None, None], 1),
    ]
    assert await _groups(database_url, by, order="KEYS_DESC", first=2) == [
        ([None, None], 1), (["2016-10-12", zakharova], 1),
    ]
    assert await _groups(database_url, ["SPEAKER"], order="COUNT_ASC") == [
        ([zakharova], 1), ([None], 1), ([lavrov], 2),
    ]
    assert await _groups(database_url, ["SPEAKER"], first=0) == []
    assert await _groups(database_url, ["SPEAKER"], filter={"search": "we"}) == [([lavrov], 1)]


async def test_the_groups_objects(database_url: str, quotes: Graph) -> None:
    data = await both_paths(database_url, OBJECTS, {"by": ["SPEAKER"]})
    assert data["quotes"]["totalCount"] == 4
    assert data["quotes"]["groupedAggregates"] == [
        _group([quotes.gid("Actor", "lavrov")], 2, 1, 5, {"name": "Sergei Lavrov"}, None),
        _group([quotes.gid("Actor", "zakharova")], 1, 1, 1, {"name": "Maria Zakharova"}, None),
        _group([None], 1, 0, 1, None, None),
    ]
    data = await both_paths(database_url, OBJECTS, {"by": ["FIRST_SEEN_TRUNCATED_TO_MONTH"]})
    assert data["quotes"]["groupedAggregates"] == [
        _group(["2016-10-01"], 3, 2, 6, None, "2016-10-01"),
        _group([None], 1, 0, 1, None, None),
    ]


async def test_an_actors_quotes_are_measured_per_actor(database_url: str, quotes: Graph) -> None:
    data = await both_paths(database_url, BY_SPEAKER, {"actor": quotes.gid("Actor", "lavrov")})
    assert data["actor"]["quotes"] == {
        "aggregates": {"count": 2, "sum": {"appearances": 5}},
        "groupedAggregates": [
            {"keys": ["2016-10-11"], "count": 1}, {"keys": ["2016-10-12"], "count": 1},
        ],
    }
    measured = [
        (a["name"], q["count"], q["distinctCount"]["speakers"], q["sum"]["articleCount"])
        for a in data["actors"]["nodes"]
        for q in [a["quotes"]["aggregates"]]
    ]
    assert measured == [  # no quotes: 0, sums included
        ("AFP", 0, 0, 0), ("Maria Zakharova", 1, 1, 1), ("Russia", 0, 0, 0),
        ("Sergei Lavrov", 2, 1, 5), ("Sources", 0, 0, 0),
    ]


async def test_unusable_arguments(client: httpx.AsyncClient, quotes: Graph) -> None:
    body = await post_query(client, TOO_MANY)
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("`first` must be between 0 and 1000, got 1001", "BAD_USER_INPUT")
    ]


async def test_the_speakers_with_the_most_distinct_quotes(database_url: str, quotes: Graph) -> None:
    data = await both_paths(database_url, QUOTED_SPEAKERS)
    assert data["quotes"] == {
        "aggregates": {"count": 4, "distinctCount": {"speakers": 2}, "sum": {"appearances": 7}},
        "groupedAggregates": [
            {"count": 2, "sum": {"appearances": 5, "articleCount": 5},
             "speaker": {"name": "Sergei Lavrov"}},
            {"count": 1, "sum": {"appearances": 1, "articleCount": 1},
             "speaker": {"name": "Maria Zakharova"}},
            {"count": 1, "sum": {"appearances": 1, "articleCount": 1}, "speaker": None},
        ],
    }


def test_the_docs_show_the_example() -> None:
    docs = Path(__file__).parent.parent.parent / "docs" / "api.md"
    assert QUOTED_SPEAKERS in docs.read_text(encoding="utf-8")


def test_every_group_by_value_has_its_key() -> None:
    assert [value.value for value in QuoteGroupBy] == [by.value for by in QUOTE_KEYS]


def _group(
    keys: list[str | None], count: int, speakers: int, appearances: int,
    speaker: dict[str, str] | None, first_seen_on: str | None,
) -> dict[str, Any]:
    return {
        "keys": keys, "count": count, "distinctCount": {"speakers": speakers},
        "sum": {"appearances": appearances, "articleCount": appearances},
        "speaker": speaker, "firstSeenOn": first_seen_on,
    }
