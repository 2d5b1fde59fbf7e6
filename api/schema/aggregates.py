"""Aggregates on statement and quote lists, after PostGraphile's `@graphile/pg-aggregates`:
`aggregates { count distinctCount { ... } }` over the whole filtered list and
`groupedAggregates(groupBy: [...]) { keys count ... }` per group (docs/api.md, Aggregates).

`StatementConnection` is the connection of every statement list and `QuoteConnection` of
every quote list (`catalogue.connection` gives them to any listing of those rows); the
rows they measure are built in `api.loaders.aggregates`, and each field here says in the
catalogue which column of those rows it reads, for the resolvers and the query compiler
alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import Enum
from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.context import Context
from api.loaders.aggregates import (
    DEFAULT_GROUPS,
    KEYS,
    MAX_GROUPS,
    AnyKey,
    GroupBy,
    Grouping,
    GroupOrder,
    QuoteKey,
)
from api.schema.catalogue import (
    Aggregates,
    Grouped,
    GroupKeys,
    Inline,
    ObjectBy,
    column,
    reads,
    values_of,
)
from api.schema.enums import StatementKind
from api.schema.errors import InvalidArgument
from api.schema.fields import resolver
from api.schema.node import to_global_id
from api.schema.pagination import Connection, Scope
from api.schema.quote import Quote
from api.schema.statement import Statement, actor_by_pk

if TYPE_CHECKING:
    from api.schema.actor import Actor
    from api.schema.location import Location

Info = strawberry.Info[Context, None]


@strawberry.enum(description="What `groupedAggregates` groups statements by.")
class StatementGroupBy(Enum):
    SPEAKER = strawberry.enum_value("SPEAKER", description="The speaker (null: unknown).")
    AFFILIATION = strawberry.enum_value(
        "AFFILIATION", description="The speaker's affiliation (null: none, or no speaker)."
    )
    MEDIUM = strawberry.enum_value(
        "MEDIUM", description="Whom it was said to or through (null: none named)."
    )
    PUBLISHER = strawberry.enum_value(
        "PUBLISHER", description="The article's publisher, as written (null: none)."
    )
    KIND = strawberry.enum_value("KIND", description="DIRECT, INDIRECT or MIXED.")
    LOCATION = strawberry.enum_value(
        "LOCATION",
        description="Each place the statement mentions: a statement with two places counts "
        "in both groups, one with none in the null group.",
    )
    PUBLISHED_AT_TRUNCATED_TO_DAY = strawberry.enum_value(
        "PUBLISHED_AT_TRUNCATED_TO_DAY", description="The article's date."
    )
    PUBLISHED_AT_TRUNCATED_TO_WEEK = strawberry.enum_value(
        "PUBLISHED_AT_TRUNCATED_TO_WEEK",
        description="The ISO week of the article's date, keyed by its Monday.",
    )
    PUBLISHED_AT_TRUNCATED_TO_MONTH = strawberry.enum_value(
        "PUBLISHED_AT_TRUNCATED_TO_MONTH", description="The month, keyed by its first day."
    )
    PUBLISHED_AT_TRUNCATED_TO_YEAR = strawberry.enum_value(
        "PUBLISHED_AT_TRUNCATED_TO_YEAR", description="The year, keyed by 1 January."
    )


@strawberry.enum(description="Orders of `groupedAggregates`; ties always by the keys, ascending.")
class StatementGroupOrder(Enum):
    COUNT_DESC = strawberry.enum_value("COUNT_DESC", description="Largest groups first.")
    COUNT_ASC = strawberry.enum_value("COUNT_ASC", description="Smallest groups first.")
    KEYS_ASC = strawberry.enum_value(
        "KEYS_ASC",
        description="By the keys in `groupBy` order: ids by number, dates by date, text by "
        "code point; the null group last.",
    )
    KEYS_DESC = strawberry.enum_value(
        "KEYS_DESC", description="The reverse of KEYS_ASC: the null group first."
    )


@strawberry.type(description="How many different speakers, articles and publishers.")
class StatementDistinctCount:
    speakers: int = column("speakers", "Different speakers (unknown speakers not counted).")
    articles: int = column("articles", "Different articles.")
    publishers: int = column("publishers", "Different publishers, as written (none not counted).")


@strawberry.type(description="Measures of a whole statement list (its filter, not its page).")
class StatementAggregates:
    count: int = column("count", "How many statements (as `totalCount`).")
    distinct_count: StatementDistinctCount = strawberry.field(
        description="Distinct speakers, articles, publishers.", metadata=reads(Inline())
    )

    @classmethod
    def from_row(cls, found: Mapping[str, Any]) -> StatementAggregates:
        """The aggregates of a measures row (api.loaders.aggregates)."""
        row = SimpleNamespace(**found)
        return cls(
            distinct_count=StatementDistinctCount(**values_of(StatementDistinctCount, row)),
            **values_of(cls, row),
        )


@strawberry.type(description="The statements sharing the keys `groupBy` asked for.")
class StatementGroup:
    keys: list[str | None] = strawberry.field(
        description="One per `groupBy` entry, as text: ids as global ids, dates as ISO "
        "dates (the bucket's first day), kinds and publishers as they are; null for the "
        "group of statements without one.",
        metadata=reads(GroupKeys()),
    )
    count: int = column(
        "count", "How many statements (in a LOCATION group: that mention the place)."
    )
    distinct_count: StatementDistinctCount = strawberry.field(
        description="Distinct speakers, articles, publishers.", metadata=reads(Inline())
    )
    publisher: str | None = column("publisher", "The group's publisher, when grouped by it.")
    kind: StatementKind | None = column(
        "kind", "The group's kind, when grouped by it.", lambda v: v and StatementKind(v)
    )
    published_at: dt.date | None = column(
        "published_at",
        "When grouped by a date: the first day of the group's day, week, month or year "
        "(null: undated articles).",
    )
    speaker_pk: strawberry.Private[int | None]
    affiliation_pk: strawberry.Private[int | None]
    medium_pk: strawberry.Private[int | None]
    location_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, found: Mapping[str, Any], by: Sequence[AnyKey]) -> StatementGroup:
        """The group of a group row (api.loaders.aggregates), keyed in `by` order."""
        row = SimpleNamespace(**found)  # by attribute, as `values_of` reads rows
        return cls(
            keys=[key_text(key, found[f"qg_g{i}"]) for i, key in enumerate(by)],
            distinct_count=StatementDistinctCount(**values_of(StatementDistinctCount, row)),
            speaker_pk=row.speaker,
            affiliation_pk=row.affiliation,
            medium_pk=row.medium,
            location_pk=row.location,
            **values_of(cls, row),
        )

    @resolver(description="The group's speaker, when grouped by it.", reads=reads(ObjectBy("speaker")))
    async def speaker(self, info: Info) -> Annotated[Actor, strawberry.lazy("api.schema.actor")] | None:
        return await actor_by_pk(info, self.speaker_pk)

    @resolver(
        description="The group's affiliation, when grouped by it.",
        reads=reads(ObjectBy("affiliation")),
    )
    async def affiliation(
        self, info: Info
    ) -> Annotated[Actor, strawberry.lazy("api.schema.actor")] | None:
        return await actor_by_pk(info, self.affiliation_pk)

    @resolver(description="The group's medium, when grouped by it.", reads=reads(ObjectBy("medium")))
    async def medium(self, info: Info) -> Annotated[Actor, strawberry.lazy("api.schema.actor")] | None:
        return await actor_by_pk(info, self.medium_pk)

    @resolver(
        description="The group's place, when grouped by it.", reads=reads(ObjectBy("location"))
    )
    async def location(
        self, info: Info
    ) -> Annotated[Location, strawberry.lazy("api.schema.location")] | None:
        from api.schema.location import Location

        if self.location_pk is None:
            return None
        row = await info.context.loaders.locations_by_id.load(self.location_pk)
        return None if row is None else Location.from_row(row)


@strawberry.type(
    name="StatementConnection",
    description="One page of a statement list, with cursors, and aggregates over the whole list.",
)
class StatementConnection(Connection[Statement]):
    @resolver(
        description="Count and distinct counts over the whole list (its filter; paging ignored).",
        reads=reads(Aggregates()),
    )
    async def aggregates(self, info: Info) -> StatementAggregates:
        return StatementAggregates.from_row(await _totals(info, self._scope))

    @resolver(
        description="The whole list in groups of statements that share the `groupBy` keys, "
        f"the first `first` (0 to {MAX_GROUPS}) in `orderBy` order.",
        reads=reads(Grouped()),
    )
    async def grouped_aggregates(
        self,
        info: Info,
        group_by: list[StatementGroupBy],
        order_by: StatementGroupOrder | None = StatementGroupOrder.COUNT_DESC,
        first: int | None = DEFAULT_GROUPS,
    ) -> list[StatementGroup]:
        grouping = grouping_of(group_by, order_by, first)
        rows = await _groups(info, self._scope, grouping)
        return [StatementGroup.from_row(row, grouping.by) for row in rows]


@strawberry.enum(description="What `groupedAggregates` groups quotes by.")
class QuoteGroupBy(Enum):
    SPEAKER = strawberry.enum_value("SPEAKER", description="The speaker (null: unknown).")
    FIRST_SEEN_TRUNCATED_TO_DAY = strawberry.enum_value(
        "FIRST_SEEN_TRUNCATED_TO_DAY", description="The date it was first seen (`firstSeenOn`)."
    )
    FIRST_SEEN_TRUNCATED_TO_WEEK = strawberry.enum_value(
        "FIRST_SEEN_TRUNCATED_TO_WEEK",
        description="The ISO week it was first seen, keyed by its Monday.",
    )
    FIRST_SEEN_TRUNCATED_TO_MONTH = strawberry.enum_value(
        "FIRST_SEEN_TRUNCATED_TO_MONTH", description="The month, keyed by its first day."
    )
    FIRST_SEEN_TRUNCATED_TO_YEAR = strawberry.enum_value(
        "FIRST_SEEN_TRUNCATED_TO_YEAR", description="The year, keyed by 1 January."
    )


@strawberry.type(description="How many different speakers.")
class QuoteDistinctCount:
    speakers: int = column("speakers", "Different speakers (unknown speakers not counted).")


@strawberry.type(description="Totals of the quotes' counts.")
class QuoteSum:
    appearances: int = column(
        "appearances", "Their appearances (`appearanceCount`): the statements that report them."
    )
    article_count: int = column(
        "article_count", "Their `articleCount`s (an article with two of them counts twice)."
    )


@strawberry.type(description="Measures of a whole quote list (its filter, not its page).")
class QuoteAggregates:
    count: int = column("count", "How many quotes (as `totalCount`).")
    distinct_count: QuoteDistinctCount = strawberry.field(
        description="Distinct speakers.", metadata=reads(Inline())
    )
    sum: QuoteSum = strawberry.field(
        description="Appearances and articles, summed.", metadata=reads(Inline())
    )

    @classmethod
    def from_row(cls, found: Mapping[str, Any]) -> QuoteAggregates:
        """The aggregates of a measures row (api.loaders.aggregates)."""
        row = SimpleNamespace(**found)
        return cls(
            distinct_count=QuoteDistinctCount(**values_of(QuoteDistinctCount, row)),
            sum=QuoteSum(**values_of(QuoteSum, row)),
            **values_of(cls, row),
        )


@strawberry.type(description="The quotes sharing the keys `groupBy` asked for.")
class QuoteGroup:
    keys: list[str | None] = strawberry.field(
        description="One per `groupBy` entry, as text: speakers as global ids, dates as ISO "
        "dates (the bucket's first day); null for the group of quotes without one.",
        metadata=reads(GroupKeys()),
    )
    count: int = column("count", "How many quotes.")
    distinct_count: QuoteDistinctCount = strawberry.field(
        description="Distinct speakers.", metadata=reads(Inline())
    )
    sum: QuoteSum = strawberry.field(
        description="Appearances and articles, summed.", metadata=reads(Inline())
    )
    first_seen_on: dt.date | None = column(
        "first_seen",
        "When grouped by a date: the first day of the group's day, week, month or year "
        "(null: quotes first seen in undated articles).",
    )
    speaker_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, found: Mapping[str, Any], by: Sequence[AnyKey]) -> QuoteGroup:
        """The group of a group row (api.loaders.aggregates), keyed in `by` order."""
        row = SimpleNamespace(**found)
        return cls(
            keys=[key_text(key, found[f"qg_g{i}"]) for i, key in enumerate(by)],
            distinct_count=QuoteDistinctCount(**values_of(QuoteDistinctCount, row)),
            sum=QuoteSum(**values_of(QuoteSum, row)),
            speaker_pk=row.speaker,
            **values_of(cls, row),
        )

    @resolver(description="The group's speaker, when grouped by it.", reads=reads(ObjectBy("speaker")))
    async def speaker(self, info: Info) -> Annotated[Actor, strawberry.lazy("api.schema.actor")] | None:
        return await actor_by_pk(info, self.speaker_pk)


@strawberry.type(
    name="QuoteConnection",
    description="One page of a quote list, with cursors, and aggregates over the whole list.",
)
class QuoteConnection(Connection[Quote]):
    @resolver(
        description="Count, distinct count and sums over the whole list (its filter; paging "
        "ignored).",
        reads=reads(Aggregates()),
    )
    async def aggregates(self, info: Info) -> QuoteAggregates:
        return QuoteAggregates.from_row(await _totals(info, self._scope))

    @resolver(
        description="The whole list in groups of quotes that share the `groupBy` keys, the "
        f"first `first` (0 to {MAX_GROUPS}) in `orderBy` order.",
        reads=reads(Grouped()),
    )
    async def grouped_aggregates(
        self,
        info: Info,
        group_by: list[QuoteGroupBy],
        order_by: StatementGroupOrder | None = StatementGroupOrder.COUNT_DESC,
        first: int | None = DEFAULT_GROUPS,
    ) -> list[QuoteGroup]:
        grouping = grouping_of(group_by, order_by, first)
        rows = await _groups(info, self._scope, grouping)
        return [QuoteGroup.from_row(row, grouping.by) for row in rows]


async def _totals(info: Info, scope: Scope[Any]) -> Mapping[str, Any]:
    """The measures row of a connection's whole list."""
    loader = info.context.loaders.totals(scope.listing, scope.criteria)
    return await loader.load(scope.parent)


async def _groups(info: Info, scope: Scope[Any], grouping: Grouping) -> list[Mapping[str, Any]]:
    """The group rows of a connection's whole list, in order."""
    loader = info.context.loaders.groups(scope.listing, scope.criteria, grouping)
    return await loader.load(scope.parent)


# Each GraphQL groupBy enum and the loaders' keys it names (by value).
_KEYS_OF: dict[type[Enum], type[GroupBy] | type[QuoteKey]] = {
    StatementGroupBy: GroupBy,
    QuoteGroupBy: QuoteKey,
}


def grouping_of(
    group_by: Sequence[StatementGroupBy | QuoteGroupBy],
    order_by: StatementGroupOrder | None,
    first: int | None,
) -> Grouping:
    """The loaders' grouping for `groupedAggregates`' arguments (null: the default);
    InvalidArgument if unusable."""
    order_by = StatementGroupOrder.COUNT_DESC if order_by is None else order_by
    first = DEFAULT_GROUPS if first is None else first
    if not group_by:
        raise InvalidArgument("`groupBy` is empty; give at least one key (for totals use `aggregates`)")
    if not 0 <= first <= MAX_GROUPS:
        raise InvalidArgument(f"`first` must be between 0 and {MAX_GROUPS}, got {first}")
    by = tuple(_KEYS_OF[type(key)](key.value) for key in group_by)
    return Grouping(by, GroupOrder(order_by.value), first)


def key_text(by: AnyKey, value: object) -> str | None:
    """A group key as `keys` gives it: a global id, an ISO date, or the text itself."""
    if value is None:
        return None
    key = KEYS[by]
    if key.type_name is not None:
        assert isinstance(value, int), value
        return to_global_id(key.type_name, value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
