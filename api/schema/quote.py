"""Quote: the same words of the same speaker, in however many statements and articles."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry
from sqlmodel import col

from api.context import Context
from api.loaders.criteria import StatementCriteria
from api.loaders.listings import STATEMENTS_BY_QUOTE
from api.schema.catalogue import ObjectBy, column, connection, distinct, reads, values_of
from api.schema.correction import Correction
from api.schema.enums import AppearanceOrder
from api.schema.fields import resolver
from api.schema.filters import StatementFilter
from api.schema.node import Node, to_global_id
from api.store import models

if TYPE_CHECKING:
    from api.schema.actor import Actor
    from api.schema.statement import Statement

Info = strawberry.Info[Context, None]
_STATEMENT: strawberry.LazyType[str, str] = strawberry.LazyType("Statement", "api.schema.statement")


@strawberry.type(
    description="The same words of the same speaker, reported by one or more statements in "
    "any number of articles (cut, re-punctuated, or attributed by pronoun)."
)
class Quote(Node):
    model: ClassVar[type[models.Quote]] = models.Quote
    text: str = column(
        "text", "The fullest form seen: the longest text of its appearances (ties: the earlier),"
        " without the comma that handed it to its attribution."
    )
    first_seen_on: dt.date | None = column(
        "first_seen", "The publication date of the article of `firstSeen`; null when undated."
    )
    appearance_count: int = column(
        "appearances", "How many statements report it (deleted statements do not count)."
    )
    article_count: int = column("article_count", "In how many articles it appears.")
    pk: strawberry.Private[int]
    speaker_pk: strawberry.Private[int | None]
    first_statement_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Quote) -> Quote:
        """The GraphQL view of a quote row."""
        assert row.id is not None
        return cls(
            id=to_global_id("Quote", row.id),
            pk=row.id,
            speaker_pk=row.speaker_id,
            first_statement_pk=row.first_statement_id,
            **values_of(cls, row),
        )

    @resolver(
        description="Who said it: the speaker most of its appearances name (ties: the "
        "earlier); null when none names one.",
        reads=reads(ObjectBy("speaker_id")),
    )
    async def speaker(
        self, info: Info
    ) -> Annotated[Actor, strawberry.lazy("api.schema.actor")] | None:
        from api.schema.actor import Actor

        if self.speaker_pk is None:
            return None
        row = await info.context.loaders.actors_by_id.load(self.speaker_pk)
        return None if row is None else Actor.from_row(row)

    @resolver(
        description="Its first appearance: the statement in the earliest article (undated "
        "articles last), then the first by article id and offset.",
        reads=reads(ObjectBy("first_statement_id")),
    )
    async def first_seen(
        self, info: Info
    ) -> Annotated[Statement, strawberry.lazy("api.schema.statement")] | None:
        from api.schema.statement import Statement

        if self.first_statement_pk is None:
            return None
        row = await info.context.loaders.statements_by_id.load(self.first_statement_pk)
        return None if row is None else Statement.from_row(row)

    appearances = connection(
        STATEMENTS_BY_QUOTE, _STATEMENT, StatementFilter,
        "The statements that report it; first seen first by default.",
        AppearanceOrder.FIRST_SEEN_ASC,
    )
    publishers = distinct(
        STATEMENTS_BY_QUOTE, StatementCriteria(), col(models.Article.publisher),
        "The publishers of the articles it appears in, each once, in the order they first "
        "reported it (as `appearances` lists them); articles without a publisher add none.",
    )

    @resolver(
        description="Corrections people made to this quote (mergeQuotes), oldest first; "
        "detachStatement is in the statement's history."
    )
    async def history(self, info: Info) -> list[Correction]:
        rows = await info.context.loaders.corrections_by_quote.load(self.pk)
        return [Correction.from_row(row) for row in rows]
