"""The per-request context every resolver receives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.loaders import Loaders


@dataclass
class Context:
    """This request's loaders, its id (for logs and masked errors), the debug flag, the
    cost the limits computed for its operation (0 until they have) and its token's name."""

    loaders: Loaders
    debug: bool = False
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    cost: int = 0
    # The name of the bearer token the request brought (None: no valid token), and
    # whether the server has any token at all (for the error message).
    token_name: str | None = None
    tokens_configured: bool = False


def build_context(
    engine: AsyncEngine,
    *,
    debug: bool = False,
    request: Request | WebSocket | None = None,
    response: Response | WebSocket | None = None,
    token_name: str | None = None,
    tokens_configured: bool = False,
) -> Context:
    """A fresh context with fresh loaders: nothing is shared between requests."""
    return Context(
        loaders=Loaders(engine),
        debug=debug,
        request=request,
        response=response,
        token_name=token_name,
        tokens_configured=tokens_configured,
    )
