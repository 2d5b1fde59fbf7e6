"""The last resort: an exception no layer below expected becomes a GraphQL-shaped
`INTERNAL_SERVER_ERROR` (HTTP 500) naming a request id, and the log line with the
traceback names the same id. Client errors never get here: they are refused, with
a 4xx, where the request is read (api.web.payload) or run (the schema).

Also the app's answers outside the GraphQL view (an unknown path, a method a route
does not take) in the same shape, so no client ever parses a plain-text error page.
"""

from __future__ import annotations

import logging
import uuid

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schema.errors import BAD_USER_INPUT, INTERNAL_SERVER_ERROR, NOT_FOUND
from api.web.responses import error_response

log = logging.getLogger("quotegraph.web")

# Starlette's reason for a status, made a sentence with a next step.
_REASONS = {
    404: ("Nothing is served at this path; GraphQL is at /graphql.", NOT_FOUND),
    405: ("This path does not take that method.", BAD_USER_INPUT),
}
_SERVER_ERROR = 1011  # websocket close code: the server met an unexpected condition


class ErrorGuard:
    """Outermost middleware: any exception from the app is logged with a request id and
    answered with a masked GraphQL error (or, on a websocket, closed with 1011)."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        sent: set[str] = set()

        async def watched_send(message: Message) -> None:
            sent.add(message["type"])
            await send(message)

        try:
            await self._app(scope, receive, watched_send)
        except Exception:  # noqa: BLE001  (the one place that catches everything)
            request_id = uuid.uuid4().hex[:12]
            log.exception("request %s: unexpected error in %s %s", request_id,
                          scope.get("method", "WEBSOCKET"), scope.get("path"))
            if scope["type"] == "websocket":
                await _close(send, sent)
            elif "http.response.start" not in sent:
                await _answer(scope, receive, send, request_id)


async def _close(send: Send, sent: set[str]) -> None:
    """Close a websocket the app left open (1011); the client may be gone already."""
    if sent & {"websocket.close", "websocket.http.response.start"}:
        return
    try:
        await send({"type": "websocket.close", "code": _SERVER_ERROR, "reason": ""})
    except (OSError, RuntimeError):
        log.info("websocket already closed by the client")


async def _answer(scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
    response = error_response(
        500, f"Unexpected error; logged as request {request_id}.", INTERNAL_SERVER_ERROR,
        accept=_accept(scope), headers={"X-Request-ID": request_id},
        extensions={"requestId": request_id},
    )
    await response(scope, receive, send)


def _accept(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            return bytes(value).decode("latin-1")
    return None


async def http_error(request: Request, error: Exception) -> Response:
    """Starlette's HTTP errors (404 for an unknown path, 405 for a method a route does
    not take) as GraphQL-shaped JSON."""
    assert isinstance(error, HTTPException)
    message, code = _REASONS.get(error.status_code, (f"{error.detail}.", BAD_USER_INPUT))
    return error_response(error.status_code, message, code,
                          accept=request.headers.get("accept"), headers=error.headers)
