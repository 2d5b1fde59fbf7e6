"""Who and where an extraction names, as stored rows: actors resolved against what is
already stored, so "Lavrov" in a second article is the Sergei Lavrov of the first;
places keyed by gazetteer key. Unnamed sources and unnamed groups ("opposition
sources", "both officials") are never merged across articles: they are not
identifiable entities.

Resolution runs in memory over a `Directory`: the stored actors, aliases and places a
transaction's extractions can match, read in a few queries once the writer lock is
held, plus what the transaction adds. Row ids are handed out in the order one-by-one
inserts would get them, so a batch of articles leaves exactly the rows that writing
them one at a time, in the same order, leaves.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.extract.results import ActorKind, ActorRef, PlaceRef
from api.store.models import Actor, ActorAlias, Location
from api.store.name_keys import name_key

__all__ = [
    "Directory", "KnownActors", "begin_writing", "insert_many", "load_directory", "resolve_actors",
    "resolve_places",
]

_UNIDENTIFIABLE = {ActorKind.GROUP, ActorKind.UNNAMED}
# Tables whose ids a Directory hands out (each an integer primary key named id).
_ID_TABLES = ("article", "actor", "actor_alias", "location", "statement")
Row = dict[str, Any]


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
        await insert_many(connection, Actor, [_actor_values(a) for a in new])
        await insert_many(connection, ActorAlias, self._new_aliases)
        await insert_many(connection, Location, self._new_places)
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
    await begin_writing(connection)
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


async def begin_writing(connection: AsyncConnection) -> None:
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


async def insert_many(connection: AsyncConnection, model: type[Any], rows: list[Row]) -> None:
    """One multi-row INSERT of `rows` into `model`'s table (nothing for no rows)."""
    if rows:
        await connection.execute(insert(model.__table__), rows)
