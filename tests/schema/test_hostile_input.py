"""Hostile arguments get a clear GraphQL error naming the problem, never an internal error."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests.schema.helpers import Graph, post_query, run_query

pytestmark = pytest.mark.anyio

HUGE_KEY = base64.urlsafe_b64encode(b"Actor:999999999999999999").decode()
ZERO_KEY = base64.urlsafe_b64encode(b"Actor:0").decode()

ERRORS = [
    ("query ($id: ID!) { node(id: $id) { id } }", {"id": HUGE_KEY},
     f"'{HUGE_KEY}' is not a Quotegraph id; use an `id` returned by the API"),
    ("query ($id: ID!) { node(id: $id) { id } }", {"id": ZERO_KEY},
     f"'{ZERO_KEY}' is not a Quotegraph id; use an `id` returned by the API"),
    ("query ($s: String) { statements(filter: {search: $s}) { totalCount } }", {"s": "a\u0000b"},
     "The argument `filter.search` of `statements` (given in $s) holds a NUL character "
     "(U+0000) at offset 1; stored text cannot hold NUL; remove it."),
    ("query ($s: String) { actors(filter: {search: $s}) { totalCount } }", {"s": "\u0000"},
     "The argument `filter.search` of `actors` (given in $s) holds a NUL character "
     "(U+0000) at offset 0; stored text cannot hold NUL; remove it."),
    ("query ($s: String) { locations(filter: {countryCode: $s}) { totalCount } }", {"s": "S\u0000"},
     "The argument `filter.countryCode` of `locations` (given in $s) holds a NUL character "
     "(U+0000) at offset 1; stored text cannot hold NUL; remove it."),
    ("query ($s: String!) { search(query: $s) { __typename } }", {"s": "x\u0000"},
     "The argument `query` of `search` (given in $s) holds a NUL character "
     "(U+0000) at offset 1; stored text cannot hold NUL; remove it."),
    ("query ($s: String) { statements(filter: {search: $s}) { totalCount } }", {"s": "x" * 100_000},
     "`search` is 100000 characters long; at most 1000 are allowed"),
    ("{ articles(filter: {publishedFrom: \"2016-13-45\"}) { totalCount } }", {},
     'Value cannot represent a Date: "2016-13-45". month must be in 1..12'),
]


@pytest.mark.parametrize(("query", "variables", "message"), ERRORS)
async def test_bad_argument_is_a_clear_error(
    client: httpx.AsyncClient, graph: Graph, query: str, variables: dict[str, Any], message: str
) -> None:
    body = await post_query(client, query, variables)
    assert [e["message"] for e in body["errors"]] == [message]


@pytest.mark.parametrize(
    ("text", "statements"),
    [
        # Statement search matches word prefixes: no letters or digits, nothing to match.
        ("%", 0),
        ("_", 0),
        ("\\", 0),
        ("'; DROP TABLE statement; --", 0),
        ('"quoted"', 0),
        ("Алеппо 阿勒颇 حلب", 0),
        ("x" * 1000, 0),
    ],
)
async def test_wildcards_quotes_and_scripts_are_searched_literally(
    client: httpx.AsyncClient, graph: Graph, text: str, statements: int
) -> None:
    query = """query ($s: String) {
      statements(filter: {search: $s}) { totalCount }
      actors(filter: {search: $s}) { totalCount }
    }"""
    data = await run_query(client, query, {"s": text})
    assert data == {"statements": {"totalCount": statements}, "actors": {"totalCount": 0}}
    assert (await run_query(client, "{ statements { totalCount } }"))["statements"]["totalCount"] == 6
