"""Filter inputs; each turns into the loaders' hashable criteria, ids decoded."""

from __future__ import annotations

import datetime as dt

import strawberry

from api.loaders.criteria import (
    ActorCriteria,
    ArticleCriteria,
    LocationCriteria,
    QuoteCriteria,
    StatementCriteria,
)
from api.schema.enums import (
    ActorKind,
    AppearanceOrder,
    ArticleOrder,
    LocationKind,
    QuoteOrder,
    StatementKind,
)
from api.schema.errors import InvalidArgument
from api.schema.node import pk_of

MAX_TEXT_ARGUMENT = 1000  # characters; SQLite refuses LIKE patterns past 50 kB


def text_argument(value: str | None, name: str) -> str | None:
    """A free-text argument as given; InvalidArgument if it is longer than
    MAX_TEXT_ARGUMENT. (NUL never gets here: api.schema.characters refuses it in any
    argument of a query.)"""
    if value is not None and len(value) > MAX_TEXT_ARGUMENT:
        raise InvalidArgument(
            f"`{name}` is {len(value)} characters long; at most {MAX_TEXT_ARGUMENT} are allowed"
        )
    return value


def _words(search: str | None) -> tuple[str, ...]:
    search = text_argument(search, "search")
    return tuple(search.split()) if search else ()


def _pk(global_id: strawberry.ID | None, type_name: str) -> int | None:
    return None if global_id is None else pk_of(global_id, type_name)


_SEARCH = (
    "Every word begins a word of the statement text, case-insensitively: 'terror' "
    "finds 'Terrorists'. Words split at anything but letters and digits, in the "
    "search and the text alike ('al-Hamawi' needs 'al' and 'Hamawi'); a one-character "
    "word must be a whole word (the s of \"Lavrov's\"); accents count ('cafe' does "
    "not find 'café'). A search with no letter or digit matches nothing; an empty one "
    "is no filter."
)


@strawberry.input(description="Narrows a statement list; every given field must match.")
class StatementFilter:
    speaker_id: strawberry.ID | None = strawberry.field(
        default=None, description="Said by this Actor."
    )
    location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Mentions this Location."
    )
    article_id: strawberry.ID | None = strawberry.field(
        default=None, description="In this Article."
    )
    kind: StatementKind | None = strawberry.field(default=None, description="Of this kind.")
    search: str | None = strawberry.field(default=None, description=_SEARCH)
    published_from: dt.date | None = strawberry.field(
        default=None, description="In an article published on or after this date."
    )
    published_to: dt.date | None = strawberry.field(
        default=None, description="In an article published on or before this date."
    )

    def criteria(self, order: AppearanceOrder | None = None) -> StatementCriteria:
        """The loaders' criteria (`order`: of a list that offers one, a quote's
        appearances); InvalidArgument for an id of the wrong type."""
        return StatementCriteria(
            speaker_id=_pk(self.speaker_id, "Actor"),
            location_id=_pk(self.location_id, "Location"),
            article_id=_pk(self.article_id, "Article"),
            kind=self.kind.value if self.kind else None,
            words=_words(self.search),
            published_from=self.published_from,
            published_to=self.published_to,
            order=None if order is None else order.sort(),
        )


@strawberry.input(description="Narrows a quote list; every given field must match.")
class QuoteFilter:
    speaker_id: strawberry.ID | None = strawberry.field(
        default=None, description="Said by this Actor (the quote's `speaker`)."
    )
    search: str | None = strawberry.field(
        default=None,
        description="One of the quote's appearances matches, as in StatementFilter. " + _SEARCH,
    )
    seen_from: dt.date | None = strawberry.field(
        default=None, description="First seen on or after this date (undated quotes never)."
    )
    seen_to: dt.date | None = strawberry.field(
        default=None, description="First seen on or before this date (undated quotes never)."
    )

    def criteria(self, order: QuoteOrder | None = None) -> QuoteCriteria:
        """The loaders' criteria; InvalidArgument for an id of the wrong type."""
        return QuoteCriteria(
            speaker_id=_pk(self.speaker_id, "Actor"),
            words=_words(self.search),
            seen_from=self.seen_from,
            seen_to=self.seen_to,
            order=(order or QuoteOrder.APPEARANCES_DESC).sort(),
        )


@strawberry.input(description="Narrows the statements a subscription receives.")
class StatementAddedFilter:
    speaker_id: strawberry.ID | None = strawberry.field(
        default=None, description="Said by this Actor."
    )
    location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Mentions this Location."
    )

    def criteria(self) -> StatementCriteria:
        """The criteria to match new statements against; InvalidArgument for an id of
        the wrong type."""
        return StatementCriteria(
            speaker_id=_pk(self.speaker_id, "Actor"),
            location_id=_pk(self.location_id, "Location"),
        )


@strawberry.input(description="Narrows an article list; every given field must match.")
class ArticleFilter:
    search: str | None = strawberry.field(
        default=None,
        description="Every word occurs in the title, standfirst or body (case-insensitive).",
    )
    publisher: str | None = strawberry.field(
        default=None, description="Published by this publisher (exact name, any case)."
    )
    published_from: dt.date | None = strawberry.field(
        default=None, description="Published on or after this date."
    )
    published_to: dt.date | None = strawberry.field(
        default=None, description="Published on or before this date."
    )
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Mentions this Actor."
    )
    location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Mentions this Location."
    )

    def criteria(self, order: ArticleOrder | None = None) -> ArticleCriteria:
        """The loaders' criteria; InvalidArgument for an id of the wrong type."""
        return ArticleCriteria(
            words=_words(self.search),
            publisher=self.publisher,
            published_from=self.published_from,
            published_to=self.published_to,
            actor_id=_pk(self.actor_id, "Actor"),
            location_id=_pk(self.location_id, "Location"),
            order=(order or ArticleOrder.PUBLISHED_AT_DESC).sort(),
        )


@strawberry.input(description="Narrows an actor list.")
class ActorFilter:
    search: str | None = strawberry.field(
        default=None, description="Part of a name or alias, case-insensitive ('lavrov')."
    )
    kind: ActorKind | None = strawberry.field(default=None, description="Of this kind.")

    def criteria(self) -> ActorCriteria:
        """The loaders' criteria."""
        return ActorCriteria(
            search=text_argument(self.search, "search"),
            kind=self.kind.value if self.kind else None,
        )


@strawberry.input(description="Narrows a location list.")
class LocationFilter:
    search: str | None = strawberry.field(
        default=None, description="Part of the name, case-insensitive."
    )
    kind: LocationKind | None = strawberry.field(default=None, description="Of this kind.")
    country_code: str | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 country code, e.g. 'SY'."
    )

    def criteria(self) -> LocationCriteria:
        """The loaders' criteria."""
        return LocationCriteria(
            search=text_argument(self.search, "search"),
            kind=self.kind.value if self.kind else None,
            country_code=text_argument(self.country_code, "countryCode"),
        )

