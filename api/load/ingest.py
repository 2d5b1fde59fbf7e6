"""Writing extractions into the tables: one article per transaction, or many.

Actors and places are resolved to rows by `api.load.directory`; this module
builds the article's rows around them and writes them, one article or a batch per
transaction, so a batch leaves exactly the rows writing its articles one at a time
would leave.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.extract import extract_article
from api.extract.parts import joined_text
from api.extract.results import ActorKind, Extraction, StatementRef
from api.load import quotes
from api.load.directory import Directory, begin_writing, insert_many, load_directory
from api.load.limits import MAX_NAME_CHARS, first_refused
from api.load.pool import ProcessPool
from api.store.db import lock_writers
from api.store.events import EventBus
from api.store.models import (
    Article,
    ArticleActor,
    ArticleLocation,
    Statement,
    StatementLocation,
    StatementMention,
)
from api.store.name_keys import name_key
from api.vocabulary import ExtractionMode

__all__ = [
    "ArticleInput",
    "ArticleWriter",
    "extraction_pool",
    "ingest_text",
    "link_statement",
    "mention_counts",
    "name_key",
    "statement_links",
    "statement_row",
    "statement_values",
    "storable",
    "store_articles",
]

_UNIDENTIFIABLE = {ActorKind.GROUP, ActorKind.UNNAMED}
# Tables whose ids a Directory hands out (each an integer primary key named id).
_ID_TABLES = ("article", "actor", "actor_alias", "location", "statement")
Row = dict[str, Any]


@dataclass(frozen=True)
class ArticleInput:
    """One article to load: its body exactly as read, and what its record says."""

    body: str
    source: str
    title: str | None = None
    published: dt.date | None = None
    publisher: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        # The last line of defence: every path to the tables builds an ArticleInput, so
        # none can reach a database with text it would refuse (callers that strip or
        # clean fields check the raw values first, for offsets the sender recognises).
        fields = ("body", "title", "publisher", "url", "source")
        refused = first_refused((name, getattr(self, name)) for name in fields)
        if refused is not None:
            raise refused

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


class ArticleWriter:
    """Stores extractions; each `write` is one transaction, announced on `events` (if
    given) once it has committed."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], events: EventBus | None = None
    ) -> None:
        self._sessions = sessions
        self._events = events

    async def write(self, article: ArticleInput, extraction: Extraction) -> tuple[bool, int]:
        """Store the article unless its body is already stored: (created, statements)."""
        try:
            async with self._sessions() as session, session.begin():
                await lock_writers(session)
                [statement_ids] = await store_articles(session, [(article, extraction)])
        except IntegrityError:
            # Another loader stored the same body between our check and our insert.
            async with self._sessions() as session:
                if await _existing_article(session, article.content_hash) is not None:
                    return False, 0
            raise
        if statement_ids is None:
            return False, 0
        if self._events is not None:
            await self._events.publish(statement_ids)
        return True, len(extraction.statements)


async def _existing_article(session: AsyncSession, content_hash: str) -> int | None:
    found: int | None = await session.scalar(
        select(Article.id).where(Article.content_hash == content_hash)
    )
    return found


def extraction_pool() -> ProcessPool:
    """The process `ingest_text` extracts in: one per server process, created with its app
    (and closed with it); its forkserver builds extraction's indexes once (api.load.warmup)."""
    return ProcessPool(processes=1, preload=("api.load.pool", "api.load.warmup"))


async def ingest_text(
    sessions: async_sessionmaker[AsyncSession],
    article: ArticleInput,
    pool: ProcessPool,
    events: EventBus | None = None,
    *,
    mode: ExtractionMode = ExtractionMode.FAST,
) -> tuple[int, bool]:
    """Extract and store one article (the ingestArticle mutation): (article id, created).

    A body already stored is not extracted again: its article comes back unchanged,
    so ingesting twice never undoes a correction. Extraction runs in `pool`'s child
    process, off the event loop and its GIL; cancelling this (the request's timeout)
    kills it there, and nothing is written: the write starts only once extraction
    returned, in one transaction that a cancellation rolls back.
    """
    async with sessions() as session:
        existing = await _existing_article(session, article.content_hash)
    if existing is not None:
        return existing, False
    extraction = await pool.run(extract_article, article.body, title=article.title, mode=mode)
    created, _ = await ArticleWriter(sessions, events).write(article, extraction)
    async with sessions() as session:
        stored = await _existing_article(session, article.content_hash)
    assert stored is not None
    return stored, created


def storable(extraction: Extraction) -> Extraction:
    """The extraction without the actors and places whose name (or alias, or key) is too
    long for the tables' name indexes (a run of capitalised words read as one name),
    and without every reference to them; the statements stay, their speaker unknown."""
    too_long = {
        *(a.key for a in extraction.actors if not _fits(a.name, *a.aliases)),
        *(p.key for p in extraction.places if not _fits(p.name, p.key)),
    }
    if not too_long:
        return extraction
    return replace(
        extraction,
        actors=tuple(
            replace(a, affiliation=None if a.affiliation in too_long else a.affiliation)
            for a in extraction.actors if a.key not in too_long
        ),
        places=tuple(
            replace(p, parent=None if p.parent in too_long else p.parent)
            for p in extraction.places if p.key not in too_long
        ),
        statements=tuple(_without(s, too_long) for s in extraction.statements),
    )


def _fits(*names: str) -> bool:
    return all(len(name) <= MAX_NAME_CHARS for name in names)


def _without(ref: StatementRef, keys: set[str]) -> StatementRef:
    return replace(
        ref,
        speaker=None if ref.speaker in keys else ref.speaker,
        medium=None if ref.medium in keys else ref.medium,
        locations=tuple(k for k in ref.locations if k not in keys),
        mentions=tuple(k for k in ref.mentions if k not in keys),
    )


# --- storing articles -------------------------------------------------------------------


@dataclass
class _Rows:
    """The rows a transaction inserts besides actors, aliases and places, by table."""

    articles: list[Row] = field(default_factory=list)
    statements: list[Row] = field(default_factory=list)
    statement_locations: list[Row] = field(default_factory=list)
    statement_mentions: list[Row] = field(default_factory=list)
    article_actors: list[Row] = field(default_factory=list)
    article_locations: list[Row] = field(default_factory=list)


async def store_articles(
    session: AsyncSession, items: Sequence[tuple[ArticleInput, Extraction]]
) -> list[list[int] | None]:
    """Store the articles in this transaction (the caller holds `lock_writers`), leaving the
    rows writing them one by one in this order would: per article, the ids of its new
    statements in reading order, or None when its body was already stored."""
    await begin_writing(await session.connection())
    items = [(article, storable(extraction)) for article, extraction in items]
    stored = await _stored_hashes(session, [article.content_hash for article, _ in items])
    fresh = [(a, e) for a, e in items if a.content_hash not in stored]
    directory = await load_directory(
        session,
        (ref for _, e in fresh for ref in e.actors),
        (place for _, e in fresh for place in e.places),
    )
    rows = _Rows()
    results: list[list[int] | None] = []
    for article, extraction in items:
        if article.content_hash in stored:
            results.append(None)
            continue
        stored.add(article.content_hash)
        results.append(_add_article(directory, rows, article, extraction))
    await _insert_rows(session, directory, rows)
    return results


async def _stored_hashes(session: AsyncSession, hashes: list[str]) -> set[str]:
    query = select(Article.content_hash).where(col(Article.content_hash).in_(set(hashes)))
    return set((await session.exec(query)).all())


def _add_article(
    directory: Directory, rows: _Rows, article: ArticleInput, extraction: Extraction
) -> list[int]:
    """Resolve one article into `rows`, in the order a one-article write takes ids."""
    article_id = directory.allocate("article")
    rows.articles.append(_article_values(article_id, article, extraction))
    actor_ids = directory.resolve_actors(extraction.actors)
    location_ids = directory.resolve_places(extraction.places)
    statement_ids: list[int] = []
    for ref in extraction.statements:
        statement_id = directory.allocate("statement")
        statement_ids.append(statement_id)
        values = statement_values(article.body, article_id, ref, actor_ids)
        rows.statements.append({"id": statement_id, **values})
        locations, mentions = statement_links(ref, actor_ids, location_ids)
        rows.statement_locations.extend(
            {"statement_id": statement_id, "location_id": pk} for pk in locations
        )
        rows.statement_mentions.extend(
            {"statement_id": statement_id, "actor_id": pk} for pk in mentions
        )
    actors, places = mention_counts(extraction, actor_ids, location_ids)
    rows.article_actors.extend(
        {"article_id": article_id, "actor_id": a, "mentions": n} for a, n in actors.items()
    )
    rows.article_locations.extend(
        {"article_id": article_id, "location_id": p, "mentions": n} for p, n in places.items()
    )
    return statement_ids


def _article_values(article_id: int, article: ArticleInput, extraction: Extraction) -> Row:
    meta = extraction.meta
    captions: list[dict[str, object]] = [
        {"text": c.text, "credit": c.credit, "start": c.span.start, "end": c.span.end}
        for c in meta.captions
    ]
    return {
        "id": article_id,
        "title": article.title or meta.title,
        "standfirst": meta.standfirst,
        "published_at": article.published or meta.published,
        "publisher": article.publisher,
        "url": article.url,
        "reading_time_minutes": meta.reading_time_minutes,
        "captions": captions,
        "credit_line": meta.credit_line,
        "body": article.body,
        "content_hash": article.content_hash,
        "source": article.source,
        "created_at": dt.datetime.now(dt.UTC),
    }


async def _insert_rows(session: AsyncSession, directory: Directory, rows: _Rows) -> None:
    """A few multi-row statements, parents before the rows that point at them."""
    connection = await session.connection()
    await insert_many(connection, Article, rows.articles)
    await directory.save(session)
    dates = {row["id"]: row["published_at"] for row in rows.articles}
    clustering = await quotes.cluster(session, rows.statements, dates)
    await _write_statements(connection, rows)
    await _link_article(connection, rows)
    await quotes.settle(session, clustering)


async def _write_statements(connection: AsyncConnection, rows: _Rows) -> None:
    await insert_many(connection, Statement, rows.statements)
    await insert_many(connection, StatementLocation, rows.statement_locations)
    await insert_many(connection, StatementMention, rows.statement_mentions)


async def _link_article(connection: AsyncConnection, rows: _Rows) -> None:
    await insert_many(connection, ArticleActor, rows.article_actors)
    await insert_many(connection, ArticleLocation, rows.article_locations)


# --- statements and links, shared with re-extraction -------------------------------------


def statement_values(
    body: str, article_id: int, ref: StatementRef, actor_ids: dict[str, int]
) -> Row:
    """The column values of a statement row (all but its id)."""
    speaker = ref.speaker_span
    return {
        "article_id": article_id,
        "text": joined_text(body, ref.parts),
        "kind": ref.kind,
        "cue": ref.cue,
        "speaker_id": actor_ids.get(ref.speaker) if ref.speaker else None,
        "medium_id": actor_ids.get(ref.medium) if ref.medium else None,
        "start": ref.span.start,
        "end": ref.span.end,
        "speaker_start": speaker.start if speaker else None,
        "speaker_end": speaker.end if speaker else None,
        "speaker_text": body[speaker.start : speaker.end] if speaker else None,
        "parts": _stored_parts(ref),
        "edited_at": None,
        "deleted_at": None,
    }


def _stored_parts(ref: StatementRef) -> list[dict[str, int]] | None:
    """The `parts` column of a statement: None when its one part is its span."""
    if ref.parts == (ref.span,):
        return None
    return [{"start": part.start, "end": part.end} for part in ref.parts]


def statement_row(article: Article, ref: StatementRef, actor_ids: dict[str, int]) -> Statement:
    assert article.id is not None
    return Statement(**statement_values(article.body, article.id, ref, actor_ids))


def statement_links(
    ref: StatementRef, actor_ids: dict[str, int], location_ids: dict[str, int]
) -> tuple[set[int], set[int]]:
    """The location ids and actor ids a statement mentions."""
    locations = {location_ids[k] for k in ref.locations if k in location_ids}
    return locations, {actor_ids[k] for k in ref.mentions if k in actor_ids}


def link_statement(
    session: AsyncSession,
    row: Statement,
    ref: StatementRef,
    actor_ids: dict[str, int],
    location_ids: dict[str, int],
) -> None:
    """Add the places and actors a stored statement mentions."""
    assert row.id is not None
    locations, mentions = statement_links(ref, actor_ids, location_ids)
    for location_id in locations:
        session.add(StatementLocation(statement_id=row.id, location_id=location_id))
    for actor_id in mentions:
        session.add(StatementMention(statement_id=row.id, actor_id=actor_id))


def mention_counts(
    extraction: Extraction, actor_ids: dict[str, int], location_ids: dict[str, int]
) -> tuple[Counter[int], Counter[int]]:
    """How often the article mentions each actor and each place, by row id."""
    actors: Counter[int] = Counter()
    for ref in extraction.actors:
        actors[actor_ids[ref.key]] += max(1, len(ref.mentions))
    places: Counter[int] = Counter()
    for place in extraction.places:
        if place.mentions:
            places[location_ids[place.key]] += len(place.mentions)
    return actors, places
