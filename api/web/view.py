"""Strawberry's ASGI view, made to follow the GraphQL-over-HTTP spec to the letter.

It answers in the media type the client accepts (application/graphql-response+json
or application/json); with the former, a request error (the operation never ran:
a parse, validation, variable or limit failure) gets status 400 and no `data`.
HTTP-level failures (no query, a body that api.web.payload cannot read, wrong
method) are GraphQL-shaped JSON with `extensions.code`, and an operation that
outlives the timeout is stopped with a clear error.
"""

from __future__ import annotations

import asyncio
import functools
import json
import uuid
from collections.abc import Iterator

from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import SchemaExtension
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.graphql import OperationType

from api.adapters.strawberry import graphql_schema
from api.compiler import Compiler
from api.context import Context, build_context
from api.load.pool import ProcessPool
from api.schema import Limits, create_schema, is_request_error
from api.schema.errors import BAD_USER_INPUT, QUERY_TOO_COMPLEX, UNAUTHENTICATED, unauthenticated
from api.settings import Settings
from api.store.events import EventBus
from api.web.cache import CachedAnswer, ResponseCache, note_errors, note_operation
from api.web.etags import cache_control, conditional
from api.web.graphiql import graphiql_page
from api.web.payload import Refused, parse_json, read_body, read_query_string, request_data
from api.web.persisted import PersistedQueries, PersistedQueryError
from api.web.responses import JSON, encode, error_response, negotiate
from api.web.sockets import SocketAdapter, SocketHandler
from api.web.tokens import bearer_name

_MEDIA_TYPE = "quotegraph.media_type"  # where the negotiated type waits in the ASGI scope


class OperationsByTransport(SchemaExtension):
    """Queries and mutations go by HTTP, where the body limit, rate limit and timeout
    hold; subscriptions go over the websocket (graphql-transport-ws), which alone can
    stream their results."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        over_websocket = isinstance(context.context, Context) and isinstance(
            context.context.request, WebSocket
        )
        subscription = context.operation_type == OperationType.SUBSCRIPTION
        if over_websocket and not subscription:
            raise GraphQLError(
                "Only subscriptions run over the websocket; send queries and mutations "
                "by HTTP GET or POST to the same URL.",
                extensions={"code": BAD_USER_INPUT},
            )
        if subscription and not over_websocket:
            raise GraphQLError(
                "Subscriptions run over a websocket to this URL with the graphql-transport-ws "
                "protocol (e.g. the graphql-ws client), not over HTTP.",
                extensions={"code": BAD_USER_INPUT},
            )
        yield


class OperationRouting(SchemaExtension):
    """Mutations and subscriptions read from the primary database (a replica may lag
    behind what they wrote or were told of); the operation type is noted in the
    request's scope, where the response cache reads it."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            operation = self.execution_context.operation_type
            if operation != OperationType.QUERY:
                context.use_primary()
            if context.request is not None:
                note_operation(context.request.scope, operation.value)
        yield


class _RequestAdapter(StarletteRequestAdapter):
    """Strawberry's view of a request, keeping the request itself: its raw query string
    is read strictly (api.web.payload), not through Starlette's lenient parse."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


class GraphQLView(GraphQL[Context, None]):
    """/graphql: queries by GET and POST, GraphiQL for browsers, subscriptions over
    websockets (graphql-transport-ws only), a fresh context per request or connection."""

    request_adapter_class = _RequestAdapter
    graphql_transport_ws_handler_class = SocketHandler

    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        *extensions: type[SchemaExtension],
        events: EventBus | None = None,
        read_engine: AsyncEngine | None = None,
        cache: ResponseCache | None = None,
        persisted: PersistedQueries | None = None,
        extraction: ProcessPool | None = None,
    ) -> None:
        limits = Limits(
            max_depth=settings.max_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            max_cost=settings.max_cost,
        )
        schema = create_schema(
            OperationsByTransport, OperationRouting, *extensions, limits=limits,
            batch_max=settings.batch_max,
        )
        super().__init__(
            schema, graphql_ide="graphiql", subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,)
        )
        self.websocket_adapter_class = functools.partial(  # type: ignore[assignment]
            SocketAdapter, max_bytes=settings.max_body_bytes
        )
        self._engine = engine
        self._batch_max = settings.batch_max
        self._events = events
        self._debug = settings.debug
        self._extractor = settings.extractor
        self._timeout = settings.query_timeout_ms / 1000 if settings.query_timeout_ms else None
        self._max_article_chars = settings.max_article_chars
        self._extraction = extraction
        self._tokens = settings.api_tokens
        self._private = settings.private_queries
        self._read_engine = read_engine
        self._cache = cache
        self._persisted = persisted or PersistedQueries(settings.response_cache_size)
        self._cache_control = cache_control(settings.private_queries)
        # Supported queries become one SQL statement; the rest (and everything when
        # QUOTEGRAPH_COMPILED_SQL=0) run through Strawberry.
        self._compiler = (
            Compiler(graphql_schema(schema), read_engine or engine, limits)
            if settings.compiled_sql
            else None
        )

    async def close(self) -> None:
        """Release what the view opened (the compiler's PostgreSQL read pool)."""
        if self._compiler is not None:
            await self._compiler.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        accept = request.headers.get("accept")
        media_type = negotiate(accept)
        if media_type is None and not self._wants_graphiql(request):
            response: Response = error_response(
                406,
                "Accept application/graphql-response+json or application/json.",
                BAD_USER_INPUT,
            )
        else:
            scope[_MEDIA_TYPE] = media_type or JSON
            response = await self._answer(request, accept)
        await response(scope, receive, send)

    async def _answer(self, request: Request, accept: str | None) -> Response:
        etag = None
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = error_response(
                error.status_code, _sentence(error.reason), BAD_USER_INPUT, accept=accept,
                headers={"Allow": "GET, POST"} if error.status_code == 405 else None,
            )
        except Refused as error:
            response = error_response(error.status, error.message, BAD_USER_INPUT, accept=accept)
        except PersistedQueryError as error:
            response = error_response(error.status, error.message, error.code, accept=accept)
        except CachedAnswer as hit:
            response = Response(hit.answer.body, media_type=hit.answer.media_type,
                                headers={"X-Request-ID": uuid.uuid4().hex[:12]})
            etag = hit.answer.etag
        else:
            if self._cache is not None:
                await self._cache.remember(request.scope, response)
        return conditional(request, response, self._cache_control, etag)

    def _wants_graphiql(self, request: Request) -> bool:
        params = request.query_params
        return request.method == "GET" and "query" not in params and "extensions" not in params

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Not for a GET that names a persisted query by its hash alone."""
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        token_name = bearer_name(request.headers.get("authorization"), self._tokens)
        context = build_context(
            self._engine,
            debug=self._debug,
            request=request,
            response=response,
            events=self._events,
            token_name=token_name,
            tokens_configured=bool(self._tokens),
            token_required=self._private and token_name is None,
            read_engine=self._read_engine,
            max_article_chars=self._max_article_chars,
            extraction=self._extraction,
            extractor=self._extractor,
        )
        if isinstance(response, Response):
            response.headers["X-Request-ID"] = context.request_id
        return context

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_page(request.url_for("graphiql", path="/").path))

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """Persisted queries resolved, then the response cache asked (single operations
        only: batches are never cached); a hit raises CachedAnswer."""
        request_data = await self._persisted.resolve(request_data)
        if self._cache is not None and isinstance(request_data, GraphQLRequestData):
            authenticated = context.token_name is not None if self._private else None
            if not context.token_required:
                media_type = request.scope.get(_MEDIA_TYPE, JSON)
                await self._cache.lookup(request.scope, request_data, media_type, authenticated)
        return await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:
            note_errors(request.scope)
        return await super().process_result(request, result)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """The operation, stopped with a QUERY_TOO_COMPLEX error past the timeout; refused
        with UNAUTHENTICATED when queries are private and the request has no valid token."""
        if self._private and context.token_name is None:
            refusal = unauthenticated(bool(self._tokens))
            error = GraphQLError(str(refusal), extensions={"code": UNAUTHENTICATED})
            return ExecutionResult(data=None, errors=[error])
        try:
            async with asyncio.timeout(self._timeout):
                if self._compiler is not None and request_data.query:
                    compiled = await self._compiler.execute(
                        request_data.query,
                        request_data.variables,
                        request_data.operation_name,
                        context,
                    )
                    if compiled is not None:  # only queries compile: the cache may keep it
                        note_operation(request.scope, OperationType.QUERY.value)
                        return compiled
                return await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
        except TimeoutError:
            ms = round(self._timeout * 1000) if self._timeout else 0
            error = GraphQLError(
                f"The query ran longer than {ms:,} ms and was stopped; ask for fewer objects "
                "(smaller pages, fewer nested lists) or try again later.",
                extensions={"code": QUERY_TOO_COMPLEX, "timeoutMs": ms},
            )
            return ExecutionResult(data=None, errors=[error], extensions={"cost": context.cost})

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The operation(s) a GET's parameters or a POST's JSON body ask for, read
        strictly by api.web.payload (a refusal raises `Refused`)."""
        assert isinstance(request, _RequestAdapter)
        if request.method == "GET":
            return request_data(read_query_string(request.request.scope["query_string"]),
                                batch_max=0)
        body = read_body(request.content_type, await request.get_body())
        return request_data(body, batch_max=self._batch_max)

    def decode_json(self, data: str | bytes) -> object:
        """Websocket messages, as strictly as HTTP bodies; a refusal is a JSONDecodeError,
        which closes the socket with 4400."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            return parse_json(text, "The message")
        except UnicodeDecodeError:
            raise json.JSONDecodeError("The message is not UTF-8.", "", 0) from None
        except Refused as refused:
            raise json.JSONDecodeError(refused.message, "", 0) from None

    def encode_json(self, data: object) -> str:
        """orjson for every response, compiled or not, so both serialise alike (and fast);
        text a client sent that cannot be UTF-8 (a lone surrogate) goes out escaped.

        Text, not bytes: the websocket transport sends bytes as binary frames."""
        return encode(data).decode()

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """JSON in the negotiated type; request errors lose `data` and, for
        application/graphql-response+json, get status 400 (the spec's advice)."""
        media_type = sub_response.headers.get("x-media-type", JSON)
        del sub_response.headers["x-media-type"]
        results = response_data if isinstance(response_data, list) else [response_data]
        refused = False
        for result in results:
            if is_request_error(list(result.get("errors") or [])):  # type: ignore[arg-type]
                result.pop("data", None)
                refused = True
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        if refused and media_type != JSON and not isinstance(response_data, list):
            response.status_code = 400
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.headers["x-media-type"] = request.scope.get(_MEDIA_TYPE, JSON)
        return sub_response


def _sentence(reason: str) -> str:
    reason = reason.strip()
    return reason if reason.endswith(".") else f"{reason}."
