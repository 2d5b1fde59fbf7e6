"""Article fields and its nested lists."""

from __future__ import annotations

import httpx
import pytest

from tests.schema.conftest import BODY_TRUCE
from tests.schema.helpers import Graph, run_query

pytestmark = pytest.mark.anyio

ARTICLE = """
query ($id: ID!) {
  article(id: $id) {
    title standfirst publishedAt publisher url readingTimeMinutes body contentHash creditLine
    captions { text credit }
    statements { totalCount nodes { text span { start end } } }
    actors { totalCount nodes { name } }
    locations { totalCount nodes { name } }
  }
}
"""
FILTERED_STATEMENTS = """
query ($id: ID!, $filter: StatementFilter) {
  article(id: $id) { statements(filter: $filter) { totalCount nodes { text } } }
}
"""


async def test_article_fields(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, ARTICLE, {"id": graph.gid("Article", "truce")})
    assert data["article"] == {
        "title": "Russia urges Aleppo truce",
        "standfirst": "Moscow speaks",
        "publishedAt": "2016-10-12",
        "publisher": "AFP",
        "url": "https://example.com/truce",
        "readingTimeMinutes": 2,
        "body": BODY_TRUCE,
        "contentHash": "a" * 64,
        "creditLine": "By a reporter",
        "captions": [{"text": "Lavrov in Moscow", "credit": "AFP"}],
        "statements": {
            "totalCount": 3,
            "nodes": [
                {"text": "Moscow wants peace in Aleppo", "span": {"start": 36, "end": 64}},
                {"text": '"We will stay,"', "span": {"start": 66, "end": 81}},
                {"text": "100% of aid_convoys must pass", "span": {"start": 120, "end": 149}},
            ],
        },
        "actors": {
            "totalCount": 4,
            "nodes": [
                {"name": "Sergei Lavrov"},
                {"name": "AFP"},
                {"name": "Maria Zakharova"},
                {"name": "Russia"},
            ],
        },
        "locations": {"totalCount": 2, "nodes": [{"name": "Aleppo"}, {"name": "Moscow"}]},
    }


async def test_spans_index_into_the_body(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, ARTICLE, {"id": graph.gid("Article", "truce")})
    for statement in data["article"]["statements"]["nodes"]:
        span = statement["span"]
        assert BODY_TRUCE[span["start"] : span["end"]] == statement["text"]


async def test_article_statements_filtered(client: httpx.AsyncClient, graph: Graph) -> None:
    variables = {
        "id": graph.gid("Article", "truce"),
        "filter": {"speakerId": graph.gid("Actor", "lavrov"), "kind": "DIRECT"},
    }
    data = await run_query(client, FILTERED_STATEMENTS, variables)
    assert data["article"]["statements"] == {
        "totalCount": 1,
        "nodes": [{"text": '"We will stay,"'}],
    }


async def test_undated_article_without_links(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, ARTICLE, {"id": graph.gid("Article", "opinion")})
    article = data["article"]
    assert (article["publishedAt"], article["captions"], article["standfirst"]) == (None, [], None)
    assert article["actors"] == {"totalCount": 0, "nodes": []}
    assert article["statements"]["nodes"] == [
        {"text": "Peace is near", "span": {"start": 0, "end": 13}}
    ]
