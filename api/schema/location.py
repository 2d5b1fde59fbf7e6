"""Location: a place, its place in the gazetteer hierarchy, what was said about it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api import models
from api.context import Context
from api.loaders.listings import ARTICLES_BY_LOCATION, STATEMENTS_BY_LOCATION
from api.schema.enums import ArticleOrder, LocationKind
from api.schema.fields import resolver
from api.schema.filters import ArticleFilter, StatementFilter, article_criteria, statement_criteria
from api.schema.node import Node, to_global_id
from api.schema.pagination import After, Before, Connection, First, Last, connection

if TYPE_CHECKING:
    from api.schema.article import Article
    from api.schema.statement import Statement

Info = strawberry.Info[Context, None]


@strawberry.type(description="A place: a country, region, city or district.")
class Location(Node):
    name: str = strawberry.field(description="Name.")
    kind: LocationKind = strawberry.field(description="What sort of place.")
    latitude: float | None = strawberry.field(description="WGS84 latitude.")
    longitude: float | None = strawberry.field(description="WGS84 longitude.")
    country_code: str | None = strawberry.field(description="ISO 3166-1 alpha-2, e.g. 'SY'.")
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
            name=row.name,
            kind=LocationKind(row.kind),
            latitude=row.latitude,
            longitude=row.longitude,
            country_code=row.country_code,
        )

    @resolver(description="The enclosing place, e.g. the country of a city.")
    async def parent(self, info: Info) -> Location | None:
        if self.parent_pk is None:
            return None
        row = await info.context.loaders.locations_by_id.load(self.parent_pk)
        return None if row is None else Location.from_row(row)

    @resolver(description="Places directly inside this one, by name.")
    async def children(self, info: Info) -> list[Location]:
        rows = await info.context.loaders.children_by_location.load(self.pk)
        return [Location.from_row(row) for row in rows]

    @resolver(
        description="Statements that mention the place: newest articles first, then reading order."
    )
    async def statements(
        self,
        info: Info,
        filter: StatementFilter | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Statement, strawberry.lazy("api.schema.statement")]]:
        from api.schema.statement import Statement

        criteria = statement_criteria(filter)
        return await connection(
            info,
            STATEMENTS_BY_LOCATION,
            criteria,
            self.pk,
            Statement.from_row,
            first,
            after,
            last,
            before,
        )

    @resolver(description="Articles that mention the place; newest first by default.")
    async def articles(
        self,
        info: Info,
        filter: ArticleFilter | None = None,
        order_by: ArticleOrder = ArticleOrder.PUBLISHED_AT_DESC,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Article, strawberry.lazy("api.schema.article")]]:
        from api.schema.article import Article

        criteria = article_criteria(filter, order_by)
        return await connection(
            info,
            ARTICLES_BY_LOCATION,
            criteria,
            self.pk,
            Article.from_row,
            first,
            after,
            last,
            before,
        )
