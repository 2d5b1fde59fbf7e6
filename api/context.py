"""The per-request context every resolver receives."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.load.pool import ProcessPool
from api.loaders.dataloaders import Loaders
from api.store.events import EventBus
from api.vocabulary import ExtractionMode


@dataclass
class Context:
    """This request's loaders, its id (for logs and masked errors), the debug flag, the
    cost the limits computed for its operation (0 until they have), the statement
    events subscriptions listen to (None where nothing publishes them) and its token's name."""

    loaders: Loaders
    debug: bool = False
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    cost: int = 0
    events: EventBus | None = None
    # The primary database, where writes go; `loaders` read from the replica
    # (DATABASE_READ_URL) until `use_primary`. None: loaders already read the primary.
    primary: AsyncEngine | None = None
    # Characters an ingested article body may have (QUOTEGRAPH_MAX_ARTICLE_CHARS; 0: any).
    max_article_chars: int = 0
    # The app's extraction process (ingestArticle extracts there, where a timeout can
    # stop it); None where nothing ingests.
    extraction: ProcessPool | None = None

    def use_primary(self) -> None:
        """Read from the primary from now on: a mutation reads back what it wrote, and a
        subscription reads statements as soon as they committed (a replica may lag)."""
        if self.primary is not None and self.loaders.engine is not self.primary:
            self.loaders = Loaders(self.primary)

    def renew_loaders(self) -> Loaders:
        """Fresh loaders, for a subscription's next event: a websocket's context lives
        as long as the connection, and cached rows must not outlive one event."""
        self.loaders = Loaders(self.loaders.engine)
        return self.loaders
    # The name of the bearer token the request brought (None: no valid token), and
    # whether the server has any token at all (for the error message).
    token_name: str | None = None
    tokens_configured: bool = False
    # Queries are private (QUOTEGRAPH_PRIVATE_QUERIES) and this request has no valid token.
    token_required: bool = False
    # How ingestArticle reads the articles it stores (QUOTEGRAPH_EXTRACTOR).
    extractor: ExtractionMode = ExtractionMode.FAST


def debug_extensions(sql_statements: int, elapsed_ms: float) -> dict[str, object]:
    """What a response's `extensions` carry in debug mode (QUOTEGRAPH_DEBUG), whichever
    path answered: SQL statements run, time taken, and the serving process."""
    return {"sqlStatements": sql_statements, "timeMs": round(elapsed_ms, 2), "worker": os.getpid()}


def build_context(
    engine: AsyncEngine,
    *,
    debug: bool = False,
    request: Request | WebSocket | None = None,
    response: Response | WebSocket | None = None,
    events: EventBus | None = None,
    token_name: str | None = None,
    tokens_configured: bool = False,
    token_required: bool = False,
    read_engine: AsyncEngine | None = None,
    max_article_chars: int = 0,
    extraction: ProcessPool | None = None,
    extractor: ExtractionMode = ExtractionMode.FAST,
) -> Context:
    """A fresh context with fresh loaders: nothing is shared between requests. With a
    `read_engine` (a replica) the loaders read from it until `use_primary`."""
    return Context(
        loaders=Loaders(read_engine or engine),
        primary=engine if read_engine is not None else None,
        debug=debug,
        request=request,
        response=response,
        events=events,
        token_name=token_name,
        tokens_configured=tokens_configured,
        token_required=token_required,
        max_article_chars=max_article_chars,
        extraction=extraction,
        extractor=extractor,
    )
