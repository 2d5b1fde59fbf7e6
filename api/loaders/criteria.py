"""Filter criteria: which rows a list asks for (hashable, so loaders batch by them) and
the WHERE terms each becomes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Table, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from api.loaders.dialects import published, search_terms, word_prefixes
from api.store.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleActor,
    ArticleLocation,
    Location,
    Quote,
    Statement,
    StatementLocation,
)

_STATEMENT: Table = Statement.__table__  # type: ignore[attr-defined]
_QUOTE: Table = Quote.__table__  # type: ignore[attr-defined]


class ArticleSort(Enum):
    PUBLISHED_AT_DESC = "PUBLISHED_AT_DESC"
    PUBLISHED_AT_ASC = "PUBLISHED_AT_ASC"
    TITLE_ASC = "TITLE_ASC"


class StatementSort(Enum):
    FIRST_SEEN_ASC = "FIRST_SEEN_ASC"
    PUBLISHED_AT_DESC = "PUBLISHED_AT_DESC"


class QuoteSort(Enum):
    APPEARANCES_DESC = "APPEARANCES_DESC"
    FIRST_SEEN_ASC = "FIRST_SEEN_ASC"
    FIRST_SEEN_DESC = "FIRST_SEEN_DESC"


@dataclass(frozen=True)
class StatementCriteria:
    """Which statements: every field narrows; each of `words` must begin a word of the text
    (see `api.loaders.dialects.word_prefixes`). `order` is read only by a listing that
    offers a choice (a quote's appearances); None is the listing's own order."""

    speaker_id: int | None = None
    location_id: int | None = None
    article_id: int | None = None
    kind: str | None = None
    words: tuple[str, ...] = ()
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    order: StatementSort | None = None


@dataclass(frozen=True)
class QuoteCriteria:
    """Which quotes, in which order: `words` as for statements, in the text of one of the
    quote's visible appearances; `seen_from`/`seen_to` bound the date it was first seen."""

    speaker_id: int | None = None
    words: tuple[str, ...] = ()
    seen_from: dt.date | None = None
    seen_to: dt.date | None = None
    order: QuoteSort = QuoteSort.APPEARANCES_DESC


@dataclass(frozen=True)
class ArticleCriteria:
    """Which articles, in which order; `words` must all occur in title, standfirst or body."""

    words: tuple[str, ...] = ()
    publisher: str | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    actor_id: int | None = None
    location_id: int | None = None
    order: ArticleSort = ArticleSort.PUBLISHED_AT_DESC


@dataclass(frozen=True)
class ActorCriteria:
    """Which actors; `search` matches a name or an alias, case-insensitively."""

    search: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class LocationCriteria:
    """Which locations; `search` matches the name case-insensitively."""

    search: str | None = None
    kind: str | None = None
    country_code: str | None = None



def _contains(column: Any, word: str) -> ColumnElement[bool]:
    """`column` contains `word` case-insensitively; % _ \\ in `word` match literally."""
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    expr: ColumnElement[bool] = func.lower(column).like(f"%{escaped}%", escape="\\")
    return expr


def _contains_key(column: Any, text: str) -> ColumnElement[bool]:
    """Like `_contains` for casefolded key columns (name_key, alias_key)."""
    escaped = " ".join(text.casefold().split())
    escaped = escaped.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    expr: ColumnElement[bool] = column.like(f"%{escaped}%", escape="\\")
    return expr



def visible(table: Table, rows: FromClause | None = None) -> list[ColumnElement[bool]]:
    """What every read keeps of `table`'s rows (as `rows`, an alias of it, when given):
    no tombstoned statement, no quote without a visible statement (api.store.quotes)."""
    columns = (table if rows is None else rows).c
    if table.name == Statement.__tablename__:
        return [columns.deleted_at.is_(None)]
    if table.name == Quote.__tablename__:
        return [columns.appearances > 0]
    return []


def statement_filters(criteria: StatementCriteria) -> list[ColumnElement[bool]]:
    where = visible(_STATEMENT)
    if criteria.speaker_id is not None:
        where.append(col(Statement.speaker_id) == criteria.speaker_id)
    if criteria.article_id is not None:
        where.append(col(Statement.article_id) == criteria.article_id)
    if criteria.location_id is not None:
        link = aliased(StatementLocation)
        where.append(
            exists().where(
                col(link.statement_id) == col(Statement.id),
                col(link.location_id) == criteria.location_id,
            )
        )
    if criteria.kind is not None:
        where.append(col(Statement.kind) == criteria.kind)
    if criteria.words:
        where.append(word_prefixes(search_terms(criteria.words)))
    where.extend(_published_between(criteria.published_from, criteria.published_to))
    return where


def quote_filters(criteria: QuoteCriteria) -> list[ColumnElement[bool]]:
    where = visible(_QUOTE)
    if criteria.speaker_id is not None:
        where.append(col(Quote.speaker_id) == criteria.speaker_id)
    if criteria.words:
        # The quotes of the matching statements: one text-index lookup, not one per quote.
        matching = select(col(Statement.quote_id)).where(
            *visible(_STATEMENT), word_prefixes(search_terms(criteria.words))
        )
        where.append(col(Quote.id).in_(matching))
    if criteria.seen_from is not None:
        where.append(col(Quote.first_seen) >= criteria.seen_from)
    if criteria.seen_to is not None:
        where.append(col(Quote.first_seen) <= criteria.seen_to)
    return where


def _published_between(start: dt.date | None, end: dt.date | None) -> list[ColumnElement[bool]]:
    """Articles published in [start, end]. The feed's own date expression is bounded too,
    as implied by the plain bounds, so the feed index (ix_article_feed) starts at the
    range instead of walking past every newer article."""
    where: list[ColumnElement[bool]] = []
    if start is not None:
        where += [col(Article.published_at) >= start, published() >= start]
    if end is not None:
        where += [col(Article.published_at) <= end, published() <= end]
    return where



def article_filters(criteria: ArticleCriteria) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        or_(
            _contains(col(Article.title), word),
            _contains(col(Article.standfirst), word),
            _contains(col(Article.body), word),
        )
        for word in criteria.words
    ]
    if criteria.publisher is not None:
        where.append(func.lower(col(Article.publisher)) == criteria.publisher.lower())
    if criteria.published_from is not None:
        where.append(col(Article.published_at) >= criteria.published_from)
    if criteria.published_to is not None:
        where.append(col(Article.published_at) <= criteria.published_to)
    if criteria.actor_id is not None:
        actor = aliased(ArticleActor)
        where.append(
            exists().where(
                col(actor.article_id) == col(Article.id), col(actor.actor_id) == criteria.actor_id
            )
        )
    if criteria.location_id is not None:
        place = aliased(ArticleLocation)
        where.append(
            exists().where(
                col(place.article_id) == col(Article.id),
                col(place.location_id) == criteria.location_id,
            )
        )
    return where



def actor_filters(criteria: ActorCriteria) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if criteria.search:
        alias = aliased(ActorAlias)
        named = exists().where(
            col(alias.actor_id) == col(Actor.id),
            _contains_key(col(alias.alias_key), criteria.search),
        )
        where.append(or_(_contains_key(col(Actor.name_key), criteria.search), named))
    if criteria.kind is not None:
        where.append(col(Actor.kind) == criteria.kind)
    return where


def location_filters(criteria: LocationCriteria) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if criteria.search:
        where.append(_contains_key(col(Location.name_key), criteria.search))
    if criteria.kind is not None:
        where.append(col(Location.kind) == criteria.kind)
    if criteria.country_code is not None:
        where.append(col(Location.country_code) == criteria.country_code.upper())
    return where
