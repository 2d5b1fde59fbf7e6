"""What one operation may ask for, checked before it runs: tokens, depth, aliases and cost.

Cost is GitHub's node limit: the worst-case number of objects a query can return.
A connection returns its page size (`first` or `last`, else the default page) for
each of its parents, and a connection's groups (`groupedAggregates`) count like a page
of `first` rows (default 100, at most 1000); `search` returns `first`; `nodes(ids:)` as many as it is
given; other lists of objects (`locations`, `mentions`, `children`, `captions`)
count LIST_BOUND each; a single object counts 1. Sizes multiply down each path and
add up across it; fragments on different types of a union or interface count the
most expensive type. Introspection (`__schema`, `__type`) costs nothing: graphql-core's
MaxIntrospectionDepthRule bounds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableValues,
    get_argument_values,
    get_named_type,
    get_nullable_type,
    get_variable_values,
    is_leaf_type,
    is_list_type,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from api.adapters.strawberry import graphql_schema
from api.context import Context
from api.loaders.aggregates import DEFAULT_GROUPS, MAX_GROUPS
from api.schema import catalogue
from api.schema.document import collect_fields, fragments_of
from api.schema.errors import QUERY_TOO_COMPLEX
from api.schema.pagination import DEFAULT_PAGE, MAX_PAGE

LIST_BOUND = 20  # objects assumed for a list field without paging arguments


@dataclass(frozen=True)
class Limits:
    """The most one operation may ask for."""

    max_depth: int
    max_aliases: int
    max_tokens: int
    max_cost: int


class QueryTooComplex(GraphQLError):
    """An operation over a limit; names the figure, the limit and what to do."""

    def __init__(self, message: str, **figures: int) -> None:
        super().__init__(message, extensions={"code": QUERY_TOO_COMPLEX, **figures})


class RequestLimits(SchemaExtension):
    """Refuses operations over `limits` before they run; reports `extensions.cost`."""

    def __init__(self, *, limits: Limits, execution_context: ExecutionContext | None = None):
        self._limits = limits
        self._cost = 0

    def on_parse(self) -> Iterator[None]:
        # graphql-core's limit on tokens (comments excluded); Strawberry's ParseOptions
        # only types the older `max_tokens`, but passes every option through to parse().
        options = self.execution_context.parse_options
        options["max_lexical_tokens"] = self._limits.max_tokens  # type: ignore[typeddict-unknown-key]
        yield
        for error in self.execution_context.pre_execution_errors or []:
            if error.message.endswith("tokens. Parsing aborted."):
                error.message = (
                    f"The query has more than {self._limits.max_tokens:,} tokens; "
                    "send a shorter query (fewer fields, aliases or arguments)."
                )
                error.extensions = {"code": QUERY_TOO_COMPLEX, "maxTokens": self._limits.max_tokens}

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None  # on_execute runs only after a successful parse
        operation = get_operation_ast(document, context.operation_name)
        if operation is not None:  # else graphql-core reports the missing operation
            check_shape(self._limits, document, operation)
            self._check_cost(document, operation, context.variables or {})
        yield

    def _check_cost(
        self, document: DocumentNode, operation: OperationDefinitionNode, variables: dict[str, object]
    ) -> None:
        schema = graphql_schema(self.execution_context.schema)
        self._cost = query_cost(schema, document, operation, variables)
        if isinstance(self.execution_context.context, Context):
            self.execution_context.context.cost = self._cost  # for a response the timeout cut
        if self._cost > self._limits.max_cost:
            raise QueryTooComplex(
                f"The query could return up to {self._cost:,} objects; at most "
                f"{self._limits.max_cost:,} are allowed. Ask for smaller pages (`first`/`last`) "
                "or nest fewer lists.",
                cost=self._cost, maxCost=self._limits.max_cost,
            )

    def get_results(self) -> dict[str, object]:
        return {"cost": self._cost}


def check_shape(limits: Limits, document: DocumentNode, operation: OperationDefinitionNode) -> None:
    """QueryTooComplex if `operation` uses too many aliases or nests too deep."""
    aliases = count_aliases(document)
    if aliases > limits.max_aliases:
        raise QueryTooComplex(
            f"The query uses {aliases} aliases; at most {limits.max_aliases} are allowed. "
            "Split it into several queries.",
            aliases=aliases, maxAliases=limits.max_aliases,
        )
    depth = _depth(operation.selection_set, fragments_of(document), {})
    if depth > limits.max_depth:
        raise QueryTooComplex(
            f"The query nests {depth} levels deep; at most {limits.max_depth} are "
            "allowed. Nest less, or split it into several queries.",
            depth=depth, maxDepth=limits.max_depth,
        )


def count_aliases(document: DocumentNode) -> int:
    """Aliased fields anywhere in the document, fragments included."""
    return sum(
        _aliases(definition.selection_set)
        for definition in document.definitions
        if isinstance(definition, (OperationDefinitionNode, FragmentDefinitionNode))
    )


def _aliases(selection_set: SelectionSetNode | None) -> int:
    if selection_set is None:
        return 0
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and selection.alias is not None:
            count += 1
        if isinstance(selection, (FieldNode, InlineFragmentNode)):
            count += _aliases(selection.selection_set)
    return count


def _depth(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    memo: dict[str, int],
) -> int:
    """Levels of fields below `selection_set` (a leaf is one level); introspection skipped."""
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            below = selection.selection_set
            deepest = max(deepest, 1 + (_depth(below, fragments, memo) if below else 0))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, memo))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in memo and name in fragments:
                memo[name] = 0  # a cycle (refused by validation) must not recurse forever
                memo[name] = _depth(fragments[name].selection_set, fragments, memo)
            deepest = max(deepest, memo.get(name, 0))
    return deepest


@dataclass(frozen=True)
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: VariableValues | None
    # Cost is linear in the number of parent objects, so each (type, selections) pair
    # is costed once per one parent: fragments spread along many paths stay cheap.
    memo: dict[tuple[str, tuple[int, ...]], int] = field(default_factory=dict)


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, object],
) -> int:
    """The worst-case number of objects `operation` can return (module docstring)."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    walk = _Walk(
        schema, fragments_of(document), coerced if isinstance(coerced, VariableValues) else None
    )
    return _selections(walk, root, [operation.selection_set])


def _selections(walk: _Walk, parent: object, selection_sets: Sequence[SelectionSetNode]) -> int:
    """Cost below one object of type `parent` (of its most expensive concrete type)."""
    if not isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)):
        return 0
    key = (parent.name, tuple(id(s) for s in selection_sets))
    if key not in walk.memo:
        walk.memo[key] = 0  # a fragment cycle (refused by validation) must not recurse
        types = (
            walk.schema.get_possible_types(parent)
            if isinstance(parent, (GraphQLInterfaceType, GraphQLUnionType))
            else [parent]
        )
        walk.memo[key] = max(
            (
                sum(_field(walk, t, nodes) for nodes in _collect(walk, t, selection_sets).values())
                for t in types
            ),
            default=0,
        )
    return walk.memo[key]


def _collect(
    walk: _Walk, type_: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
) -> dict[str, list[FieldNode]]:
    """Fields by response key, as execution merges them, for objects of `type_`."""
    return collect_fields(walk.schema, walk.fragments, type_, selection_sets)


def _field(walk: _Walk, parent: GraphQLObjectType, nodes: list[FieldNode]) -> int:
    """Cost of one field of one `parent` object: the objects it returns and their fields."""
    name = nodes[0].name.value
    definition = parent.fields.get(name)
    if definition is None or name.startswith("__"):
        return 0
    named = get_named_type(definition.type)
    if is_leaf_type(named):
        return 0
    below = _unique(node.selection_set for node in nodes)
    arguments = _arguments(walk, definition, nodes[0])
    if isinstance(named, GraphQLObjectType) and _is_connection(named):
        last = arguments.get("last")
        page = _clamp(arguments.get("first") if last is None else last, DEFAULT_PAGE)
        inner = _connection(walk, named, below)
        return (0 if inner is None else page * (1 + inner)) + _whole_list(walk, named, below)
    rows = _list_size(definition, arguments) if is_list_type(get_nullable_type(definition.type)) else 1
    return rows * (1 + _selections(walk, named, below))


def _whole_list(walk: _Walk, connection: GraphQLObjectType, below: list[SelectionSetNode]) -> int:
    """Cost of a connection's fields over its whole list (aggregates, groups), once."""
    return sum(
        _field(walk, connection, nodes)
        for nodes in _collect(walk, connection, below).values()
        if nodes[0].name.value not in ("edges", "nodes", "pageInfo")
    )


def _connection(
    walk: _Walk, connection: GraphQLObjectType, below: list[SelectionSetNode]
) -> int | None:
    """Cost inside a connection, per row of its page (the rows themselves already counted);
    None when no page is asked for (only `totalCount`)."""
    cost = 0
    fields = _collect(walk, connection, below)
    if not {nodes[0].name.value for nodes in fields.values()} & {"edges", "nodes", "pageInfo"}:
        return None
    for nodes in fields.values():
        name = nodes[0].name.value
        inner = _unique(node.selection_set for node in nodes)
        if name == "nodes":
            cost += _selections(walk, get_named_type(connection.fields[name].type), inner)
        elif name == "edges":
            edge = get_named_type(connection.fields[name].type)
            assert isinstance(edge, GraphQLObjectType)
            for edge_nodes in _collect(walk, edge, inner).values():
                if edge_nodes[0].name.value == "node":
                    node_sets = _unique(n.selection_set for n in edge_nodes)
                    cost += _selections(walk, get_named_type(edge.fields["node"].type), node_sets)
    return cost


def _is_connection(named: GraphQLObjectType) -> bool:
    return {"edges", "pageInfo"}.issubset(named.fields)


def _list_size(definition: GraphQLField, arguments: dict[str, object]) -> int:
    ids = arguments.get("ids")
    if isinstance(ids, list):
        return len(ids)
    if isinstance(catalogue.read_of(definition), catalogue.Grouped):
        return _clamp(arguments.get("first"), DEFAULT_GROUPS, MAX_GROUPS)
    return _clamp(arguments.get("first"), LIST_BOUND)


def _clamp(size: object, default: int, most: int = MAX_PAGE) -> int:
    if not isinstance(size, int) or isinstance(size, bool):
        return default
    return min(max(size, 0), most)


def _arguments(walk: _Walk, definition: GraphQLField, node: FieldNode) -> dict[str, object]:
    if walk.variables is None and node.arguments and any(
        a.value.kind == "variable" for a in node.arguments
    ):
        return {}  # the variables do not coerce; execution reports that
    try:
        return get_argument_values(definition, node, walk.variables)
    except GraphQLError:
        return {}


def _unique(selection_sets: Iterable[SelectionSetNode | None]) -> list[SelectionSetNode]:
    """Each selection set once: a fragment spread many times is the same node."""
    unique: dict[int, SelectionSetNode] = {}
    for selection_set in selection_sets:
        if selection_set is not None:
            unique.setdefault(id(selection_set), selection_set)
    return list(unique.values())
