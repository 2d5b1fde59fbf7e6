"""Keyset cursor pagination: walks visit every row once, in order, both ways."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.schema.helpers import Graph, post_query, run_query

pytestmark = pytest.mark.anyio

PAGE = "first: $first, after: $after, last: $last, before: $before"
VARS = "$first: Int, $after: String, $last: Int, $before: String"
CONNECTION = (
    "totalCount edges { cursor node { label: %s } } "
    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
)

ARTICLES = (
    f"query ({VARS}, $order: ArticleOrder!) "
    f"{{ list: articles(orderBy: $order, {PAGE}) {{ {CONNECTION % 'title'} }} }}"
)
STATEMENTS = f"query ({VARS}) {{ list: statements({PAGE}) {{ {CONNECTION % 'text'} }} }}"
ACTORS = f"query ({VARS}) {{ list: actors({PAGE}) {{ {CONNECTION % 'name'} }} }}"
LOCATIONS = f"query ({VARS}) {{ list: locations({PAGE}) {{ {CONNECTION % 'name'} }} }}"
ARTICLE_STATEMENTS = (
    f"query ({VARS}, $id: ID!) {{ article(id: $id) {{ list: statements({PAGE}) "
    f"{{ {CONNECTION % 'text'} }} }} }}"
)
ARTICLE_ACTORS = (
    f"query ({VARS}, $id: ID!) {{ article(id: $id) {{ list: actors({PAGE}) "
    f"{{ {CONNECTION % 'name'} }} }} }}"
)
ACTOR_STATEMENTS = (
    f"query ({VARS}, $id: ID!) {{ actor(id: $id) {{ list: statements({PAGE}) "
    f"{{ {CONNECTION % 'text'} }} }} }}"
)

NEWEST_FIRST = ["Strikes go on", "Russia urges Aleppo truce", "Letters"]
FEED = [
    "Damascus was shelled",
    "the strikes in Syria would continue",
    "Moscow wants peace in Aleppo",
    '"We will stay,"',
    "100% of aid_convoys must pass",
    "Peace is near",
]
LISTS: list[tuple[str, str, dict[str, str], list[str]]] = [
    ("articles newest first", ARTICLES, {"order": "PUBLISHED_AT_DESC"}, NEWEST_FIRST),
    ("articles oldest first", ARTICLES, {"order": "PUBLISHED_AT_ASC"}, NEWEST_FIRST[::-1]),
    (
        "articles by title",
        ARTICLES,
        {"order": "TITLE_ASC"},
        ["Letters", "Russia urges Aleppo truce", "Strikes go on"],
    ),
    ("statements", STATEMENTS, {}, FEED),
    ("actors", ACTORS, {}, ["AFP", "Maria Zakharova", "Russia", "Sergei Lavrov", "Sources"]),
    ("locations", LOCATIONS, {}, ["Aleppo", "Damascus", "Moscow", "Syria"]),
    ("article statements", ARTICLE_STATEMENTS, {"id": "Article:truce"}, FEED[2:5]),
    (
        "article actors",
        ARTICLE_ACTORS,
        {"id": "Article:truce"},
        ["Sergei Lavrov", "AFP", "Maria Zakharova", "Russia"],
    ),
    (
        "actor statements",
        ACTOR_STATEMENTS,
        {"id": "Actor:lavrov"},
        ["the strikes in Syria would continue", "Moscow wants peace in Aleppo", '"We will stay,"'],
    ),
]


def _resolve(graph: Graph, variables: dict[str, str]) -> dict[str, str]:
    """Replace 'Type:name' placeholders by the graph's global ids."""
    return {
        key: graph.gid(*value.split(":")) if key == "id" else value
        for key, value in variables.items()
    }


def _connection(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = data["list"] if "list" in data else next(iter(data.values()))["list"]
    return found


async def _walk(
    client: httpx.AsyncClient, query: str, variables: dict[str, str], size: int, forward: bool
) -> list[str]:
    """Every label of a connection, fetched `size` rows at a time, in list order."""
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(50):
        paging = {"first": size, "after": cursor} if forward else {"last": size, "before": cursor}
        page = _connection(await run_query(client, query, {**variables, **paging}))
        labels = [edge["node"]["label"] for edge in page["edges"]]
        seen = seen + labels if forward else labels + seen
        info = page["pageInfo"]
        if not (info["hasNextPage"] if forward else info["hasPreviousPage"]):
            return seen
        cursor = info["endCursor"] if forward else info["startCursor"]
    pytest.fail("pagination did not end")


@pytest.mark.parametrize(
    ("name", "query", "variables", "expected"), LISTS, ids=[c[0] for c in LISTS]
)
@pytest.mark.parametrize("size", [1, 2, 100])
async def test_walking_forward_and_backward_visits_each_row_once_in_order(
    client: httpx.AsyncClient,
    graph: Graph,
    name: str,
    query: str,
    variables: dict[str, str],
    expected: list[str],
    size: int,
) -> None:
    resolved = _resolve(graph, variables)
    assert await _walk(client, query, resolved, size, forward=True) == expected
    assert await _walk(client, query, resolved, size, forward=False) == expected


async def test_page_info_in_the_middle_of_a_list(client: httpx.AsyncClient, graph: Graph) -> None:
    first = _connection(await run_query(client, LOCATIONS, {"first": 1}))
    middle = _connection(
        await run_query(client, LOCATIONS, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    )
    assert [edge["node"]["label"] for edge in middle["edges"]] == ["Damascus", "Moscow"]
    assert middle["totalCount"] == 4
    assert middle["pageInfo"]["hasNextPage"] is True
    assert middle["pageInfo"]["hasPreviousPage"] is True
    assert middle["pageInfo"]["startCursor"] == middle["edges"][0]["cursor"]
    assert middle["pageInfo"]["endCursor"] == middle["edges"][1]["cursor"]
    before = _connection(
        await run_query(client, LOCATIONS, {"last": 5, "before": middle["pageInfo"]["endCursor"]})
    )
    assert [edge["node"]["label"] for edge in before["edges"]] == ["Aleppo", "Damascus"]
    assert (before["pageInfo"]["hasPreviousPage"], before["pageInfo"]["hasNextPage"]) == (
        False,
        True,
    )


async def test_first_zero_returns_no_rows_but_reports_more(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    page = _connection(await run_query(client, ACTORS, {"first": 0}))
    assert page["edges"] == []
    assert page["totalCount"] == 5
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


async def test_total_count_ignores_paging(client: httpx.AsyncClient, graph: Graph) -> None:
    last = _connection(await run_query(client, STATEMENTS, {"last": 1}))
    after_last = _connection(
        await run_query(client, STATEMENTS, {"after": last["pageInfo"]["endCursor"]})
    )
    assert after_last["edges"] == []
    assert after_last["totalCount"] == 6


@pytest.mark.parametrize(
    ("paging", "message"),
    [
        ({"first": 101}, "`first` must be between 0 and 100, got 101"),
        ({"first": -1}, "`first` must be between 0 and 100, got -1"),
        ({"last": 1000}, "`last` must be between 0 and 100, got 1000"),
        ({"first": 1, "last": 1}, "pass either `first` or `last`, not both"),
        ({"after": "nope"}, "'nope' is not a cursor; use an edge's `cursor` from this list"),
        ({"before": "W10="}, "'W10=' is a cursor of another list or order"),
    ],
)
async def test_bad_paging_arguments_are_clear_errors(
    client: httpx.AsyncClient, graph: Graph, paging: dict[str, object], message: str
) -> None:
    body = await post_query(client, STATEMENTS, paging)
    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == [message]


async def test_a_cursor_of_another_list_is_refused(client: httpx.AsyncClient, graph: Graph) -> None:
    actors = _connection(await run_query(client, ACTORS, {"first": 1}))
    cursor = actors["pageInfo"]["endCursor"]
    body = await post_query(client, STATEMENTS, {"after": cursor})
    assert [error["message"] for error in body["errors"]] == [
        f"{cursor!r} is a cursor of another list or order"
    ]
