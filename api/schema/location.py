"""Location: a place, its place in the gazetteer hierarchy, what was said about it."""

from __future__ import annotations

from typing import ClassVar

import strawberry

from api.context import Context
from api.loaders.listings import ARTICLES_BY_LOCATION, STATEMENTS_BY_LOCATION
from api.schema.catalogue import Linked, ObjectBy, column, connection, reads, values_of
from api.schema.enums import ArticleOrder, LocationKind
from api.schema.fields import resolver
from api.schema.filters import ArticleFilter, StatementFilter
from api.schema.node import Node, to_global_id
from api.store import models

Info = strawberry.Info[Context, None]
_STATEMENT: strawberry.LazyType[str, str] = strawberry.LazyType("Statement", "api.schema.statement")
_ARTICLE: strawberry.LazyType[str, str] = strawberry.LazyType("Article", "api.schema.article")


@strawberry.type(description="A place: a country, region, city or district.")
class Location(Node):
    model: ClassVar[type[models.Location]] = models.Location
    name: str = column("name", "Name.")
    kind: LocationKind = column("kind", "What sort of place.", LocationKind)
    latitude: float | None = strawberry.field(description="WGS84 latitude.")
    longitude: float | None = strawberry.field(description="WGS84 longitude.")
    country_code: str | None = column("country_code", "ISO 3166-1 alpha-2, e.g. 'SY'.")
    pk: strawberry.Private[int]
    parent_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Location) -> Location:
        """The GraphQL view of a location row."""
        assert row.id is not None
        return cls(
            id=to_global_id("Location", row.id),
            pk=row.id,
            parent_pk=row.parent_id,
            # Coordinates stay with Strawberry: the databases print floats differently.
            latitude=row.latitude,
            longitude=row.longitude,
            **values_of(cls, row),
        )

    @resolver(
        description="The enclosing place, e.g. the country of a city.",
        reads=reads(ObjectBy("parent_id")),
    )
    async def parent(self, info: Info) -> Location | None:
        if self.parent_pk is None:
            return None
        row = await info.context.loaders.locations_by_id.load(self.parent_pk)
        return None if row is None else Location.from_row(row)

    @resolver(description="Places directly inside this one, by name.", reads=reads(Linked("parent_id")))
    async def children(self, info: Info) -> list[Location]:
        rows = await info.context.loaders.children_by_location.load(self.pk)
        return [Location.from_row(row) for row in rows]

    statements = connection(
        STATEMENTS_BY_LOCATION, _STATEMENT, StatementFilter,
        "Statements that mention the place: newest articles first, then reading order.",
    )
    articles = connection(
        ARTICLES_BY_LOCATION, _ARTICLE, ArticleFilter,
        "Articles that mention the place; newest first by default.",
        ArticleOrder.PUBLISHED_AT_DESC,
    )
