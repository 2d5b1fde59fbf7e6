"""The root Query: lookups by id, filtered lists, search."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import strawberry

from api.context import Context
from api.loaders.listings import ACTORS, ARTICLES, LOCATIONS, STATEMENTS
from api.schema.actor import Actor
from api.schema.article import Article
from api.schema.catalogue import AnyNode, ById, connection, reads
from api.schema.enums import ArticleOrder
from api.schema.errors import InvalidArgument
from api.schema.fields import resolver
from api.schema.filters import (
    ActorFilter,
    ArticleFilter,
    LocationFilter,
    StatementFilter,
)
from api.schema.location import Location
from api.schema.node import Node, from_global_id, pk_of
from api.schema.pagination import MAX_PAGE
from api.schema.search import DEFAULT_RESULTS, SearchResult, search
from api.schema.statement import Statement

Info = strawberry.Info[Context, None]
_BY_ID = reads(ById())


async def _article(info: Info, pk: int) -> Article | None:
    row = await info.context.loaders.articles_by_id.load(pk)
    return None if row is None else Article.from_row(row)


async def _actor(info: Info, pk: int) -> Actor | None:
    row = await info.context.loaders.actors_by_id.load(pk)
    return None if row is None else Actor.from_row(row)


async def _statement(info: Info, pk: int) -> Statement | None:
    row = await info.context.loaders.statements_by_id.load(pk)
    return None if row is None else Statement.from_row(row)


async def _location(info: Info, pk: int) -> Location | None:
    row = await info.context.loaders.locations_by_id.load(pk)
    return None if row is None else Location.from_row(row)


_FETCH: dict[str, Callable[[Info, int], Awaitable[Node | None]]] = {
    "Article": _article,
    "Actor": _actor,
    "Statement": _statement,
    "Location": _location,
}


@strawberry.type(description="Who said what, where, in the news.")
class Query:
    @resolver(
        description="Any object by its global id; null if it no longer exists.",
        reads=reads(AnyNode()),
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, pk = from_global_id(id)
        return await _FETCH[type_name](info, pk)

    @resolver(description=f"Objects by global id, in order (at most {MAX_PAGE}).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE:
            raise InvalidArgument(f"at most {MAX_PAGE} ids at once, got {len(ids)}")
        keys = [from_global_id(global_id) for global_id in ids]
        return list(await asyncio.gather(*(_FETCH[t](info, pk) for t, pk in keys)))

    @resolver(description="An article by id.", reads=_BY_ID)
    async def article(self, info: Info, id: strawberry.ID) -> Article | None:
        return await _article(info, pk_of(id, "Article"))

    articles = connection(
        ARTICLES, Article, ArticleFilter,
        "Articles, newest first by default.",
        ArticleOrder.PUBLISHED_AT_DESC,
    )

    @resolver(description="An actor by id.", reads=_BY_ID)
    async def actor(self, info: Info, id: strawberry.ID) -> Actor | None:
        return await _actor(info, pk_of(id, "Actor"))

    actors = connection(
        ACTORS, Actor, ActorFilter,
        "Actors by name (case-insensitive), ties by id.",
    )

    @resolver(description="A statement by id.", reads=_BY_ID)
    async def statement(self, info: Info, id: strawberry.ID) -> Statement | None:
        return await _statement(info, pk_of(id, "Statement"))

    statements = connection(
        STATEMENTS, Statement, StatementFilter,
        "Statements: newest articles first (undated last), then in reading order.",
    )

    @resolver(description="A location by id.", reads=_BY_ID)
    async def location(self, info: Info, id: strawberry.ID) -> Location | None:
        return await _location(info, pk_of(id, "Location"))

    locations = connection(
        LOCATIONS, Location, LocationFilter,
        "Locations by name (case-insensitive), ties by id.",
    )

    @resolver(
        name="search",
        description="Actors, locations, articles and statements matching every word of `query`, "
        "in that order, at most `first` in all.",
    )
    async def search_all(
        self, info: Info, query: str, first: int | None = DEFAULT_RESULTS
    ) -> list[SearchResult]:
        return await search(info, query, DEFAULT_RESULTS if first is None else first)
