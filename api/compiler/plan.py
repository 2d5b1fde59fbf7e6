"""Plans: what a validated query asks for, as a tree the SQL builder walks.

A plan holds, per response key and in response order, what to read: a column, a
global id, a related row, a list, a connection page. Field merging, fragments and
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
    FragmentSpreadNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_directive_values

# The largest object the compiler builds: json_build_object takes at most 100 arguments.
MAX_KEYS = 50

# Scalars read straight from a row: (GraphQL type, field) -> column name.
COLUMNS: dict[tuple[str, str], str] = {
    ("Article", "title"): "title",
    ("Article", "standfirst"): "standfirst",
    ("Article", "publishedAt"): "published_at",
    ("Article", "publisher"): "publisher",
    ("Article", "url"): "url",
    ("Article", "readingTimeMinutes"): "reading_time_minutes",
    ("Article", "body"): "body",
    ("Article", "creditLine"): "credit_line",
    ("Article", "contentHash"): "content_hash",
    ("Actor", "name"): "name",
    ("Actor", "kind"): "kind",
    ("Actor", "title"): "title",
    ("Statement", "text"): "text",
    ("Statement", "kind"): "kind",
    ("Statement", "cue"): "cue",
    ("Statement", "speakerText"): "speaker_text",
    ("Location", "name"): "name",
    ("Location", "kind"): "kind",
    ("Location", "countryCode"): "country_code",
    ("Span", "start"): "start",
    ("Span", "end"): "end",
    ("Caption", "text"): "text",
    ("Caption", "credit"): "credit",
}
# Related rows by foreign key: (type, field) -> (related type, foreign key column).
OBJECTS: dict[tuple[str, str], tuple[str, str]] = {
    ("Statement", "speaker"): ("Actor", "speaker_id"),
    ("Statement", "medium"): ("Actor", "medium_id"),
    ("Statement", "article"): ("Article", "article_id"),
    ("Actor", "affiliation"): ("Actor", "affiliation_id"),
    ("Location", "parent"): ("Location", "parent_id"),
}
# Unpaged lists of related rows, by name: (type, field) -> related type.
LISTS: dict[tuple[str, str], str] = {
    ("Statement", "locations"): "Location",
    ("Statement", "mentions"): "Actor",
    ("Location", "children"): "Location",
}
# Start and end offsets: (type, field) -> their two columns.
SPANS = {
    ("Statement", "span"): ("start", "end"),
    ("Statement", "speakerSpan"): ("speaker_start", "speaker_end"),
}
# Lists of spans in a JSON column, NULL being the one span of two columns:
# (type, field) -> (JSON column, start column, end column).
SPAN_LISTS = {
    ("Statement", "parts"): ("parts", "start", "end"),
}
# Connections (their listings are in api.compiler.sql.LISTINGS).
CONNECTIONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("Query", "articles"),
        ("Query", "actors"),
        ("Query", "statements"),
        ("Query", "locations"),
        ("Article", "statements"),
        ("Article", "actors"),
        ("Article", "locations"),
        ("Actor", "statements"),
        ("Actor", "articles"),
        ("Actor", "members"),
        ("Location", "statements"),
        ("Location", "articles"),
    }
)
LOOKUPS = {
    ("Query", "article"): "Article",
    ("Query", "actor"): "Actor",
    ("Query", "statement"): "Statement",
    ("Query", "location"): "Location",
}
ENTITY_TYPES = ("Article", "Actor", "Statement", "Location")


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
    foreign_key: str
    fields: Selection


@dataclass(frozen=True, eq=False)
class Linked:
    """An unpaged list of related rows (a statement's locations, a place's children)."""

    key: str
    owner: str
    field: str
    type_name: str
    fields: Selection


@dataclass(frozen=True, eq=False)
class Captions:
    """An article's photo captions, in the order stored."""

    key: str
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
class StatementCount:
    """How many statements an actor made."""

    key: str


@dataclass(frozen=True, eq=False)
class Connection:
    """A page of a listing: `parts` are its fields (nodes, edges, pageInfo, totalCount)."""

    key: str
    owner: str
    field: str
    arguments: Arguments
    type_name: str  # of its rows
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
class Lookup:
    """`article(id:)` and its kin: one row by global id, or null."""

    key: str
    type_name: str
    arguments: Arguments
    fields: Selection


@dataclass(frozen=True, eq=False)
class NodeLookup:
    """`node(id:)`: the selection for each type an id can name."""

    key: str
    arguments: Arguments
    by_type: Mapping[str, Selection]


Field: TypeAlias = (
    Column | GlobalId | Constant | Span | Related | Linked | Captions | Parts | Aliases
    | StatementCount | Connection | Lookup | NodeLookup
)
Selection: TypeAlias = "tuple[Field, ...]"
Part: TypeAlias = Nodes | Edges | PageInfo | TotalCount | Constant
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
    """Fields by response key in execution order (graphql-core's collect_fields)."""
    fields: dict[str, list[FieldNode]] = {}
    visited: set[str] = set()
    for selection_set in selection_sets:
        _collect_into(walk, type_, selection_set, fields, visited)
    return fields


def _collect_into(
    walk: _Walk,
    type_: GraphQLObjectType,
    selection_set: SelectionSetNode,
    fields: dict[str, list[FieldNode]],
    visited: set[str],
) -> None:
    for selection in selection_set.selections:
        if not _included(walk, selection):
            continue
        if isinstance(selection, FieldNode):
            fields.setdefault((selection.alias or selection.name).value, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if _applies(walk, condition.name.value if condition else None, type_):
                _collect_into(walk, type_, selection.selection_set, fields, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if name in visited or fragment is None:
                continue
            visited.add(name)
            if _applies(walk, fragment.type_condition.name.value, type_):
                _collect_into(walk, type_, fragment.selection_set, fields, visited)


def _included(walk: _Walk, node: Any) -> bool:
    directives = node.directives or ()
    if any(d.name.value not in ("skip", "include") for d in directives):
        raise Unsupported("directives other than @skip and @include")
    skip = get_directive_values(GraphQLSkipDirective, node, walk.variables)
    if skip is not None and skip["if"] is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, walk.variables)
    return include is None or include["if"] is True


def _applies(walk: _Walk, condition: str | None, type_: GraphQLObjectType) -> bool:
    if condition is None or condition == type_.name:
        return True
    named = walk.schema.get_type(condition)
    return isinstance(named, GraphQLInterfaceType) and walk.schema.is_sub_type(named, type_)


def _below(walk: _Walk, type_: Any, nodes: list[FieldNode]) -> Selection:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        raise Unsupported(f"{named} is not an object type")
    return _selection(walk, named, [n.selection_set for n in nodes if n.selection_set])


def _field(walk: _Walk, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> Field:
    name = nodes[0].name.value
    at = (parent.name, name)
    if name == "__typename":
        return Constant(key, parent.name)
    definition = parent.fields.get(name)
    if definition is None or name.startswith("__"):
        raise Unsupported(f"{parent.name}.{name}")
    if name == "id" and parent.name in ENTITY_TYPES:
        return GlobalId(key, parent.name)
    if at in COLUMNS and not definition.args:
        return Column(key, COLUMNS[at])
    return _nested(walk, parent, key, nodes, definition)


def _nested(
    walk: _Walk,
    parent: GraphQLObjectType,
    key: str,
    nodes: list[FieldNode],
    definition: GraphQLField,
) -> Field:
    name = nodes[0].name.value
    at = (parent.name, name)
    if at in OBJECTS:
        return Related(key, OBJECTS[at][0], OBJECTS[at][1], _below(walk, definition.type, nodes))
    if at in SPANS:
        return Span(key, SPANS[at], _below(walk, definition.type, nodes))
    if at in LISTS:
        return Linked(key, parent.name, name, LISTS[at], _below(walk, definition.type, nodes))
    if at in SPAN_LISTS:
        return Parts(key, SPAN_LISTS[at], _below(walk, definition.type, nodes))
    if at == ("Article", "captions"):
        return Captions(key, _below(walk, definition.type, nodes))
    if at == ("Actor", "aliases"):
        return Aliases(key)
    if at == ("Actor", "statementCount"):
        return StatementCount(key)
    if at in CONNECTIONS:
        return _connection(walk, parent, key, nodes, definition)
    if at in LOOKUPS:
        arguments = Arguments(definition, nodes[0])
        return Lookup(key, LOOKUPS[at], arguments, _below(walk, definition.type, nodes))
    if at == ("Query", "node"):
        return _node_lookup(walk, key, nodes, definition)
    raise Unsupported(f"{parent.name}.{name}")


def _node_lookup(
    walk: _Walk, key: str, nodes: list[FieldNode], definition: GraphQLField
) -> NodeLookup:
    selection_sets = [n.selection_set for n in nodes if n.selection_set]
    by_type = {}
    for type_name in ENTITY_TYPES:
        type_ = walk.schema.get_type(type_name)
        assert isinstance(type_, GraphQLObjectType)
        by_type[type_name] = _selection(walk, type_, selection_sets)
    return NodeLookup(key, Arguments(definition, nodes[0]), by_type)


def _connection(
    walk: _Walk,
    parent: GraphQLObjectType,
    key: str,
    nodes: list[FieldNode],
    definition: GraphQLField,
) -> Connection:
    connection = get_named_type(definition.type)
    assert isinstance(connection, GraphQLObjectType)
    row_type = get_named_type(connection.fields["nodes"].type)
    assert isinstance(row_type, GraphQLObjectType)
    parts: list[Part] = []
    collected = _collect(walk, connection, [n.selection_set for n in nodes if n.selection_set])
    for part_key, part_nodes in collected.items():
        parts.append(_part(walk, connection, row_type, part_key, part_nodes))
    name = nodes[0].name.value
    arguments = Arguments(definition, nodes[0])
    return Connection(key, parent.name, name, arguments, row_type.name, tuple(parts))


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
