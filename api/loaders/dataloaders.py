"""This request's DataLoaders (`Loaders`), built per request in `api.context`.

Each batch opens its own short-lived session (its own pooled connection):
SQLAlchemy forbids concurrent use of one session, and batches run concurrently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped
from sqlmodel import SQLModel, col
from strawberry.dataloader import DataLoader

from api.loaders.aggregates import MEASURES, Grouping, first_groups, groups, totals_statement
from api.loaders.criteria import visible
from api.loaders.listings import (
    AnySelect,
    C,
    Expr,
    Listing,
    M,
    Page,
    Position,
    Window,
    count_statement,
    page_statement,
    values_statement,
)
from api.store.models import (
    Actor,
    ActorAlias,
    Article,
    Correction,
    Location,
    Quote,
    Statement,
    StatementLocation,
    StatementMention,
)

N = TypeVar("N", Actor, Location)
# Keys per batch: bound parameters stay far below the drivers' limit (32767) even for
# huge queries; ordinary queries never reach it, so they keep one statement per batch.
MAX_BATCH = 10_000


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


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
        return self._by_id(Statement, *visible(_table(Statement)))

    @cached_property
    def quotes_by_id(self) -> DataLoader[int, Quote | None]:
        return self._by_id(Quote, *visible(_table(Quote)))

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

    @cached_property
    def corrections_by_quote(self) -> DataLoader[int, list[Correction]]:
        return _loader(self._corrections("Quote"))

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

    def values(
        self, listing: Listing[M, C], criteria: C, value: Expr
    ) -> DataLoader[int, list[object]]:
        """The distinct values of `value` on the rows of `listing`, by parent id, each
        list in the order of first occurrence in the listing (a quote's publishers)."""
        key = ("values", listing.name, criteria, str(value))
        if key not in self._listings:

            async def load(parent_ids: list[int]) -> list[list[object]]:
                found: dict[int, dict[object, None]] = defaultdict(dict)
                for parent, found_value in await self._fetch(
                    values_statement(listing, criteria, value, parent_ids)
                ):
                    found[parent].setdefault(found_value)
                return [list(found.get(parent, {})) for parent in parent_ids]

            self._listings[key] = _loader(load)
        loader: DataLoader[int, list[object]] = self._listings[key]
        return loader

    def totals(self, listing: Listing[M, C], criteria: C) -> DataLoader[int, Mapping[str, Any]]:
        """The measures of `listing`'s rows by parent id (api.loaders.aggregates)."""
        key = ("totals", listing.name, criteria)
        if key not in self._listings:

            async def load(parent_ids: list[int]) -> list[Mapping[str, Any]]:
                measures, source = MEASURES[listing.entity], listing.source(criteria)
                rows = await self._fetch_mappings(totals_statement(measures, source, parent_ids))
                found = {row["qg_parent"]: row for row in rows}
                return [found.get(parent, measures.empty()) for parent in parent_ids]

            self._listings[key] = _loader(load)
        loader: DataLoader[int, Mapping[str, Any]] = self._listings[key]
        return loader

    def groups(
        self, listing: Listing[M, C], criteria: C, grouping: Grouping
    ) -> DataLoader[int, list[Mapping[str, Any]]]:
        """The group rows of `listing` by parent id, in order (api.loaders.aggregates)."""
        key = ("groups", listing.name, criteria, grouping)
        if key not in self._listings:

            async def load(parent_ids: list[int]) -> list[list[Mapping[str, Any]]]:
                source = listing.source(criteria)
                parents = None if source.parent is None else source.parent.in_(parent_ids)
                grouped = groups(MEASURES[listing.entity], source, grouping, parents)
                query = first_groups(grouped, grouping.size)
                found: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
                for row in await self._fetch_mappings(query):
                    found[row["qg_parent"]].append(row)
                return [found.get(parent, []) for parent in parent_ids]

            self._listings[key] = _loader(load)
        loader: DataLoader[int, list[Mapping[str, Any]]] = self._listings[key]
        return loader

    async def _fetch(self, statement: AnySelect) -> Sequence[Any]:
        async with self._sessions() as session:
            result = await session.execute(statement)
            return result.all()

    async def _fetch_mappings(self, statement: AnySelect) -> Sequence[Mapping[str, Any]]:
        async with self._sessions() as session:
            result = await session.execute(statement)
            return [dict(row) for row in result.mappings()]

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
