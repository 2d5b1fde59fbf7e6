"""Quote corrections: mergeQuotes and detachStatement (results, refusals, history, pins),
and the statement corrections that recount a quote (deleteStatement, updateStatement,
mergeActors)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from api.store.db import create_engine
from api.store.models import Quote, Statement
from tests.schema.conftest import BODY_TRUCE
from tests.schema.helpers import Graph, gid, post_query, run_query

pytestmark = pytest.mark.anyio

MERGE = """
mutation ($source: ID!, $target: ID!) { mergeQuotes(sourceId: $source, targetId: $target) {
  __typename
  ... on MergeQuotesSuccess { quote {
    id text appearanceCount articleCount publishers firstSeenOn speaker { name }
    history { action tokenName before after }
  } }
  ... on NotFoundError { id message }
  ... on ValidationError { field message }
} }
"""
DETACH = """
mutation ($id: ID!) { detachStatement(statementId: $id) {
  __typename
  ... on DetachStatementSuccess {
    statement { id quote { id } history { action tokenName before after } }
    quote { id text appearanceCount articleCount publishers firstSeen { id } }
  }
  ... on NotFoundError { id message }
  ... on ValidationError { field message }
} }
"""
QUOTE = """
query ($id: ID!) { quote(id: $id) {
  text appearanceCount articleCount publishers firstSeenOn firstSeen { id } speaker { name }
} }
"""
DELETE = "mutation ($id: ID!) { deleteStatement(id: $id) { __typename } }"
UPDATE = """
mutation ($input: UpdateStatementInput!) { updateStatement(input: $input) { __typename } }
"""
MERGE_ACTORS = """
mutation ($source: ID!, $target: ID!) { mergeActors(sourceId: $source, targetId: $target) {
  __typename } }
"""
STAY = "We will stay, and we will win"
PEACE = "the strikes in Syria would continue"


async def _mutate(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    (result,) = (await run_query(client, query, variables)).values()
    assert isinstance(result, dict)
    return result


async def _quote(client: httpx.AsyncClient, graph: Graph, name: str) -> Any:
    return (await run_query(client, QUOTE, {"id": graph.gid("Quote", name)}))["quote"]


async def _pins(database_url: str) -> tuple[list[int], list[int]]:
    """Ids of the statements and of the quotes a person's correction pinned."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            statements = await connection.scalars(
                select(col(Statement.id)).where(col(Statement.quote_edited_at).is_not(None))
                .order_by(col(Statement.id))
            )
            quotes = await connection.scalars(
                select(col(Quote.id)).where(col(Quote.edited_at).is_not(None)).order_by("id")
            )
            return list(statements.all()), list(quotes.all())
    finally:
        await engine.dispose()


# --- mergeQuotes --------------------------------------------------------------------------


async def test_merge_quotes_moves_the_statements_and_deletes_the_source(
    editor: httpx.AsyncClient, quotes: Graph, database_url: str
) -> None:
    variables = {"source": quotes.gid("Quote", "q_peace"), "target": quotes.gid("Quote", "q_stay")}
    assert await _mutate(editor, MERGE, variables) == {
        "__typename": "MergeQuotesSuccess",
        "quote": {
            "id": quotes.gid("Quote", "q_stay"),
            "text": PEACE,  # now the longest form
            "appearanceCount": 5,
            "articleCount": 4,
            "publishers": ["Reuters", "AFP"],
            "firstSeenOn": "2016-10-11",
            "speaker": {"name": "Sergei Lavrov"},
            "history": [
                {
                    "action": "MERGE_QUOTES",
                    "tokenName": "alice",
                    "before": {"sourceId": quotes.gid("Quote", "q_peace"), "sourceText": PEACE},
                    "after": {"statements": 2},
                }
            ],
        },
    }
    query = """query ($gone: ID!, $peace: ID!) { quote(id: $gone) { id }
      statement(id: $peace) { quote { id } } quotes { totalCount } }"""
    data = await run_query(
        editor, query, {"gone": variables["source"], "peace": quotes.gid("Statement", "peace")}
    )
    assert data == {
        "quote": None,
        "statement": {"quote": {"id": quotes.gid("Quote", "q_stay")}},
        "quotes": {"totalCount": 3},
    }
    ids = quotes.ids
    assert await _pins(database_url) == (sorted([ids["peace"], ids["continue"]]), [ids["q_stay"]])


async def test_merged_history_follows_the_quote(editor: httpx.AsyncClient, quotes: Graph) -> None:
    first = {"source": quotes.gid("Quote", "q_aid"), "target": quotes.gid("Quote", "q_near")}
    second = {"source": quotes.gid("Quote", "q_near"), "target": quotes.gid("Quote", "q_stay")}
    await _mutate(editor, MERGE, first)
    result = await _mutate(editor, MERGE, second)
    assert [(h["before"]["sourceId"], h["after"]) for h in result["quote"]["history"]] == [
        (quotes.gid("Quote", "q_aid"), {"statements": 1}),
        (quotes.gid("Quote", "q_near"), {"statements": 2}),
    ]
    assert result["quote"]["appearanceCount"] == 5


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("q_stay", "q_stay", {"__typename": "ValidationError", "field": "targetId",
                              "message": "a quote cannot be merged into itself"}),
        ("q_stay", None, {"__typename": "NotFoundError", "id": gid("Quote", 999),
                          "message": f"No Quote has the id {gid('Quote', 999)}."}),
        ("q_gone", "q_stay", {"__typename": "NotFoundError", "id": gid("Quote", 5),
                              "message": f"No Quote has the id {gid('Quote', 5)}."}),
        ("lavrov", "q_stay", {"__typename": "ValidationError", "field": "sourceId",
                              "message": f"{gid('Actor', 2)!r} identifies an Actor, not a Quote"}),
    ],
)
async def test_merge_quotes_refusals(
    editor: httpx.AsyncClient,
    quotes: Graph,
    source: str,
    target: str | None,
    expected: dict[str, str],
) -> None:
    type_name = "Actor" if source == "lavrov" else "Quote"
    variables = {
        "source": quotes.gid(type_name, source),
        "target": gid("Quote", 999) if target is None else quotes.gid("Quote", target),
    }
    assert await _mutate(editor, MERGE, variables) == expected
    assert (await _quote(editor, quotes, "q_stay"))["appearanceCount"] == 3


async def test_quote_corrections_need_a_token(client: httpx.AsyncClient, quotes: Graph) -> None:
    variables = {"source": quotes.gid("Quote", "q_peace"), "target": quotes.gid("Quote", "q_stay")}
    merged = await post_query(client, MERGE, variables)
    detached = await post_query(client, DETACH, {"id": quotes.gid("Statement", "stay")})
    for body, field in [(merged, "mergeQuotes"), (detached, "detachStatement")]:
        assert body["data"] is None
        assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
            ([field], {"code": "UNAUTHENTICATED"})
        ]
    assert (await _quote(client, quotes, "q_stay"))["appearanceCount"] == 3


# --- detachStatement ----------------------------------------------------------------------


async def test_detach_statement_makes_it_its_own_quote(
    editor: httpx.AsyncClient, quotes: Graph, database_url: str
) -> None:
    statement = quotes.gid("Statement", "stay")
    new = gid("Quote", 6)
    assert await _mutate(editor, DETACH, {"id": statement}) == {
        "__typename": "DetachStatementSuccess",
        "statement": {
            "id": statement,
            "quote": {"id": new},
            "history": [
                {
                    "action": "DETACH_STATEMENT",
                    "tokenName": "alice",
                    "before": {"quoteId": quotes.gid("Quote", "q_stay")},
                    "after": {"quoteId": new},
                }
            ],
        },
        "quote": {
            "id": new,
            "text": '"We will stay,"',
            "appearanceCount": 1,
            "articleCount": 1,
            "publishers": ["AFP"],
            "firstSeen": {"id": statement},
        },
    }
    assert await _quote(editor, quotes, "q_stay") == {
        "text": STAY,
        "appearanceCount": 2,
        "articleCount": 2,
        "publishers": ["Reuters"],
        "firstSeenOn": "2016-10-11",
        "firstSeen": {"id": quotes.gid("Statement", "echo_stay")},
        "speaker": {"name": "Sergei Lavrov"},
    }
    assert await _pins(database_url) == ([quotes.ids["stay"]], [])


async def test_detach_a_statement_already_alone_keeps_its_quote(
    editor: httpx.AsyncClient, quotes: Graph, database_url: str
) -> None:
    result = await _mutate(editor, DETACH, {"id": quotes.gid("Statement", "aid")})
    assert (result["statement"], result["quote"]["id"]) == (
        {"id": quotes.gid("Statement", "aid"), "quote": {"id": quotes.gid("Quote", "q_aid")},
         "history": []},
        quotes.gid("Quote", "q_aid"),
    )
    assert await _pins(database_url) == ([quotes.ids["aid"]], [])


async def test_detach_a_statement_without_a_quote_gives_it_one(
    editor: httpx.AsyncClient, quotes: Graph
) -> None:
    result = await _mutate(editor, DETACH, {"id": quotes.gid("Statement", "talks")})
    assert result["quote"] == {
        "id": gid("Quote", 6),
        "text": "Talks go on",
        "appearanceCount": 1,
        "articleCount": 1,
        "publishers": [],
        "firstSeen": {"id": quotes.gid("Statement", "talks")},
    }
    assert [(h["before"], h["after"]) for h in result["statement"]["history"]] == [
        ({"quoteId": None}, {"quoteId": gid("Quote", 6)})
    ]


async def test_detach_statement_refusals(editor: httpx.AsyncClient, quotes: Graph) -> None:
    deleted = quotes.gid("Statement", "shelled")
    assert await _mutate(editor, DETACH, {"id": deleted}) == {
        "__typename": "NotFoundError",
        "id": deleted,
        "message": f"No Statement has the id {deleted}.",
    }
    quote = quotes.gid("Quote", "q_stay")
    assert await _mutate(editor, DETACH, {"id": quote}) == {
        "__typename": "ValidationError",
        "field": "statementId",
        "message": f"{quote!r} identifies a Quote, not a Statement",
    }


# --- statement corrections recount the quote ---------------------------------------------


async def test_delete_statement_recounts_its_quote(
    editor: httpx.AsyncClient, quotes: Graph
) -> None:
    await _mutate(editor, DELETE, {"id": quotes.gid("Statement", "echo_stay")})
    assert await _quote(editor, quotes, "q_stay") == {
        "text": STAY,
        "appearanceCount": 2,
        "articleCount": 2,
        "publishers": ["AFP"],
        "firstSeenOn": "2016-10-12",
        "firstSeen": {"id": quotes.gid("Statement", "stay")},
        "speaker": {"name": "Sergei Lavrov"},
    }
    for name in ("peace", "continue"):
        await _mutate(editor, DELETE, {"id": quotes.gid("Statement", name)})
    data = await run_query(editor, "{ quotes { totalCount nodes { text } } }")
    assert data == {"quotes": {"totalCount": 3, "nodes": [
        {"text": STAY}, {"text": "100% of aid_convoys must pass"}, {"text": "Peace is near"},
    ]}}
    assert await _quote(editor, quotes, "q_peace") is None


async def test_update_statement_recounts_its_quote(
    editor: httpx.AsyncClient, quotes: Graph
) -> None:
    start = BODY_TRUCE.index('"We will stay,"')
    variables = {"input": {"id": quotes.gid("Statement", "stay"), "end": len(BODY_TRUCE),
                           "speakerId": quotes.gid("Actor", "zakharova")}}
    assert (await _mutate(editor, UPDATE, variables))["__typename"] == "UpdateStatementSuccess"
    quote = await _quote(editor, quotes, "q_stay")
    assert (quote["text"], quote["speaker"]) == (BODY_TRUCE[start:], {"name": "Sergei Lavrov"})
    variables = {"input": {"id": quotes.gid("Statement", "echo_stay"),
                           "speakerId": quotes.gid("Actor", "zakharova")}}
    await _mutate(editor, UPDATE, variables)
    assert (await _quote(editor, quotes, "q_stay"))["speaker"] == {"name": "Maria Zakharova"}


async def test_merge_actors_moves_the_speaker_of_quotes(
    editor: httpx.AsyncClient, quotes: Graph
) -> None:
    variables = {"source": quotes.gid("Actor", "lavrov"), "target": quotes.gid("Actor", "afp")}
    assert (await _mutate(editor, MERGE_ACTORS, variables))["__typename"] == "MergeActorsSuccess"
    for name in ("q_stay", "q_peace"):
        assert (await _quote(editor, quotes, name))["speaker"] == {"name": "AFP"}
