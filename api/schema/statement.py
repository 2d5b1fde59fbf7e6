"""Statement: something an actor said, where it sits in its article, what it mentions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from api.context import Context
from api.schema.catalogue import (
    Linked,
    ObjectBy,
    column,
    reads,
    span_of,
    spans_column,
    values_of,
)
from api.schema.correction import Correction
from api.schema.enums import StatementKind
from api.schema.fields import resolver
from api.schema.node import Node, to_global_id
from api.schema.span import Span
from api.store import models

if TYPE_CHECKING:
    from api.schema.actor import Actor
    from api.schema.article import Article
    from api.schema.location import Location
    from api.schema.quote import Quote

Info = strawberry.Info[Context, None]


@strawberry.type(description="A statement reported in an article: a quote or reported speech.")
class Statement(Node):
    model: ClassVar[type[models.Statement]] = models.Statement
    text: str = column(
        "text",
        "What was said: the text of `parts` joined, without the attribution that"
        " interrupts a quotation and without a direct quotation's marks. Parts are"
        " joined by one space where the words run on (the earlier part ends a sentence,"
        " or ends a clause and the next goes on in lower case), else by ' \u2026 '.",
    )
    kind: StatementKind = column("kind", "Quoted, reported, or both.", StatementKind)
    cue: str | None = column("cue", "The reporting verb, e.g. 'said', 'told'.")
    span: Span = span_of(
        "start",
        "end",
        "Where the statement is in the article body: its outer extent, any"
        " attribution inside it included.",
    )
    parts: list[Span] = spans_column(
        "parts",
        "start",
        "end",
        "The pieces of `span` that were said, in order: two for a quotation"
        " split around its attribution ('\"A,\" he said. \"B.\"'), one for an ordinary"
        " statement. Each slices Article.body to the text `text` joins.",
    )
    speaker_span: Span | None = span_of(
        "speaker_start",
        "speaker_end",
        "Where the speaker is named for this statement (may be a pronoun).",
    )
    speaker_text: str | None = column(
        "speaker_text", "The speaker mention as written, e.g. 'he' or 'Lavrov'."
    )
    pk: strawberry.Private[int]
    article_pk: strawberry.Private[int]
    speaker_pk: strawberry.Private[int | None]
    medium_pk: strawberry.Private[int | None]
    quote_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Statement) -> Statement:
        """The GraphQL view of a statement row."""
        assert row.id is not None
        return cls(
            id=to_global_id("Statement", row.id),
            pk=row.id,
            article_pk=row.article_id,
            speaker_pk=row.speaker_id,
            medium_pk=row.medium_id,
            quote_pk=row.quote_id,
            **values_of(cls, row),
        )

    @resolver(description="Corrections people made to this statement, oldest first.")
    async def history(self, info: Info) -> list[Correction]:
        rows = await info.context.loaders.corrections_by_statement.load(self.pk)
        return [Correction.from_row(row) for row in rows]

    @resolver(description="Who said it, when known.", reads=reads(ObjectBy("speaker_id")))
    async def speaker(
        self, info: Info
    ) -> Annotated[Actor, strawberry.lazy("api.schema.actor")] | None:
        return await actor_by_pk(info, self.speaker_pk)

    @resolver(
        description="Whom it was said to or through, e.g. AFP in 'he told AFP'.",
        reads=reads(ObjectBy("medium_id")),
    )
    async def medium(
        self, info: Info
    ) -> Annotated[Actor, strawberry.lazy("api.schema.actor")] | None:
        return await actor_by_pk(info, self.medium_pk)

    @resolver(description="The article it appears in.", reads=reads(ObjectBy("article_id")))
    async def article(
        self, info: Info
    ) -> Annotated[Article, strawberry.lazy("api.schema.article")]:
        from api.schema.article import Article

        row = await info.context.loaders.articles_by_id.load(self.article_pk)
        assert row is not None, f"statement {self.pk} has no article {self.article_pk}"
        return Article.from_row(row)

    @resolver(
        description="The quote it reports: the same words of the same speaker in every "
        "statement and article that has them; null when it has none.",
        reads=reads(ObjectBy("quote_id")),
    )
    async def quote(
        self, info: Info
    ) -> Annotated[Quote, strawberry.lazy("api.schema.quote")] | None:
        from api.schema.quote import Quote

        if self.quote_pk is None:
            return None
        row = await info.context.loaders.quotes_by_id.load(self.quote_pk)
        return None if row is None else Quote.from_row(row)

    @resolver(
        description="Places the statement mentions, by name.",
        reads=reads(Linked("statement_id", models.StatementLocation, "location_id")),
    )
    async def locations(
        self, info: Info
    ) -> list[Annotated[Location, strawberry.lazy("api.schema.location")]]:
        from api.schema.location import Location

        rows = await info.context.loaders.locations_by_statement.load(self.pk)
        return [Location.from_row(row) for row in rows]

    @resolver(
        description="Actors the statement mentions, by name.",
        reads=reads(Linked("statement_id", models.StatementMention, "actor_id")),
    )
    async def mentions(
        self, info: Info
    ) -> list[Annotated[Actor, strawberry.lazy("api.schema.actor")]]:
        from api.schema.actor import Actor

        rows = await info.context.loaders.mentions_by_statement.load(self.pk)
        return [Actor.from_row(row) for row in rows]


async def actor_by_pk(info: Info, pk: int | None) -> Actor | None:
    """The actor of primary key `pk` (None: none), through the request's loader."""
    from api.schema.actor import Actor

    if pk is None:
        return None
    row = await info.context.loaders.actors_by_id.load(pk)
    return None if row is None else Actor.from_row(row)
