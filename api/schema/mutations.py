"""The root Mutation: ingesting articles and human corrections, each needing a bearer token.

Expected failures are results (`ValidationError`, `NotFoundError` in each result union);
a request without a valid token gets an UNAUTHENTICATED error instead. Writes go
through `api.load.ingest` (extraction included) and `api.store.corrections`, never from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from api.context import Context
from api.load.ingest import ArticleInput, ingest_text
from api.load.limits import first_refused, name_too_long, refused_character, too_long
from api.loaders.dataloaders import Loaders
from api.schema.actor import Actor
from api.schema.article import Article
from api.schema.enums import StatementKind
from api.schema.errors import InvalidArgument, unauthenticated
from api.schema.fields import resolver
from api.schema.node import pk_of, to_global_id
from api.schema.quote import Quote
from api.schema.statement import Statement
from api.store import corrections
from api.store.corrections import InvalidCorrection, MissingRow, StatementEdit
from api.store.db import session_factory

Info = strawberry.Info[Context, None]


@strawberry.type(description="An input field that cannot be used as given; nothing was changed.")
class ValidationError:
    field: str = strawberry.field(description="The input field at fault, e.g. 'body'.")
    message: str = strawberry.field(description="What is wrong and how to fix it.")


@strawberry.type(description="An id that names nothing (or something deleted); nothing changed.")
class NotFoundError:
    id: strawberry.ID = strawberry.field(description="The id that was not found.")
    message: str = strawberry.field(description="What was not found.")


@strawberry.type(description="The article stored for the body sent.")
class IngestArticleSuccess:
    article: Article = strawberry.field(description="The stored article.")
    created: bool = strawberry.field(
        description="False when the same body was already stored: nothing was changed."
    )


@strawberry.type(description="The statement as corrected.")
class UpdateStatementSuccess:
    statement: Statement = strawberry.field(description="The corrected statement.")


@strawberry.type(description="The statement is deleted and will not be extracted again.")
class DeleteStatementSuccess:
    deleted_id: strawberry.ID = strawberry.field(description="The deleted statement's id.")


@strawberry.type(description="The actor the other one was merged into.")
class MergeActorsSuccess:
    actor: Actor = strawberry.field(description="The target actor, now with the source's data.")


@strawberry.type(description="The actor with its new affiliation.")
class SetAffiliationSuccess:
    actor: Actor = strawberry.field(description="The corrected actor.")


@strawberry.type(description="The quote the other one was merged into.")
class MergeQuotesSuccess:
    quote: Quote = strawberry.field(
        description="The target quote, now with the source's statements."
    )


@strawberry.type(description="The statement in its own quote.")
class DetachStatementSuccess:
    statement: Statement = strawberry.field(description="The detached statement.")
    quote: Quote = strawberry.field(
        description="Its quote, which no other visible statement shares."
    )


IngestArticleResult = Annotated[
    IngestArticleSuccess | ValidationError,
    strawberry.union("IngestArticleResult", description="What ingestArticle did."),
]
UpdateStatementResult = Annotated[
    UpdateStatementSuccess | NotFoundError | ValidationError,
    strawberry.union("UpdateStatementResult", description="What updateStatement did."),
]
DeleteStatementResult = Annotated[
    DeleteStatementSuccess | NotFoundError | ValidationError,
    strawberry.union("DeleteStatementResult", description="What deleteStatement did."),
]
MergeActorsResult = Annotated[
    MergeActorsSuccess | NotFoundError | ValidationError,
    strawberry.union("MergeActorsResult", description="What mergeActors did."),
]
SetAffiliationResult = Annotated[
    SetAffiliationSuccess | NotFoundError | ValidationError,
    strawberry.union("SetAffiliationResult", description="What setAffiliation did."),
]
MergeQuotesResult = Annotated[
    MergeQuotesSuccess | NotFoundError | ValidationError,
    strawberry.union("MergeQuotesResult", description="What mergeQuotes did."),
]
DetachStatementResult = Annotated[
    DetachStatementSuccess | NotFoundError | ValidationError,
    strawberry.union("DetachStatementResult", description="What detachStatement did."),
]


@strawberry.input(description="An article to extract and store.")
class IngestArticleInput:
    body: str = strawberry.field(description="The article text, headline first unless `title`.")
    title: str | None = strawberry.field(default=None, description="Headline, if not in body.")
    published_at: dt.date | None = strawberry.field(default=None, description="YYYY-MM-DD.")
    publisher: str | None = strawberry.field(default=None, description="e.g. 'AFP'.")
    url: str | None = strawberry.field(default=None, description="An http(s) URL.")


@strawberry.input(
    description="A correction to a statement; omitted fields stay as they are. "
    "`speakerId: null` means the speaker is unknown."
)
class UpdateStatementInput:
    id: strawberry.ID = strawberry.field(description="The statement to correct.")
    speaker_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The actor who said it."
    )
    kind: StatementKind | None = strawberry.field(
        default=strawberry.UNSET, description="DIRECT, INDIRECT or MIXED."
    )
    start: int | None = strawberry.field(
        default=strawberry.UNSET, description="New start offset into Article.body."
    )
    end: int | None = strawberry.field(
        default=strawberry.UNSET, description="New end offset (exclusive) into Article.body."
    )


class _BadId(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.result = ValidationError(field=field, message=message)


def _pk(global_id: str, type_name: str, field: str) -> int:
    refused = refused_character(field, global_id)
    if refused is not None:
        raise _BadId(field, refused)
    try:
        return pk_of(global_id, type_name)
    except InvalidArgument as error:
        raise _BadId(field, str(error)) from None


def _token(info: Info) -> str:
    """The request's token name; UNAUTHENTICATED without a valid token."""
    name = info.context.token_name
    if name is None:
        raise unauthenticated(info.context.tokens_configured)
    return name


def _sessions(info: Info) -> async_sessionmaker[AsyncSession]:
    return session_factory(info.context.loaders.engine)


def _fresh(info: Info) -> Loaders:
    """New loaders for the rest of the request: the old ones may hold rows we changed."""
    info.context.loaders = Loaders(info.context.loaders.engine)
    return info.context.loaders


def _not_found(error: MissingRow) -> NotFoundError:
    gid = to_global_id(error.entity, error.pk)
    return NotFoundError(id=gid, message=f"No {error.entity} has the id {gid}.")


def _ingest_problem(data: IngestArticleInput, max_chars: int) -> ValidationError | None:
    """The first thing wrong with the input, checked on the values as sent (offsets count
    in them), before anything is extracted or stored."""
    if not data.body.strip():
        return ValidationError(field="body", message="The body is empty; send the article text.")
    oversized = too_long("body", data.body, max_chars)
    if oversized is not None:
        return ValidationError(field="body", message=oversized)
    strings = {"body": data.body, "title": data.title, "publisher": data.publisher, "url": data.url}
    refused = first_refused(strings.items())
    if refused is not None:
        return ValidationError(field=refused.field, message=refused.message)
    long_name = name_too_long("publisher", (data.publisher or "").strip())
    if long_name is not None:
        return ValidationError(field="publisher", message=long_name)
    url = (data.url or "").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        return ValidationError(field="url", message=f"{url!r} is not an http(s) URL.")
    return None


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _edit(data: UpdateStatementInput) -> StatementEdit:
    set_speaker = data.speaker_id is not strawberry.UNSET
    speaker = data.speaker_id if set_speaker else None
    return StatementEdit(
        set_speaker=set_speaker,
        speaker_id=None if speaker is None else _pk(speaker, "Actor", "speakerId"),
        kind=None if data.kind is strawberry.UNSET else data.kind,
        start=None if data.start is strawberry.UNSET else data.start,
        end=None if data.end is strawberry.UNSET else data.end,
    )


@strawberry.type(description="Changes: ingesting articles and human corrections (bearer token).")
class Mutation:
    @resolver(description="Extract and store an article; the same body again returns the "
              "stored article with created: false.")
    async def ingest_article(self, info: Info, input: IngestArticleInput) -> IngestArticleResult:
        token = _token(info)
        problem = _ingest_problem(input, info.context.max_article_chars)
        if problem is not None:
            return problem
        article = ArticleInput(
            body=input.body,
            source=f"ingestArticle by {token}",
            title=_text(input.title),
            published=input.published_at,
            publisher=_text(input.publisher),
            url=_text(input.url),
        )
        pool = info.context.extraction
        assert pool is not None, "the view gives every request the app's extraction pool"
        pk, created = await ingest_text(
            _sessions(info), article, pool, info.context.events, mode=info.context.extractor
        )
        row = await _fresh(info).articles_by_id.load(pk)
        assert row is not None
        return IngestArticleSuccess(article=Article.from_row(row), created=created)

    @resolver(description="Correct a statement's speaker, kind or span; re-extraction "
              "never changes it afterwards. Recorded in Statement.history.")
    async def update_statement(
        self, info: Info, input: UpdateStatementInput
    ) -> UpdateStatementResult:
        token = _token(info)
        try:
            pk, edit = _pk(input.id, "Statement", "id"), _edit(input)
            row = await corrections.update_statement(_sessions(info), pk, edit, token)
        except _BadId as error:
            return error.result
        except MissingRow as error:
            return _not_found(error)
        except InvalidCorrection as error:
            return ValidationError(field=error.field, message=error.message)
        _fresh(info)
        return UpdateStatementSuccess(statement=Statement.from_row(row))

    @resolver(description="Delete a statement: it disappears from every query and is "
              "never extracted again.")
    async def delete_statement(self, info: Info, id: strawberry.ID) -> DeleteStatementResult:
        token = _token(info)
        try:
            pk = _pk(id, "Statement", "id")
            await corrections.delete_statement(_sessions(info), pk, token)
        except _BadId as error:
            return error.result
        except MissingRow as error:
            return _not_found(error)
        _fresh(info)
        return DeleteStatementSuccess(deleted_id=to_global_id("Statement", pk))

    @resolver(description="Merge the source actor into the target: aliases (and the source's "
              "name), statements, members, mentions and article links move; the source is "
              "deleted. Later extraction finds the target by the source's names.")
    async def merge_actors(
        self, info: Info, source_id: strawberry.ID, target_id: strawberry.ID
    ) -> MergeActorsResult:
        token = _token(info)
        try:
            source, target = _pk(source_id, "Actor", "sourceId"), _pk(target_id, "Actor", "targetId")
            row = await corrections.merge_actors(_sessions(info), source, target, token)
        except _BadId as error:
            return error.result
        except MissingRow as error:
            return _not_found(error)
        except InvalidCorrection as error:
            return ValidationError(field=error.field, message=error.message)
        _fresh(info)
        return MergeActorsSuccess(actor=Actor.from_row(row))

    @resolver(description="Set (or, with null, clear) the organisation an actor belongs to; "
              "extraction never changes it afterwards.")
    async def set_affiliation(
        self, info: Info, actor_id: strawberry.ID, affiliation_id: strawberry.ID | None = None
    ) -> SetAffiliationResult:
        token = _token(info)
        try:
            pk = _pk(actor_id, "Actor", "actorId")
            above = None if affiliation_id is None else _pk(affiliation_id, "Actor", "affiliationId")
            row = await corrections.set_affiliation(_sessions(info), pk, above, token)
        except _BadId as error:
            return error.result
        except MissingRow as error:
            return _not_found(error)
        except InvalidCorrection as error:
            return ValidationError(field=error.field, message=error.message)
        _fresh(info)
        return SetAffiliationSuccess(actor=Actor.from_row(row))

    @resolver(description="Merge the source quote into the target: every statement of the "
              "source moves to the target and stays there (clustering never moves it again); "
              "the source is deleted. Recorded in the target's Quote.history.")
    async def merge_quotes(
        self, info: Info, source_id: strawberry.ID, target_id: strawberry.ID
    ) -> MergeQuotesResult:
        token = _token(info)
        try:
            source = _pk(source_id, "Quote", "sourceId")
            target = _pk(target_id, "Quote", "targetId")
            await corrections.merge_quotes(_sessions(info), source, target, token)
        except _BadId as error:
            return error.result
        except MissingRow as error:
            return _not_found(error)
        except InvalidCorrection as error:
            return ValidationError(field=error.field, message=error.message)
        row = await _fresh(info).quotes_by_id.load(target)
        assert row is not None
        return MergeQuotesSuccess(quote=Quote.from_row(row))

    @resolver(description="Make a statement its own quote, apart from the statements it was "
              "clustered with; clustering never moves it again. A statement already alone in "
              "its quote keeps it (nothing is recorded). Recorded in Statement.history.")
    async def detach_statement(
        self, info: Info, statement_id: strawberry.ID
    ) -> DetachStatementResult:
        token = _token(info)
        try:
            pk = _pk(statement_id, "Statement", "statementId")
            row = await corrections.detach_statement(_sessions(info), pk, token)
        except _BadId as error:
            return error.result
        except MissingRow as error:
            return _not_found(error)
        assert row.quote_id is not None
        quote = await _fresh(info).quotes_by_id.load(row.quote_id)
        assert quote is not None
        statement = Statement.from_row(row)
        return DetachStatementSuccess(statement=statement, quote=Quote.from_row(quote))
