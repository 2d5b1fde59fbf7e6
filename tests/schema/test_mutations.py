"""Mutations: bearer tokens, each mutation's success and error results, correction history."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.settings import Settings
from tests.conftest import SEED_FILE
from tests.schema.conftest import TOKENS
from tests.schema.helpers import Graph, gid, post_query, run_query
from tests.servers import app_client

pytestmark = pytest.mark.anyio

DELETE = """
mutation ($id: ID!) { deleteStatement(id: $id) {
  __typename
  ... on DeleteStatementSuccess { deletedId }
  ... on NotFoundError { id message }
  ... on ValidationError { field message }
} }
"""

UPDATE = """
mutation ($input: UpdateStatementInput!) { updateStatement(input: $input) {
  __typename
  ... on UpdateStatementSuccess { statement {
    id text kind speakerText span { start end } speaker { name }
    history { action tokenName before after }
  } }
  ... on NotFoundError { id message }
  ... on ValidationError { field message }
} }
"""

MERGE = """
mutation ($source: ID!, $target: ID!) { mergeActors(sourceId: $source, targetId: $target) {
  __typename
  ... on MergeActorsSuccess { actor {
    name aliases statementCount affiliation { name }
    members { nodes { name } }
    statements { nodes { text } }
    articles { nodes { title } }
    history { action tokenName before after }
  } }
  ... on NotFoundError { id message }
  ... on ValidationError { field message }
} }
"""

AFFILIATE = """
mutation ($actor: ID!, $affiliation: ID) {
  setAffiliation(actorId: $actor, affiliationId: $affiliation) {
    __typename
    ... on SetAffiliationSuccess { actor {
      name affiliation { name } history { action tokenName before after }
    } }
    ... on NotFoundError { id message }
    ... on ValidationError { field message }
  }
}
"""

INGEST = """
mutation ($input: IngestArticleInput!) { ingestArticle(input: $input) {
  __typename
  ... on IngestArticleSuccess { created article {
    id title publisher publishedAt url statements { totalCount }
  } }
  ... on ValidationError { field message }
} }
"""

TOTALS = "{ statements { totalCount } actors { totalCount } }"
NO_TOKEN = (
    "No API token is configured on this server, so changes are refused; the operator sets "
    "QUOTEGRAPH_API_TOKENS=name:token, and clients send 'Authorization: Bearer <token>'."
)
BAD_TOKEN = (
    "Missing or unknown bearer token; send 'Authorization: Bearer <token>' with a token "
    "listed in the server's QUOTEGRAPH_API_TOKENS."
)


async def _mutate(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    data = await run_query(client, query, variables)
    (result,) = data.values()
    assert isinstance(result, dict)
    return result


@pytest.fixture
async def private(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app whose queries are private too; it sends no token."""
    settings = Settings(database_url=database_url, api_tokens=TOKENS, private_queries=True)
    async with app_client(settings) as http:
        yield http


# --- tokens ---------------------------------------------------------------------------


async def test_without_configured_tokens_mutations_say_how_to_configure_one(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    body = await post_query(client, DELETE, {"id": graph.gid("Statement", "peace")})
    assert body["data"] is None
    assert body["errors"] == [
        {
            "message": NO_TOKEN,
            "locations": [{"line": 2, "column": 23}],
            "path": ["deleteStatement"],
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
    assert (await run_query(client, TOTALS))["statements"]["totalCount"] == 6


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", "Basic alice-secret-token", "Bearer "]
)
async def test_a_missing_or_unknown_token_is_refused(
    editor: httpx.AsyncClient, graph: Graph, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    editor.headers.pop("Authorization")
    response = await editor.post(
        "/graphql",
        json={"query": DELETE, "variables": {"id": graph.gid("Statement", "peace")}},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == BAD_TOKEN
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert (await run_query(editor, TOTALS))["statements"]["totalCount"] == 6


async def test_the_right_token_is_accepted_and_named_in_history(
    editor: httpx.AsyncClient, graph: Graph
) -> None:
    editor.headers["Authorization"] = "bearer bot-secret-token"  # the scheme is case-insensitive
    result = await _mutate(
        editor, UPDATE, {"input": {"id": graph.gid("Statement", "peace"), "kind": "MIXED"}}
    )
    assert result["statement"]["history"] == [
        {
            "action": "UPDATE_STATEMENT",
            "tokenName": "bot",
            "before": {"kind": "INDIRECT"},
            "after": {"kind": "MIXED"},
        }
    ]


async def test_queries_stay_public_by_default(editor: httpx.AsyncClient, graph: Graph) -> None:
    editor.headers.pop("Authorization")
    assert await run_query(editor, TOTALS) == {
        "statements": {"totalCount": 6},
        "actors": {"totalCount": 5},
    }


async def test_private_queries_need_a_token(private: httpx.AsyncClient, graph: Graph) -> None:
    refused = await post_query(private, TOTALS)
    assert refused == {"errors": [{"message": BAD_TOKEN, "extensions": {"code": "UNAUTHENTICATED"}}]}
    private.headers["Authorization"] = "Bearer alice-secret-token"
    assert (await run_query(private, TOTALS))["statements"] == {"totalCount": 6}


# --- updateStatement --------------------------------------------------------------------


async def test_update_statement_changes_speaker_kind_and_span(
    editor: httpx.AsyncClient, graph: Graph
) -> None:
    variables = {
        "input": {
            "id": graph.gid("Statement", "peace"),
            "speakerId": graph.gid("Actor", "zakharova"),
            "kind": "DIRECT",
            "start": 36,
            "end": 48,
        }
    }
    result = await _mutate(editor, UPDATE, variables)
    assert result == {
        "__typename": "UpdateStatementSuccess",
        "statement": {
            "id": graph.gid("Statement", "peace"),
            "text": "Moscow wants",
            "kind": "DIRECT",
            "speakerText": None,
            "span": {"start": 36, "end": 48},
            "speaker": {"name": "Maria Zakharova"},
            "history": [
                {
                    "action": "UPDATE_STATEMENT",
                    "tokenName": "alice",
                    "before": {
                        "kind": "INDIRECT",
                        "end": 64,
                        "speakerId": graph.gid("Actor", "lavrov"),
                    },
                    "after": {
                        "kind": "DIRECT",
                        "end": 48,
                        "speakerId": graph.gid("Actor", "zakharova"),
                    },
                }
            ],
        },
    }
    zakharova = await run_query(
        editor, "query ($id: ID!) { actor(id: $id) { statementCount } }",
        {"id": graph.gid("Actor", "zakharova")},
    )
    assert zakharova == {"actor": {"statementCount": 2}}


async def test_update_statement_to_an_unknown_speaker_and_history_order(
    editor: httpx.AsyncClient, graph: Graph
) -> None:
    statement = graph.gid("Statement", "stay")
    await _mutate(editor, UPDATE, {"input": {"id": statement, "speakerId": None}})
    result = await _mutate(editor, UPDATE, {"input": {"id": statement, "kind": "MIXED"}})
    assert result["statement"]["speaker"] is None
    assert [(h["before"], h["after"]) for h in result["statement"]["history"]] == [
        ({"speakerId": graph.gid("Actor", "lavrov")}, {"speakerId": None}),
        ({"kind": "DIRECT"}, {"kind": "MIXED"}),
    ]


async def test_update_statement_without_changes_records_nothing(
    editor: httpx.AsyncClient, graph: Graph
) -> None:
    result = await _mutate(
        editor, UPDATE, {"input": {"id": graph.gid("Statement", "peace"), "kind": "INDIRECT"}}
    )
    assert result["statement"]["history"] == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"start": -1}, {"field": "start", "message": "start -1 is outside the article body (0 to 149)"}),
        ({"end": 10}, {"field": "end", "message": "end 10 must be above start 36 and at most 150, the body's length"}),
        ({"end": 151}, {"field": "end", "message": "end 151 must be above start 36 and at most 150, the body's length"}),
        ({"speakerId": "nonsense"}, {"field": "speakerId", "message": "'nonsense' is not a Quotegraph id; use an `id` returned by the API"}),
        ({"speakerId": gid("Statement", 1)}, {"field": "speakerId", "message": f"{gid('Statement', 1)!r} identifies a Statement, not an Actor"}),
    ],
)
async def test_update_statement_refuses_bad_input(
    editor: httpx.AsyncClient, graph: Graph, change: dict[str, Any], expected: dict[str, str]
) -> None:
    variables = {"input": {"id": graph.gid("Statement", "peace"), **change}}
    assert await _mutate(editor, UPDATE, variables) == {"__typename": "ValidationError", **expected}
    unchanged = await run_query(
        editor, "query ($id: ID!) { statement(id: $id) { text history { action } } }",
        {"id": graph.gid("Statement", "peace")},
    )
    assert unchanged == {"statement": {"text": "Moscow wants peace in Aleppo", "history": []}}


async def test_update_statement_not_found(editor: httpx.AsyncClient, graph: Graph) -> None:
    missing = gid("Statement", 999)
    assert await _mutate(editor, UPDATE, {"input": {"id": missing, "kind": "DIRECT"}}) == {
        "__typename": "NotFoundError",
        "id": missing,
        "message": f"No Statement has the id {missing}.",
    }
    unknown_speaker = gid("Actor", 999)
    variables = {"input": {"id": graph.gid("Statement", "peace"), "speakerId": unknown_speaker}}
    assert await _mutate(editor, UPDATE, variables) == {
        "__typename": "NotFoundError",
        "id": unknown_speaker,
        "message": f"No Actor has the id {unknown_speaker}.",
    }


# --- deleteStatement --------------------------------------------------------------------


async def test_delete_statement_hides_it_everywhere(editor: httpx.AsyncClient, graph: Graph) -> None:
    statement = graph.gid("Statement", "stay")
    assert await _mutate(editor, DELETE, {"id": statement}) == {
        "__typename": "DeleteStatementSuccess",
        "deletedId": statement,
    }
    query = """
    query ($id: ID!, $lavrov: ID!) {
      statement(id: $id) { text }
      node(id: $id) { id }
      statements { totalCount }
      actor(id: $lavrov) { statementCount statements { nodes { text } } }
      search(query: "stay") { __typename }
    }
    """
    data = await run_query(editor, query, {"id": statement, "lavrov": graph.gid("Actor", "lavrov")})
    assert data == {
        "statement": None,
        "node": None,
        "statements": {"totalCount": 5},
        "actor": {
            "statementCount": 2,
            "statements": {
                "nodes": [
                    {"text": "the strikes in Syria would continue"},
                    {"text": "Moscow wants peace in Aleppo"},
                ]
            },
        },
        "search": [{"__typename": "Article"}],  # the article remains
    }
    assert await _mutate(editor, DELETE, {"id": statement}) == {
        "__typename": "NotFoundError",
        "id": statement,
        "message": f"No Statement has the id {statement}.",
    }
    assert await _mutate(editor, UPDATE, {"input": {"id": statement, "kind": "MIXED"}}) == {
        "__typename": "NotFoundError",
        "id": statement,
        "message": f"No Statement has the id {statement}.",
    }


async def test_delete_statement_refuses_an_actor_id(editor: httpx.AsyncClient, graph: Graph) -> None:
    actor = graph.gid("Actor", "lavrov")
    assert await _mutate(editor, DELETE, {"id": actor}) == {
        "__typename": "ValidationError",
        "field": "id",
        "message": f"{actor!r} identifies an Actor, not a Statement",
    }


# --- mergeActors --------------------------------------------------------------------------


async def test_merge_actors_moves_names_statements_and_links(
    editor: httpx.AsyncClient, graph: Graph
) -> None:
    variables = {"source": graph.gid("Actor", "zakharova"), "target": graph.gid("Actor", "lavrov")}
    assert await _mutate(editor, MERGE, variables) == {
        "__typename": "MergeActorsSuccess",
        "actor": {
            "name": "Sergei Lavrov",
            "aliases": ["Lavrov", "Maria Zakharova"],
            "statementCount": 4,
            "affiliation": {"name": "Russia"},
            "members": {"nodes": []},
            "statements": {
                "nodes": [
                    {"text": "the strikes in Syria would continue"},
                    {"text": "Moscow wants peace in Aleppo"},
                    {"text": '"We will stay,"'},
                    {"text": "100% of aid_convoys must pass"},
                ]
            },
            "articles": {"nodes": [{"title": "Strikes go on"}, {"title": "Russia urges Aleppo truce"}]},
            "history": [
                {
                    "action": "MERGE_ACTORS",
                    "tokenName": "alice",
                    "before": {
                        "sourceId": graph.gid("Actor", "zakharova"),
                        "sourceName": "Maria Zakharova",
                    },
                    "after": {"statements": 1},
                }
            ],
        },
    }
    data = await run_query(
        editor, "query ($id: ID!) { actor(id: $id) { name } actors { totalCount } }",
        {"id": graph.gid("Actor", "zakharova")},
    )
    assert data == {"actor": None, "actors": {"totalCount": 4}}


async def test_merge_actors_moves_members_and_mentions(
    editor: httpx.AsyncClient, graph: Graph
) -> None:
    variables = {"source": graph.gid("Actor", "russia"), "target": graph.gid("Actor", "afp")}
    actor = (await _mutate(editor, MERGE, variables))["actor"]
    assert (actor["name"], actor["aliases"], actor["members"]) == (
        "AFP",
        ["Kremlin", "Moscow", "Russia"],
        {"nodes": [{"name": "Maria Zakharova"}, {"name": "Sergei Lavrov"}]},
    )
    mentions = await run_query(
        editor, "query ($id: ID!) { statement(id: $id) { mentions { name } } }",
        {"id": graph.gid("Statement", "peace")},
    )
    assert mentions == {"statement": {"mentions": [{"name": "AFP"}]}}


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("lavrov", "lavrov", {"__typename": "ValidationError", "field": "targetId",
                              "message": "an actor cannot be merged into itself"}),
        ("lavrov", None, {"__typename": "NotFoundError", "id": gid("Actor", 999),
                          "message": f"No Actor has the id {gid('Actor', 999)}."}),
        (None, "lavrov", {"__typename": "NotFoundError", "id": gid("Actor", 999),
                          "message": f"No Actor has the id {gid('Actor', 999)}."}),
    ],
)
async def test_merge_actors_refusals(
    editor: httpx.AsyncClient,
    graph: Graph,
    source: str | None,
    target: str | None,
    expected: dict[str, str],
) -> None:
    variables = {
        "source": graph.gid("Actor", source) if source else gid("Actor", 999),
        "target": graph.gid("Actor", target) if target else gid("Actor", 999),
    }
    assert await _mutate(editor, MERGE, variables) == expected
    assert (await run_query(editor, TOTALS))["actors"] == {"totalCount": 5}


async def test_merge_actors_refuses_a_statement_id(editor: httpx.AsyncClient, graph: Graph) -> None:
    statement = graph.gid("Statement", "peace")
    variables = {"source": statement, "target": graph.gid("Actor", "lavrov")}
    assert await _mutate(editor, MERGE, variables) == {
        "__typename": "ValidationError",
        "field": "sourceId",
        "message": f"{statement!r} identifies a Statement, not an Actor",
    }


# --- setAffiliation -----------------------------------------------------------------------


async def test_set_and_clear_an_affiliation(editor: httpx.AsyncClient, graph: Graph) -> None:
    afp, russia = graph.gid("Actor", "afp"), graph.gid("Actor", "russia")
    await _mutate(editor, AFFILIATE, {"actor": afp, "affiliation": russia})
    assert await _mutate(editor, AFFILIATE, {"actor": afp, "affiliation": None}) == {
        "__typename": "SetAffiliationSuccess",
        "actor": {
            "name": "AFP",
            "affiliation": None,
            "history": [
                {
                    "action": "SET_AFFILIATION",
                    "tokenName": "alice",
                    "before": {"affiliationId": None},
                    "after": {"affiliationId": russia},
                },
                {
                    "action": "SET_AFFILIATION",
                    "tokenName": "alice",
                    "before": {"affiliationId": russia},
                    "after": {"affiliationId": None},
                },
            ],
        },
    }


@pytest.mark.parametrize(
    ("actor", "affiliation", "expected"),
    [
        ("russia", "russia", {"__typename": "ValidationError", "field": "affiliationId",
                              "message": "an actor cannot be its own affiliation"}),
        ("russia", "lavrov", {"__typename": "ValidationError", "field": "affiliationId",
                              "message": "Sergei Lavrov already belongs to Russia; clear that "
                              "affiliation first (affiliations cannot form a cycle)"}),
        ("russia", None, {"__typename": "NotFoundError", "id": gid("Actor", 999),
                          "message": f"No Actor has the id {gid('Actor', 999)}."}),
        (None, "russia", {"__typename": "NotFoundError", "id": gid("Actor", 999),
                          "message": f"No Actor has the id {gid('Actor', 999)}."}),
    ],
)
async def test_set_affiliation_refusals(
    editor: httpx.AsyncClient,
    graph: Graph,
    actor: str | None,
    affiliation: str | None,
    expected: dict[str, str],
) -> None:
    variables = {
        "actor": graph.gid("Actor", actor) if actor else gid("Actor", 999),
        "affiliation": graph.gid("Actor", affiliation) if affiliation else gid("Actor", 999),
    }
    assert await _mutate(editor, AFFILIATE, variables) == expected


# --- ingestArticle ------------------------------------------------------------------------


async def test_ingest_article_stores_once(editor: httpx.AsyncClient, graph: Graph) -> None:
    body = SEED_FILE.read_text(encoding="utf-8")
    variables = {
        "input": {
            "body": body,
            "publisher": " AFP ",
            "publishedAt": "2016-12-01",
            "url": "https://example.com/aleppo",
        }
    }
    first = await _mutate(editor, INGEST, variables)
    again = await _mutate(editor, INGEST, variables)
    assert first["__typename"] == "IngestArticleSuccess"
    assert first["created"] is True
    assert again == {**first, "created": False}
    article = first["article"]
    assert (article["publisher"], article["publishedAt"], article["url"]) == (
        "AFP", "2016-12-01", "https://example.com/aleppo"
    )
    assert article["statements"]["totalCount"] == 22
    assert (await run_query(editor, "{ articles { totalCount } }")) == {"articles": {"totalCount": 4}}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"body": "  \n "}, {"field": "body", "message": "The body is empty; send the article text."}),
        ({"url": "ftp://example.com/x"}, {"field": "url", "message": "'ftp://example.com/x' is not an http(s) URL."}),
    ],
)
async def test_ingest_article_refuses_bad_input(
    editor: httpx.AsyncClient, graph: Graph, change: dict[str, str], expected: dict[str, str]
) -> None:
    variables = {"input": {"body": "Headline\n\nHe said so.", **change}}
    assert await _mutate(editor, INGEST, variables) == {"__typename": "ValidationError", **expected}
    assert (await run_query(editor, "{ articles { totalCount } }")) == {"articles": {"totalCount": 3}}


async def test_history_times_are_utc(editor: httpx.AsyncClient, graph: Graph) -> None:
    await _mutate(editor, DELETE, {"id": graph.gid("Statement", "aid")})
    data = await run_query(
        editor,
        "query ($id: ID!) { actor(id: $id) { history { at } } }",
        {"id": graph.gid("Actor", "zakharova")},
    )
    assert data == {"actor": {"history": []}}  # a statement's deletion is the statement's
    await _mutate(
        editor, AFFILIATE, {"actor": graph.gid("Actor", "zakharova"), "affiliation": None}
    )
    data = await run_query(
        editor,
        "query ($id: ID!) { actor(id: $id) { history { at } } }",
        {"id": graph.gid("Actor", "zakharova")},
    )
    (entry,) = data["actor"]["history"]
    assert dt.datetime.fromisoformat(entry["at"]).utcoffset() == dt.timedelta(0)


async def test_history_is_batched(editor: httpx.AsyncClient, graph: Graph) -> None:
    for name in ("peace", "aid", "shelled"):
        await _mutate(editor, UPDATE, {"input": {"id": graph.gid("Statement", name), "kind": "MIXED"}})
    query = """
    query ($first: Int!) { statements(first: $first) { nodes {
      history { action } speaker { history { action } } } } }
    """
    counts = []
    for first in (1, 6):
        body = await post_query(editor, query, {"first": first})
        assert "errors" not in body
        counts.append(body["extensions"]["sqlStatements"])
    histories = [n["history"] for n in body["data"]["statements"]["nodes"]]
    assert sorted(len(h) for h in histories) == [0, 0, 0, 1, 1, 1]
    # the page, its histories, the speakers, their histories: one statement each
    assert counts[0] == counts[1] == 4
