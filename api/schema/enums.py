"""GraphQL enums: the shared vocabularies of `api.vocabulary`, and list orders."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.loaders.criteria import ArticleSort, QuoteSort, StatementSort
from api.vocabulary import ActorKind, LocationKind, StatementKind

__all__ = [
    "ActorKind", "AppearanceOrder", "ArticleOrder", "LocationKind", "QuoteOrder", "StatementKind"
]

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


@strawberry.enum(description="Orders of a quote list; ties are broken by id (older quotes first).")
class QuoteOrder(Enum):
    APPEARANCES_DESC = strawberry.enum_value(
        "APPEARANCES_DESC", description="Most reported first (the default): by `appearanceCount`."
    )
    FIRST_SEEN_ASC = strawberry.enum_value(
        "FIRST_SEEN_ASC", description="Earliest first seen first; undated quotes last."
    )
    FIRST_SEEN_DESC = strawberry.enum_value(
        "FIRST_SEEN_DESC", description="Latest first seen first; undated quotes last."
    )

    def sort(self) -> QuoteSort:
        """The loaders' name for this order."""
        return QuoteSort(self.value)


@strawberry.enum(description="Orders of a quote's appearances.")
class AppearanceOrder(Enum):
    FIRST_SEEN_ASC = strawberry.enum_value(
        "FIRST_SEEN_ASC",
        description="As first seen (the default): oldest article first, undated articles "
        "last, then by article, then in reading order. The first is `Quote.firstSeen`.",
    )
    PUBLISHED_AT_DESC = strawberry.enum_value(
        "PUBLISHED_AT_DESC",
        description="As the other statement lists: newest articles first (undated last), "
        "then in reading order.",
    )

    def sort(self) -> StatementSort:
        """The loaders' name for this order."""
        return StatementSort(self.value)
