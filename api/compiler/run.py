"""Runs a query as one SQL statement, or says it cannot (None: Strawberry runs it).

Per document (cached): parse, validate with the schema's rules, the shape limits.
Per (document, @skip/@include values) (cached): the plan. Per (query, variables)
(cached): refuse NUL and lone surrogates in arguments, coerce the variables, check
the cost limit, build the statement (arguments checked by the resolvers' own
functions). Per request: one round trip,
`orjson.loads`. Any client error on the way returns None, so the error the client
sees is Strawberry's, word for word.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import asyncpg
import orjson
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableValues,
    get_variable_values,
    parse,
    specified_rules,
    validate,
)
from graphql.utilities import get_operation_ast
from graphql.validation import MaxIntrospectionDepthRule
from sqlalchemy import BindParameter, Select
from sqlalchemy.engine import Dialect as Dialect_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.types import ExecutionResult

from api.adapters.strawberry import VALIDATION_RULES
from api.compiler.dialect import Dialect, dialect_of
from api.compiler.plan import Plan, Unsupported, build_plan, directive_variables
from api.compiler.sql import Builder
from api.context import Context, debug_extensions
from api.schema.characters import refused_character
from api.schema.document import fragments_of
from api.schema.errors import ClientError
from api.schema.limits import Limits, check_shape, query_cost
from api.store.db import count_statements, note_statement, open_read_pool

log = logging.getLogger("quotegraph.compiler")

CACHE_SIZE = 512  # documents and plans kept (least recently used go first)
STATEMENTS_KEPT = 128  # prepared statements, by query and variables
# The rules Strawberry validates with, and the one api.schema adds.
_RULES = (
    *specified_rules,
    MaxIntrospectionDepthRule,
    *VALIDATION_RULES,
)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Cache(Generic[K, V]):
    """A bounded least-recently-used map."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value


@dataclass(frozen=True, eq=False)
class _Document:
    """A parsed, valid query operation the compiler may build (None fields: it may not)."""

    document: DocumentNode | None
    operation: OperationDefinitionNode | None = None
    fragments: Mapping[str, FragmentDefinitionNode] | None = None
    directive_variables: tuple[str, ...] = ()


_REFUSED = _Document(None)


@dataclass(frozen=True, eq=False)
class _Planned:
    plan: Plan | None


@dataclass(frozen=True, eq=False)
class _Prepared:
    """A query with its variables, ready to run: building the statement costs
    milliseconds of Python, and SQLAlchemy finds the compiled SQL of a statement it
    has run before at once, so both are kept per (query, variables)."""

    statement: Select[Any]
    cost: int
    # PostgreSQL: the statement as asyncpg runs it ($n placeholders) and its arguments.
    positional: tuple[str, tuple[Any, ...]] | None = None


class Compiler:
    """Compiles queries for `schema` (graphql-core's) into SQL run on `engine`."""

    def __init__(
        self, schema: GraphQLSchema, engine: AsyncEngine, limits: Limits | None = None
    ) -> None:
        self._schema = schema
        # One read statement needs no transaction: autocommit saves BEGIN and ROLLBACK.
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._limits = limits
        self._dialect: Dialect = dialect_of(engine.dialect.name)
        self._documents: _Cache[tuple[str, str | None], _Document] = _Cache(CACHE_SIZE)
        self._plans: _Cache[tuple[object, ...], _Planned] = _Cache(CACHE_SIZE)
        self._prepared: _Cache[tuple[object, ...], _Prepared] = _Cache(STATEMENTS_KEPT)
        self._pool: asyncpg.Pool | None = None  # PostgreSQL: opened on first use
        self._opening = asyncio.Lock()

    async def close(self) -> None:
        """Close the PostgreSQL read pool, if one was opened."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        context: Context,
    ) -> ExecutionResult | None:
        """The result of the query, or None when Strawberry must run it (unsupported,
        invalid, over a limit, or any argument error)."""
        started = time.perf_counter()
        try:
            given = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # e.g. an integer past 64 bits: Strawberry says why
            return None
        key = (query, operation_name, given)
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = self._prepare(query, operation_name, dict(variables or {}))
            if prepared is None:
                return None
            self._prepared.put(key, prepared)
        context.cost = prepared.cost
        return await self._run(prepared, context, started)

    def _prepare(
        self, query: str, operation_name: str | None, variables: dict[str, Any]
    ) -> _Prepared | None:
        """The statement and cost of a query with these variables, or None."""
        document = self._document(query, operation_name)
        if document.operation is None or document.document is None:
            return None
        if refused_character(document.document, document.operation, variables) is not None:
            return None  # Strawberry refuses it, naming the argument
        coerced = get_variable_values(
            self._schema, document.operation.variable_definitions or (), variables
        )
        if not isinstance(coerced, VariableValues):
            return None
        plan = self._plan(query, operation_name, document, coerced)
        cost = query_cost(self._schema, document.document, document.operation, variables)
        if plan is None or (self._limits is not None and cost > self._limits.max_cost):
            return None
        try:
            statement = Builder(self._dialect, coerced).statement(plan)
        except (ClientError, GraphQLError):
            return None
        positional = _positional(self._engine, statement) if self._dialect.name == "postgresql" else None
        return _Prepared(statement, cost, positional)

    async def _run(
        self, prepared: _Prepared, context: Context, started: float
    ) -> ExecutionResult | None:
        try:
            with count_statements() as counter:
                text = await self._fetch(prepared)
        except (SQLAlchemyError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            # Strawberry runs it again and reports any lasting fault, masked as usual.
            log.exception("request %s: the compiled query failed", context.request_id)
            return None
        extensions: dict[str, Any] = {} if self._limits is None else {"cost": prepared.cost}
        if context.debug:
            elapsed = (time.perf_counter() - started) * 1000
            extensions.update(debug_extensions(counter[0], elapsed))
        return ExecutionResult(data=orjson.loads(text), errors=None, extensions=extensions)

    async def _fetch(self, prepared: _Prepared) -> str:
        """The statement's one JSON text: straight through asyncpg on PostgreSQL (no
        SQLAlchemy execution layer, no ping, no transaction), else through the engine."""
        if prepared.positional is None:
            async with self._engine.connect() as connection:
                text: str = (await connection.execute(prepared.statement)).scalar_one()
                return text
        pool = self._pool or await self._open_pool()
        sql, args = prepared.positional
        async with pool.acquire() as connection:
            note_statement()
            found: str = await connection.fetchval(sql, *args)
            return found

    async def _open_pool(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await open_read_pool(self._engine)
            return self._pool

    def _document(self, query: str, operation_name: str | None) -> _Document:
        key = (query, operation_name)
        return self._documents.get(key) or self._documents.put(
            key, self._parse(query, operation_name)
        )

    def _parse(self, query: str, operation_name: str | None) -> _Document:
        tokens = self._limits.max_tokens if self._limits else None
        try:
            document = parse(query, max_lexical_tokens=tokens)
        except GraphQLError:
            return _REFUSED
        if validate(self._schema, document, _RULES):
            return _REFUSED
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation.value != "query":
            return _REFUSED
        if self._limits is not None:
            try:
                check_shape(self._limits, document, operation)
            except GraphQLError:
                return _REFUSED
        fragments = fragments_of(document)
        used = directive_variables(document.definitions)
        return _Document(document, operation, fragments, used)

    def _plan(
        self,
        query: str,
        operation_name: str | None,
        document: _Document,
        variables: VariableValues,
    ) -> Plan | None:
        decided = tuple(variables.coerced.get(name) for name in document.directive_variables)
        key = (query, operation_name, decided)
        planned = self._plans.get(key)
        if planned is None:
            assert document.operation is not None and document.fragments is not None
            try:
                plan: Plan | None = build_plan(
                    self._schema, document.operation, document.fragments, variables
                )
            except Unsupported:
                plan = None
            planned = self._plans.put(key, _Planned(plan))
        return planned.plan


def _positional(engine: AsyncEngine, statement: Select[Any]) -> tuple[str, tuple[Any, ...]]:
    """`statement` compiled for asyncpg: SQL with $n placeholders, arguments in order,
    each through its type's bind processor (public API: `TypeEngine.bind_processor`), as
    SQLAlchemy would send it."""
    dialect = engine.dialect
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = []
    for name in compiled.positiontup or ():
        process = _bind_processor(compiled.binds, name, dialect)
        args.append(params[name] if process is None else process(params[name]))
    return compiled.string, tuple(args)


def _bind_processor(
    binds: Mapping[str, BindParameter[Any]], name: str, dialect: Dialect_
) -> Callable[[Any], Any] | None:
    """The processor of the bind named `name`; an element of an expanded IN list
    (`id_1_2`) takes the processor of its list's bind (`id_1`)."""
    bind = binds[name] if name in binds else binds[name.rpartition("_")[0]]
    return bind.type.dialect_impl(dialect).bind_processor(dialect)
