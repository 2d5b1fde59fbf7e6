"""Actor: a person, organisation or group that makes statements."""

from __future__ import annotations

from typing import ClassVar

import strawberry

from api.context import Context
from api.loaders.criteria import StatementCriteria
from api.loaders.listings import (
    ARTICLES_BY_ACTOR,
    MEMBERS_BY_ACTOR,
    QUOTES_BY_SPEAKER,
    STATEMENTS_BY_SPEAKER,
)
from api.schema.catalogue import Aliases, ObjectBy, column, connection, count, reads, values_of
from api.schema.correction import Correction
from api.schema.enums import ActorKind, ArticleOrder, QuoteOrder
from api.schema.fields import resolver
from api.schema.filters import (
    ActorFilter,
    ArticleFilter,
    QuoteFilter,
    StatementFilter,
)
from api.schema.node import Node, to_global_id
from api.store import models

Info = strawberry.Info[Context, None]
_ACTOR: strawberry.LazyType[str, str] = strawberry.LazyType("Actor", "api.schema.actor")
_STATEMENT: strawberry.LazyType[str, str] = strawberry.LazyType("Statement", "api.schema.statement")
_ARTICLE: strawberry.LazyType[str, str] = strawberry.LazyType("Article", "api.schema.article")
_QUOTE: strawberry.LazyType[str, str] = strawberry.LazyType("Quote", "api.schema.quote")


@strawberry.type(description="Someone who speaks or is spoken of: a person, an organisation...")
class Actor(Node):
    model: ClassVar[type[models.Actor]] = models.Actor
    name: str = column("name", "Canonical name.")
    kind: ActorKind = column("kind", "What sort of actor.", ActorKind)
    title: str | None = column("title", "Role, e.g. 'Foreign Minister'.")
    pk: strawberry.Private[int]
    affiliation_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Actor) -> Actor:
        """The GraphQL view of an actor row."""
        assert row.id is not None
        return cls(
            id=to_global_id("Actor", row.id),
            pk=row.id,
            affiliation_pk=row.affiliation_id,
            **values_of(cls, row),
        )

    @resolver(description="Corrections people made to this actor, oldest first.")
    async def history(self, info: Info) -> list[Correction]:
        rows = await info.context.loaders.corrections_by_actor.load(self.pk)
        return [Correction.from_row(row) for row in rows]

    @resolver(description="Other names the actor goes by, alphabetically.", reads=reads(Aliases()))
    async def aliases(self, info: Info) -> list[str]:
        return await info.context.loaders.aliases_by_actor.load(self.pk)

    @resolver(
        description="The organisation or government the actor belongs to.",
        reads=reads(ObjectBy("affiliation_id")),
    )
    async def affiliation(self, info: Info) -> Actor | None:
        if self.affiliation_pk is None:
            return None
        row = await info.context.loaders.actors_by_id.load(self.affiliation_pk)
        return None if row is None else Actor.from_row(row)

    members = connection(
        MEMBERS_BY_ACTOR, _ACTOR, ActorFilter,
        "Actors whose affiliation is this actor, by name.",
    )
    statements = connection(
        STATEMENTS_BY_SPEAKER, _STATEMENT, StatementFilter,
        "What the actor said: newest articles first, then in reading order.",
    )
    statement_count = count(
        STATEMENTS_BY_SPEAKER, StatementCriteria(), "How many statements the actor made."
    )
    articles = connection(
        ARTICLES_BY_ACTOR, _ARTICLE, ArticleFilter,
        "Articles that mention the actor; newest first by default.",
        ArticleOrder.PUBLISHED_AT_DESC,
    )
    quotes = connection(
        QUOTES_BY_SPEAKER, _QUOTE, QuoteFilter,
        "The quotes the actor is the speaker of; most reported first by default.",
        QuoteOrder.APPEARANCES_DESC,
    )
