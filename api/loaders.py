"""Per-request batched reads: DataLoaders named by what they batch.

Every loader batch is exactly one SQL statement, so the number of statements a
query runs depends on its shape, never on how many rows it touches. Paginated
relations (an article's statements, an actor's members, ...) load one page per
parent in that single statement: rows are ranked with
`ROW_NUMBER() OVER (PARTITION BY parent ORDER BY sort key)` after a keyset
condition (the position a cursor encodes), so there is no OFFSET scan.

Each batch opens its own short-lived session (its own pooled connection):
SQLAlchemy forbids concurrent use of one session, and batches run concurrently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any, Generic, TypeAlias, TypeVar

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Integer,
    Select,
    SQLColumnExpression,
    Text,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import SQLModel, col
from strawberry.dataloader import DataLoader

from api.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleActor,
    ArticleLocation,
    Correction,
    Location,
    Statement,
    StatementLocation,
    StatementMention,
)

SortValue = int | str | dt.date
Position = tuple[SortValue, ...]
M = TypeVar("M", Article, Actor, Statement, Location)
N = TypeVar("N", Actor, Location)
Expr = SQLColumnExpression[Any]
AnySelect: TypeAlias = "Select[*tuple[Any, ...]]"
C = TypeVar("C", bound=Hashable)

ROOT = 0  # the single key under which a top-level listing is loaded
# Keys per batch: bound parameters stay far below the drivers' limit (32767) even for
# huge queries; ordinary queries never reach it, so they keep one statement per batch.
MAX_BATCH = 10_000
_NO_DATE = dt.date.min  # undated articles sort as the oldest


# --- what callers ask for -------------------------------------------------------------


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


class ArticleSort(Enum):
    PUBLISHED_AT_DESC = "PUBLISHED_AT_DESC"
    PUBLISHED_AT_ASC = "PUBLISHED_AT_ASC"
    TITLE_ASC = "TITLE_ASC"


@dataclass(frozen=True)
class StatementCriteria:
    """Which statements: every field narrows; each of `words` must begin a word of the text
    (see `_word_prefixes`)."""

    speaker_id: int | None = None
    location_id: int | None = None
    article_id: int | None = None
    kind: str | None = None
    words: tuple[str, ...] = ()
    published_from: dt.date | None = None
    published_to: dt.date | None = None


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


# --- listings: paginated relations ------------------------------------------------------


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


def _published() -> Expr:
    return func.coalesce(col(Article.published_at), _Undated())


class _Undated(ColumnElement[dt.date]):
    """`_NO_DATE` written into the SQL, not bound: only then does `_published()` match the
    index ix_article_feed (on SQLite always, on PostgreSQL in generic plans)."""

    type = Date()
    inherit_cache = True
    _traverse_internals: list[Any] = []


@compiles(_Undated, "sqlite")
def _undated_text(element: _Undated, compiler: SQLCompiler, **kw: Any) -> str:
    return f"'{_NO_DATE.isoformat()}'"


@compiles(_Undated, "postgresql")
def _undated_infinity(element: _Undated, compiler: SQLCompiler, **kw: Any) -> str:
    # asyncpg sends date.min (which _NO_DATE is) as -infinity, so cursors hold that value.
    return "'-infinity'::date"


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


# statements


def _feed_keys() -> tuple[SortKey, ...]:
    """Newest articles first; within an article, statements in reading order."""
    return (
        _desc(_published(), dt.date),
        _desc(col(Statement.article_id), int),
        _asc(col(Statement.start), int),
        _asc(col(Statement.id), int),
    )


def _statement_filters(criteria: StatementCriteria) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [col(Statement.deleted_at).is_(None)]  # no tombstones
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
        where.append(_word_prefixes(_search_terms(criteria.words)))
    where.extend(_published_between(criteria.published_from, criteria.published_to))
    return where


def _published_between(start: dt.date | None, end: dt.date | None) -> list[ColumnElement[bool]]:
    """Articles published in [start, end]. The feed's own date expression is bounded too,
    as implied by the plain bounds, so the feed index (ix_article_feed) starts at the
    range instead of walking past every newer article."""
    where: list[ColumnElement[bool]] = []
    if start is not None:
        where += [col(Article.published_at) >= start, _published() >= start]
    if end is not None:
        where += [col(Article.published_at) <= end, _published() <= end]
    return where


_TERM = re.compile(r"[^\W_]+")  # a run of letters and digits: a word to both indexes


def _search_terms(words: Sequence[str]) -> tuple[str, ...]:
    """The distinct runs of letters and digits in `words`: 'al-Hamawi' -> ('al', 'Hamawi')."""
    return tuple(dict.fromkeys(term for word in words for term in _TERM.findall(word)))


def _word_prefixes(terms: Sequence[str]) -> ColumnElement[bool]:
    """Every term begins a word of the statement text, case-insensitively, by the text
    index of each database (migration 0003_search).

    Terms hold only letters and digits, so quoting them cannot break either query syntax;
    a search without any (only punctuation, say) matches nothing. A one-character term
    (the s of "Lavrov's", the U of "U.S.") must be a whole word: as a prefix it would
    gather most of the index (measured at 1M statements: "zakharova w" 0.7 s on
    PostgreSQL, 2.9 s on SQLite; as a word, a few ms).
    """
    if not terms:
        return false()
    fts = " AND ".join(f'"{term}"*' if len(term) > 1 else f'"{term}"' for term in terms)
    tsquery = " & ".join(f"'{term}':*" if len(term) > 1 else f"'{term}'" for term in terms)
    return _WordPrefixes(col(Statement.id), col(Statement.text), fts, tsquery)


class _WordPrefixes(ColumnElement[bool]):
    """A dialect's full-text match on statements; see `_word_prefixes`."""

    type = Boolean()
    _is_implicitly_boolean = True  # a WHERE term as is, not `... = 1` on SQLite
    inherit_cache = True
    _traverse_internals = [
        ("ident", InternalTraversal.dp_clauseelement),
        ("text", InternalTraversal.dp_clauseelement),
        ("fts", InternalTraversal.dp_clauseelement),
        ("tsquery", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, ident: Expr, text: Expr, fts: str, tsquery: str) -> None:
        # type_coerce: the same column, as a ColumnElement the compiler can visit
        self.ident = type_coerce(ident, Integer)
        self.text = type_coerce(text, Text)
        self.fts: BindParameter[str] = BindParameter(None, fts, unique=True)
        self.tsquery: BindParameter[str] = BindParameter(None, tsquery, unique=True)

    @property
    def _from_objects(self) -> list[Any]:
        return [*self.ident._from_objects]


@compiles(_WordPrefixes, "sqlite")
def _fts5_match(element: _WordPrefixes, compiler: SQLCompiler, **kw: Any) -> str:
    ident, query = compiler.process(element.ident, **kw), compiler.process(element.fts, **kw)
    return f"{ident} IN (SELECT rowid FROM statement_fts WHERE statement_fts MATCH {query})"


@compiles(_WordPrefixes, "postgresql")
def _tsvector_match(element: _WordPrefixes, compiler: SQLCompiler, **kw: Any) -> str:
    # `words`: the generated tsvector column beside `text` (migration 0003_search), which
    # the GIN index ix_statement_text_words covers.
    text = compiler.process(element.text, **kw)
    assert text.endswith(".text"), text
    query = compiler.process(element.tsquery, **kw)
    return f"{text.removesuffix('text')}words @@ to_tsquery('simple', {query})"


@compiles(_WordPrefixes)
def _no_text_index(element: _WordPrefixes, compiler: SQLCompiler, **kw: Any) -> str:
    name = compiler.dialect.name
    raise CompileError(f"statement search needs SQLite or PostgreSQL, not {name}")


def _statements(criteria: StatementCriteria) -> AnySelect:
    joined = select(Statement).join(Article, col(Article.id) == col(Statement.article_id))
    return joined.where(*_statement_filters(criteria))


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


# articles


def _article_keys(order: ArticleSort) -> tuple[SortKey, ...]:
    if order is ArticleSort.PUBLISHED_AT_ASC:
        return (_asc(_published(), dt.date), _asc(col(Article.id), int))
    if order is ArticleSort.TITLE_ASC:
        title = func.lower(func.coalesce(col(Article.title), ""))
        return (_asc(title, str), _asc(col(Article.id), int))
    return (_desc(_published(), dt.date), _desc(col(Article.id), int))


def _article_filters(criteria: ArticleCriteria) -> list[ColumnElement[bool]]:
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


def _articles(criteria: ArticleCriteria) -> AnySelect:
    return select(Article).where(*_article_filters(criteria))


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
    query = select(Actor)
    if criteria.search:
        alias = aliased(ActorAlias)
        named = exists().where(
            col(alias.actor_id) == col(Actor.id),
            _contains_key(col(alias.alias_key), criteria.search),
        )
        query = query.where(or_(_contains_key(col(Actor.name_key), criteria.search), named))
    if criteria.kind is not None:
        query = query.where(col(Actor.kind) == criteria.kind)
    return query


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
    query = select(Location)
    if criteria.search:
        query = query.where(_contains_key(col(Location.name_key), criteria.search))
    if criteria.kind is not None:
        query = query.where(col(Location.kind) == criteria.kind)
    if criteria.country_code is not None:
        query = query.where(col(Location.country_code) == criteria.country_code.upper())
    return query


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


def _to_page(found: list[tuple[M, Position]], window: Window) -> Page[M]:
    rows = found[: window.size]
    if not window.forward:
        rows.reverse()
    return Page([row for row, _ in rows], [pos for _, pos in rows], len(found) > window.size)


K = TypeVar("K")
V = TypeVar("V")


def _loader(load: Callable[[list[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
    """A DataLoader whose batches stay under the drivers' bound-parameter limit."""
    return DataLoader(load, max_batch_size=MAX_BATCH)


# --- the loaders ------------------------------------------------------------------------


@dataclass
class Loaders:
    """This request's DataLoaders; build one per request (see `api.context`)."""

    engine: AsyncEngine
    _sessions: async_sessionmaker[AsyncSession] = field(init=False)
    _listings: dict[Hashable, DataLoader[int, Any]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    # Each loader is built on first use: most requests touch a few of them, and a
    # compiled query none (building them all took ~8% of a small request's time).

    @cached_property
    def articles_by_id(self) -> DataLoader[int, Article | None]:
        return self._by_id(Article)

    @cached_property
    def actors_by_id(self) -> DataLoader[int, Actor | None]:
        return self._by_id(Actor)

    @cached_property
    def statements_by_id(self) -> DataLoader[int, Statement | None]:
        return self._by_id(Statement, col(Statement.deleted_at).is_(None))

    @cached_property
    def locations_by_id(self) -> DataLoader[int, Location | None]:
        return self._by_id(Location)

    @cached_property
    def aliases_by_actor(self) -> DataLoader[int, list[str]]:
        return _loader(self._aliases)

    @cached_property
    def locations_by_statement(self) -> DataLoader[int, list[Location]]:
        return _loader(
            self._linked(
                Location,
                StatementLocation,
                col(StatementLocation.statement_id),
                col(StatementLocation.location_id),
            )
        )

    @cached_property
    def mentions_by_statement(self) -> DataLoader[int, list[Actor]]:
        return _loader(
            self._linked(
                Actor,
                StatementMention,
                col(StatementMention.statement_id),
                col(StatementMention.actor_id),
            )
        )

    @cached_property
    def children_by_location(self) -> DataLoader[int, list[Location]]:
        return _loader(self._children)

    @cached_property
    def corrections_by_statement(self) -> DataLoader[int, list[Correction]]:
        return _loader(self._corrections("Statement"))

    @cached_property
    def corrections_by_actor(self) -> DataLoader[int, list[Correction]]:
        return _loader(self._corrections("Actor"))

    def page(self, listing: Listing[M, C], criteria: C, window: Window) -> DataLoader[int, Page[M]]:
        """Pages of `listing` by parent id (`ROOT` for a top-level listing)."""
        key = ("page", listing.name, criteria, window)
        if key not in self._listings:

            async def load(parent_ids: list[int]) -> list[Page[M]]:
                return await self._pages(listing, criteria, window, parent_ids)

            self._listings[key] = _loader(load)
        loader: DataLoader[int, Page[M]] = self._listings[key]
        return loader

    def count(self, listing: Listing[M, C], criteria: C) -> DataLoader[int, int]:
        """Row counts of `listing` by parent id (`ROOT` for a top-level listing)."""
        key = ("count", listing.name, criteria)
        if key not in self._listings:

            async def load(parent_ids: list[int]) -> list[int]:
                rows = await self._fetch(count_statement(listing, criteria, parent_ids))
                counts = {parent: total for parent, total in rows}
                return [counts.get(parent, 0) for parent in parent_ids]

            self._listings[key] = _loader(load)
        loader: DataLoader[int, int] = self._listings[key]
        return loader

    async def _fetch(self, statement: AnySelect) -> Sequence[Any]:
        async with self._sessions() as session:
            result = await session.execute(statement)
            return result.all()

    async def _pages(
        self, listing: Listing[M, C], criteria: C, window: Window, parent_ids: list[int]
    ) -> list[Page[M]]:
        found: dict[int, list[tuple[M, Position]]] = defaultdict(list)
        for entity, parent, *values in await self._fetch(
            page_statement(listing, criteria, window, parent_ids)
        ):
            found[parent].append((entity, tuple(values)))
        return [_to_page(found.get(parent, []), window) for parent in parent_ids]

    def _by_id(self, entity: type[M], *visible: ColumnElement[bool]) -> DataLoader[int, M | None]:
        async def load(ids: list[int]) -> list[M | None]:
            rows = await self._fetch(select(entity).where(col(entity.id).in_(ids), *visible))
            found = {row.id: row for (row,) in rows}
            return [found.get(pk) for pk in ids]

        return _loader(load)

    def _linked(
        self, entity: type[N], link: type[SQLModel], owner: Mapped[int], target: Mapped[int]
    ) -> Callable[[list[int]], Awaitable[list[list[N]]]]:
        """Loads the `entity` rows linked through `link` (owner -> target), by name."""

        async def load(ids: list[int]) -> list[list[N]]:
            query = (
                select(entity, owner)
                .join_from(entity, link, target == col(entity.id))
                .where(owner.in_(ids))
                .order_by(owner, col(entity.name_key), col(entity.id))
            )
            grouped: dict[int, list[N]] = defaultdict(list)
            for row, parent in await self._fetch(query):
                grouped[parent].append(row)
            return [grouped.get(pk, []) for pk in ids]

        return load

    async def _aliases(self, actor_ids: list[int]) -> list[list[str]]:
        query = (
            select(col(ActorAlias.actor_id), col(ActorAlias.alias))
            .where(col(ActorAlias.actor_id).in_(actor_ids))
            .order_by(col(ActorAlias.actor_id), col(ActorAlias.alias_key), col(ActorAlias.id))
        )
        grouped: dict[int, list[str]] = defaultdict(list)
        for actor_id, alias in await self._fetch(query):
            grouped[actor_id].append(alias)
        return [grouped.get(pk, []) for pk in actor_ids]

    def _corrections(self, entity: str) -> Callable[[list[int]], Awaitable[list[list[Correction]]]]:
        """Loads the corrections recorded on rows of `entity`, oldest first."""

        async def load(ids: list[int]) -> list[list[Correction]]:
            query = (
                select(Correction)
                .where(col(Correction.entity_type) == entity, col(Correction.entity_id).in_(ids))
                .order_by(col(Correction.entity_id), col(Correction.id))
            )
            grouped: dict[int, list[Correction]] = defaultdict(list)
            for (row,) in await self._fetch(query):
                grouped[row.entity_id].append(row)
            return [grouped.get(pk, []) for pk in ids]

        return load

    async def _children(self, location_ids: list[int]) -> list[list[Location]]:
        query = (
            select(Location)
            .where(col(Location.parent_id).in_(location_ids))
            .order_by(col(Location.parent_id), col(Location.name_key), col(Location.id))
        )
        grouped: dict[int, list[Location]] = defaultdict(list)
        for (row,) in await self._fetch(query):
            assert row.parent_id is not None
            grouped[row.parent_id].append(row)
        return [grouped.get(pk, []) for pk in location_ids]
