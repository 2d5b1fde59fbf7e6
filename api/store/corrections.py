"""Human corrections: editing and deleting statements, merging actors, setting affiliations,
merging quotes and detaching a statement from its quote.

Each correction is one transaction that changes the rows and records a `Correction`
(what, before and after, the token's name, when). Corrections mark what they touch
so that later extraction leaves it alone: an edited statement gets `edited_at`, a
deleted one stays as a tombstone (`deleted_at`), a chosen affiliation marks its actor,
a merged actor's names become `merged` aliases of the actor it was merged into, and a
statement whose quote a person chose gets `quote_edited_at` (a merged-into quote,
`edited_at`). Every change of a quote's statements ends with `quotes.recount`.

Values in `before`/`after` are plain JSON; keys ending in `Id` hold primary keys
(the schema turns them into global ids).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.errors import QuotegraphError
from api.store.db import lock_writers
from api.store.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleActor,
    Correction,
    Quote,
    Statement,
    StatementMention,
)
from api.store.name_keys import name_key
from api.store.quotes import recount
from api.vocabulary import StatementKind

Sessions = async_sessionmaker[AsyncSession]


class MissingRow(QuotegraphError):
    """A correction names a row that does not exist (or is deleted)."""

    def __init__(self, entity: str, pk: int) -> None:
        super().__init__(f"no {entity} with id {pk}")
        self.entity = entity
        self.pk = pk


class InvalidCorrection(QuotegraphError):
    """A correction that cannot be applied as asked; `field` names the input field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class StatementEdit:
    """What to change on a statement; None keeps a field, except that `set_speaker`
    makes `speaker_id` (None: no known speaker) the new speaker."""

    set_speaker: bool = False
    speaker_id: int | None = None
    kind: StatementKind | None = None
    start: int | None = None
    end: int | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _record(
    session: AsyncSession,
    entity: str,
    pk: int,
    action: str,
    change: tuple[dict[str, object], dict[str, object]],
    token: str | None,
) -> None:
    before, after = change
    session.add(
        Correction(
            entity_type=entity, entity_id=pk, action=action, before=before, after=after,
            token_name=token,
        )
    )


async def _live_statement(session: AsyncSession, pk: int) -> Statement:
    row = await session.get(Statement, pk)
    if row is None or row.deleted_at is not None:
        raise MissingRow("Statement", pk)
    return row


async def _live_quote(session: AsyncSession, pk: int) -> Quote:
    """A quote that reads show: one with a visible statement."""
    row = await session.get(Quote, pk)
    if row is None or row.appearances == 0:
        raise MissingRow("Quote", pk)
    return row


async def _recount_of(session: AsyncSession, row: Statement) -> None:
    """Recount the quote of a statement that changed (its text, speaker or tombstone)."""
    if row.quote_id is not None:
        await recount(session, [row.quote_id])


async def _actor(session: AsyncSession, pk: int) -> Actor:
    row = await session.get(Actor, pk)
    if row is None:
        raise MissingRow("Actor", pk)
    return row


# --- statements ---------------------------------------------------------------------------


async def update_statement(
    sessions: Sessions, pk: int, edit: StatementEdit, token: str | None
) -> Statement:
    """Apply `edit` to a live statement and lock it against re-extraction."""
    async with sessions() as session, session.begin():
        await lock_writers(session)
        row = await _live_statement(session, pk)
        if edit.set_speaker and edit.speaker_id is not None:
            await _actor(session, edit.speaker_id)
        article = await session.get(Article, row.article_id)
        assert article is not None
        change = _statement_change(row, edit, len(article.body))
        if change[1]:
            _apply(row, change[1], article.body)
            row.edited_at = _now()
            _record(session, "Statement", pk, "UPDATE_STATEMENT", change, token)
            await _recount_of(session, row)
    return row


def _statement_change(
    row: Statement, edit: StatementEdit, length: int
) -> tuple[dict[str, object], dict[str, object]]:
    """(before, after) of the fields `edit` really changes; InvalidCorrection for a bad span."""
    start = row.start if edit.start is None else edit.start
    end = row.end if edit.end is None else edit.end
    if not 0 <= start < length:
        raise InvalidCorrection(
            "start", f"start {start} is outside the article body (0 to {length - 1})"
        )
    if not start < end <= length:
        raise InvalidCorrection(
            "end", f"end {end} must be above start {start} and at most {length}, the body's length"
        )
    kind = edit.kind.value if edit.kind is not None else None
    wanted: dict[str, object] = {"kind": kind, "start": start, "end": end}
    if edit.set_speaker:
        wanted["speakerId"] = edit.speaker_id
    current = _statement_values(row)
    changed = [k for k, v in wanted.items() if v is not None or k == "speakerId"]
    changed = [k for k in changed if wanted[k] != current[k]]
    return {k: current[k] for k in changed}, {k: wanted[k] for k in changed}


def _statement_values(row: Statement) -> dict[str, object]:
    return {"speakerId": row.speaker_id, "kind": str(row.kind), "start": row.start, "end": row.end}


def _apply(row: Statement, after: dict[str, object], body: str) -> None:
    if "kind" in after:
        row.kind = StatementKind(str(after["kind"]))
    if "speakerId" in after:
        speaker = after["speakerId"]
        row.speaker_id = speaker if isinstance(speaker, int) else None
        # the extracted mention named the old speaker, not the chosen one
        row.speaker_start = row.speaker_end = row.speaker_text = None
    if "start" in after or "end" in after:
        row.start = int(str(after.get("start", row.start)))
        row.end = int(str(after.get("end", row.end)))
        # A span a person chose is one part, all of it said: the text is its slice.
        row.text = body[row.start : row.end]
        row.parts = None


async def delete_statement(sessions: Sessions, pk: int, token: str | None) -> None:
    """Tombstone a live statement: hidden everywhere, never re-created by extraction."""
    async with sessions() as session, session.begin():
        await lock_writers(session)
        row = await _live_statement(session, pk)
        row.deleted_at = _now()
        before: dict[str, object] = {**_statement_values(row), "text": row.text}
        _record(session, "Statement", pk, "DELETE_STATEMENT", (before, {}), token)
        await _recount_of(session, row)


# --- actors -------------------------------------------------------------------------------


async def set_affiliation(
    sessions: Sessions, pk: int, affiliation: int | None, token: str | None
) -> Actor:
    """Make `affiliation` (None: none) the actor's; extraction never changes it again."""
    async with sessions() as session, session.begin():
        await lock_writers(session)
        actor = await _actor(session, pk)
        if affiliation is not None:
            await _check_affiliation(session, actor, affiliation)
        if actor.affiliation_id != affiliation:
            change: tuple[dict[str, object], dict[str, object]] = (
                {"affiliationId": actor.affiliation_id}, {"affiliationId": affiliation}
            )
            _record(session, "Actor", pk, "SET_AFFILIATION", change, token)
        actor.affiliation_id = affiliation
        actor.edited_at = _now()
    return actor


async def _check_affiliation(session: AsyncSession, actor: Actor, affiliation: int) -> None:
    """The affiliation exists and does not lead back to the actor (no cycles)."""
    if affiliation == actor.id:
        raise InvalidCorrection("affiliationId", "an actor cannot be its own affiliation")
    above: int | None = affiliation
    seen: set[int] = set()
    while above is not None and above not in seen:
        seen.add(above)
        row = await _actor(session, above)
        if row.affiliation_id == actor.id:
            raise InvalidCorrection(
                "affiliationId",
                f"{row.name} already belongs to {actor.name}; "
                "clear that affiliation first (affiliations cannot form a cycle)",
            )
        above = row.affiliation_id


async def merge_actors(sessions: Sessions, source: int, target: int, token: str | None) -> Actor:
    """Fold `source` into `target` and delete it: its names, statements, members,
    mentions and article links become the target's."""
    if source == target:
        raise InvalidCorrection("targetId", "an actor cannot be merged into itself")
    async with sessions() as session, session.begin():
        await lock_writers(session)
        gone, kept = await _actor(session, source), await _actor(session, target)
        quotes = await _quotes_spoken_by(session, source)
        moved = await _move_statements(session, source, target)
        await recount(session, quotes)  # their speakers: none may still name the source
        await _move_aliases(session, gone, target)
        await _move_members(session, gone, kept)
        await _move_mentions(session, source, target)
        await _move_article_links(session, source, target)
        await session.exec(
            update(Correction)
            .where(col(Correction.entity_type) == "Actor", col(Correction.entity_id) == source)
            .values(entity_id=target)
        )
        before: dict[str, object] = {"sourceId": source, "sourceName": gone.name}
        _record(session, "Actor", target, "MERGE_ACTORS", (before, {"statements": moved}), token)
        await session.delete(gone)
    return kept


async def _quotes_spoken_by(session: AsyncSession, actor: int) -> list[int]:
    found = await session.exec(
        select(Statement.quote_id)
        .where(col(Statement.speaker_id) == actor, col(Statement.quote_id).is_not(None))
        .distinct()
    )
    return [pk for pk in found.all() if pk is not None]


async def _move_statements(session: AsyncSession, source: int, target: int) -> int:
    """Speaker and medium references, tombstones included; returns statements spoken."""
    spoken = await session.scalar(
        select(func.count()).select_from(Statement).where(col(Statement.speaker_id) == source)
    )
    for column in (Statement.speaker_id, Statement.medium_id):
        await session.exec(
            update(Statement).where(col(column) == source).values({column: target})
        )
    return int(spoken or 0)


async def _move_aliases(session: AsyncSession, gone: Actor, target: int) -> None:
    """The source's names, its own name included, match the target from now on."""
    held = set(
        (await session.exec(select(ActorAlias.alias_key).where(ActorAlias.actor_id == target))).all()
    )
    aliases = (await session.exec(select(ActorAlias).where(ActorAlias.actor_id == gone.id))).all()
    for alias in aliases:
        if alias.alias_key in held:
            await session.delete(alias)
        else:
            held.add(alias.alias_key)
            alias.actor_id, alias.merged = target, True
    if gone.name_key not in held:
        session.add(ActorAlias(actor_id=target, alias=gone.name, alias_key=name_key(gone.name),
                               merged=True))
    await session.flush()


async def _move_members(session: AsyncSession, gone: Actor, kept: Actor) -> None:
    await session.exec(
        update(Actor)
        .where(col(Actor.affiliation_id) == gone.id, col(Actor.id) != kept.id)
        .values(affiliation_id=kept.id)
    )
    if kept.affiliation_id == gone.id:
        kept.affiliation_id = gone.affiliation_id if gone.affiliation_id != kept.id else None
    elif kept.affiliation_id is None and gone.affiliation_id != kept.id:
        kept.affiliation_id = gone.affiliation_id
    await session.flush()


async def _move_mentions(session: AsyncSession, source: int, target: int) -> None:
    both = select(StatementMention.statement_id).where(StatementMention.actor_id == target)
    await session.exec(
        delete(StatementMention).where(
            col(StatementMention.actor_id) == source, col(StatementMention.statement_id).in_(both)
        )
    )
    await session.exec(
        update(StatementMention)
        .where(col(StatementMention.actor_id) == source)
        .values(actor_id=target)
    )


async def _move_article_links(session: AsyncSession, source: int, target: int) -> None:
    """Article links move; where both were linked, the mention counts add up."""
    links = (await session.exec(select(ArticleActor).where(ArticleActor.actor_id == source))).all()
    for link in links:
        existing = await session.get(ArticleActor, (link.article_id, target))
        if existing is not None:
            existing.mentions += link.mentions
        else:
            session.add(
                ArticleActor(article_id=link.article_id, actor_id=target, mentions=link.mentions)
            )
        await session.delete(link)
    await session.flush()


# --- quotes -------------------------------------------------------------------------------


async def merge_quotes(sessions: Sessions, source: int, target: int, token: str | None) -> Quote:
    """Move every statement of `source` (tombstones too) into `target`, pinned there
    (`quote_edited_at`; the target's `edited_at`), and delete `source`."""
    if source == target:
        raise InvalidCorrection("targetId", "a quote cannot be merged into itself")
    async with sessions() as session, session.begin():
        await lock_writers(session)
        gone, kept = await _live_quote(session, source), await _live_quote(session, target)
        now = _now()
        before: dict[str, object] = {"sourceId": source, "sourceText": gone.text}
        after: dict[str, object] = {"statements": gone.appearances}
        await session.exec(
            update(Statement)
            .where(col(Statement.quote_id) == source)
            .values(quote_id=target, quote_edited_at=now)
        )
        await session.exec(
            update(Correction)
            .where(col(Correction.entity_type) == "Quote", col(Correction.entity_id) == source)
            .values(entity_id=target)
        )
        kept.edited_at = now
        _record(session, "Quote", target, "MERGE_QUOTES", (before, after), token)
        await recount(session, [source, target])  # the source, left empty, is deleted
    return kept


async def detach_statement(sessions: Sessions, pk: int, token: str | None) -> Statement:
    """Make a live statement its own quote, pinned there (`quote_edited_at`). A statement
    already alone in its quote (no other visible statement) keeps it, pinned, and no
    correction is recorded, as nothing else changed."""
    async with sessions() as session, session.begin():
        await lock_writers(session)
        row = await _live_statement(session, pk)
        old = row.quote_id
        row.quote_edited_at = _now()
        if old is not None and await _alone(session, row):
            return row
        quote = Quote(text=row.text)
        session.add(quote)
        await session.flush()
        assert quote.id is not None
        row.quote_id = quote.id
        change: tuple[dict[str, object], dict[str, object]] = (
            {"quoteId": old}, {"quoteId": quote.id}
        )
        _record(session, "Statement", pk, "DETACH_STATEMENT", change, token)
        await recount(session, [quote.id] if old is None else [old, quote.id])
    return row


async def _alone(session: AsyncSession, row: Statement) -> bool:
    """Whether no other visible statement shares the statement's quote."""
    others = await session.scalar(
        select(func.count())
        .select_from(Statement)
        .where(
            col(Statement.quote_id) == row.quote_id,
            col(Statement.id) != row.id,
            col(Statement.deleted_at).is_(None),
        )
    )
    return not others
