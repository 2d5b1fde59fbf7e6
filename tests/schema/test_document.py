"""The shared document walk: fields merged by response key, as the executor merges them."""

from __future__ import annotations

from graphql import GraphQLObjectType, OperationDefinitionNode, parse

from api.schema import schema
from api.schema.document import collect_fields, fragments_of

QUERY = """{ node(id: "x") { id ...named ... on Statement { text } ... on Actor { n: name title } } }
fragment named on Actor { name ...named }"""


def _fields_for(type_name: str, skip: str | None = None) -> dict[str, list[str]]:
    graphql_schema = schema._schema  # noqa: SLF001 (Strawberry has no public accessor)
    document = parse(QUERY)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    node = operation.selection_set.selections[0]
    type_ = graphql_schema.get_type(type_name)
    assert isinstance(type_, GraphQLObjectType)
    sets = [node.selection_set] if node.selection_set else []  # type: ignore[attr-defined]
    fields = collect_fields(
        graphql_schema, fragments_of(document), type_, sets,
        lambda selection: skip is None
        or getattr(getattr(selection, "name", None), "value", None) != skip,
    )
    return {key: [field.name.value for field in nodes] for key, nodes in fields.items()}


def test_fragments_apply_by_type_and_merge_by_response_key() -> None:
    assert _fields_for("Actor") == {"id": ["id"], "name": ["name"], "n": ["name"], "title": ["title"]}
    assert _fields_for("Statement") == {"id": ["id"], "text": ["text"]}


def test_a_selection_left_out_takes_its_fields_with_it() -> None:
    assert _fields_for("Actor", skip="named") == {"id": ["id"], "n": ["name"], "title": ["title"]}
