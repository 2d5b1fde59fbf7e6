"""Search across every node type at once."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from api.context import Context
from api.loaders.criteria import ActorCriteria, ArticleCriteria, LocationCriteria, StatementCriteria
from api.loaders.listings import ACTORS, ARTICLES, LOCATIONS, ROOT, STATEMENTS, Window
from api.schema.actor import Actor
from api.schema.article import Article
from api.schema.errors import InvalidArgument
from api.schema.filters import text_argument
from api.schema.location import Location
from api.schema.pagination import MAX_PAGE
from api.schema.statement import Statement

DEFAULT_RESULTS = 10

SearchResult = Annotated[
    Actor | Location | Article | Statement,
    strawberry.union("SearchResult", description="Anything `search` can find."),
]


async def search(
    info: strawberry.Info[Context, None], query: str, first: int
) -> list[SearchResult]:
    """Up to `first` matches: actors, then locations, articles, statements (each in list order).

    Actors, locations and articles match words anywhere in their names or text; statements
    match as `StatementFilter.search` does (each word begins a word of the text).
    """
    if not 0 <= first <= MAX_PAGE:
        raise InvalidArgument(f"`first` must be between 0 and {MAX_PAGE}, got {first}")
    words = tuple((text_argument(query, "query") or "").split())
    if not words or first == 0:
        return []
    loaders, window, text = info.context.loaders, Window(size=first), " ".join(words)
    actors, locations, articles, statements = await asyncio.gather(
        loaders.page(ACTORS, ActorCriteria(search=text), window).load(ROOT),
        loaders.page(LOCATIONS, LocationCriteria(search=text), window).load(ROOT),
        loaders.page(ARTICLES, ArticleCriteria(words=words), window).load(ROOT),
        loaders.page(STATEMENTS, StatementCriteria(words=words), window).load(ROOT),
    )
    found: list[SearchResult] = [
        *map(Actor.from_row, actors.rows),
        *map(Location.from_row, locations.rows),
        *map(Article.from_row, articles.rows),
        *map(Statement.from_row, statements.rows),
    ]
    return found[:first]
