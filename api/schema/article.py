"""Article: a news story, its statements, and the actors and places it mentions."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import strawberry

from api.loaders.listings import ACTORS_BY_ARTICLE, LOCATIONS_BY_ARTICLE, STATEMENTS_BY_ARTICLE
from api.schema.catalogue import Captions, column, connection, reads, values_of
from api.schema.filters import (
    ActorFilter,
    LocationFilter,
    StatementFilter,
)
from api.schema.node import Node, to_global_id
from api.store import models

_STATEMENT: strawberry.LazyType[str, str] = strawberry.LazyType("Statement", "api.schema.statement")
_ACTOR: strawberry.LazyType[str, str] = strawberry.LazyType("Actor", "api.schema.actor")
_LOCATION: strawberry.LazyType[str, str] = strawberry.LazyType("Location", "api.schema.location")


@strawberry.type(description="A photo caption and whom the photo is credited to.")
class Caption:
    text: str = column("text", "The caption text.")
    credit: str | None = column("credit", "Photo credit, e.g. 'AFP'.")

    @classmethod
    def from_json(cls, value: dict[str, object]) -> Caption:
        """A caption from its stored JSON object."""
        credit = value.get("credit")
        return cls(text=str(value.get("text", "")), credit=None if credit is None else str(credit))


@strawberry.type(description="A news article as published.")
class Article(Node):
    model: ClassVar[type[models.Article]] = models.Article
    title: str | None = column("title", "Headline.")
    standfirst: str | None = column("standfirst", "The summary under the headline.")
    published_at: dt.date | None = column("published_at", "Publication date.")
    publisher: str | None = column("publisher", "Who published it.")
    url: str | None = column("url", "Where it was published.")
    reading_time_minutes: int | None = column("reading_time_minutes", "Estimated reading time.")
    body: str = column("body", "Full text; statement spans index into it.")
    captions: list[Caption] = strawberry.field(
        description="Photo captions in the text.", metadata=reads(Captions("captions"))
    )
    credit_line: str | None = column("credit_line", "The article's credit line.")
    content_hash: str = column("content_hash", "SHA-256 of the body (hex).")
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Article) -> Article:
        """The GraphQL view of an article row."""
        assert row.id is not None
        captions = [Caption.from_json(caption) for caption in row.captions or []]
        return cls(
            id=to_global_id("Article", row.id), pk=row.id, captions=captions, **values_of(cls, row)
        )

    statements = connection(
        STATEMENTS_BY_ARTICLE, _STATEMENT, StatementFilter,
        "Statements in the article, in reading order (by start offset).",
    )
    actors = connection(
        ACTORS_BY_ARTICLE, _ACTOR, ActorFilter,
        "Actors the article mentions, most mentioned first, then by name.",
    )
    locations = connection(
        LOCATIONS_BY_ARTICLE, _LOCATION, LocationFilter,
        "Places the article mentions, most mentioned first, then by name.",
    )
