"""Aggregates of a statement listing: totals (a count and distinct counts) over its rows,
and the same per group of rows (by speaker, place, month...). Both SELECTs are built
here; the resolvers' loaders batch them by parent, the query compiler nests them in its
one statement (`api.compiler.sql`).

A group row has the group's keys (`qg_g0`, `qg_g1`... in `groupBy` order), a column
per kind of key (`speaker`, `location`, `published_at`... NULL unless grouped by it:
the group's objects in GraphQL read these), the measures (`count`, `speakers`,
`articles`, `publishers`) and its rank `qg_n` among its parent's groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
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
from api.store.models import Actor, Article, Statement, StatementLocation

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


def _date(unit: str) -> Callable[[AnySelect], tuple[AnySelect, Expr]]:
    return _column(lambda: truncated(unit, col(Article.published_at)))


KEYS: dict[GroupBy, GroupKey] = {
    GroupBy.SPEAKER: GroupKey("speaker", int, _column(lambda: col(Statement.speaker_id)), "Actor"),
    GroupBy.AFFILIATION: GroupKey("affiliation", int, _affiliation, "Actor"),
    GroupBy.MEDIUM: GroupKey("medium", int, _column(lambda: col(Statement.medium_id)), "Actor"),
    GroupBy.PUBLISHER: GroupKey("publisher", str, _column(lambda: col(Article.publisher))),
    GroupBy.KIND: GroupKey("kind", str, _column(lambda: col(Statement.kind))),
    GroupBy.LOCATION: GroupKey("location", int, _location, "Location"),
    GroupBy.PUBLISHED_AT_TRUNCATED_TO_DAY: GroupKey("published_at", dt.date, _date("day")),
    GroupBy.PUBLISHED_AT_TRUNCATED_TO_WEEK: GroupKey("published_at", dt.date, _date("week")),
    GroupBy.PUBLISHED_AT_TRUNCATED_TO_MONTH: GroupKey("published_at", dt.date, _date("month")),
    GroupBy.PUBLISHED_AT_TRUNCATED_TO_YEAR: GroupKey("published_at", dt.date, _date("year")),
}
_NULLS: dict[type[int | str | dt.date], Any] = {int: Integer, str: String, dt.date: Date}
GROUP_COLUMNS = tuple(dict.fromkeys(key.column for key in KEYS.values()))


@dataclass(frozen=True)
class Grouping:
    """Which groups: keys in this order, the groups in `order`, the first `size` of them."""

    by: tuple[GroupBy, ...]
    order: GroupOrder = GroupOrder.COUNT_DESC
    size: int = DEFAULT_GROUPS


def measures() -> list[ColumnElement[Any]]:
    """The measures of a set of statement rows, labelled as the group rows name them."""
    return [
        func.count().label("count"),
        func.count(distinct(col(Statement.speaker_id))).label("speakers"),
        func.count(distinct(col(Statement.article_id))).label("articles"),
        func.count(distinct(col(Article.publisher))).label("publishers"),
    ]


def totals(source: Source) -> AnySelect:
    """The measures of all of a listing's rows (of every parent: narrow it by parent)."""
    return source.query.with_only_columns(*measures(), maintain_column_froms=True)


def totals_statement(source: Source, parent_ids: Sequence[int]) -> AnySelect:
    """One statement measuring the rows of every parent: parent id, then the measures."""
    if source.parent is None:
        return totals(source).add_columns(literal(ROOT).label("qg_parent"))
    query = totals(source).add_columns(source.parent.label("qg_parent"))
    return query.where(source.parent.in_(parent_ids)).group_by(source.parent)


def groups(
    source: Source, grouping: Grouping, parents: ColumnElement[bool] | None
) -> AnySelect:
    """The groups of a listing's rows, each ranked among its parent's (`qg_n`): one SELECT
    of group rows (module docstring), all of them; `parents` narrows the rows to some
    parents before they are grouped. Keep the first `grouping.size` of each parent with
    `first_groups`, or, for one parent, `ORDER BY qg_n LIMIT size`."""
    query, read = source.query, dict[GroupBy, Expr]()
    for by in grouping.by:
        if by not in read:  # a key given twice is one join, not two
            query, read[by] = KEYS[by].read(query)
    keys = [read[by] for by in grouping.by]
    parent = literal(ROOT) if source.parent is None else source.parent
    by_parent = [] if source.parent is None else [source.parent]
    order = _order(keys, grouping)
    rank = func.row_number().over(partition_by=parent, order_by=order).label("qg_n")
    grouped = query.with_only_columns(
        parent.label("qg_parent"),
        *(key.label(f"qg_g{i}") for i, key in enumerate(keys)),
        *_named(keys, grouping),
        *measures(),
        rank,
        maintain_column_froms=True,
    ).group_by(*by_parent, *keys)
    return grouped if parents is None else grouped.where(parents)


def first_groups(grouped: AnySelect, size: int) -> AnySelect:
    """The group rows of `groups` among the first `size` of their parent, in order."""
    ranked = grouped.subquery()
    return select(ranked).where(ranked.c.qg_n <= size).order_by(ranked.c.qg_parent, ranked.c.qg_n)


def _named(keys: Sequence[Expr], grouping: Grouping) -> list[ColumnElement[Any]]:
    """The column of each kind of key: the first key of that kind, else a typed NULL."""
    named: list[ColumnElement[Any]] = []
    for name in GROUP_COLUMNS:
        at = [i for i, by in enumerate(grouping.by) if KEYS[by].column == name]
        if at:
            named.append(keys[at[0]].label(name))
        else:
            kind = next(key.kind for key in KEYS.values() if key.column == name)
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
