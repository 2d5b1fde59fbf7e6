"""GraphQL enums: the shared vocabularies of `api.vocabulary`, and list orders."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.loaders.criteria import ArticleSort
from api.vocabulary import ActorKind, LocationKind, StatementKind

__all__ = ["ActorKind", "ArticleOrder", "LocationKind", "StatementKind"]

strawberry.enum(
    ActorKind,
    description="What sort of actor: PERSON, ORGANIZATION, GOVERNMENT, MEDIA, "
    "GROUP (e.g. 'rebels'), or UNNAMED (e.g. 'sources said').",
)
strawberry.enum(
    StatementKind,
    description="How a statement is reported: DIRECT (quoted verbatim), "
    "INDIRECT (reported speech), or MIXED (paraphrase with quoted words).",
)
strawberry.enum(
    LocationKind, description="What sort of place: COUNTRY, REGION, CITY, DISTRICT, OTHER."
)


@strawberry.enum(description="Orders of an article list; ties are broken by id.")
class ArticleOrder(Enum):
    PUBLISHED_AT_DESC = strawberry.enum_value(
        "PUBLISHED_AT_DESC", description="Newest first (the default); undated articles last."
    )
    PUBLISHED_AT_ASC = strawberry.enum_value(
        "PUBLISHED_AT_ASC", description="Oldest first; undated articles first."
    )
    TITLE_ASC = strawberry.enum_value("TITLE_ASC", description="By title, case-insensitively.")

    def sort(self) -> ArticleSort:
        """The loaders' name for this order."""
        return ArticleSort(self.value)
