"""The ASGI app: GraphQL (with GraphiQL in a browser) at /graphql, liveness at /healthz."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from api.context import Context, build_context
from api.db import count_statements, create_engine
from api.schema import create_schema
from api.settings import Settings

log = logging.getLogger("quotegraph.app")


class QueryMetrics(SchemaExtension):
    """In debug mode, adds `sqlStatements` and `timeMs` to every response's extensions."""

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
        return {"sqlStatements": self._statements[0], "timeMs": round(self._elapsed_ms, 2)}


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI view with a fresh context (and loaders) per request."""

    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        super().__init__(create_schema(QueryMetrics), graphql_ide="graphiql")
        self._engine = engine
        self._debug = settings.debug

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = build_context(self._engine, debug=self._debug, request=request, response=response)
        if isinstance(response, Response):
            response.headers["X-Request-ID"] = context.request_id
        return context


def create_app(settings: Settings) -> Starlette:
    """The app for `settings`; its engine is created here and disposed at shutdown."""
    engine = create_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await engine.dispose()

    async def healthz(_request: Request) -> Response:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            log.exception("health check: database unavailable")
            return PlainTextResponse("database unavailable", status_code=503)
        return PlainTextResponse("ok")

    routes = [
        Route("/graphql", GraphQLEndpoint(engine, settings)),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def asgi() -> Starlette:
    """Factory for uvicorn (`api.app:asgi`): the app for the environment's settings."""
    return create_app(Settings.from_env())
