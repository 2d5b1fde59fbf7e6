"""Strawberry's private APIs behind api/adapters/strawberry.py still behave as adapted.

If one of these fails after upgrading Strawberry, the adapter needs updating: the
rest of the code only sees `graphql_schema` and `ErrorMasking.after_masking`.
"""
from __future__ import annotations

import inspect

import pytest
import strawberry
from graphql import GraphQLError, GraphQLSchema
from strawberry.extensions import MaskErrors

from api.adapters.strawberry import ErrorMasking, graphql_schema

QUERY = "{ greeting broken }"


@strawberry.type
class _Query:
    @strawberry.field
    def greeting(self) -> str:
        return "hello"

    @strawberry.field
    def broken(self) -> str | None:
        raise RuntimeError("secret detail")


class _Coded(ErrorMasking):
    def after_masking(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        for error in errors:
            error.extensions = {"code": "MASKED", "was": error.message}
        return errors


def test_graphql_schema_is_the_graphql_core_schema_strawberry_executes() -> None:
    schema = strawberry.Schema(query=_Query)
    built = graphql_schema(schema)
    assert isinstance(built, GraphQLSchema)
    assert built.query_type is not None
    assert sorted(built.query_type.fields) == ["broken", "greeting"]
    assert graphql_schema(schema) is built  # the one Strawberry built, not a copy


def test_graphql_schema_says_what_to_update_when_strawberry_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema = strawberry.Schema(query=_Query)
    monkeypatch.setattr(schema, "_schema", "something else")
    with pytest.raises(TypeError, match=r"now str, not a GraphQLSchema; update api/adapters/"):
        graphql_schema(schema)


def test_mask_errors_still_routes_every_result_through_process_errors() -> None:
    hook = inspect.signature(MaskErrors._process_errors)
    assert list(hook.parameters) == ["self", "errors"]


def test_after_masking_sees_each_error_once_masked() -> None:
    schema = strawberry.Schema(query=_Query, extensions=[_Coded])
    result = schema.execute_sync(QUERY)
    assert result.data == {"greeting": "hello", "broken": None}
    assert [(e.message, e.path, e.extensions) for e in result.errors or []] == [
        ("Unexpected error.", ["broken"], {"code": "MASKED", "was": "Unexpected error."})
    ]
