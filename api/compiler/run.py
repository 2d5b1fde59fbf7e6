"""Runs a query as one SQL statement, or says it cannot (None: Strawberry runs it).

Per document (cached): parse, validate with the schema's rules, the shape limits.
Per (document, @skip/@include values) (cached): the plan. Per request: coerce the
variables, check the cost limit, build the statement (arguments checked by the
resolvers' own functions), one round trip, `orjson.loads`. Any client error on
the way returns None, so the error the client sees is Strawberry's, word for word.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.utilities import get_operation_ast
from graphql.validation import MaxIntrospectionDepthRule
from sqlalchemy import Select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.types import ExecutionResult

from api.compiler.dialect import Dialect, dialect_of
from api.compiler.plan import Plan, Unsupported, build_plan, directive_variables
from api.compiler.sql import Builder
from api.context import Context
from api.db import count_statements
from api.schema.errors import ClientError
from api.schema.limits import Limits, check_shape, query_cost

log = logging.getLogger("quotegraph.compiler")

CACHE_SIZE = 512  # documents and plans kept (least recently used go first)
STATEMENTS_KEPT = 128  # built statements, by query and variables
_RULES = (*specified_rules, MaxIntrospectionDepthRule)

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
        self._statements: _Cache[tuple[object, ...], Select[Any]] = _Cache(STATEMENTS_KEPT)

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
        document = self._document(query, operation_name)
        if document.operation is None or document.document is None:
            return None
        coerced = get_variable_values(
            self._schema, document.operation.variable_definitions or (), dict(variables or {})
        )
        if not isinstance(coerced, VariableValues):
            return None
        plan = self._plan(query, operation_name, document, coerced)
        if plan is None:
            return None
        cost = self._cost(document, dict(variables or {}))
        if cost is None:
            return None
        statement = self._statement(plan, query, operation_name, variables, coerced)
        if statement is None:
            return None
        context.cost = cost
        return await self._run(statement, context, cost, started)

    async def _run(
        self, statement: Any, context: Context, cost: int, started: float
    ) -> ExecutionResult | None:
        try:
            with count_statements() as counter:
                async with self._engine.connect() as connection:
                    text = (await connection.execute(statement)).scalar_one()
        except (SQLAlchemyError, OSError):
            # Strawberry runs it again and reports any lasting fault, masked as usual.
            log.exception("request %s: the compiled query failed", context.request_id)
            return None
        extensions: dict[str, Any] = {} if self._limits is None else {"cost": cost}
        if context.debug:
            elapsed = (time.perf_counter() - started) * 1000
            extensions.update(sqlStatements=counter[0], timeMs=round(elapsed, 2))
        return ExecutionResult(data=orjson.loads(text), errors=None, extensions=extensions)

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
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
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

    def _statement(
        self,
        plan: Plan,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        coerced: VariableValues,
    ) -> Select[Any] | None:
        """The plan's statement for these variables; None for an argument error.

        Kept per (query, variables): building a statement costs milliseconds of Python,
        and SQLAlchemy finds the compiled SQL of a statement it has seen at once."""
        key = (query, operation_name, orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS))
        statement = self._statements.get(key)
        if statement is None:
            try:
                statement = Builder(self._dialect, coerced).statement(plan)
            except (ClientError, GraphQLError):
                return None
            self._statements.put(key, statement)
        return statement

    def _cost(self, document: _Document, variables: dict[str, object]) -> int | None:
        """The operation's cost; None when over the limit (Strawberry reports it)."""
        assert document.document is not None and document.operation is not None
        cost = query_cost(self._schema, document.document, document.operation, variables)
        if self._limits is not None and cost > self._limits.max_cost:
            return None
        return cost
