"""The root Query: lookups by id, filtered lists, search."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from api.context import Context
from api.loaders.dataloaders import Loaders
from api.loaders.listings import ACTORS, ARTICLES, LOCATIONS, QUOTES, STATEMENTS
from api.schema.actor import Actor
from api.schema.article import Article
from api.schema.catalogue import AnyNode, ById, connection, reads
from api.schema.enums import ArticleOrder, QuoteOrder
from api.schema.errors import InvalidArgument
from api.schema.fields import resolver
from api.schema.filters import (
    ActorFilter,
    ArticleFilter,
    LocationFilter,
    QuoteFilter,
    StatementFilter,
)
from api.schema.location import Location
from api.schema.node import Node, from_global_id, pk_of
from api.schema.pagination import MAX_PAGE
from api.schema.quote import Quote
from api.schema.search import DEFAULT_RESULTS, SearchResult, search
from api.schema.statement import Statement

Info = strawberry.Info[Context, None]


# Each Node type: its class, and the loader of its rows by primary key.
_ROWS: dict[str, tuple[Any, Callable[[Loaders], DataLoader[int, Any]]]] = {
    "Article": (Article, lambda loaders: loaders.articles_by_id),
    "Actor": (Actor, lambda loaders: loaders.actors_by_id),
    "Statement": (Statement, lambda loaders: loaders.statements_by_id),
    "Location": (Location, lambda loaders: loaders.locations_by_id),
    "Quote": (Quote, lambda loaders: loaders.quotes_by_id),
}


async def _fetch(info: Info, type_name: str, pk: int) -> Node | None:
    node, load = _ROWS[type_name]
    row = await load(info.context.loaders).load(pk)
    found: Node | None = None if row is None else node.from_row(row)
    return found


def _lookup(type_name: str, description: str) -> Any:
    """The field of one `type_name` row by its global id (`article(id:)`...), or null."""

    async def resolve(self: Any, info: Info, id: strawberry.ID) -> Node | None:
        return await _fetch(info, type_name, pk_of(id, type_name))

    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [
        inspect.Parameter("self", keyword),
        inspect.Parameter("info", keyword, annotation=Info),
        inspect.Parameter("id", keyword, annotation=strawberry.ID),
    ]
    returns: object = _ROWS[type_name][0] | None
    resolve.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    return strawberry.field(resolver=resolve, description=description, metadata=reads(ById()))


@strawberry.type(description="Who said what, where, in the news.")
class Query:
    @resolver(
        description="Any object by its global id; null if it no longer exists.",
        reads=reads(AnyNode()),
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await _fetch(info, *from_global_id(id))

    @resolver(description=f"Objects by global id, in order (at most {MAX_PAGE}).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE:
            raise InvalidArgument(f"at most {MAX_PAGE} ids at once, got {len(ids)}")
        keys = [from_global_id(global_id) for global_id in ids]
        return list(await asyncio.gather(*(_fetch(info, t, pk) for t, pk in keys)))

    article = _lookup("Article", "An article by id.")

    articles = connection(
        ARTICLES, Article, ArticleFilter,
        "Articles, newest first by default.",
        ArticleOrder.PUBLISHED_AT_DESC,
    )

    actor = _lookup("Actor", "An actor by id.")

    actors = connection(
        ACTORS, Actor, ActorFilter,
        "Actors by name (case-insensitive), ties by id.",
    )

    statement = _lookup("Statement", "A statement by id.")

    statements = connection(
        STATEMENTS, Statement, StatementFilter,
        "Statements: newest articles first (undated last), then in reading order.",
    )

    location = _lookup("Location", "A location by id.")

    locations = connection(
        LOCATIONS, Location, LocationFilter,
        "Locations by name (case-insensitive), ties by id.",
    )

    quote = _lookup("Quote", "A quote by id; null if none of its statements is left.")

    quotes = connection(
        QUOTES, Quote, QuoteFilter,
        "Quotes, most reported first by default; quotes whose statements were all deleted "
        "are left out.",
        QuoteOrder.APPEARANCES_DESC,
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
