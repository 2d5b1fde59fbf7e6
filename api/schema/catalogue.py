"""The catalogue: what each GraphQL field reads, declared once, on the field itself.

A field made by a helper here (`column`, `span`, `spans_column`, `connection`,
`count`, `distinct`) or decorated with `resolver(..., reads=...)` carries a `Read` in its
Strawberry metadata. The rows' GraphQL views (`values_of`), the connection
resolvers (made by `connection`) and the query compiler (`api.compiler.plan`,
through `read_of`) all read it there, so adding a field is a change in one place.
An entity type names its table with a `model` ClassVar (`table_of`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar, cast

import strawberry
from graphql import GraphQLField, GraphQLNamedType
from sqlalchemy import Table
from sqlmodel import SQLModel
from strawberry.types import get_object_definition

from api.context import Context
from api.loaders.listings import ROOT, C, Expr, Listing
from api.schema import pagination
from api.schema.pagination import After, Before, Connection, First, Last
from api.store import models

KEY = "quotegraph"  # the metadata key under which a field's `Read` is kept
T = TypeVar("T")
Info = strawberry.Info[Context, None]


@dataclass(frozen=True)
class Column:
    """A scalar read straight from a column of the row; `convert` makes the Python value."""

    name: str
    convert: Callable[[Any], object] | None = None


@dataclass(frozen=True)
class SpanOf:
    """A [start, end) pair of two columns of the row; null when either is null."""

    start: str
    end: str


@dataclass(frozen=True)
class SpanList:
    """A list of spans in a JSON column of {"start", "end"} objects; NULL is the one span
    of `start` and `end` (the columns of the row's own span)."""

    column: str
    start: str
    end: str


@dataclass(frozen=True)
class ObjectBy:
    """The row a foreign key column points at (of the field's type), or null."""

    foreign_key: str


@dataclass(frozen=True)
class Linked:
    """An unpaged list of related rows by name: through a link table (`owner` holds this
    row's id, `target` the related row's), or, without one, rows whose `owner` column holds
    this row's id (a place's children)."""

    owner: str
    through: type[SQLModel] | None = None
    target: str = "id"


@dataclass(frozen=True)
class Captions:
    """An article's photo captions: a JSON array column of {"text", "credit"} objects."""

    column: str


@dataclass(frozen=True)
class Aliases:
    """An actor's other names, alphabetically."""


@dataclass(frozen=True)
class Count(Generic[C]):
    """How many rows a listing has under this row."""

    listing: Listing[Any, C]
    criteria: C


@dataclass(frozen=True, eq=False)
class Distinct(Generic[C]):
    """The distinct values of `value` (an expression of the listing's select, NULL left
    out) on the rows `listing` (narrowed by `criteria`) has under this row, in the
    listing's order of first occurrence: a quote's publishers."""

    listing: Listing[Any, C]
    criteria: C
    value: Expr


@dataclass(frozen=True)
class Listed(Generic[C]):
    """A connection: a page of `listing`, narrowed by a `filter` input whose `criteria()`
    (given the `orderBy` argument when the listing has an `order`) are the listing's."""

    listing: Listing[Any, C]
    filter: type[Any]
    order: Enum | None = None  # the default of `orderBy`; None: no such argument

    def criteria_of(self, filter: object | None, order_by: Enum | None = None) -> C:
        """The listing's criteria for the resolver's (Python) arguments."""
        given: Any = self.filter() if filter is None else filter
        found: C = given.criteria() if self.order is None else given.criteria(order_by)
        return found

    def criteria_of_coerced(self, arguments: Mapping[str, Any]) -> C:
        """The same for arguments graphql-core coerced (GraphQL names, inputs as dicts):
        the filter becomes the input object a resolver would receive."""
        given = arguments.get("filter")
        filter = None if given is None else self.filter(**{_snake(k): v for k, v in given.items()})
        return self.criteria_of(filter, arguments.get("orderBy"))


@dataclass(frozen=True)
class ById:
    """One row of the field's type by its global id (`id:` argument), or null."""


@dataclass(frozen=True)
class AnyNode:
    """One row of any Node type by its global id (`node(id:)`)."""


@dataclass(frozen=True)
class GlobalId:
    """The row's global id (base64 of "Type:pk")."""


@dataclass(frozen=True)
class Aggregates:
    """A connection's measures over its whole list (the connection's `Listed` says which
    rows): an object whose fields read the measures row of `api.loaders.aggregates`."""


@dataclass(frozen=True)
class Grouped:
    """A connection's groups (`groupedAggregates(groupBy:, orderBy:, first:)`): a list of
    objects whose fields read the group rows of `api.loaders.aggregates`."""


@dataclass(frozen=True)
class Inline:
    """An object whose fields read the same row as its parent's (`distinctCount`)."""


@dataclass(frozen=True)
class GroupKeys:
    """A group's keys as text, one per `groupBy` entry (`api.schema.aggregates.key_text`)."""


Read = (
    Column | SpanOf | SpanList | ObjectBy | Linked | Captions | Aliases | Count[Any]
    | Distinct[Any] | Listed[Any] | ById | AnyNode | GlobalId | Aggregates | Grouped | Inline
    | GroupKeys
)
_READS = (
    Column, SpanOf, SpanList, ObjectBy, Linked, Captions, Aliases, Count, Distinct, Listed, ById,
    AnyNode, GlobalId, Aggregates, Grouped, Inline, GroupKeys,
)
# Lists of these rows are connections with more fields than a page: their aggregates.
# Any listing of statements (a quote's appearances, say) gets StatementConnection by
# itself, any listing of quotes QuoteConnection; a list of other rows gains aggregates
# with an entry here, its measures in `api.loaders.aggregates.MEASURES` and a subclass of
# `Connection` whose fields read `self._scope` (as api/schema/aggregates.py does).
_CONNECTIONS: dict[type[SQLModel], strawberry.LazyType[str, str]] = {
    models.Statement: strawberry.LazyType("StatementConnection", "api.schema.aggregates"),
    models.Quote: strawberry.LazyType("QuoteConnection", "api.schema.aggregates"),
}


def reads(read: Read) -> dict[str, Read]:
    """The Strawberry metadata of a field that reads `read`."""
    return {KEY: read}


def column(name: str, description: str, convert: Callable[[Any], object] | None = None) -> Any:
    """A field read from column `name` of the row (through `convert`, e.g. to an enum)."""
    return strawberry.field(description=description, metadata=reads(Column(name, convert)))


def span_of(start: str, end: str, description: str) -> Any:
    """A `Span` field read from the `start` and `end` columns of the row."""
    return strawberry.field(description=description, metadata=reads(SpanOf(start, end)))


def spans_column(column: str, start: str, end: str, description: str) -> Any:
    """A `[Span!]!` field read from a JSON column of spans (NULL: the one span of the
    `start` and `end` columns). `values_of` does not fill it: give it in `from_row`."""
    return strawberry.field(description=description, metadata=reads(SpanList(column, start, end)))


def connection(
    listing: Listing[Any, C],
    node: type[Any] | strawberry.LazyType[Any, Any],
    filter: type[Any],
    description: str,
    order: Enum | None = None,
) -> Any:
    """A connection field over `listing`, its rows made by `node.from_row` (a class, or a
    `strawberry.LazyType` where the class would be a circular import): arguments `filter`
    (an input with a `criteria()` method), `orderBy` (when `order`, its default, is
    given), `first`, `after`, `last`, `before`."""
    listed = Listed(listing, filter, order)
    wider = _CONNECTIONS.get(listing.entity)  # e.g. StatementConnection, with aggregates
    top = listing.source(listed.criteria_of(None, order)).parent is None

    async def resolve(self: Any, info: Info, **arguments: Any) -> Connection[Any]:
        found = arguments.get("filter"), arguments.get("order_by")
        page = arguments.get("first"), arguments.get("after"), arguments.get("last")
        rows = node.resolve_type() if isinstance(node, strawberry.LazyType) else node
        return await pagination.connection(
            info, listing, listed.criteria_of(*found), ROOT if top else self.pk,
            rows.from_row, *page, arguments.get("before"),
            make=Connection if wider is None else wider.resolve_type(),
        )

    returns: object = (
        Connection.__class_getitem__(node)  # type: ignore[attr-defined]
        if wider is None
        else wider
    )
    resolve.__signature__ = _signature(filter, order, returns)  # type: ignore[attr-defined]
    return strawberry.field(resolver=resolve, description=description, metadata=reads(listed))


def count(listing: Listing[Any, C], criteria: C, description: str) -> Any:
    """An Int field: how many rows `listing` (narrowed by `criteria`) has under this row."""

    async def resolve(self: Any, info: Info) -> int:
        return await info.context.loaders.count(listing, criteria).load(self.pk)

    return strawberry.field(
        resolver=resolve, description=description, metadata=reads(Count(listing, criteria))
    )


def distinct(listing: Listing[Any, C], criteria: C, value: Expr, description: str) -> Any:
    """A [String!]! field: the distinct values of `value` on the rows of `listing` under
    this row, in the listing's order of first occurrence (see `Distinct`)."""

    async def resolve(self: Any, info: Info) -> list[str]:
        found = await info.context.loaders.values(listing, criteria, value).load(self.pk)
        return [str(item) for item in found]

    read = Distinct(listing, criteria, value)
    return strawberry.field(resolver=resolve, description=description, metadata=reads(read))


def _signature(filter: type[Any], order: Enum | None, returns: object) -> inspect.Signature:
    """The connection resolver's parameters, in the order the schema lists its arguments."""
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [
        inspect.Parameter("self", keyword),
        inspect.Parameter("info", keyword, annotation=Info),
        inspect.Parameter("filter", keyword, default=None, annotation=filter | None),
    ]
    if order is not None:
        parameters.append(inspect.Parameter("order_by", keyword, default=order, annotation=type(order)))
    for name, annotation in (("first", First), ("after", After), ("last", Last), ("before", Before)):
        parameters.append(inspect.Parameter(name, keyword, default=None, annotation=annotation))
    return inspect.Signature(parameters, return_annotation=returns)


def values_of(kind: type[Any], row: object) -> dict[str, Any]:
    """The values of `kind`'s column and span fields for `row`, by Python name: the part
    of a `from_row` the catalogue already says."""
    values: dict[str, Any] = {}
    for field in get_object_definition(kind, strict=True).fields:
        read = field.metadata.get(KEY)
        if isinstance(read, Column):
            value = getattr(row, read.name)
            values[field.python_name] = value if read.convert is None else read.convert(value)
        elif isinstance(read, SpanOf):
            start, end = getattr(row, read.start), getattr(row, read.end)
            missing = start is None or end is None
            make = cast(Callable[..., object], getattr(field.type, "of_type", field.type))
            values[field.python_name] = None if missing else make(start=start, end=end)
        elif isinstance(read, SpanList):
            values[field.python_name] = _span_list(read, field.type, row)
    return values


def _span_list(read: SpanList, type_: object, row: object) -> list[object]:
    """The stored list of spans; none stored is the one span of the row's own columns."""
    make = cast(Callable[..., object], getattr(type_, "of_type", type_))
    stored = getattr(row, read.column)
    if not stored:
        return [make(start=getattr(row, read.start), end=getattr(row, read.end))]
    return [make(start=int(part["start"]), end=int(part["end"])) for part in stored]


def read_of(field: GraphQLField) -> Read | None:
    """What a field of the graphql-core schema reads, as its Strawberry field declares."""
    definition = (field.extensions or {}).get(_BACKREF)
    read = getattr(definition, "metadata", {}).get(KEY)
    return read if isinstance(read, _READS) else None


def table_of(type_: GraphQLNamedType) -> Table:
    """The table of an entity type (its `model` ClassVar); KeyError if it has none."""
    definition = (type_.extensions or {}).get(_BACKREF)
    model = getattr(getattr(definition, "origin", None), "model", None)
    if model is None:
        raise KeyError(f"{type_.name} names no table; give it a `model` ClassVar")
    table: Table = model.__table__
    return table


# Strawberry links each graphql-core type and field to its own definition under this key
# (GraphQLCoreConverter.DEFINITION_BACKREF); tests/schema/test_catalogue.py pins it.
_BACKREF = "strawberry-definition"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()

