"""Listings: the paginated relations (an article's statements, an actor's members...),
each a filtered select with its parent column and its order, and the keyset SQL that
pages them. The resolvers' loaders and the query compiler both read them here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from api.loaders.criteria import (
    ActorCriteria,
    ArticleCriteria,
    ArticleSort,
    LocationCriteria,
    QuoteCriteria,
    QuoteSort,
    StatementCriteria,
    StatementSort,
    actor_filters,
    article_filters,
    location_filters,
    quote_filters,
    statement_filters,
)
from api.loaders.dialects import published, undated_first, undated_last
from api.store.models import (
    Actor,
    Article,
    ArticleActor,
    ArticleLocation,
    Location,
    Quote,
    Statement,
    StatementLocation,
)

SortValue = int | str | dt.date
Position = tuple[SortValue, ...]
M = TypeVar("M", Article, Actor, Statement, Location, Quote)
Expr = SQLColumnExpression[Any]
AnySelect: TypeAlias = "Select[*tuple[Any, ...]]"
C = TypeVar("C", bound=Hashable)

ROOT = 0  # the single key under which a top-level listing is loaded


@dataclass(frozen=True)
class Window:
    """One page: `size` rows strictly between the `after` and `before` positions.

    `forward` takes the first rows of that range (Relay `first`), otherwise the last
    (Relay `last`).
    """

    size: int
    forward: bool = True
    after: Position | None = None
    before: Position | None = None


@dataclass(frozen=True)
class Page(Generic[M]):
    """The rows of one page in sort order, each with its sort position."""

    rows: list[M]
    positions: list[Position]
    has_more: bool  # more rows beyond the page, in the direction of travel



@dataclass(frozen=True, eq=False)
class SortKey:
    """One column of a listing's order; the last key of every order is the row id."""

    expr: Expr
    descending: bool
    kind: type[SortValue]


@dataclass(frozen=True, eq=False)
class Source:
    """Rows of a listing before paging: a filtered select, its parent column, its order."""

    query: AnySelect
    parent: Expr | None
    keys: tuple[SortKey, ...]


@dataclass(frozen=True, eq=False)
class Listing(Generic[M, C]):
    """A named paginated relation, e.g. `statements_by_article`."""

    name: str
    entity: type[M]
    source: Callable[[C], Source]

    def fits(self, criteria: C, position: Position) -> bool:
        """Whether `position` (decoded from a cursor) is a position in this listing."""
        keys = self.source(criteria).keys
        return len(keys) == len(position) and all(
            type(value) is key.kind for key, value in zip(keys, position, strict=True)
        )


def _asc(expr: Expr, kind: type[SortValue]) -> SortKey:
    return SortKey(expr, False, kind)


def _desc(expr: Expr, kind: type[SortValue]) -> SortKey:
    return SortKey(expr, True, kind)



# statements


def _feed_keys() -> tuple[SortKey, ...]:
    """Newest articles first; within an article, statements in reading order."""
    return (
        _desc(published(), dt.date),
        _desc(col(Statement.article_id), int),
        _asc(col(Statement.start), int),
        _asc(col(Statement.id), int),
    )



def _first_seen_keys() -> tuple[SortKey, ...]:
    """Earliest article first (undated last), then by article, then in reading order: the
    order in which api.store.quotes finds a quote's first appearance."""
    return (
        _asc(undated_last(col(Article.published_at)), dt.date),
        _asc(col(Statement.article_id), int),
        _asc(col(Statement.start), int),
        _asc(col(Statement.id), int),
    )


def _statements(criteria: StatementCriteria) -> AnySelect:
    joined = select(Statement).join(Article, col(Article.id) == col(Statement.article_id))
    return joined.where(*statement_filters(criteria))


def _statement_feed(query: AnySelect, parent: Expr | None) -> Source:
    return Source(query, parent, _feed_keys())


def _all_statements(criteria: StatementCriteria) -> Source:
    return _statement_feed(_statements(criteria), None)


def _statements_by_article(criteria: StatementCriteria) -> Source:
    keys = (_asc(col(Statement.start), int), _asc(col(Statement.id), int))
    return Source(_statements(criteria), col(Statement.article_id), keys)


def _statements_by_speaker(criteria: StatementCriteria) -> Source:
    return _statement_feed(_statements(criteria), col(Statement.speaker_id))


def _statements_by_location(criteria: StatementCriteria) -> Source:
    query = _statements(criteria).join(
        StatementLocation, col(StatementLocation.statement_id) == col(Statement.id)
    )
    return _statement_feed(query, col(StatementLocation.location_id))



def _statements_by_quote(criteria: StatementCriteria) -> Source:
    newest = criteria.order is StatementSort.PUBLISHED_AT_DESC
    keys = _feed_keys() if newest else _first_seen_keys()
    return Source(_statements(criteria), col(Statement.quote_id), keys)


# quotes


def _quote_keys(order: QuoteSort) -> tuple[SortKey, ...]:
    """Ties by id, older quote first; undated quotes last in both first-seen orders."""
    if order is QuoteSort.FIRST_SEEN_ASC:
        return (_asc(undated_last(col(Quote.first_seen)), dt.date), _asc(col(Quote.id), int))
    if order is QuoteSort.FIRST_SEEN_DESC:
        return (_desc(undated_first(col(Quote.first_seen)), dt.date), _asc(col(Quote.id), int))
    return (_desc(col(Quote.appearances), int), _asc(col(Quote.id), int))


def _quotes(criteria: QuoteCriteria) -> AnySelect:
    return select(Quote).where(*quote_filters(criteria))


def _all_quotes(criteria: QuoteCriteria) -> Source:
    return Source(_quotes(criteria), None, _quote_keys(criteria.order))


def _quotes_by_speaker(criteria: QuoteCriteria) -> Source:
    return Source(_quotes(criteria), col(Quote.speaker_id), _quote_keys(criteria.order))


# articles


def _article_keys(order: ArticleSort) -> tuple[SortKey, ...]:
    if order is ArticleSort.PUBLISHED_AT_ASC:
        return (_asc(published(), dt.date), _asc(col(Article.id), int))
    if order is ArticleSort.TITLE_ASC:
        title = func.lower(func.coalesce(col(Article.title), ""))
        return (_asc(title, str), _asc(col(Article.id), int))
    return (_desc(published(), dt.date), _desc(col(Article.id), int))



def _articles(criteria: ArticleCriteria) -> AnySelect:
    return select(Article).where(*article_filters(criteria))


def _all_articles(criteria: ArticleCriteria) -> Source:
    return Source(_articles(criteria), None, _article_keys(criteria.order))


def _articles_by_actor(criteria: ArticleCriteria) -> Source:
    query = _articles(criteria).join(ArticleActor, col(ArticleActor.article_id) == col(Article.id))
    return Source(query, col(ArticleActor.actor_id), _article_keys(criteria.order))


def _articles_by_location(criteria: ArticleCriteria) -> Source:
    query = _articles(criteria).join(
        ArticleLocation, col(ArticleLocation.article_id) == col(Article.id)
    )
    return Source(query, col(ArticleLocation.location_id), _article_keys(criteria.order))


# actors


def _actors(criteria: ActorCriteria) -> AnySelect:
    return select(Actor).where(*actor_filters(criteria))


def _by_name(entity: type[Actor | Location]) -> tuple[SortKey, ...]:
    return (_asc(col(entity.name_key), str), _asc(col(entity.id), int))


def _all_actors(criteria: ActorCriteria) -> Source:
    return Source(_actors(criteria), None, _by_name(Actor))


def _members_by_actor(criteria: ActorCriteria) -> Source:
    return Source(_actors(criteria), col(Actor.affiliation_id), _by_name(Actor))


def _actors_by_article(criteria: ActorCriteria) -> Source:
    query = _actors(criteria).join(ArticleActor, col(ArticleActor.actor_id) == col(Actor.id))
    keys = (_desc(col(ArticleActor.mentions), int), *_by_name(Actor))
    return Source(query, col(ArticleActor.article_id), keys)


# locations


def _locations(criteria: LocationCriteria) -> AnySelect:
    return select(Location).where(*location_filters(criteria))


def _all_locations(criteria: LocationCriteria) -> Source:
    return Source(_locations(criteria), None, _by_name(Location))


def _locations_by_article(criteria: LocationCriteria) -> Source:
    query = _locations(criteria).join(
        ArticleLocation, col(ArticleLocation.location_id) == col(Location.id)
    )
    keys = (_desc(col(ArticleLocation.mentions), int), *_by_name(Location))
    return Source(query, col(ArticleLocation.article_id), keys)


STATEMENTS = Listing("statements", Statement, _all_statements)
STATEMENTS_BY_ARTICLE = Listing("statements_by_article", Statement, _statements_by_article)
STATEMENTS_BY_SPEAKER = Listing("statements_by_speaker", Statement, _statements_by_speaker)
STATEMENTS_BY_LOCATION = Listing("statements_by_location", Statement, _statements_by_location)
STATEMENTS_BY_QUOTE = Listing("statements_by_quote", Statement, _statements_by_quote)
QUOTES = Listing("quotes", Quote, _all_quotes)
QUOTES_BY_SPEAKER = Listing("quotes_by_speaker", Quote, _quotes_by_speaker)
ARTICLES = Listing("articles", Article, _all_articles)
ARTICLES_BY_ACTOR = Listing("articles_by_actor", Article, _articles_by_actor)
ARTICLES_BY_LOCATION = Listing("articles_by_location", Article, _articles_by_location)
ACTORS = Listing("actors", Actor, _all_actors)
ACTORS_BY_ARTICLE = Listing("actors_by_article", Actor, _actors_by_article)
MEMBERS_BY_ACTOR = Listing("members_by_actor", Actor, _members_by_actor)
LOCATIONS = Listing("locations", Location, _all_locations)
LOCATIONS_BY_ARTICLE = Listing("locations_by_article", Location, _locations_by_article)


# --- SQL for one batch ------------------------------------------------------------------


def beyond(keys: Sequence[SortKey], position: Position, *, ahead: bool) -> ColumnElement[bool]:
    """Rows strictly after (`ahead`) or before `position` in the order of `keys`."""
    alternatives = []
    for i, key in enumerate(keys):
        ties = [keys[j].expr == position[j] for j in range(i)]
        greater = ahead != key.descending
        step = key.expr > position[i] if greater else key.expr < position[i]
        alternatives.append(and_(*ties, step))
    # Implied by every alternative; alone it is a range an index on the first key can
    # start from, so a deep page does not walk past the rows of the pages before it.
    first = keys[0]
    start = first.expr >= position[0] if ahead != first.descending else first.expr <= position[0]
    return and_(start, or_(*alternatives))


def page_statement(
    listing: Listing[M, C], criteria: C, window: Window, parent_ids: Sequence[int]
) -> AnySelect:
    """One statement loading `window` for every parent: rows of (entity, parent, *sort values).

    A top-level listing is a plain ORDER BY ... LIMIT; a listing by parent ranks each
    parent's rows with ROW_NUMBER() and keeps the first `size + 1` of every parent.
    """
    source = listing.source(criteria)
    query = _narrowed(source, window, parent_ids)
    reverse = not window.forward
    order = [k.expr.desc() if k.descending != reverse else k.expr.asc() for k in source.keys]
    values: list[ColumnElement[Any]] = [k.expr.label(f"qg_k{i}") for i, k in enumerate(source.keys)]
    if source.parent is None:
        return query.add_columns(literal(ROOT), *values).order_by(*order).limit(window.size + 1)
    rank = func.row_number().over(partition_by=source.parent, order_by=order).label("qg_rank")
    ranked = query.add_columns(source.parent.label("qg_parent"), *values, rank).subquery()
    columns = [ranked.c[f"qg_k{i}"] for i in range(len(values))]
    return (
        select(aliased(listing.entity, ranked), ranked.c.qg_parent, *columns)
        .where(ranked.c.qg_rank <= window.size + 1)
        .order_by(ranked.c.qg_parent, ranked.c.qg_rank)
    )


def _narrowed(source: Source, window: Window, parent_ids: Sequence[int]) -> AnySelect:
    """The source's rows of these parents, strictly between the window's positions."""
    query = source.query
    if source.parent is not None:
        query = query.where(source.parent.in_(parent_ids))
    if window.after is not None:
        query = query.where(beyond(source.keys, window.after, ahead=True))
    if window.before is not None:
        query = query.where(beyond(source.keys, window.before, ahead=False))
    return query


def values_statement(
    listing: Listing[M, C], criteria: C, value: Expr, parent_ids: Sequence[int]
) -> AnySelect:
    """One statement reading `value` (a column of the listing's select) on the rows of every
    parent, NULLs left out: rows of (parent id, value), each parent's in listing order."""
    source = listing.source(criteria)
    order = [k.expr.desc() if k.descending else k.expr.asc() for k in source.keys]
    parent = literal(ROOT) if source.parent is None else source.parent
    query = source.query.with_only_columns(parent, value, maintain_column_froms=True)
    query = query.where(value.is_not(None))
    if source.parent is None:
        return query.order_by(*order)
    return query.where(source.parent.in_(parent_ids)).order_by(parent, *order)


def count_statement(listing: Listing[M, C], criteria: C, parent_ids: Sequence[int]) -> AnySelect:
    """One statement counting the rows of every parent: parent id, count."""
    source = listing.source(criteria)
    if source.parent is None:
        return source.query.with_only_columns(
            literal(ROOT), func.count(), maintain_column_froms=True
        )
    return (
        source.query.with_only_columns(source.parent, func.count(), maintain_column_froms=True)
        .where(source.parent.in_(parent_ids))
        .group_by(source.parent)
    )
