"""Plans: what a validated query asks for, as a tree the SQL builder walks.

A plan holds, per response key and in response order, what to read: a column, a
global id, a related row, a list, a connection page, as each field's catalogue entry
(`api.schema.catalogue`) says; a field without one is not compiled. Field merging, fragments and
@skip/@include are resolved here the way graphql-core's executor resolves them, so
the JSON the database builds has the keys, in the order, Strawberry would give.
Anything the compiler does not know raises `Unsupported`: that query runs through
Strawberry instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableValues,
    get_directive_values,
    get_named_type,
)
from sqlalchemy import Table

from api.schema import catalogue
from api.schema.document import collect_fields

# The largest object the compiler builds: json_build_object takes at most 100 arguments.
MAX_KEYS = 50

class Unsupported(Exception):
    """The query asks for something the compiler does not build: Strawberry runs it."""


@dataclass(frozen=True, eq=False)
class Arguments:
    """Where a field's arguments come from; coerced per request (they may be variables)."""

    definition: GraphQLField
    node: FieldNode


@dataclass(frozen=True, eq=False)
class Column:
    """A scalar column of the row."""

    key: str
    column: str


@dataclass(frozen=True, eq=False)
class GlobalId:
    """The row's global id (base64 of "Type:pk")."""

    key: str
    type_name: str


@dataclass(frozen=True, eq=False)
class Constant:
    """A value known from the plan alone: `__typename`."""

    key: str
    value: str


@dataclass(frozen=True, eq=False)
class Span:
    """A [start, end) pair of the row's columns; null when either is null."""

    key: str
    columns: tuple[str, str]
    fields: Selection


@dataclass(frozen=True, eq=False)
class Related:
    """The row a foreign key points at, or null."""

    key: str
    type_name: str
    table: Table
    foreign_key: str
    fields: Selection


@dataclass(frozen=True, eq=False)
class Linked:
    """An unpaged list of related rows (a statement's locations, a place's children)."""

    key: str
    link: catalogue.Linked
    type_name: str
    table: Table
    fields: Selection


@dataclass(frozen=True, eq=False)
class Captions:
    """An article's photo captions, in the order stored."""

    key: str
    column: str
    fields: Selection


@dataclass(frozen=True, eq=False)
class Parts:
    """A statement's parts, in order: the stored list, else its one span."""

    key: str
    columns: tuple[str, str, str]  # the parts column, then the span's start and end
    fields: Selection


@dataclass(frozen=True, eq=False)
class Aliases:
    """An actor's other names, alphabetically."""

    key: str


@dataclass(frozen=True, eq=False)
class Count:
    """How many rows a listing has under the row (an actor's statementCount)."""

    key: str
    count: catalogue.Count[Any]


@dataclass(frozen=True, eq=False)
class Distinct:
    """The distinct values of an expression over a listing's rows under the row, in the
    listing's order of first occurrence (a quote's publishers)."""

    key: str
    distinct: catalogue.Distinct[Any]


@dataclass(frozen=True, eq=False)
class Connection:
    """A page of a listing: `parts` are its fields (nodes, edges, pageInfo, totalCount)."""

    key: str
    listed: catalogue.Listed[Any]
    arguments: Arguments
    type_name: str  # of its rows
    table: Table
    parts: tuple[Part, ...]


@dataclass(frozen=True, eq=False)
class Nodes:
    key: str
    fields: Selection


@dataclass(frozen=True, eq=False)
class Edges:
    key: str
    fields: tuple[EdgeField, ...]


@dataclass(frozen=True, eq=False)
class EdgeNode:
    key: str
    fields: Selection


@dataclass(frozen=True, eq=False)
class EdgeCursor:
    key: str


@dataclass(frozen=True, eq=False)
class PageInfo:
    key: str
    fields: tuple[PageInfoField, ...]


@dataclass(frozen=True, eq=False)
class PageInfoField:
    key: str
    name: str  # hasNextPage, hasPreviousPage, startCursor, endCursor


@dataclass(frozen=True, eq=False)
class TotalCount:
    key: str


@dataclass(frozen=True, eq=False)
class Aggregates:
    """A connection's measures over its whole list (`aggregates`)."""

    key: str
    type_name: str
    fields: Selection


@dataclass(frozen=True, eq=False)
class Groups:
    """A connection's groups (`groupedAggregates`): its arguments say which."""

    key: str
    arguments: Arguments
    type_name: str
    fields: Selection


@dataclass(frozen=True, eq=False)
class Inline:
    """An object of fields read from its parent's row (`distinctCount`)."""

    key: str
    type_name: str
    fields: Selection


@dataclass(frozen=True, eq=False)
class Keys:
    """A group's keys as text, in `groupBy` order."""

    key: str


@dataclass(frozen=True, eq=False)
class Lookup:
    """`article(id:)` and its kin: one row by global id, or null."""

    key: str
    type_name: str
    table: Table
    arguments: Arguments
    fields: Selection


@dataclass(frozen=True, eq=False)
class NodeLookup:
    """`node(id:)`: the selection (and table) for each type an id can name."""

    key: str
    arguments: Arguments
    by_type: Mapping[str, tuple[Table, Selection]]


Field: TypeAlias = (
    Column | GlobalId | Constant | Span | Related | Linked | Captions | Parts | Aliases | Count
    | Distinct | Connection | Lookup | NodeLookup | Inline | Keys
)
Selection: TypeAlias = "tuple[Field, ...]"
Part: TypeAlias = Nodes | Edges | PageInfo | TotalCount | Constant | Aggregates | Groups
EdgeField: TypeAlias = EdgeNode | EdgeCursor | Constant


@dataclass(frozen=True, eq=False)
class Plan:
    """The root fields of one query operation."""

    fields: Selection


@dataclass(frozen=True)
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: VariableValues


def build_plan(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues,
) -> Plan:
    """The plan of a validated query `operation`; Unsupported if any part is not compiled.

    `variables` decide @skip/@include only: the caller keys cached plans by those values.
    """
    root = schema.query_type
    if operation.operation.value != "query" or root is None:
        raise Unsupported("only queries are compiled")
    walk = _Walk(schema, fragments, variables)
    return Plan(_selection(walk, root, [operation.selection_set]))


def directive_variables(nodes: Sequence[Any]) -> tuple[str, ...]:
    """Names of the variables @skip/@include use anywhere in `nodes` (document definitions)."""
    names: list[str] = []

    def visit(node: Any) -> None:
        for directive in getattr(node, "directives", None) or ():
            for argument in directive.arguments:
                if argument.value.kind == "variable" and argument.value.name.value not in names:
                    names.append(argument.value.name.value)
        selection_set = getattr(node, "selection_set", None)
        for selection in selection_set.selections if selection_set else ():
            visit(selection)

    for node in nodes:
        visit(node)
    return tuple(names)


def _selection(
    walk: _Walk, type_: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
) -> Selection:
    collected = _collect(walk, type_, selection_sets)
    if len(collected) > MAX_KEYS:
        raise Unsupported(f"more than {MAX_KEYS} fields in one object")
    return tuple(_field(walk, type_, key, nodes) for key, nodes in collected.items())


def _collect(
    walk: _Walk, type_: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
) -> dict[str, list[FieldNode]]:
    """Fields by response key in execution order, @skip/@include applied."""
    return collect_fields(
        walk.schema, walk.fragments, type_, selection_sets, lambda node: _included(walk, node)
    )


def _included(walk: _Walk, node: Any) -> bool:
    directives = node.directives or ()
    if any(d.name.value not in ("skip", "include") for d in directives):
        raise Unsupported("directives other than @skip and @include")
    skip = get_directive_values(GraphQLSkipDirective, node, walk.variables)
    if skip is not None and skip["if"] is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, walk.variables)
    return include is None or include["if"] is True


def _below(walk: _Walk, type_: Any, nodes: list[FieldNode]) -> Selection:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        raise Unsupported(f"{named} is not an object type")
    return _selection(walk, named, [n.selection_set for n in nodes if n.selection_set])


def _field(walk: _Walk, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> Field:
    name = nodes[0].name.value
    if name == "__typename":
        return Constant(key, parent.name)
    definition = parent.fields.get(name)
    read = None if definition is None else catalogue.read_of(definition)
    if definition is None or read is None:
        raise Unsupported(f"{parent.name}.{name}: the catalogue says nothing of it")
    if isinstance(read, catalogue.GlobalId):
        return GlobalId(key, parent.name)
    if isinstance(read, catalogue.Column):
        return Column(key, read.name)
    if isinstance(read, catalogue.Aliases):
        return Aliases(key)
    if isinstance(read, catalogue.GroupKeys):
        return Keys(key)
    if isinstance(read, catalogue.Count):
        return Count(key, read)
    if isinstance(read, catalogue.Distinct):
        return Distinct(key, read)
    if isinstance(read, catalogue.Listed):
        return _connection(walk, key, nodes, definition, read)
    if isinstance(read, (catalogue.AnyNode, catalogue.ById)):
        return _lookup(walk, key, nodes, definition, read)
    return _nested(walk, key, nodes, definition, read)


def _nested(
    walk: _Walk, key: str, nodes: list[FieldNode], definition: GraphQLField, read: catalogue.Read
) -> Field:
    """A field whose value is built from the fields selected below it."""
    below = _below(walk, definition.type, nodes)
    if isinstance(read, catalogue.SpanOf):
        return Span(key, (read.start, read.end), below)
    if isinstance(read, catalogue.Captions):
        return Captions(key, read.column, below)
    if isinstance(read, catalogue.SpanList):
        return Parts(key, (read.column, read.start, read.end), below)
    named = get_named_type(definition.type)
    if isinstance(read, catalogue.Inline):
        return Inline(key, named.name, below)
    if isinstance(read, catalogue.ObjectBy):
        return Related(key, named.name, catalogue.table_of(named), read.foreign_key, below)
    if isinstance(read, catalogue.Linked):
        return Linked(key, read, named.name, catalogue.table_of(named), below)
    raise Unsupported(f"{type(read).__name__} fields are not compiled")


def _lookup(
    walk: _Walk,
    key: str,
    nodes: list[FieldNode],
    definition: GraphQLField,
    read: catalogue.AnyNode | catalogue.ById,
) -> Lookup | NodeLookup:
    arguments = Arguments(definition, nodes[0])
    named = get_named_type(definition.type)
    if isinstance(read, catalogue.ById):
        below = _below(walk, definition.type, nodes)
        return Lookup(key, named.name, catalogue.table_of(named), arguments, below)
    assert isinstance(named, GraphQLInterfaceType)
    selection_sets = [n.selection_set for n in nodes if n.selection_set]
    by_type = {
        type_.name: (catalogue.table_of(type_), _selection(walk, type_, selection_sets))
        for type_ in walk.schema.get_possible_types(named)
    }
    return NodeLookup(key, arguments, by_type)


def _connection(
    walk: _Walk,
    key: str,
    nodes: list[FieldNode],
    definition: GraphQLField,
    listed: catalogue.Listed[Any],
) -> Connection:
    connection = get_named_type(definition.type)
    assert isinstance(connection, GraphQLObjectType)
    row_type = get_named_type(connection.fields["nodes"].type)
    assert isinstance(row_type, GraphQLObjectType)
    parts: list[Part] = []
    collected = _collect(walk, connection, [n.selection_set for n in nodes if n.selection_set])
    for part_key, part_nodes in collected.items():
        parts.append(_part(walk, connection, row_type, part_key, part_nodes))
    arguments = Arguments(definition, nodes[0])
    table = catalogue.table_of(row_type)
    return Connection(key, listed, arguments, row_type.name, table, tuple(parts))


def _part(
    walk: _Walk,
    connection: GraphQLObjectType,
    row_type: GraphQLObjectType,
    key: str,
    nodes: list[FieldNode],
) -> Part:
    name = nodes[0].name.value
    sets = [n.selection_set for n in nodes if n.selection_set]
    if name == "__typename":
        return Constant(key, connection.name)
    if name == "nodes":
        return Nodes(key, _selection(walk, row_type, sets))
    if name == "totalCount":
        return TotalCount(key)
    if name == "pageInfo":
        page_info = get_named_type(connection.fields["pageInfo"].type)
        assert isinstance(page_info, GraphQLObjectType)
        fields = _collect(walk, page_info, sets)
        return PageInfo(key, tuple(_page_info_field(page_info, k, v) for k, v in fields.items()))
    if name == "edges":
        edge = get_named_type(connection.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        return _edges(walk, edge, row_type, key, sets)
    return _measured(walk, connection, key, nodes)


def _measured(
    walk: _Walk, connection: GraphQLObjectType, key: str, nodes: list[FieldNode]
) -> Aggregates | Groups:
    """A connection's `aggregates` or `groupedAggregates`, as the catalogue declares them."""
    name = nodes[0].name.value
    definition = connection.fields[name]
    read = catalogue.read_of(definition)
    named = get_named_type(definition.type)
    if isinstance(read, catalogue.Aggregates):
        return Aggregates(key, named.name, _below(walk, definition.type, nodes))
    if isinstance(read, catalogue.Grouped):
        below = _below(walk, definition.type, nodes)
        return Groups(key, Arguments(definition, nodes[0]), named.name, below)
    raise Unsupported(f"{connection.name}.{name}")


def _page_info_field(
    page_info: GraphQLObjectType, key: str, nodes: list[FieldNode]
) -> PageInfoField:
    name = nodes[0].name.value
    if name == "__typename":
        return PageInfoField(key, "__typename")
    if name not in ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor"):
        raise Unsupported(f"PageInfo.{name}")
    return PageInfoField(key, name)


def _edges(
    walk: _Walk,
    edge: GraphQLObjectType,
    row_type: GraphQLObjectType,
    key: str,
    sets: list[SelectionSetNode],
) -> Edges:
    fields: list[EdgeField] = []
    for edge_key, edge_nodes in _collect(walk, edge, sets).items():
        name = edge_nodes[0].name.value
        if name == "cursor":
            fields.append(EdgeCursor(edge_key))
        elif name == "node":
            inner = [n.selection_set for n in edge_nodes if n.selection_set]
            fields.append(EdgeNode(edge_key, _selection(walk, row_type, inner)))
        elif name == "__typename":
            fields.append(Constant(edge_key, edge.name))
        else:
            raise Unsupported(f"{edge.name}.{name}")
    return Edges(key, tuple(fields))
