"""The one walk over a validated GraphQL document that the limits (`api.schema.limits`:
depth, aliases, cost) and the query compiler (`api.compiler.plan`) share: fragments by
name, and the fields one object of a type gets, merged by response key as graphql-core's
executor merges them (inline fragments and spreads whose type condition applies)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
)

Fields = dict[str, list[FieldNode]]


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """The document's fragment definitions by name."""
    return {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }


def collect_fields(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode] | None,
    type_: GraphQLObjectType,
    selection_sets: Sequence[SelectionSetNode],
    included: Callable[[SelectionNode], bool] = lambda selection: True,
) -> Fields:
    """Fields by response key, in execution order, for one object of `type_`; `included`
    decides each selection (the compiler applies @skip/@include with it)."""
    fields: Fields = {}
    visited: set[str] = set()
    for selection_set in selection_sets:
        _collect_into(schema, fragments or {}, type_, selection_set, included, fields, visited)
    return fields


def _collect_into(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    type_: GraphQLObjectType,
    selection_set: SelectionSetNode,
    included: Callable[[SelectionNode], bool],
    fields: Fields,
    visited: set[str],
) -> None:
    for selection in selection_set.selections:
        if not included(selection):
            continue
        below: SelectionSetNode | None = None
        if isinstance(selection, FieldNode):
            fields.setdefault((selection.alias or selection.name).value, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if applies(schema, condition.name.value if condition else None, type_):
                below = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None and fragment.name.value not in visited:
                visited.add(fragment.name.value)
                if applies(schema, fragment.type_condition.name.value, type_):
                    below = fragment.selection_set
        if below is not None:
            _collect_into(schema, fragments, type_, below, included, fields, visited)


def applies(schema: GraphQLSchema, condition: str | None, type_: GraphQLObjectType) -> bool:
    """Whether a fragment on `condition` (None: no condition) applies to `type_` objects."""
    if condition is None or condition == type_.name:
        return True
    named = schema.get_type(condition)
    if not isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
        return False
    return schema.is_sub_type(named, type_) is True
