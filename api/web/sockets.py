"""The websocket side of /graphql (graphql-transport-ws): every frame read as strictly
as an HTTP body before Strawberry's handler sees it.

A binary frame, a frame over the body limit, text that is not strict JSON (lone
surrogate escapes, repeated keys, ...) or a message of the wrong shape closes the
socket with 4400 (4413 for size) and a reason saying what was wrong, never a crash;
reasons are cut to the 123 bytes a close frame can carry.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.async_base_view import AsyncBaseHTTPView
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message

from api.context import Context
from api.web.payload import Refused, operation

BAD_MESSAGE = 4400  # graphql-transport-ws: the message cannot be handled
TOO_LARGE = 4413
MAX_REASON_BYTES = 123  # RFC 6455 5.5: a control frame's payload is at most 125 bytes
_WITH_ID = ("subscribe", "complete")


class SocketAdapter(ASGIWebSocketAdapter):
    """Reads text frames of at most `max_bytes` as strict JSON; anything else closes."""

    def __init__(
        self,
        view: AsyncBaseHTTPView[Any, Any, Any, Any, Any, Any, Any],
        request: WebSocket,
        response: WebSocket,
        max_bytes: int,
    ) -> None:
        super().__init__(view, request, response)
        self._max_bytes = max_bytes

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        while self.ws.application_state != WebSocketState.DISCONNECTED:
            frame = await self.ws.receive()
            if frame["type"] == "websocket.disconnect":
                return
            problem, text = self._text(frame)
            if problem is None:
                try:
                    yield self.view.decode_json(text)
                    continue
                except json.JSONDecodeError as error:
                    problem = (BAD_MESSAGE, error.msg)
            await self.close(*problem)
            return

    def _text(self, frame: Mapping[str, object]) -> tuple[tuple[int, str] | None, str]:
        text = frame.get("text")
        if not isinstance(text, str):
            return (BAD_MESSAGE, "WebSocket messages must be text frames holding JSON."), ""
        if len(text) > self._max_bytes or len(text.encode("utf-8")) > self._max_bytes:
            return (TOO_LARGE, f"The message is larger than {self._max_bytes:,} bytes."), ""
        return None, text

    async def close(self, code: int, reason: str) -> None:
        if self.ws.application_state != WebSocketState.DISCONNECTED:
            await super().close(code, close_reason(reason))


class SocketHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, given only messages of the protocol's
    shape: an object with a string `type`; `subscribe` and `complete` with a string
    `id`; a `subscribe` payload shaped like an HTTP request's body."""

    async def handle_message(self, message: Message) -> None:
        problem = message_problem(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        if message["type"] == "connection_init" and message.get("payload", {}) is None:
            message = {"type": "connection_init"}  # the protocol allows a null payload
        await super().handle_message(message)


def message_problem(message: object) -> str | None:
    """What is wrong with a graphql-transport-ws message's shape, or None."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return 'A message must be a JSON object with a string "type".'
    if message["type"] in _WITH_ID and not isinstance(message.get("id"), str):
        return f'A "{message["type"]}" message needs a string "id".'
    if message["type"] == "subscribe":
        try:
            request = operation(message.get("payload"), "The subscribe payload")
        except Refused as refused:
            return refused.message
        if request.query is None:
            return 'The subscribe payload needs a "query" string.'
    return None


def close_reason(reason: str) -> str:
    """`reason` cut to fit a close frame (at most 123 bytes of UTF-8)."""
    encoded = reason.encode("utf-8", "replace")
    if len(encoded) <= MAX_REASON_BYTES:
        return encoded.decode("utf-8")
    return encoded[: MAX_REASON_BYTES - 3].decode("utf-8", "ignore") + "..."
