"""Actor fields: aliases, affiliation, members, statements, articles, counts."""

from __future__ import annotations

import httpx
import pytest

from tests.schema.helpers import Graph, run_query

pytestmark = pytest.mark.anyio

ACTOR = """
query ($id: ID!) {
  actor(id: $id) {
    name kind title aliases statementCount
    affiliation { name kind aliases }
    members { totalCount nodes { name } }
    statements { totalCount nodes { text article { title } } }
    articles { totalCount nodes { title } }
  }
}
"""


async def test_a_person(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, ACTOR, {"id": graph.gid("Actor", "lavrov")})
    assert data["actor"] == {
        "name": "Sergei Lavrov",
        "kind": "PERSON",
        "title": "Foreign Minister",
        "aliases": ["Lavrov"],
        "statementCount": 3,
        "affiliation": {"name": "Russia", "kind": "GOVERNMENT", "aliases": ["Kremlin", "Moscow"]},
        "members": {"totalCount": 0, "nodes": []},
        "statements": {
            "totalCount": 3,
            "nodes": [
                {
                    "text": "the strikes in Syria would continue",
                    "article": {"title": "Strikes go on"},
                },
                {
                    "text": "Moscow wants peace in Aleppo",
                    "article": {"title": "Russia urges Aleppo truce"},
                },
                {"text": '"We will stay,"', "article": {"title": "Russia urges Aleppo truce"}},
            ],
        },
        "articles": {
            "totalCount": 2,
            "nodes": [{"title": "Strikes go on"}, {"title": "Russia urges Aleppo truce"}],
        },
    }


async def test_a_government_with_members(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, ACTOR, {"id": graph.gid("Actor", "russia")})
    actor = data["actor"]
    assert actor["affiliation"] is None
    assert actor["statementCount"] == 0
    assert actor["members"] == {
        "totalCount": 2,
        "nodes": [{"name": "Maria Zakharova"}, {"name": "Sergei Lavrov"}],
    }
    assert actor["articles"] == {"totalCount": 1, "nodes": [{"title": "Russia urges Aleppo truce"}]}
