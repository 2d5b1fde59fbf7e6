"""Article: a news story, its statements, and the actors and places it mentions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from api import models
from api.context import Context
from api.loaders.listings import ACTORS_BY_ARTICLE, LOCATIONS_BY_ARTICLE, STATEMENTS_BY_ARTICLE
from api.schema.fields import resolver
from api.schema.filters import (
    ActorFilter,
    LocationFilter,
    StatementFilter,
    actor_criteria,
    location_criteria,
    statement_criteria,
)
from api.schema.node import Node, to_global_id
from api.schema.pagination import After, Before, Connection, First, Last, connection

if TYPE_CHECKING:
    from api.schema.actor import Actor
    from api.schema.location import Location
    from api.schema.statement import Statement

Info = strawberry.Info[Context, None]


@strawberry.type(description="A photo caption and whom the photo is credited to.")
class Caption:
    text: str = strawberry.field(description="The caption text.")
    credit: str | None = strawberry.field(description="Photo credit, e.g. 'AFP'.")

    @classmethod
    def from_json(cls, value: dict[str, object]) -> Caption:
        """A caption from its stored JSON object."""
        credit = value.get("credit")
        return cls(text=str(value.get("text", "")), credit=None if credit is None else str(credit))


@strawberry.type(description="A news article as published.")
class Article(Node):
    title: str | None = strawberry.field(description="Headline.")
    standfirst: str | None = strawberry.field(description="The summary under the headline.")
    published_at: dt.date | None = strawberry.field(description="Publication date.")
    publisher: str | None = strawberry.field(description="Who published it.")
    url: str | None = strawberry.field(description="Where it was published.")
    reading_time_minutes: int | None = strawberry.field(description="Estimated reading time.")
    body: str = strawberry.field(description="Full text; statement spans index into it.")
    captions: list[Caption] = strawberry.field(description="Photo captions in the text.")
    credit_line: str | None = strawberry.field(description="The article's credit line.")
    content_hash: str = strawberry.field(description="SHA-256 of the body (hex).")
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Article) -> Article:
        """The GraphQL view of an article row."""
        assert row.id is not None
        return cls(
            id=to_global_id("Article", row.id),
            pk=row.id,
            title=row.title,
            standfirst=row.standfirst,
            published_at=row.published_at,
            publisher=row.publisher,
            url=row.url,
            reading_time_minutes=row.reading_time_minutes,
            body=row.body,
            captions=[Caption.from_json(caption) for caption in row.captions or []],
            credit_line=row.credit_line,
            content_hash=row.content_hash,
        )

    @resolver(description="Statements in the article, in reading order (by start offset).")
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
            STATEMENTS_BY_ARTICLE,
            criteria,
            self.pk,
            Statement.from_row,
            first,
            after,
            last,
            before,
        )

    @resolver(description="Actors the article mentions, most mentioned first, then by name.")
    async def actors(
        self,
        info: Info,
        filter: ActorFilter | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Actor, strawberry.lazy("api.schema.actor")]]:
        from api.schema.actor import Actor

        criteria = actor_criteria(filter)
        return await connection(
            info, ACTORS_BY_ARTICLE, criteria, self.pk, Actor.from_row, first, after, last, before
        )

    @resolver(description="Places the article mentions, most mentioned first, then by name.")
    async def locations(
        self,
        info: Info,
        filter: LocationFilter | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Location, strawberry.lazy("api.schema.location")]]:
        from api.schema.location import Location

        criteria = location_criteria(filter)
        return await connection(
            info,
            LOCATIONS_BY_ARTICLE,
            criteria,
            self.pk,
            Location.from_row,
            first,
            after,
            last,
            before,
        )
