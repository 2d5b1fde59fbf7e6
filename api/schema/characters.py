"""Characters no string argument may carry into a query: NUL (PostgreSQL's text
cannot hold it; SQLite would compare it silently) and lone surrogates (no encoding
can store them). One check for every argument of an operation, literal or through a
variable, before anything runs; both the resolvers (`CharacterCheck`) and the SQL
compiler (`refused_character`) ask it.

Mutations may carry NUL: what an ingested article holds is the ingest path's to
refuse or clean, field by field, with a `ValidationError` naming it. Lone
surrogates are refused in every operation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from api.characters import NUL, refused_at
from api.schema.errors import BAD_USER_INPUT


@dataclass(frozen=True)
class _Where:
    """An argument, as the client wrote it: `field(argument.path)`, maybe via `$variable`."""

    field: str
    argument: str
    variable: str | None = None

    def named(self) -> str:
        through = f" (given in ${self.variable})" if self.variable else ""
        return f"The argument `{self.argument}` of `{self.field}`{through}"


def refused_character(
    document: DocumentNode, operation: OperationDefinitionNode, variables: Mapping[str, object]
) -> GraphQLError | None:
    """A BAD_USER_INPUT error for the first argument of `operation` holding a character
    it may not (module docstring), naming the argument and the character's offset;
    None if every argument is clean."""
    allow_nul = operation.operation == OperationType.MUTATION
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    for where, value in _strings(operation, fragments, variables):
        found = refused_at(value, allow_nul)
        if found is not None:
            return _error(where, *found)
    return None


class CharacterCheck(SchemaExtension):
    """Refuses an operation whose arguments hold NUL or lone surrogates before it runs."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None:
            refused = refused_character(document, operation, context.variables or {})
            if refused is not None:
                raise refused
        yield


def _strings(
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, object],
) -> Iterator[tuple[_Where, str]]:
    """Every string each argument receives, with where it is."""
    used: dict[str, _Where] = {}
    for field, argument in _arguments(operation.selection_set, fragments, set()):
        name = argument.name.value
        yield from _literal(argument.value, _Where(field, name), used)
    for definition in operation.variable_definitions or ():
        variable = definition.variable.name.value
        where = used.get(variable, _Where(operation.name.value if operation.name else "query",
                                          f"${variable}"))
        if variable in variables:
            yield from _given(variables[variable], where, "")
        elif definition.default_value is not None:
            yield from _literal(definition.default_value, where, {})


def _arguments(
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    visited: set[str],
) -> Iterator[tuple[str, ArgumentNode]]:
    """(field name, argument) for every field and directive below `selection_set`."""
    for selection in selection_set.selections:
        for directive in selection.directives or ():
            for argument in directive.arguments or ():
                yield f"@{directive.name.value}", argument
        if isinstance(selection, FieldNode):
            for argument in selection.arguments or ():
                yield selection.name.value, argument
            if selection.selection_set is not None:
                yield from _arguments(selection.selection_set, fragments, visited)
        elif isinstance(selection, InlineFragmentNode):
            yield from _arguments(selection.selection_set, fragments, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in visited and name in fragments:
                visited.add(name)
                yield from _arguments(fragments[name].selection_set, fragments, visited)


def _literal(
    value: ValueNode, where: _Where, used: dict[str, _Where]
) -> Iterator[tuple[_Where, str]]:
    """Strings written in the query; variables met are noted in `used` (first use)."""
    if isinstance(value, StringValueNode):
        yield where, value.value
    elif isinstance(value, ListValueNode):
        for index, item in enumerate(value.values):
            yield from _literal(item, _Where(where.field, f"{where.argument}[{index}]"), used)
    elif isinstance(value, ObjectValueNode):
        for entry in value.fields:
            path = f"{where.argument}.{entry.name.value}"
            yield from _literal(entry.value, _Where(where.field, path), used)
    elif isinstance(value, VariableNode):
        used.setdefault(value.name.value, _Where(where.field, where.argument, value.name.value))


def _given(value: object, where: _Where, path: str) -> Iterator[tuple[_Where, str]]:
    """Strings in a variable's value as sent; `path` inside it (`.search`, `[2]`)."""
    if isinstance(value, str):
        variable = f"{where.variable or ''}{path}" if where.variable else None
        yield _Where(where.field, where.argument, variable), value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _given(item, where, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _given(item, where, f"{path}[{index}]")


def _error(where: _Where, offset: int, character: str) -> GraphQLError:
    if character == NUL:
        what, why = "a NUL character (U+0000)", "stored text cannot hold NUL; remove it"
    else:
        what = f"a lone surrogate (U+{ord(character):04X})"
        why = "it is half of a UTF-16 pair, not a character; send the whole character"
    return GraphQLError(
        f"{where.named()} holds {what} at offset {offset:,}; {why}.",
        extensions={"code": BAD_USER_INPUT, "argument": where.argument, "offset": offset},
    )
