"""Aggregates of a listing of statements or quotes: totals (a count, distinct counts,
sums) over its rows, and the same per group of rows (by speaker, place, month...). What
each kind of row is measured and grouped by is one `Measures` (`MEASURES`, by table);
both SELECTs are built here for any of them. The resolvers' loaders batch them by parent,
the query compiler nests them in its one statement (`api.compiler.sql`).

A group row has the group's keys (`qg_g0`, `qg_g1`... in `groupBy` order), a column
per kind of key (`speaker`, `location`, `published_at`... NULL unless grouped by it:
the group's objects in GraphQL read these), the measures (`count`, `speakers`,
`articles`, `publishers` of statements; `count`, `speakers`, `appearances`,
`article_count` of quotes) and its rank `qg_n` among its parent's groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    UnaryExpression,
    cast,
    distinct,
    func,
    literal,
    null,
    select,
)
from sqlalchemy.orm import aliased
from sqlmodel import col

from api.loaders.dialects import binary_text, truncated
from api.loaders.listings import ROOT, AnySelect, Expr, Source
from api.store.models import Actor, Article, Quote, Statement, StatementLocation

KeyValue = int | str | dt.date | None

DEFAULT_GROUPS = 100  # groups returned when `first` is not given
MAX_GROUPS = 1000  # the most groups one list may ask for


class GroupBy(Enum):
    """What statements are grouped by (the GraphQL enum's values)."""

    SPEAKER = "SPEAKER"
    AFFILIATION = "AFFILIATION"
    MEDIUM = "MEDIUM"
    PUBLISHER = "PUBLISHER"
    KIND = "KIND"
    LOCATION = "LOCATION"
    PUBLISHED_AT_TRUNCATED_TO_DAY = "PUBLISHED_AT_TRUNCATED_TO_DAY"
    PUBLISHED_AT_TRUNCATED_TO_WEEK = "PUBLISHED_AT_TRUNCATED_TO_WEEK"
    PUBLISHED_AT_TRUNCATED_TO_MONTH = "PUBLISHED_AT_TRUNCATED_TO_MONTH"
    PUBLISHED_AT_TRUNCATED_TO_YEAR = "PUBLISHED_AT_TRUNCATED_TO_YEAR"


class QuoteKey(Enum):
    """What quotes are grouped by (the GraphQL enum QuoteGroupBy's values)."""

    SPEAKER = "SPEAKER"
    FIRST_SEEN_TRUNCATED_TO_DAY = "FIRST_SEEN_TRUNCATED_TO_DAY"
    FIRST_SEEN_TRUNCATED_TO_WEEK = "FIRST_SEEN_TRUNCATED_TO_WEEK"
    FIRST_SEEN_TRUNCATED_TO_MONTH = "FIRST_SEEN_TRUNCATED_TO_MONTH"
    FIRST_SEEN_TRUNCATED_TO_YEAR = "FIRST_SEEN_TRUNCATED_TO_YEAR"


AnyKey = GroupBy | QuoteKey


class GroupOrder(Enum):
    """How groups are ordered; ties (and KEYS_*) by the keys, see `_key_order`."""

    COUNT_DESC = "COUNT_DESC"
    COUNT_ASC = "COUNT_ASC"
    KEYS_ASC = "KEYS_ASC"
    KEYS_DESC = "KEYS_DESC"


@dataclass(frozen=True)
class GroupKey:
    """One kind of group key: the group row's column that holds it (`column`), what its
    values are (`kind`: an id of `type_name`, text, or a date) and how it is read from a
    listing's rows (`read`: the select, joined as it needs, and the key expression)."""

    column: str
    kind: type[int | str | dt.date]
    read: Callable[[AnySelect], tuple[AnySelect, Expr]]
    type_name: str | None = None


def _column(expr: Callable[[], Expr]) -> Callable[[AnySelect], tuple[AnySelect, Expr]]:
    return lambda query: (query, expr())


def _affiliation(query: AnySelect) -> tuple[AnySelect, Expr]:
    speaker = aliased(Actor)
    joined = query.outerjoin(speaker, col(speaker.id) == col(Statement.speaker_id))
    return joined, col(speaker.affiliation_id)


def _location(query: AnySelect) -> tuple[AnySelect, Expr]:
    # A statement is in the group of each place it mentions; one that mentions none is
    # in the null group.
    link = aliased(StatementLocation)
    joined = query.outerjoin(link, col(link.statement_id) == col(Statement.id))
    return joined, col(link.location_id)


def _date(unit: str, day: Callable[[], Expr]) -> Callable[[AnySelect], tuple[AnySelect, Expr]]:
    return _column(lambda: truncated(unit, day()))


def _published(unit: str) -> Callable[[AnySelect], tuple[AnySelect, Expr]]:
    return _date(unit, lambda: col(Article.published_at))


def _first_seen(unit: str) -> Callable[[AnySelect], tuple[AnySelect, Expr]]:
    return _date(unit, lambda: col(Quote.first_seen))


STATEMENT_KEYS: dict[AnyKey, GroupKey] = {
    GroupBy.SPEAKER: GroupKey("speaker", int, _column(lambda: col(Statement.speaker_id)), "Actor"),
    GroupBy.AFFILIATION: GroupKey("affiliation", int, _affiliation, "Actor"),
    GroupBy.MEDIUM: GroupKey("medium", int, _column(lambda: col(Statement.medium_id)), "Actor"),
    GroupBy.PUBLISHER: GroupKey("publisher", str, _column(lambda: col(Article.publisher))),
    GroupBy.KIND: GroupKey("kind", str, _column(lambda: col(Statement.kind))),
    GroupBy.LOCATION: GroupKey("location", int, _location, "Location"),
    GroupBy.PUBLISHED_AT_TRUNCATED_TO_DAY: GroupKey("published_at", dt.date, _published("day")),
    GroupBy.PUBLISHED_AT_TRUNCATED_TO_WEEK: GroupKey("published_at", dt.date, _published("week")),
    GroupBy.PUBLISHED_AT_TRUNCATED_TO_MONTH: GroupKey("published_at", dt.date, _published("month")),
    GroupBy.PUBLISHED_AT_TRUNCATED_TO_YEAR: GroupKey("published_at", dt.date, _published("year")),
}
QUOTE_KEYS: dict[AnyKey, GroupKey] = {
    QuoteKey.SPEAKER: GroupKey("speaker", int, _column(lambda: col(Quote.speaker_id)), "Actor"),
    QuoteKey.FIRST_SEEN_TRUNCATED_TO_DAY: GroupKey("first_seen", dt.date, _first_seen("day")),
    QuoteKey.FIRST_SEEN_TRUNCATED_TO_WEEK: GroupKey("first_seen", dt.date, _first_seen("week")),
    QuoteKey.FIRST_SEEN_TRUNCATED_TO_MONTH: GroupKey("first_seen", dt.date, _first_seen("month")),
    QuoteKey.FIRST_SEEN_TRUNCATED_TO_YEAR: GroupKey("first_seen", dt.date, _first_seen("year")),
}
KEYS: dict[AnyKey, GroupKey] = {**STATEMENT_KEYS, **QUOTE_KEYS}  # every key, of any rows
_NULLS: dict[type[int | str | dt.date], Any] = {int: Integer, str: String, dt.date: Date}


def _statement_measures() -> list[ColumnElement[Any]]:
    return [
        func.count().label("count"),
        func.count(distinct(col(Statement.speaker_id))).label("speakers"),
        func.count(distinct(col(Statement.article_id))).label("articles"),
        func.count(distinct(col(Article.publisher))).label("publishers"),
    ]


def _quote_measures() -> list[ColumnElement[Any]]:
    # A sum of no rows is NULL; the measures of no quotes are 0, as counts are.
    return [
        func.count().label("count"),
        func.count(distinct(col(Quote.speaker_id))).label("speakers"),
        func.coalesce(func.sum(col(Quote.appearances)), 0).label("appearances"),
        func.coalesce(func.sum(col(Quote.article_count)), 0).label("article_count"),
    ]


@dataclass(frozen=True, eq=False)
class Measures:
    """What a listing of one kind of row is measured by (`columns`: the measures, labelled
    as the rows name them, each 0 over no rows) and may be grouped by (`keys`)."""

    columns: Callable[[], list[ColumnElement[Any]]]
    keys: Mapping[AnyKey, GroupKey]

    def names(self) -> tuple[str, ...]:
        """The measures' labels, in order."""
        return tuple(column.key for column in self.columns() if column.key is not None)

    def empty(self) -> dict[str, int]:
        """The measures of no rows (of a parent without any)."""
        return dict.fromkeys(self.names(), 0)

    def group_columns(self) -> tuple[str, ...]:
        """The columns of a group row that name its keys, one per kind of key."""
        return tuple(dict.fromkeys(key.column for key in self.keys.values()))


STATEMENTS = Measures(_statement_measures, STATEMENT_KEYS)
QUOTES = Measures(_quote_measures, QUOTE_KEYS)
# The tables whose listings have aggregates (the schema's connections say which fields).
MEASURES: dict[type[Any], Measures] = {Statement: STATEMENTS, Quote: QUOTES}


@dataclass(frozen=True)
class Grouping:
    """Which groups: keys in this order, the groups in `order`, the first `size` of them."""

    by: tuple[AnyKey, ...]
    order: GroupOrder = GroupOrder.COUNT_DESC
    size: int = DEFAULT_GROUPS


def totals(measures: Measures, source: Source) -> AnySelect:
    """The measures of all of a listing's rows (of every parent: narrow it by parent)."""
    return source.query.with_only_columns(*measures.columns(), maintain_column_froms=True)


def totals_statement(measures: Measures, source: Source, parent_ids: Sequence[int]) -> AnySelect:
    """One statement measuring the rows of every parent: parent id, then the measures."""
    if source.parent is None:
        return totals(measures, source).add_columns(literal(ROOT).label("qg_parent"))
    query = totals(measures, source).add_columns(source.parent.label("qg_parent"))
    return query.where(source.parent.in_(parent_ids)).group_by(source.parent)


def groups(
    measures: Measures, source: Source, grouping: Grouping, parents: ColumnElement[bool] | None
) -> AnySelect:
    """The groups of a listing's rows, each ranked among its parent's (`qg_n`): one SELECT
    of group rows (module docstring), all of them; `parents` narrows the rows to some
    parents before they are grouped. Keep the first `grouping.size` of each parent with
    `first_groups`, or, for one parent, `ORDER BY qg_n LIMIT size`."""
    query, read = source.query, dict[AnyKey, Expr]()
    for by in grouping.by:
        if by not in read:  # a key given twice is one join, not two
            query, read[by] = measures.keys[by].read(query)
    keys = [read[by] for by in grouping.by]
    parent = literal(ROOT) if source.parent is None else source.parent
    by_parent = [] if source.parent is None else [source.parent]
    order = _order(keys, grouping)
    rank = func.row_number().over(partition_by=parent, order_by=order).label("qg_n")
    grouped = query.with_only_columns(
        parent.label("qg_parent"),
        *(key.label(f"qg_g{i}") for i, key in enumerate(keys)),
        *_named(measures, keys, grouping),
        *measures.columns(),
        rank,
        maintain_column_froms=True,
    ).group_by(*by_parent, *keys)
    return grouped if parents is None else grouped.where(parents)


def first_groups(grouped: AnySelect, size: int) -> AnySelect:
    """The group rows of `groups` among the first `size` of their parent, in order."""
    ranked = grouped.subquery()
    return select(ranked).where(ranked.c.qg_n <= size).order_by(ranked.c.qg_parent, ranked.c.qg_n)


def _named(
    measures: Measures, keys: Sequence[Expr], grouping: Grouping
) -> list[ColumnElement[Any]]:
    """The column of each kind of key: the first key of that kind, else a typed NULL."""
    named: list[ColumnElement[Any]] = []
    for name in measures.group_columns():
        at = [i for i, by in enumerate(grouping.by) if KEYS[by].column == name]
        if at:
            named.append(keys[at[0]].label(name))
        else:
            kind = next(key.kind for key in measures.keys.values() if key.column == name)
            named.append(cast(null(), _NULLS[kind]).label(name))
    return named


def _order(keys: Sequence[Expr], grouping: Grouping) -> list[UnaryExpression[Any]]:
    count = func.count()
    by_keys = _key_order(keys, grouping, descending=grouping.order is GroupOrder.KEYS_DESC)
    if grouping.order is GroupOrder.COUNT_DESC:
        return [count.desc(), *by_keys]
    if grouping.order is GroupOrder.COUNT_ASC:
        return [count.asc(), *by_keys]
    return by_keys


def _key_order(
    keys: Sequence[Expr], grouping: Grouping, *, descending: bool
) -> list[UnaryExpression[Any]]:
    """The keys in `groupBy` order: ids by number, dates by date, text by code point (the
    same on both databases), the null group last (first when descending)."""
    order: list[UnaryExpression[Any]] = []
    for by, key in zip(grouping.by, keys, strict=True):
        if KEYS[by].kind is str:
            key = binary_text(key)
        order.append(key.desc().nulls_first() if descending else key.asc().nulls_last())
    return order
