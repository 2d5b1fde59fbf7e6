"""The GraphQL schema: `schema`, `create_schema()` and `print_schema_sdl()`.

Errors a client caused (`QuotegraphError`, syntax and validation errors) reach
the client as they are; anything else is logged with the request id and masked.
Every error leaves with `extensions.code` (codes in `api.schema.errors`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import AddValidationRules, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.adapters.strawberry import ErrorMasking
from api.context import Context
from api.errors import QuotegraphError
from api.schema.actor import Actor
from api.schema.article import Article
from api.schema.characters import CharacterCheck
from api.schema.errors import (
    BAD_USER_INPUT,
    INTERNAL_SERVER_ERROR,
    PARSE_FAILED,
    SUBSCRIPTION_ENDED,
    VALIDATION_FAILED,
    ClientError,
)
from api.schema.limits import Limits, RequestLimits
from api.schema.location import Location
from api.schema.mutations import Mutation
from api.schema.query import Query
from api.schema.quote import Quote
from api.schema.statement import Statement
from api.schema.subscription import Subscription
from api.store.events import SubscriptionEnded

__all__ = ["Limits", "create_schema", "is_request_error", "print_schema_sdl", "schema"]

log = logging.getLogger("quotegraph.graphql")


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


class _ErrorCodes(ErrorMasking):
    """Gives every error its `extensions.code`; masks server faults, naming the request id
    so that a report can be matched to the log."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)
        self._validation_errors: list[GraphQLError] = []

    def on_validate(self) -> Iterator[None]:
        yield
        self._validation_errors = list(self.execution_context.pre_execution_errors or [])

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = _request_id(self.execution_context)
        masked = super().anonymise_error(error)
        masked.message = f"Unexpected error; logged as request {request_id}."
        masked.extensions = {"code": INTERNAL_SERVER_ERROR, "requestId": request_id}
        return masked

    def after_masking(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        for error in errors:
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": self._code(error)}
        return errors

    def _code(self, error: GraphQLError) -> str:
        if isinstance(error.original_error, ClientError):
            return error.original_error.code
        if isinstance(error.original_error, SubscriptionEnded):
            return SUBSCRIPTION_ENDED
        if self.execution_context.graphql_document is None:
            return PARSE_FAILED
        if any(error is seen for seen in self._validation_errors):
            return VALIDATION_FAILED
        if not error.path:
            return BAD_USER_INPUT  # variables that do not fit their types
        return INTERNAL_SERVER_ERROR


def is_request_error(errors: list[dict[str, object]]) -> bool:
    """Whether formatted `errors` stopped the operation before it ran (no error has a
    path): the GraphQL-over-HTTP spec then leaves out `data` and allows a 4xx status."""
    return bool(errors) and not any(error.get("path") for error in errors)


def _request_id(execution_context: ExecutionContext | None) -> str:
    context = execution_context.context if execution_context else None
    return context.request_id if isinstance(context, Context) else "-"


def create_schema(
    *extensions: type[SchemaExtension], limits: Limits | None = None, batch_max: int = 0
) -> strawberry.Schema:
    """The schema with error codes and masking, `limits` (none if None), batches of up to
    `batch_max` operations (0: no batching) and any further `extensions`."""
    limited = [] if limits is None else [lambda: RequestLimits(limits=limits)]
    return _Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Article, Actor, Statement, Location, Quote],
        extensions=[
            _ErrorCodes,
            lambda: AddValidationRules([MaxIntrospectionDepthRule]),
            CharacterCheck,
            *limited,
            *extensions,
        ],
        config=StrawberryConfig(
            batching_config={"max_operations": batch_max} if batch_max else None
        ),
    )


schema = create_schema()


def print_schema_sdl() -> str:
    """The schema in SDL, as `schema.graphql` holds it."""
    return schema.as_str()
