"""The ASGI app: GraphQL (GraphiQL in a browser, subscriptions over websockets) at
/graphql, liveness at /healthz.

Around the routes, outermost first: the last-resort guard (an unexpected exception
becomes a masked GraphQL error with a logged request id), CORS for the allowed
origins, the per-client rate limit on /graphql, and the request body limit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from api.context import Context, debug_extensions
from api.load.ingest import extraction_pool
from api.settings import Settings
from api.store.db import count_statements, create_engine
from api.store.events import create_bus
from api.web.cache import connect_redis, create_cache
from api.web.graphiql import STATIC_DIR
from api.web.guard import ErrorGuard, http_error
from api.web.limits import BodyLimit, RateLimiter
from api.web.persisted import PersistedQueries
from api.web.view import GraphQLView

log = logging.getLogger("quotegraph.app")


class QueryMetrics(SchemaExtension):
    """In debug mode, adds `sqlStatements`, `timeMs` and `worker` (the serving process's
    pid) to every response's extensions."""

    def __init__(self, *, execution_context: ExecutionContext | None = None) -> None:
        self._statements = [0]
        self._started = time.perf_counter()
        self._elapsed_ms = 0.0

    def on_operation(self) -> Iterator[None]:
        self._started = time.perf_counter()
        with count_statements() as counter:
            self._statements = counter
            yield
        self._elapsed_ms = (time.perf_counter() - self._started) * 1000

    def get_results(self) -> dict[str, object]:
        context = self.execution_context.context
        if not (isinstance(context, Context) and context.debug):
            return {}
        return debug_extensions(self._statements[0], self._elapsed_ms)


def create_app(settings: Settings) -> Starlette:
    """The app for `settings`; its engines (the primary, and the replica queries read
    from if DATABASE_READ_URL is set), statement event bus (`app.state.events`),
    response cache (`app.state.cache`), Redis client and extraction process for
    ingestArticle (`app.state.extraction`, started at the first ingest) are created
    here and closed at shutdown."""
    engine = create_engine(settings)
    read_engine = create_engine(settings.database_read_url) if settings.database_read_url else None
    events = create_bus(settings)
    redis = connect_redis(settings) if settings.response_cache == "redis" else None
    cache = create_cache(settings, redis)
    extraction = extraction_pool()

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if cache is not None:
            await events.watch_data(cache.changed, cache.blind)
        try:
            yield
        finally:
            await view.close()
            await extraction.close()
            await events.close()
            if cache is not None:
                cache.close()
            if redis is not None:
                await redis.aclose()
            for each in (engine, read_engine):
                if each is not None:
                    await each.dispose()

    async def healthz(_request: Request) -> Response:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            log.exception("health check: database unavailable")
            return PlainTextResponse("database unavailable", status_code=503)
        return PlainTextResponse("ok")

    view = GraphQLView(
        engine, settings, QueryMetrics, events=events, read_engine=read_engine, cache=cache,
        persisted=PersistedQueries(settings.response_cache_size, redis),
        extraction=extraction,
    )
    routes = [
        Route("/graphql", view),
        WebSocketRoute("/graphql", view),
        Route("/healthz", healthz, methods=["GET"]),
        Mount("/graphiql", StaticFiles(directory=STATIC_DIR), name="graphiql"),
    ]
    app = Starlette(
        routes=routes, lifespan=lifespan, middleware=_middleware(settings),
        exception_handlers={HTTPException: http_error},
    )
    app.state.events = events
    app.state.cache = cache
    app.state.extraction = extraction
    return app


def _middleware(settings: Settings) -> list[Middleware]:
    cors = Middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=settings.cors_credentials,
        allow_methods=["GET", "POST"],
        allow_headers=["Accept", "Authorization", "Content-Type"],
        expose_headers=["Retry-After", "X-Request-ID"],
        max_age=600,
    )
    limits = [Middleware(BodyLimit, max_bytes=settings.max_body_bytes)]
    if settings.rate_limit is not None:
        limits.insert(0, Middleware(RateLimiter, rate=settings.rate_limit, paths=("/graphql",)))
    return [Middleware(ErrorGuard), cors, *limits]


def asgi() -> Starlette:
    """Factory for uvicorn (`api.app:asgi`): the app for the environment's settings."""
    return create_app(Settings.from_env())
