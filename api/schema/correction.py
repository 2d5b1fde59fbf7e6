"""Correction: one recorded human change, as `Statement.history`, `Actor.history` and
`Quote.history` list it."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import cast

import strawberry
from strawberry.scalars import JSON

from api.schema.node import to_global_id
from api.store import models

# Keys of `before`/`after` that hold primary keys, and the type each identifies (by
# action where it differs: a merge's source is of the merged type).
_ID_TYPES = {
    "speakerId": "Actor", "affiliationId": "Actor", "sourceId": "Actor", "quoteId": "Quote"
}
_ACTION_ID_TYPES = {"MERGE_QUOTES": {"sourceId": "Quote"}}


@strawberry.enum(description="What a correction did.")
class CorrectionAction(Enum):
    UPDATE_STATEMENT = "UPDATE_STATEMENT"
    DELETE_STATEMENT = "DELETE_STATEMENT"
    MERGE_ACTORS = "MERGE_ACTORS"
    SET_AFFILIATION = "SET_AFFILIATION"
    MERGE_QUOTES = "MERGE_QUOTES"
    DETACH_STATEMENT = "DETACH_STATEMENT"


@strawberry.type(description="A change a person made through a mutation, with who and when.")
class Correction:
    action: CorrectionAction = strawberry.field(description="Which mutation made it.")
    token_name: str | None = strawberry.field(
        description="The name of the API token that made it (QUOTEGRAPH_API_TOKENS)."
    )
    at: dt.datetime = strawberry.field(description="When it was made (UTC).")
    before: JSON = strawberry.field(
        description="The changed fields' values before, by input field name; ids are global ids."
    )
    after: JSON = strawberry.field(
        description="The changed fields' values after (for a merge: statements moved)."
    )

    @classmethod
    def from_row(cls, row: models.Correction) -> Correction:
        """The GraphQL view of a correction row."""
        return cls(
            action=CorrectionAction(row.action),
            token_name=row.token_name,
            at=row.created_at.astimezone(dt.UTC),
            before=cast(JSON, _public(row.before, row.action)),
            after=cast(JSON, _public(row.after, row.action)),
        )


def _public(values: dict[str, object], action: str) -> dict[str, object]:
    """Primary keys become the global ids clients use."""
    types = {**_ID_TYPES, **_ACTION_ID_TYPES.get(action, {})}
    return {
        key: to_global_id(types[key], value)
        if key in types and isinstance(value, int)
        else value
        for key, value in values.items()
    }
