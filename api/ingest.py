"""Writing one article's extraction into the tables, in one transaction.

Actors are resolved against what is already stored, so "Lavrov" in a second
article is the Sergei Lavrov of the first; places are keyed by gazetteer key.
Unnamed sources and unnamed groups ("opposition sources", "both officials")
are never merged across articles: they are not identifiable entities.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.db import lock_writers
from api.events import EventBus
from api.extract import extract_article
from api.extract.results import ActorKind, ActorRef, Extraction, PlaceRef, StatementRef
from api.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleActor,
    ArticleLocation,
    Location,
    Statement,
    StatementLocation,
    StatementMention,
)
from api.names import name_key

__all__ = [
    "ArticleInput",
    "ArticleWriter",
    "KnownActors",
    "ingest_text",
    "link_statement",
    "mention_counts",
    "name_key",
    "resolve_actors",
    "resolve_places",
    "statement_row",
]

_UNIDENTIFIABLE = {ActorKind.GROUP, ActorKind.UNNAMED}


@dataclass(frozen=True)
class ArticleInput:
    """One article to load: its body exactly as read, and what its record says."""

    body: str
    source: str
    title: str | None = None
    published: dt.date | None = None
    publisher: str | None = None
    url: str | None = None

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
                if await _existing_article(session, article.content_hash) is not None:
                    return False, 0
                statement_ids = await _write(session, article, extraction)
        except IntegrityError:
            # Another loader stored the same body between our check and our insert.
            async with self._sessions() as session:
                if await _existing_article(session, article.content_hash) is not None:
                    return False, 0
            raise
        if self._events is not None:
            await self._events.publish(statement_ids)
        return True, len(extraction.statements)


async def _existing_article(session: AsyncSession, content_hash: str) -> int | None:
    found: int | None = await session.scalar(
        select(Article.id).where(Article.content_hash == content_hash)
    )
    return found


async def _write(
    session: AsyncSession, article: ArticleInput, extraction: Extraction
) -> list[int]:
    """Store the article; the ids of its new statements, in reading order."""
    row = _article_row(article, extraction)
    session.add(row)
    await session.flush()
    assert row.id is not None
    actor_ids = await resolve_actors(session, extraction.actors)
    location_ids = await resolve_places(session, extraction.places)
    statement_ids = await _write_statements(
        session, row, extraction.statements, actor_ids, location_ids
    )
    _link_article(session, row.id, extraction, actor_ids, location_ids)
    return statement_ids


async def ingest_text(
    sessions: async_sessionmaker[AsyncSession],
    article: ArticleInput,
    events: EventBus | None = None,
) -> tuple[int, bool]:
    """Extract and store one article (the ingestArticle mutation): (article id, created).

    A body already stored is not extracted again: its article comes back unchanged,
    so ingesting twice never undoes a correction. Extraction is CPU-bound and runs
    in a worker thread, off the event loop.
    """
    async with sessions() as session:
        existing = await _existing_article(session, article.content_hash)
    if existing is not None:
        return existing, False
    extraction = await asyncio.to_thread(extract_article, article.body, title=article.title)
    created, _ = await ArticleWriter(sessions, events).write(article, extraction)
    async with sessions() as session:
        stored = await _existing_article(session, article.content_hash)
    assert stored is not None
    return stored, created


def _article_row(article: ArticleInput, extraction: Extraction) -> Article:
    meta = extraction.meta
    captions: list[dict[str, object]] = [
        {"text": c.text, "credit": c.credit, "start": c.span.start, "end": c.span.end}
        for c in meta.captions
    ]
    return Article(
        title=article.title or meta.title,
        standfirst=meta.standfirst,
        published_at=article.published or meta.published,
        publisher=article.publisher,
        url=article.url,
        reading_time_minutes=meta.reading_time_minutes,
        captions=captions,
        credit_line=meta.credit_line,
        body=article.body,
        content_hash=article.content_hash,
        source=article.source,
    )


KnownActors = dict[tuple[str, str], int]  # (kind or "*", name key) -> actor id


async def resolve_actors(
    session: AsyncSession, refs: Iterable[ActorRef], known: KnownActors | None = None
) -> dict[str, int]:
    """Actor ids by extraction key; affiliations resolved after every actor has an id.

    `known` holds the actors an article already had (re-extraction): unnamed sources
    and groups are found there rather than created again.
    """
    refs = list(refs)
    ids: dict[str, int] = {}
    for ref in refs:
        ids[ref.key] = await _resolve_actor(session, ref, known or {})
    for ref in refs:
        if ref.affiliation and ref.affiliation in ids and ids[ref.affiliation] != ids[ref.key]:
            actor = await session.get(Actor, ids[ref.key])
            # a person's choice (setAffiliation, even "none") is never overridden
            if actor is not None and actor.affiliation_id is None and actor.edited_at is None:
                actor.affiliation_id = ids[ref.affiliation]
    return ids


async def _resolve_actor(session: AsyncSession, ref: ActorRef, known: KnownActors) -> int:
    if ref.kind in _UNIDENTIFIABLE:
        key = name_key(ref.name)
        pk = known.get((ref.kind, key), known.get(("*", key)))
        actor = None if pk is None else await session.get(Actor, pk)
    else:
        actor = await _find_actor(session, ref)
    if actor is None:
        actor = Actor(name=ref.name, name_key=name_key(ref.name), kind=ref.kind, title=ref.title)
        session.add(actor)
        await session.flush()
    else:
        await _enrich(session, actor, ref)
    assert actor.id is not None
    await _add_aliases(session, actor.id, (ref.name, *ref.aliases))
    return actor.id


async def _find_actor(session: AsyncSession, ref: ActorRef) -> Actor | None:
    keys = {name_key(ref.name), *(name_key(a) for a in ref.aliases)}
    query = (
        select(Actor)
        .join(ActorAlias, col(ActorAlias.actor_id) == col(Actor.id))
        .where(
            col(ActorAlias.alias_key).in_(keys),
            or_(col(Actor.kind) == ref.kind, col(ActorAlias.merged)),
        )
        .order_by(col(ActorAlias.merged).desc(), col(Actor.id))
        .limit(1)
    )
    actor: Actor | None = (await session.exec(query)).first()
    if actor is None and ref.kind == ActorKind.PERSON:
        actor = await _find_person_by_surname(session, name_key(ref.name))
    return actor


async def _find_person_by_surname(session: AsyncSession, key: str) -> Actor | None:
    """'lavrov' finds 'Sergei Lavrov'; 'sergei lavrov' finds an actor known only as 'Lavrov'."""
    surname = key.rsplit(" ", 1)[-1]
    if " " in key:
        query = select(Actor).where(Actor.kind == ActorKind.PERSON, Actor.name_key == surname)
    else:
        query = select(Actor).where(
            Actor.kind == ActorKind.PERSON,
            func.substr(Actor.name_key, func.length(Actor.name_key) - len(surname)) == " " + surname,
        )
    actor: Actor | None = (await session.exec(query.order_by(col(Actor.id)).limit(1))).first()
    return actor


async def _enrich(session: AsyncSession, actor: Actor, ref: ActorRef) -> None:
    """Fill gaps in a stored actor; the longer full name becomes canonical, unless it is
    the name of an actor a person merged into this one."""
    if actor.title is None and ref.title:
        actor.title = ref.title
    if len(ref.name.split()) > len(actor.name.split()) and not await _merged_name(
        session, actor, ref.name
    ):
        actor.name, actor.name_key = ref.name, name_key(ref.name)


async def _merged_name(session: AsyncSession, actor: Actor, name: str) -> bool:
    query = select(ActorAlias.id).where(
        ActorAlias.actor_id == actor.id, ActorAlias.alias_key == name_key(name), ActorAlias.merged
    )
    return (await session.exec(query.limit(1))).first() is not None


async def _add_aliases(session: AsyncSession, actor_id: int, names: Iterable[str]) -> None:
    stored = set(
        (await session.exec(select(ActorAlias.alias_key).where(ActorAlias.actor_id == actor_id))).all()
    )
    for alias in dict.fromkeys(n.strip() for n in names if n.strip()):
        key = name_key(alias)
        if key not in stored:
            stored.add(key)
            session.add(ActorAlias(actor_id=actor_id, alias=alias, alias_key=key))


async def resolve_places(session: AsyncSession, places: Iterable[PlaceRef]) -> dict[str, int]:
    """Location ids by key, parents stored before their children."""
    by_key = {p.key: p for p in places}
    ids: dict[str, int] = {}
    for place in sorted(by_key.values(), key=lambda p: _depth(p, by_key)):
        ids[place.key] = await _resolve_place(session, place, ids)
    return ids


def _depth(place: PlaceRef, by_key: dict[str, PlaceRef]) -> int:
    depth, seen = 0, {place.key}
    while place.parent and place.parent in by_key and place.parent not in seen:
        place = by_key[place.parent]
        seen.add(place.key)
        depth += 1
    return depth


async def _resolve_place(session: AsyncSession, place: PlaceRef, ids: dict[str, int]) -> int:
    row: Location | None = (await session.exec(select(Location).where(Location.key == place.key))).first()
    if row is None:
        row = Location(
            key=place.key,
            name=place.name,
            name_key=name_key(place.name),
            kind=place.kind,
            parent_id=ids.get(place.parent) if place.parent else None,
            latitude=place.latitude,
            longitude=place.longitude,
            country_code=place.country_code,
        )
        session.add(row)
        await session.flush()
    assert row.id is not None
    return row.id


async def _write_statements(
    session: AsyncSession,
    article: Article,
    refs: Iterable[StatementRef],
    actor_ids: dict[str, int],
    location_ids: dict[str, int],
) -> list[int]:
    assert article.id is not None
    pairs = [(ref, statement_row(article, ref, actor_ids)) for ref in refs]
    session.add_all([row for _, row in pairs])
    await session.flush()
    for ref, row in pairs:
        link_statement(session, row, ref, actor_ids, location_ids)
    return [row.id for _, row in pairs if row.id is not None]


def link_statement(
    session: AsyncSession,
    row: Statement,
    ref: StatementRef,
    actor_ids: dict[str, int],
    location_ids: dict[str, int],
) -> None:
    """Add the places and actors a stored statement mentions."""
    assert row.id is not None
    for location_id in {location_ids[k] for k in ref.locations if k in location_ids}:
        session.add(StatementLocation(statement_id=row.id, location_id=location_id))
    for actor_id in {actor_ids[k] for k in ref.mentions if k in actor_ids}:
        session.add(StatementMention(statement_id=row.id, actor_id=actor_id))


def statement_row(article: Article, ref: StatementRef, actor_ids: dict[str, int]) -> Statement:
    assert article.id is not None
    speaker = ref.speaker_span
    return Statement(
        article_id=article.id,
        text=article.body[ref.span.start : ref.span.end],
        kind=ref.kind,
        cue=ref.cue,
        speaker_id=actor_ids.get(ref.speaker) if ref.speaker else None,
        medium_id=actor_ids.get(ref.medium) if ref.medium else None,
        start=ref.span.start,
        end=ref.span.end,
        speaker_start=speaker.start if speaker else None,
        speaker_end=speaker.end if speaker else None,
        speaker_text=article.body[speaker.start : speaker.end] if speaker else None,
    )


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


def _link_article(
    session: AsyncSession,
    article_id: int,
    extraction: Extraction,
    actor_ids: dict[str, int],
    location_ids: dict[str, int],
) -> None:
    actors, places = mention_counts(extraction, actor_ids, location_ids)
    session.add_all(ArticleActor(article_id=article_id, actor_id=a, mentions=n) for a, n in actors.items())
    session.add_all(
        ArticleLocation(article_id=article_id, location_id=loc, mentions=n) for loc, n in places.items()
    )
