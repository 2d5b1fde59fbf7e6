"""The catalogue as the compiler sees it: each field's `Read`, found through the
graphql-core schema Strawberry builds (a Strawberry upgrade that drops the link from a
graphql-core field to its Strawberry field fails here, not as silent fallbacks)."""

from __future__ import annotations

from graphql import GraphQLObjectType

from api.adapters.strawberry import graphql_schema
from api.loaders.listings import STATEMENTS_BY_SPEAKER
from api.schema import schema
from api.schema.catalogue import (
    Aliases,
    Column,
    GlobalId,
    Linked,
    ObjectBy,
    SpanOf,
    read_of,
    table_of,
)
from api.schema.enums import StatementKind
from api.store import models

# Fields only Strawberry answers: nothing in the catalogue says how to read them.
UNCATALOGUED = {
    "Actor": ["history"],
    "Statement": ["history"],
    "Location": ["latitude", "longitude"],
}


def _type(name: str) -> GraphQLObjectType:
    found = graphql_schema(schema).get_type(name)
    assert isinstance(found, GraphQLObjectType)
    return found


def test_fields_read_what_their_declaration_says() -> None:
    statement, actor = _type("Statement"), _type("Actor")
    assert read_of(statement.fields["text"]) == Column("text")
    assert read_of(statement.fields["kind"]) == Column("kind", StatementKind)
    assert read_of(statement.fields["speakerSpan"]) == SpanOf("speaker_start", "speaker_end")
    assert read_of(statement.fields["speaker"]) == ObjectBy("speaker_id")
    assert read_of(statement.fields["mentions"]) == Linked(
        "statement_id", models.StatementMention, "actor_id"
    )
    assert read_of(statement.fields["id"]) == GlobalId()
    assert read_of(actor.fields["aliases"]) == Aliases()
    count = read_of(actor.fields["statementCount"])
    assert getattr(count, "listing", None) is STATEMENTS_BY_SPEAKER
    listed = read_of(actor.fields["statements"])
    assert getattr(listed, "listing", None) is STATEMENTS_BY_SPEAKER


def test_only_the_named_fields_are_left_out_of_the_catalogue() -> None:
    missing = {
        name: [field for field, definition in _type(name).fields.items() if read_of(definition) is None]
        for name in ("Article", "Actor", "Statement", "Location")
    }
    assert {name: fields for name, fields in missing.items() if fields} == UNCATALOGUED


def test_entity_types_name_their_tables() -> None:
    names = [table_of(_type(name)).name for name in ("Article", "Actor", "Statement", "Location")]
    assert names == ["article", "actor", "statement", "location"]
