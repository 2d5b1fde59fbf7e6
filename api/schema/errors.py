"""Errors a client caused; their messages are shown, everything else is masked.

Every error a response carries has `extensions.code`, one of the codes below.
"""

from __future__ import annotations

from api.errors import QuotegraphError

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"  # a path other than /graphql (api.web.guard)
UNAUTHENTICATED = "UNAUTHENTICATED"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
RATE_LIMITED = "RATE_LIMITED"
SUBSCRIPTION_ENDED = "SUBSCRIPTION_ENDED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ClientError(QuotegraphError):
    """An error the client can fix; `code` becomes its `extensions.code`."""

    code = BAD_USER_INPUT


class InvalidArgument(ClientError):
    """An argument cannot be used: a malformed id or cursor, a page size out of range."""

    code = BAD_USER_INPUT


class Unauthenticated(ClientError):
    """The request needs credentials it did not bring."""

    code = UNAUTHENTICATED


def unauthenticated(tokens_configured: bool) -> Unauthenticated:
    """The error for a request without a valid token, saying how to get one."""
    if not tokens_configured:
        return Unauthenticated(
            "No API token is configured on this server, so changes are refused; the operator "
            "sets QUOTEGRAPH_API_TOKENS=name:token, and clients send "
            "'Authorization: Bearer <token>'."
        )
    return Unauthenticated(
        "Missing or unknown bearer token; send 'Authorization: Bearer <token>' with a token "
        "listed in the server's QUOTEGRAPH_API_TOKENS."
    )
