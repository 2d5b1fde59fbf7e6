"""Re-running (a newer) extraction over stored articles, without undoing human corrections.

For each article, statements nobody edited are replaced by what extraction finds
now: same span, same values: unchanged; same span, other values: changed; a span
no longer found: removed; a new span: added. A new statement is never created
where it would overlap an edited statement or a deleted one (a tombstone), so a
correction survives every re-extraction. Actors resolve as on ingest, so a merged
actor's old names find the actor it was merged into. Quotes follow (api/load/quotes.py):
a quote that loses statements splits where only they held it together, added and
changed statements are matched again, and a statement whose quote a person chose is
left alone like an edited one.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.extract import extract_article
from api.extract.results import Extraction, StatementRef
from api.load import quotes
from api.load.directory import KnownActors, resolve_actors, resolve_places
from api.load.ingest import link_statement, mention_counts, statement_row, storable
from api.store.db import lock_writers, session_factory
from api.store.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleActor,
    ArticleLocation,
    Correction,
    Statement,
    StatementLocation,
    StatementMention,
)

Extractor = Callable[..., Extraction]
_COMPARED = ("text", "kind", "cue", "speaker_id", "medium_id", "speaker_start", "speaker_end",
             "speaker_text", "parts")


@dataclass
class ReextractReport:
    """What a re-extraction did, over all articles."""

    articles: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return f"added {self.added}, changed {self.changed}, removed {self.removed}"


async def reextract(engine: AsyncEngine, *, extract: Extractor = extract_article) -> ReextractReport:
    """Re-extract every stored article, one transaction per article."""
    sessions = session_factory(engine)
    report = ReextractReport()
    async with sessions() as session:
        ids = list((await session.exec(select(Article.id).order_by(col(Article.id)))).all())
    for pk in ids:
        assert pk is not None
        async with sessions() as session:
            article = await session.get(Article, pk)
        assert article is not None
        extraction = storable(await asyncio.to_thread(extract, article.body, title=article.title))
        async with sessions() as session, session.begin():
            await lock_writers(session)
            stored = await session.get(Article, pk)
            assert stored is not None
            await _restate(session, stored, extraction, report)
        report.articles += 1
    return report


async def _restate(
    session: AsyncSession, article: Article, extraction: Extraction, report: ReextractReport
) -> None:
    assert article.id is not None
    rows = (await session.exec(select(Statement).where(Statement.article_id == article.id))).all()
    protected = await _protected(session, [r for r in rows if _kept(r)])
    replaceable = {(r.start, r.end): r for r in rows if not _kept(r)}
    actor_ids = await resolve_actors(session, extraction.actors, await _known(session, article.id))
    location_ids = await resolve_places(session, extraction.places)
    kept: set[int] = set()
    fresh: list[Statement] = []  # added or changed: their quotes are decided again
    for ref in extraction.statements:
        span = (ref.span.start, ref.span.end)
        if any(_overlaps(span, other) for other in protected):
            continue
        new = statement_row(article, ref, actor_ids)
        old = replaceable.get(span)
        if old is None or old.id in kept:
            session.add(new)
            await session.flush()
            link_statement(session, new, ref, actor_ids, location_ids)
            fresh.append(new)
            report.added += 1
            continue
        assert old.id is not None
        kept.add(old.id)
        if await _replace(session, old, new, ref, (actor_ids, location_ids)):
            fresh.append(old)
            report.changed += 1
    gone = [row for row in replaceable.values() if row.id not in kept]
    await _requote(session, article, fresh, gone)
    report.removed += len(gone)
    await _link_article(session, article.id, extraction, actor_ids, location_ids)


def _kept(row: Statement) -> bool:
    """Whether re-extraction leaves the statement alone: a person edited it, deleted it or
    chose its quote."""
    return bool(row.edited_at or row.deleted_at or row.quote_edited_at)


async def _requote(
    session: AsyncSession, article: Article, fresh: list[Statement], gone: list[Statement]
) -> None:
    """Remove `gone` and cluster `fresh` again: the quotes they leave are split where only
    they held them together, then the statements join the quotes they match now."""
    await session.flush()
    left = await quotes.forget(session, [row.id for row in (*fresh, *gone) if row.id is not None])
    for row in fresh:
        session.expire(row, ["quote_id"])  # `forget` cleared it in the database
    await _remove(session, gone)
    touched = await quotes.recluster(session, left)
    assignment = await quotes.assign(
        session, [quotes.said(row, article.published_at) for row in fresh]
    )
    for row in fresh:
        assert row.id is not None
        row.quote_id = assignment.quote_of[row.id]
    assignment.touched.update(touched)
    await quotes.settle(session, assignment)


async def _protected(session: AsyncSession, rows: Sequence[Statement]) -> list[tuple[int, int]]:
    """The spans new statements must not overlap: every span an edited or deleted statement
    has held (its corrections, newest first, give the earlier ones), so that moving a
    statement's span does not free the old one for extraction."""
    current = {row.id: (row.start, row.end) for row in rows if row.id is not None}
    if not current:
        return []
    query = (
        select(Correction)
        .where(Correction.entity_type == "Statement", col(Correction.entity_id).in_(current))
        .order_by(col(Correction.id).desc())
    )
    spans = set(current.values())
    for correction in (await session.exec(query)).all():
        start, end = current[correction.entity_id]
        before = correction.before
        earlier = (_int(before.get("start"), start), _int(before.get("end"), end))
        current[correction.entity_id] = earlier
        spans.add(earlier)
    return sorted(spans)


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) else default


def _overlaps(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return span[0] < other[1] and other[0] < span[1]


async def _known(session: AsyncSession, article_id: int) -> KnownActors:
    """The article's actors by (kind, name) and, for names a merge brought, by ("*", name)."""
    linked = select(ArticleActor.actor_id).where(ArticleActor.article_id == article_id)
    actors = (await session.exec(select(Actor).where(col(Actor.id).in_(linked)))).all()
    aliases = await session.exec(
        select(ActorAlias.actor_id, ActorAlias.alias_key, ActorAlias.merged).where(
            col(ActorAlias.actor_id).in_(linked)
        )
    )
    kinds = {actor.id: actor.kind for actor in actors}
    known: KnownActors = {}
    for actor in actors:
        assert actor.id is not None
        known.setdefault((actor.kind, actor.name_key), actor.id)
    for pk, alias, merged in aliases.all():
        known.setdefault(("*" if merged else kinds[pk], alias), pk)
    return known


async def _replace(
    session: AsyncSession,
    old: Statement,
    new: Statement,
    ref: StatementRef,
    ids: tuple[dict[str, int], dict[str, int]],
) -> bool:
    """Give `old` the values and links of `new`; whether anything differed."""
    assert old.id is not None
    differs = any(getattr(old, name) != getattr(new, name) for name in _COMPARED)
    locations, mentions = await _links(session, old.id)
    actor_ids, location_ids = ids
    wanted_locations = {location_ids[k] for k in ref.locations if k in location_ids}
    wanted_mentions = {actor_ids[k] for k in ref.mentions if k in actor_ids}
    if not differs and locations == wanted_locations and mentions == wanted_mentions:
        return False
    for name in _COMPARED:
        setattr(old, name, getattr(new, name))
    await _unlink(session, [old.id])
    link_statement(session, old, ref, actor_ids, location_ids)
    return True


async def _links(session: AsyncSession, statement_id: int) -> tuple[set[int], set[int]]:
    locations = await session.exec(
        select(StatementLocation.location_id).where(StatementLocation.statement_id == statement_id)
    )
    mentions = await session.exec(
        select(StatementMention.actor_id).where(StatementMention.statement_id == statement_id)
    )
    return set(locations.all()), set(mentions.all())


async def _unlink(session: AsyncSession, statement_ids: Sequence[int]) -> None:
    for link in (StatementLocation, StatementMention):
        await session.exec(delete(link).where(col(link.statement_id).in_(statement_ids)))


async def _remove(session: AsyncSession, rows: Sequence[Statement]) -> None:
    ids = [row.id for row in rows if row.id is not None]
    if ids:
        await _unlink(session, ids)
        await session.exec(delete(Statement).where(col(Statement.id).in_(ids)))


async def _link_article(
    session: AsyncSession,
    article_id: int,
    extraction: Extraction,
    actor_ids: dict[str, int],
    location_ids: dict[str, int],
) -> None:
    """Link actors and places the article did not link yet (existing links stay)."""
    actors, places = mention_counts(extraction, actor_ids, location_ids)
    linked_actors = set(
        (await session.exec(
            select(ArticleActor.actor_id).where(ArticleActor.article_id == article_id)
        )).all()
    )
    linked_places = set(
        (await session.exec(
            select(ArticleLocation.location_id).where(ArticleLocation.article_id == article_id)
        )).all()
    )
    session.add_all(
        ArticleActor(article_id=article_id, actor_id=a, mentions=n)
        for a, n in actors.items() if a not in linked_actors
    )
    session.add_all(
        ArticleLocation(article_id=article_id, location_id=p, mentions=n)
        for p, n in places.items() if p not in linked_places
    )

