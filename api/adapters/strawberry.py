"""Strawberry's private APIs the schema and the web layer rely on, in one place.

- `graphql_schema`: the graphql-core schema Strawberry builds, kept in the private
  `Schema._schema` (Strawberry has no public accessor).
- `ErrorMasking`: Strawberry's `MaskErrors` with a public hook on every result's errors
  once masked; it overrides the private `MaskErrors._process_errors`, the one place
  that sees each error list after masking (results, streamed and incremental ones).

tests/adapters/test_strawberry.py pins both against the installed Strawberry.
"""
from __future__ import annotations

from graphql import GraphQLError, GraphQLSchema
from strawberry import Schema
from strawberry.extensions import MaskErrors


def graphql_schema(schema: Schema) -> GraphQLSchema:
    """The graphql-core schema under a Strawberry schema (for validation, cost and the
    query compiler, which work on graphql-core's types)."""
    built = schema._schema
    if not isinstance(built, GraphQLSchema):
        raise TypeError(
            f"Strawberry's Schema._schema is now {type(built).__name__}, not a GraphQLSchema; "
            "update api/adapters/strawberry.py for the installed Strawberry"
        )
    return built


class ErrorMasking(MaskErrors):
    """`MaskErrors` whose subclasses see every result's errors after masking, through
    `after_masking`, without overriding Strawberry's private methods themselves."""

    def after_masking(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        """The errors of one result once masked; returns the errors the client gets."""
        return errors

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return self.after_masking(super()._process_errors(errors))
