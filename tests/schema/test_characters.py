"""NUL and lone surrogates in arguments (api/schema/characters.py): one check for every
argument, literal or variable, refused before any SQL on SQLite and PostgreSQL;
NUL in a mutation's arguments is left to the mutation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import parse
from graphql.utilities import get_operation_ast

from api.schema.characters import refused_character
from tests.schema.helpers import Graph, post_query

pytestmark = pytest.mark.anyio

NUL = "holds a NUL character (U+0000) at offset {0}; stored text cannot hold NUL; remove it."
FRAGMENT = """query { ...Some }
fragment Some on Query { locations(filter: {search: "Alep\\u0000po"}) { totalCount } }"""
DIRECTIVE = """query ($s: String!) {
  articles(filter: {search: "aleppo"}) @include(if: true) { totalCount }
  search(query: $s) { __typename }
}"""

MUTATION_NUL = """mutation {
  deleteStatement(id: "\\u0000") { __typename ... on ValidationError { field message } }
}"""

REFUSED = [
    ('{ articles(filter: {search: "a\\u0000b"}) { totalCount } }', None,
     "The argument `filter.search` of `articles` " + NUL.format(1), "filter.search", 1),
    ("query ($s: String) { actors(filter: {search: $s}) { totalCount } }", {"s": "ab\u0000"},
     "The argument `filter.search` of `actors` (given in $s) " + NUL.format(2),
     "filter.search", 2),
    ("query ($f: ActorFilter) { actors(filter: $f) { totalCount } }",
     {"f": {"search": "\u0000x", "kind": None}},
     "The argument `filter` of `actors` (given in $f.search) " + NUL.format(0), "filter", 0),
    ('{ node(id: "QWN0b3I6MQ==\\u0000") { id } }', None,
     "The argument `id` of `node` " + NUL.format(12), "id", 12),
    ('{ nodes(ids: ["a", "b\\u0000"]) { id } }', None,
     "The argument `ids[1]` of `nodes` " + NUL.format(1), "ids[1]", 1),
    ('{ statements(after: "\\u0000") { totalCount } }', None,
     "The argument `after` of `statements` " + NUL.format(0), "after", 0),
    ('query ($s: String = "\\u0000\\u0000") { actors(filter: {search: $s}) { totalCount } }',
     None, "The argument `filter.search` of `actors` (given in $s) " + NUL.format(0),
     "filter.search", 0),
    (FRAGMENT, None, "The argument `filter.search` of `locations` " + NUL.format(4),
     "filter.search", 4),
    (DIRECTIVE, {"s": "\u0000"}, "The argument `query` of `search` (given in $s) "
     + NUL.format(0), "query", 0),
    ('{ __type(name: "Actor\\u0000") { name } }', None,
     "The argument `name` of `__type` " + NUL.format(5), "name", 5),
]


@pytest.mark.parametrize(("query", "variables", "message", "argument", "offset"), REFUSED)
async def test_nul_in_a_query_argument_is_refused_before_any_sql(
    client: httpx.AsyncClient, graph: Graph, query: str, variables: dict[str, Any] | None,
    message: str, argument: str, offset: int,
) -> None:
    body = await post_query(client, query, variables)
    assert "data" not in body
    assert body["errors"] == [{
        "message": message,
        "extensions": {"code": "BAD_USER_INPUT", "argument": argument, "offset": offset},
    }]
    assert body["extensions"]["sqlStatements"] == 0


async def test_a_graphql_response_client_gets_400_for_it(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    response = await client.post(
        "/graphql", json={"query": '{ search(query: "\\u0000") { __typename } }'},
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_nul_in_a_mutation_argument_is_the_mutation_s_to_judge(
    editor: httpx.AsyncClient, graph: Graph
) -> None:
    """The mutation's own answer (here: the id is not one), not this check's refusal."""
    body = await post_query(editor, MUTATION_NUL)
    assert body["data"] == {"deleteStatement": {
        "__typename": "ValidationError", "field": "id",
        "message": "'\\x00' is not a Quotegraph id; use an `id` returned by the API",
    }}


def _refused(query: str, variables: dict[str, object]) -> str | None:
    document = parse(query)
    operation = get_operation_ast(document)
    assert operation is not None
    error = refused_character(document, operation, variables)
    return None if error is None else error.message


def test_a_lone_surrogate_is_refused_in_every_operation() -> None:
    """JSON and GraphQL text cannot carry one (both parsers refuse them), but a direct
    caller of the schema can."""
    mutation = "mutation ($id: ID!) { deleteStatement(id: $id) { __typename } }"
    assert _refused(mutation, {"id": "a\ud800"}) == (
        "The argument `id` of `deleteStatement` (given in $id) holds a lone surrogate "
        "(U+D800) at offset 1; it is half of a UTF-16 pair, not a character; send the whole "
        "character."
    )
    assert _refused(mutation, {"id": "a\u0000"}) is None
    assert _refused("query ($s: String!) { search(query: $s) { __typename } }",
                    {"s": "\u0000\udfff"}) == (
        "The argument `query` of `search` (given in $s) " + NUL.format(0)
    )


def test_clean_arguments_pass() -> None:
    query = """query ($f: StatementFilter, $ids: [ID!]!) {
      statements(filter: $f, after: "YXJ0") { totalCount }
      nodes(ids: $ids) { id }
      search(query: "Лавров 😀 \\t tab") { __typename }
    }"""
    variables = {"f": {"search": "café", "speakerId": None}, "ids": ["a", "b"]}
    assert _refused(query, variables) is None
