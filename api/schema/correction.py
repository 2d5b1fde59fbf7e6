"""Correction: one recorded human change, as `Statement.history` and `Actor.history` list it."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import cast

import strawberry
from strawberry.scalars import JSON

from api.schema.node import to_global_id
from api.store import models

# Keys of `before`/`after` that hold primary keys, and the type each identifies.
_ID_TYPES = {"speakerId": "Actor", "affiliationId": "Actor", "sourceId": "Actor"}


@strawberry.enum(description="What a correction did.")
class CorrectionAction(Enum):
    UPDATE_STATEMENT = "UPDATE_STATEMENT"
    DELETE_STATEMENT = "DELETE_STATEMENT"
    MERGE_ACTORS = "MERGE_ACTORS"
    SET_AFFILIATION = "SET_AFFILIATION"


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
            before=cast(JSON, _public(row.before)),
            after=cast(JSON, _public(row.after)),
        )


def _public(values: dict[str, object]) -> dict[str, object]:
    """Primary keys become the global ids clients use."""
    return {
        key: to_global_id(_ID_TYPES[key], value)
        if key in _ID_TYPES and isinstance(value, int)
        else value
        for key, value in values.items()
    }
