"""Actor: a person, organisation or group that makes statements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api import models
from api.context import Context
from api.loaders.criteria import StatementCriteria
from api.loaders.listings import ARTICLES_BY_ACTOR, MEMBERS_BY_ACTOR, STATEMENTS_BY_SPEAKER
from api.schema.correction import Correction
from api.schema.enums import ActorKind, ArticleOrder
from api.schema.fields import resolver
from api.schema.filters import (
    ActorFilter,
    ArticleFilter,
    StatementFilter,
    actor_criteria,
    article_criteria,
    statement_criteria,
)
from api.schema.node import Node, to_global_id
from api.schema.pagination import After, Before, Connection, First, Last, connection

if TYPE_CHECKING:
    from api.schema.article import Article
    from api.schema.statement import Statement

Info = strawberry.Info[Context, None]


@strawberry.type(description="Someone who speaks or is spoken of: a person, an organisation...")
class Actor(Node):
    name: str = strawberry.field(description="Canonical name.")
    kind: ActorKind = strawberry.field(description="What sort of actor.")
    title: str | None = strawberry.field(description="Role, e.g. 'Foreign Minister'.")
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
            name=row.name,
            kind=ActorKind(row.kind),
            title=row.title,
        )

    @resolver(description="Corrections people made to this actor, oldest first.")
    async def history(self, info: Info) -> list[Correction]:
        rows = await info.context.loaders.corrections_by_actor.load(self.pk)
        return [Correction.from_row(row) for row in rows]

    @resolver(description="Other names the actor goes by, alphabetically.")
    async def aliases(self, info: Info) -> list[str]:
        return await info.context.loaders.aliases_by_actor.load(self.pk)

    @resolver(description="The organisation or government the actor belongs to.")
    async def affiliation(self, info: Info) -> Actor | None:
        if self.affiliation_pk is None:
            return None
        row = await info.context.loaders.actors_by_id.load(self.affiliation_pk)
        return None if row is None else Actor.from_row(row)

    @resolver(description="Actors whose affiliation is this actor, by name.")
    async def members(
        self,
        info: Info,
        filter: ActorFilter | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Actor]:
        criteria = actor_criteria(filter)
        return await connection(
            info, MEMBERS_BY_ACTOR, criteria, self.pk, Actor.from_row, first, after, last, before
        )

    @resolver(description="What the actor said: newest articles first, then in reading order.")
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
            STATEMENTS_BY_SPEAKER,
            criteria,
            self.pk,
            Statement.from_row,
            first,
            after,
            last,
            before,
        )

    @resolver(description="How many statements the actor made.")
    async def statement_count(self, info: Info) -> int:
        loader = info.context.loaders.count(STATEMENTS_BY_SPEAKER, StatementCriteria())
        return await loader.load(self.pk)

    @resolver(description="Articles that mention the actor; newest first by default.")
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
            ARTICLES_BY_ACTOR,
            criteria,
            self.pk,
            Article.from_row,
            first,
            after,
            last,
            before,
        )
