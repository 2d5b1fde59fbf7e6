"""Writing extractions into the tables: one article per transaction, or many.

Actors are resolved against what is already stored, so "Lavrov" in a second
article is the Sergei Lavrov of the first; places are keyed by gazetteer key.
Unnamed sources and unnamed groups ("opposition sources", "both officials")
are never merged across articles: they are not identifiable entities.

Resolution runs in memory over a `Directory`: the stored actors, aliases and
places a transaction's extractions can match, read in a few queries once the
writer lock is held, plus what the transaction adds. Row ids are handed out
in the order one-by-one inserts would get them, so a batch of articles leaves
exactly the rows that writing them one at a time, in the same order, leaves.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.extract import extract_article
from api.extract.parts import joined_text
from api.extract.results import ActorKind, ActorRef, Extraction, PlaceRef, StatementRef
from api.load.limits import MAX_NAME_CHARS, first_refused
from api.load.pool import ProcessPool
from api.store.db import lock_writers
from api.store.events import EventBus
from api.store.models import (
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
from api.store.name_keys import name_key
from api.vocabulary import ExtractionMode

__all__ = [
    "ArticleInput",
    "ArticleWriter",
    "Directory",
    "KnownActors",
    "extraction_pool",
    "ingest_text",
    "link_statement",
    "load_directory",
    "mention_counts",
    "name_key",
    "resolve_actors",
    "resolve_places",
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
    await _begin_writing(await session.connection())
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
    await _insert_many(connection, Article, rows.articles)
    await directory.save(session)
    await _write_statements(connection, rows)
    await _link_article(connection, rows)


async def _write_statements(connection: AsyncConnection, rows: _Rows) -> None:
    await _insert_many(connection, Statement, rows.statements)
    await _insert_many(connection, StatementLocation, rows.statement_locations)
    await _insert_many(connection, StatementMention, rows.statement_mentions)


async def _link_article(connection: AsyncConnection, rows: _Rows) -> None:
    await _insert_many(connection, ArticleActor, rows.article_actors)
    await _insert_many(connection, ArticleLocation, rows.article_locations)


async def _insert_many(connection: AsyncConnection, model: type[Any], rows: list[Row]) -> None:
    if rows:
        await connection.execute(insert(model.__table__), rows)


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


# --- resolution ----------------------------------------------------------------------------

KnownActors = dict[tuple[str, str], int]  # (kind or "*", name key) -> actor id


async def resolve_actors(
    session: AsyncSession, refs: Iterable[ActorRef], known: KnownActors | None = None
) -> dict[str, int]:
    """Actor ids by extraction key, stored in this transaction (re-extraction).

    `known` holds the actors an article already had: unnamed sources and groups
    are found there rather than created again.
    """
    refs = list(refs)
    directory = await load_directory(session, refs, (), known)
    ids = directory.resolve_actors(refs, known)
    await directory.save(session)
    return ids


async def resolve_places(session: AsyncSession, places: Iterable[PlaceRef]) -> dict[str, int]:
    """Location ids by key, stored in this transaction, parents before their children."""
    places = list(places)
    directory = await load_directory(session, (), places)
    ids = directory.resolve_places(places)
    await directory.save(session)
    return ids


@dataclass
class _Actor:
    """An actor as resolution sees it; `aliases` maps alias keys to their merged flag."""

    id: int
    name: str
    name_key: str
    kind: str
    title: str | None = None
    affiliation_id: int | None = None
    edited_at: dt.datetime | None = None
    aliases: dict[str, bool] = field(default_factory=dict)


class Directory:
    """The stored actors and places some extractions can match, and what resolving them
    adds, for one transaction; ids come in the order one-by-one inserts would take."""

    def __init__(self, next_ids: dict[str, int]) -> None:
        self._next = dict(next_ids)
        self._first = dict(next_ids)
        self.actors: dict[int, _Actor] = {}
        self.places: dict[str, int] = {}
        self._by_alias: defaultdict[str, set[int]] = defaultdict(set)
        self._persons_by_key: defaultdict[str, set[int]] = defaultdict(set)
        self._persons_by_surname: defaultdict[str, set[int]] = defaultdict(set)
        self._new_actors: list[int] = []
        self._changed: set[int] = set()
        self._new_aliases: list[Row] = []
        self._new_places: list[Row] = []

    def allocate(self, table: str) -> int:
        """The id the next insert into `table` gets."""
        pk = self._next[table]
        self._next[table] = pk + 1
        return pk

    def add_stored(self, actor: _Actor) -> None:
        """Index an actor read from the database (with its aliases)."""
        self.actors[actor.id] = actor
        for key in actor.aliases:
            self._by_alias[key].add(actor.id)
        self._index_name(actor)

    def resolve_actors(
        self, refs: Sequence[ActorRef], known: KnownActors | None = None
    ) -> dict[str, int]:
        """Actor ids by extraction key; affiliations set after every actor has an id."""
        ids: dict[str, int] = {}
        for ref in refs:
            ids[ref.key] = self._resolve_actor(ref, known or {})
        for ref in refs:
            if ref.affiliation and ref.affiliation in ids and ids[ref.affiliation] != ids[ref.key]:
                actor = self.actors[ids[ref.key]]
                # a person's choice (setAffiliation, even "none") is never overridden
                if actor.affiliation_id is None and actor.edited_at is None:
                    actor.affiliation_id = ids[ref.affiliation]
                    self._changed.add(actor.id)
        return ids

    def _resolve_actor(self, ref: ActorRef, known: KnownActors) -> int:
        if ref.kind in _UNIDENTIFIABLE:
            key = name_key(ref.name)
            pk = known.get((ref.kind, key), known.get(("*", key)))
            actor = None if pk is None else self.actors.get(pk)
        else:
            actor = self._find_actor(ref)
        if actor is None:
            actor = self._create_actor(ref)
        else:
            self._enrich(actor, ref)
        self._add_aliases(actor, (ref.name, *ref.aliases))
        return actor.id

    def _find_actor(self, ref: ActorRef) -> _Actor | None:
        """An alias match (kind equal, or brought by a merge; merged first, then oldest),
        else, for a person, a surname match."""
        best: tuple[bool, int] | None = None
        for key in {name_key(ref.name), *(name_key(a) for a in ref.aliases)}:
            for pk in self._by_alias.get(key, ()):
                merged = self.actors[pk].aliases[key]
                if merged or self.actors[pk].kind == ref.kind:
                    best = min(best or (not merged, pk), (not merged, pk))
        if best is not None:
            return self.actors[best[1]]
        if ref.kind == ActorKind.PERSON:
            return self._find_person_by_surname(name_key(ref.name))
        return None

    def _find_person_by_surname(self, key: str) -> _Actor | None:
        """'lavrov' finds 'Sergei Lavrov'; 'sergei lavrov' finds an actor known only as 'Lavrov'."""
        surname = key.rsplit(" ", 1)[-1]
        found = self._persons_by_key if " " in key else self._persons_by_surname
        ids = found.get(surname)
        return self.actors[min(ids)] if ids else None

    def _create_actor(self, ref: ActorRef) -> _Actor:
        actor = _Actor(
            id=self.allocate("actor"), name=ref.name, name_key=name_key(ref.name),
            kind=ref.kind, title=ref.title,
        )
        self.actors[actor.id] = actor
        self._new_actors.append(actor.id)
        self._index_name(actor)
        return actor

    def _enrich(self, actor: _Actor, ref: ActorRef) -> None:
        """Fill gaps in a stored actor; the longer full name becomes canonical, unless it is
        the name of an actor a person merged into this one."""
        if actor.title is None and ref.title:
            actor.title = ref.title
            self._changed.add(actor.id)
        longer = len(ref.name.split()) > len(actor.name.split())
        if longer and not actor.aliases.get(name_key(ref.name), False):
            self._unindex_name(actor)
            actor.name, actor.name_key = ref.name, name_key(ref.name)
            self._index_name(actor)
            self._changed.add(actor.id)

    def _add_aliases(self, actor: _Actor, names: Iterable[str]) -> None:
        for alias in dict.fromkeys(n.strip() for n in names if n.strip()):
            key = name_key(alias)
            if key not in actor.aliases:
                actor.aliases[key] = False
                self._by_alias[key].add(actor.id)
                self._new_aliases.append({
                    "id": self.allocate("actor_alias"), "actor_id": actor.id, "alias": alias,
                    "alias_key": key, "merged": False,
                })

    def _index_name(self, actor: _Actor) -> None:
        if actor.kind == ActorKind.PERSON:
            self._persons_by_key[actor.name_key].add(actor.id)
            if " " in actor.name_key:
                self._persons_by_surname[actor.name_key.rsplit(" ", 1)[-1]].add(actor.id)

    def _unindex_name(self, actor: _Actor) -> None:
        self._persons_by_key[actor.name_key].discard(actor.id)
        self._persons_by_surname[actor.name_key.rsplit(" ", 1)[-1]].discard(actor.id)

    def resolve_places(self, places: Iterable[PlaceRef]) -> dict[str, int]:
        """Location ids by key, parents stored before their children."""
        by_key = {p.key: p for p in places}
        ids: dict[str, int] = {}
        for place in sorted(by_key.values(), key=lambda p: _depth(p, by_key)):
            ids[place.key] = self._resolve_place(place, ids)
        return ids

    def _resolve_place(self, place: PlaceRef, ids: dict[str, int]) -> int:
        if place.key not in self.places:
            self.places[place.key] = self.allocate("location")
            self._new_places.append({
                "id": self.places[place.key], "key": place.key, "name": place.name,
                "name_key": name_key(place.name), "kind": place.kind,
                "parent_id": ids.get(place.parent) if place.parent else None,
                "latitude": place.latitude, "longitude": place.longitude,
                "country_code": place.country_code,
            })
        return self.places[place.key]

    async def save(self, session: AsyncSession) -> None:
        """Insert and update what resolution added, and move the id sequences past it."""
        connection = await session.connection()
        new = [self.actors[pk] for pk in self._new_actors]
        await _insert_many(connection, Actor, [_actor_values(a) for a in new])
        await _insert_many(connection, ActorAlias, self._new_aliases)
        await _insert_many(connection, Location, self._new_places)
        # after the inserts: an affiliation may point at an actor created later
        changed = [self.actors[pk] for pk in sorted(self._changed)]
        if changed:
            await connection.execute(_UPDATE_ACTOR, [_actor_update(a) for a in changed])
        await _advance_ids(connection, self._first, self._next)
        self._new_actors, self._changed, self._new_aliases, self._new_places = [], set(), [], []
        self._first = dict(self._next)


def _actor_values(actor: _Actor) -> Row:
    return {
        "id": actor.id, "name": actor.name, "name_key": actor.name_key, "kind": actor.kind,
        "title": actor.title, "affiliation_id": None, "edited_at": None,
    }


_UPDATE_ACTOR = (
    update(Actor)
    .where(col(Actor.id) == bindparam("b_id"))
    .values(name=bindparam("b_name"), name_key=bindparam("b_name_key"),
            title=bindparam("b_title"), affiliation_id=bindparam("b_affiliation_id"))
)


def _actor_update(actor: _Actor) -> Row:
    return {"b_id": actor.id, "b_name": actor.name, "b_name_key": actor.name_key,
            "b_title": actor.title, "b_affiliation_id": actor.affiliation_id}


def _depth(place: PlaceRef, by_key: dict[str, PlaceRef]) -> int:
    depth, seen = 0, {place.key}
    while place.parent and place.parent in by_key and place.parent not in seen:
        place = by_key[place.parent]
        seen.add(place.key)
        depth += 1
    return depth


# --- reading what resolution needs ---------------------------------------------------------


async def load_directory(
    session: AsyncSession,
    refs: Iterable[ActorRef],
    places: Iterable[PlaceRef],
    known: KnownActors | None = None,
) -> Directory:
    """The stored actors the refs can match (by alias, surname or `known`), with all their
    aliases, and the stored places among `places`; the caller holds `lock_writers`."""
    await session.flush()  # pending ORM rows take part in matching and in the next ids
    connection = await session.connection()
    await _begin_writing(connection)
    directory = Directory(await _next_ids(connection))
    for actor in await _candidate_actors(connection, list(refs), known or {}):
        directory.add_stored(actor)
    keys = {place.key for place in places}
    if keys:
        query = select(Location.key, Location.id).where(col(Location.key).in_(keys))
        directory.places.update({k: pk for k, pk in (await connection.execute(query)).all()})
    return directory


async def _candidate_actors(
    connection: AsyncConnection, refs: list[ActorRef], known: KnownActors
) -> list[_Actor]:
    keys: set[str] = set()
    full: set[str] = set()  # surnames of "first last" names, matched whole
    lone: set[str] = set()  # one-word names, matched against the last word of stored names
    for ref in refs:
        if ref.kind in _UNIDENTIFIABLE:
            continue
        keys.update(name_key(n) for n in (ref.name, *ref.aliases))
        key = name_key(ref.name)
        if ref.kind == ActorKind.PERSON:
            (full if " " in key else lone).add(key.rsplit(" ", 1)[-1])
    if not keys and not known:
        return []
    actors = await _read_actors(connection, _matching(keys, full, lone, set(known.values())))
    return await _with_aliases(connection, actors)


def _matching(keys: set[str], full: set[str], lone: set[str], ids: set[int]) -> Any:
    """Actors holding one of `keys` as an alias, persons named by a surname, or `ids`."""
    name = col(Actor.name_key)
    # everything after the last space: rtrim strips the trailing run of non-space characters
    last_word = func.substr(name, func.length(func.rtrim(name, func.replace(name, " ", ""))) + 1)
    aliased = select(ActorAlias.actor_id).where(col(ActorAlias.alias_key).in_(keys))
    # unnamed sources and groups match an extracted name only through a merge
    identifiable = or_(
        col(Actor.kind).not_in(_UNIDENTIFIABLE), col(Actor.id).in_(aliased.where(ActorAlias.merged))
    )
    person = and_(
        col(Actor.kind) == ActorKind.PERSON,
        or_(name.in_(full), and_(name.like("% %"), last_word.in_(lone))),
    )
    return or_(and_(col(Actor.id).in_(aliased), identifiable), person, col(Actor.id).in_(ids))


async def _read_actors(connection: AsyncConnection, condition: Any) -> list[_Actor]:
    query = sa_select(
        col(Actor.id), col(Actor.name), col(Actor.name_key), col(Actor.kind), col(Actor.title),
        col(Actor.affiliation_id), col(Actor.edited_at),
    ).where(condition)
    return [
        _Actor(id=int(pk or 0), name=name, name_key=key, kind=kind, title=title,
               affiliation_id=affiliation, edited_at=edited)
        for pk, name, key, kind, title, affiliation, edited in (await connection.execute(query))
    ]


async def _with_aliases(connection: AsyncConnection, actors: list[_Actor]) -> list[_Actor]:
    by_id = {actor.id: actor for actor in actors}
    if by_id:
        query = select(ActorAlias.actor_id, ActorAlias.alias_key, ActorAlias.merged).where(
            col(ActorAlias.actor_id).in_(by_id)
        )
        for pk, key, merged in await connection.execute(query):
            by_id[pk].aliases[key] = bool(merged)
    return actors


async def _begin_writing(connection: AsyncConnection) -> None:
    """Make SQLite take its writer lock now (PostgreSQL has `lock_writers`).

    The driver starts SQLite's write transaction at the first write, so reads before
    it would not be serialised with other writers: write nothing, first.
    """
    if connection.dialect.name == "sqlite":
        await connection.execute(text("UPDATE article SET id = id WHERE 0"))


async def _next_ids(connection: AsyncConnection) -> dict[str, int]:
    """The id the next insert into each table gets: PostgreSQL's sequence, SQLite's max + 1."""
    if connection.dialect.name == "postgresql":
        parts = [
            f"SELECT '{t}', CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
            f"FROM {t}_id_seq" for t in _ID_TABLES
        ]
    else:
        parts = [f"SELECT '{t}', coalesce(max(id), 0) + 1 FROM {t}" for t in _ID_TABLES]
    rows = await connection.execute(text(" UNION ALL ".join(parts)))
    return {table: int(pk) for table, pk in rows}


async def _advance_ids(
    connection: AsyncConnection, first: dict[str, int], following: dict[str, int]
) -> None:
    """Move PostgreSQL's sequences past the ids handed out (SQLite needs nothing)."""
    used = [t for t in _ID_TABLES if following[t] > first[t]]
    if used and connection.dialect.name == "postgresql":
        calls = ", ".join(
            f"setval('{t}_id_seq', greatest({following[t] - 1}, "
            f"(SELECT last_value FROM {t}_id_seq)))" for t in used
        )
        await connection.execute(text(f"SELECT {calls}"))
