"""Statement fields: speaker, medium, spans, places and actors it mentions."""

from __future__ import annotations

import httpx
import pytest

from tests.schema.helpers import Graph, run_query

pytestmark = pytest.mark.anyio

STATEMENT = """
query ($id: ID!) {
  statement(id: $id) {
    text kind cue speakerText
    span { start end } speakerSpan { start end }
    speaker { name } medium { name }
    article { title }
    locations { name parent { name } }
    mentions { name }
  }
}
"""


async def test_reported_speech_with_places_and_mentions(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    data = await run_query(client, STATEMENT, {"id": graph.gid("Statement", "peace")})
    assert data["statement"] == {
        "text": "Moscow wants peace in Aleppo",
        "kind": "INDIRECT",
        "cue": "said",
        "speakerText": "Sergei Lavrov",
        "span": {"start": 36, "end": 64},
        "speakerSpan": {"start": 17, "end": 30},
        "speaker": {"name": "Sergei Lavrov"},
        "medium": None,
        "article": {"title": "Russia urges Aleppo truce"},
        "locations": [{"name": "Aleppo", "parent": {"name": "Syria"}}],
        "mentions": [{"name": "Russia"}],
    }


async def test_a_quote_told_to_a_medium(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, STATEMENT, {"id": graph.gid("Statement", "stay")})
    statement = data["statement"]
    assert (statement["kind"], statement["cue"], statement["speakerText"]) == (
        "DIRECT",
        "told",
        "Lavrov",
    )
    assert (statement["speaker"], statement["medium"]) == (
        {"name": "Sergei Lavrov"},
        {"name": "AFP"},
    )
    assert (statement["locations"], statement["mentions"]) == ([], [])


async def test_an_unattributed_statement(client: httpx.AsyncClient, graph: Graph) -> None:
    data = await run_query(client, STATEMENT, {"id": graph.gid("Statement", "near")})
    statement = data["statement"]
    assert (statement["speaker"], statement["speakerSpan"], statement["speakerText"]) == (
        None,
        None,
        None,
    )
    assert statement["article"] == {"title": "Letters"}
