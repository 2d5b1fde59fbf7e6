"""The GraphQL schema: `schema`, `create_schema()` and `print_schema_sdl()`.

Errors a client caused (`QuotegraphError`, syntax and validation errors) reach
the client as they are; anything else is logged with the request id and masked.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types import ExecutionContext

from api.context import Context
from api.errors import QuotegraphError
from api.schema.actor import Actor
from api.schema.article import Article
from api.schema.location import Location
from api.schema.query import Query
from api.schema.statement import Statement

__all__ = ["create_schema", "print_schema_sdl", "schema"]

log = logging.getLogger("quotegraph.graphql")
# Every loader batch is a statement, so nesting and aliases are what a query costs.
MAX_DEPTH = 12
MAX_ALIASES = 30


def is_unexpected(error: GraphQLError) -> bool:
    """Whether an error is a server fault (to mask) rather than the client's."""
    original = error.original_error
    return original is not None and not isinstance(original, (QuotegraphError, GraphQLError))


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log server faults with the request id; client errors are not the server's to log."""
        request_id = _request_id(execution_context)
        for error in errors:
            if is_unexpected(error):
                log.error(
                    "request %s: %s at %s",
                    request_id,
                    error.message,
                    error.path,
                    exc_info=error.original_error,
                )


class _MaskUnexpected(MaskErrors):
    """MaskErrors that names the request id, so a report can be matched to the log."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = _request_id(self.execution_context)
        masked = super().anonymise_error(error)
        masked.message = f"Unexpected error; logged as request {request_id}."
        masked.extensions = {"requestId": request_id}
        return masked


def _request_id(execution_context: ExecutionContext | None) -> str:
    context = execution_context.context if execution_context else None
    return context.request_id if isinstance(context, Context) else "-"


def create_schema(*extensions: type[SchemaExtension]) -> strawberry.Schema:
    """The schema with error masking, cost limits and any further `extensions`."""
    return _Schema(
        query=Query,
        types=[Article, Actor, Statement, Location],
        extensions=[
            _MaskUnexpected,
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            *extensions,
        ],
    )


schema = create_schema()


def print_schema_sdl() -> str:
    """The schema in SDL, as `schema.graphql` holds it."""
    return schema.as_str()
