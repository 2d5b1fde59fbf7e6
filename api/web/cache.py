"""The response cache: the answer to an identical query is sent again, without running it,
until the data changes.

An answer is kept when a single query operation (never a mutation, subscription or
batch) ran without errors and answered 200. Its key is the sha256 of the query text,
the variables as canonical JSON, the operation name, the negotiated media type and,
when queries are private, whether the request was authenticated.

Entries are kept per process (`memory`, an LRU of QUOTEGRAPH_RESPONSE_CACHE_SIZE
answers) or in Redis (`redis`, shared by every worker, each entry living
QUOTEGRAPH_RESPONSE_CACHE_TTL seconds under the current generation, a counter kept in
Redis). Every change forgets them: on PostgreSQL each writer NOTIFYs
`quotegraph_data` inside its transaction (api.store.db.lock_writers), which every process
hears through api.store.events; on SQLite each lookup first reads `PRAGMA data_version`,
which moves when any other connection commits. A mutation served here forgets at once.

A query that started before a change is stored under the generation it started with,
so an answer computed from old rows never outlives the change that made it old.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections import OrderedDict
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url
from starlette.responses import Response
from strawberry.http import GraphQLRequestData

from api.context import debug_extensions
from api.errors import SettingsError
from api.settings import Settings
from api.store.db import is_sqlite

log = logging.getLogger("quotegraph.cache")

PREFIX = "quotegraph:"  # every Redis key this server writes starts with it
_PENDING = "quotegraph.cache.pending"  # (key, generation) of a miss, in the ASGI scope
_OPERATION = "quotegraph.operation"  # the operation type's name, once it is known
_FAILED = "quotegraph.failed"  # the result had errors
_RETRY_SECONDS = 1.0  # after Redis failed, requests skip it this long (no timeout per request)
# One round trip: the current generation and the entry under it.
_LOOKUP = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}
"""


@dataclass(frozen=True)
class Answer:
    """A response body as sent, with its content type and strong ETag."""

    body: bytes
    media_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Answer:
        return cls(body, media_type, strong_etag(body))


class CachedAnswer(Exception):  # noqa: N818  (control flow, not a failure)
    """Raised by a lookup that hit: the view sends `answer` instead of running the query."""

    def __init__(self, answer: Answer) -> None:
        super().__init__("cached answer")
        self.answer = answer


def strong_etag(body: bytes) -> str:
    """A strong ETag of the bytes sent: `"<sha256 hex>"`."""
    return f'"{hashlib.sha256(body).hexdigest()}"'


def cache_key(data: GraphQLRequestData, media_type: str, authenticated: bool | None) -> str:
    """sha256 of what decides the answer; variables as canonical (sorted-key) JSON."""
    parts = [data.query, data.variables, data.operation_name, media_type, authenticated]
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()


def note_operation(scope: MutableMapping[str, Any], operation: str) -> None:
    """Record the operation type (`query`, `mutation`, ...) once execution starts."""
    scope[_OPERATION] = operation


def note_errors(scope: MutableMapping[str, Any]) -> None:
    """Record that the result has errors: it is never kept."""
    scope[_FAILED] = True


class Outage:
    """Logs once when Redis stops answering and once when it answers again; meanwhile
    callers skip it for a second at a time instead of waiting on it every request."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._retry_at: float | None = None

    @property
    def skipping(self) -> bool:
        return self._retry_at is not None and time.monotonic() < self._retry_at

    def failed(self, error: Exception) -> None:
        if self._retry_at is None:
            log.warning("Redis is unreachable (%s); %s without it until it answers", error,
                        self._what)
        self._retry_at = time.monotonic() + _RETRY_SECONDS

    def recovered(self) -> None:
        if self._retry_at is not None:
            log.warning("Redis answers again; %s with it", self._what)
            self._retry_at = None


class Store(Protocol):
    """Where answers live, by key and generation."""

    async def lookup(self, key: str) -> tuple[Answer | None, int | None]:
        """The entry for `key` (None: a miss) and the generation to store under (None: don't)."""

    async def store(self, key: str, generation: int, answer: Answer) -> None:
        """Keep `answer`, unless the data changed since `generation` was read."""

    def changed(self) -> None:
        """Forget every entry (lazily, where forgetting needs a round trip)."""

    async def invalidate(self) -> None:
        """Forget every entry now: this process just wrote."""


class MemoryStore:
    """This process's answers, the least recently used dropped past `size`."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, Answer] = OrderedDict()
        self._generation = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def lookup(self, key: str) -> tuple[Answer | None, int | None]:
        answer = self._entries.get(key)
        if answer is not None:
            self._entries.move_to_end(key)
        return answer, self._generation

    async def store(self, key: str, generation: int, answer: Answer) -> None:
        if generation != self._generation:
            return  # computed from rows that have changed since
        self._entries[key] = answer
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def changed(self) -> None:
        self._entries.clear()
        self._generation += 1

    async def invalidate(self) -> None:
        self.changed()


class RedisStore:
    """Answers shared by every worker: `quotegraph:r:<generation>:<key>`, with a TTL.

    A change makes the next lookup INCR `quotegraph:generation` first, which hides every
    older entry from all workers at once. Redis unreachable: served uncached, logged once.
    """

    def __init__(self, client: Redis, ttl: int) -> None:
        self._client = client
        self._ttl = ttl
        self._lookup = client.register_script(_LOOKUP)
        self._bump = True  # changes before this process started are unknown
        self._outage = Outage("answers are computed")

    async def lookup(self, key: str) -> tuple[Answer | None, int | None]:
        if self._outage.skipping:
            return None, None
        try:
            if self._bump:
                await self._client.incr(f"{PREFIX}generation")
                self._bump = False
            generation, raw = await self._lookup(keys=[f"{PREFIX}generation"],
                                                 args=[f"{PREFIX}r:", key])
        except (RedisError, OSError) as error:
            self._unreachable(error)
            return None, None
        self._outage.recovered()
        return (_decode(raw) if raw else None), int(generation)

    async def store(self, key: str, generation: int, answer: Answer) -> None:
        if self._outage.skipping:
            return
        try:
            await self._client.set(f"{PREFIX}r:{generation}:{key}", _encode(answer), ex=self._ttl)
        except (RedisError, OSError) as error:
            self._unreachable(error)

    def changed(self) -> None:
        self._bump = True

    async def invalidate(self) -> None:
        """INCR before the mutation is answered, so no worker serves what it changed."""
        self._bump = True
        if self._outage.skipping:
            return
        try:
            await self._client.incr(f"{PREFIX}generation")
        except (RedisError, OSError) as error:
            self._unreachable(error)
            return
        self._bump = False

    def _unreachable(self, error: Exception) -> None:
        self._bump = True  # changes may have been missed meanwhile
        self._outage.failed(error)


def _encode(answer: Answer) -> bytes:
    return b"\n".join((answer.etag.encode(), answer.media_type.encode(), answer.body))


def _decode(raw: bytes) -> Answer:
    etag, media_type, body = raw.split(b"\n", 2)
    return Answer(body, media_type.decode(), etag.decode())


class DataVersion:
    """`PRAGMA data_version` on a connection of its own: it moves whenever another
    connection (any process's) commits to the SQLite file.

    Read synchronously on the event loop: it reads a counter from SQLite's shared
    memory (WAL index) or the file header, microseconds without a disk seek; a thread
    hop would cost more than the read."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None  # opened at first use, in the worker
        self._seen: int | None = None

    def moved(self) -> bool:
        """Whether anything committed since the last call (True on the first, and when
        the file cannot be read: then nothing cached is trusted)."""
        try:
            if self._connection is None:  # mode=rw: never create the database file
                self._connection = sqlite3.connect(f"file:{quote(self._path)}?mode=rw", uri=True,
                                                   isolation_level=None, check_same_thread=False)
            (version,) = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            log.exception("cannot read PRAGMA data_version of %s", self._path)
            self.close()
            return True
        moved: bool = version != self._seen
        self._seen = version
        return moved

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._seen = None  # versions are per connection: a new one's cannot be compared


class ResponseCache:
    """The view's cache: looks answers up before execution, keeps them after."""

    def __init__(self, store: Store, *, debug: bool = False,
                 data_version: DataVersion | None = None) -> None:
        self.store = store
        self._debug = debug
        self._data_version = data_version
        self._live = True

    def changed(self) -> None:
        """The data may have changed (a notification, or the listener (re)connected)."""
        self.store.changed()
        self._live = True

    def blind(self) -> None:
        """Changes cannot be heard (listener lost): serve nothing from the cache."""
        self._live = False
        self.store.changed()

    async def lookup(
        self, scope: MutableMapping[str, Any], data: GraphQLRequestData, media_type: str,
        authenticated: bool | None,
    ) -> None:
        """Raise CachedAnswer on a hit; on a miss, remember where the answer would go."""
        if not self._live or data.query is None or data.protocol != "http":
            return
        if self._data_version is not None and self._data_version.moved():
            self.store.changed()
        key = cache_key(data, media_type, authenticated)
        answer, generation = await self.store.lookup(key)
        if answer is not None:
            raise CachedAnswer(self._for_debug(answer) if self._debug else answer)
        if generation is not None:
            scope[_PENDING] = (key, generation)

    async def remember(self, scope: MutableMapping[str, Any], response: Response) -> None:
        """Keep the answer of a query without errors; after a mutation, forget everything."""
        operation = scope.get(_OPERATION)
        if operation == "mutation":
            await self.store.invalidate()  # read-your-writes before the notification arrives
            return
        pending = scope.get(_PENDING)
        if pending is None or operation != "query" or scope.get(_FAILED):
            return
        if response.status_code == 200 and not response.headers.get("content-encoding"):
            key, generation = pending
            media_type = response.headers.get("content-type", "application/json")
            await self.store.store(key, generation, Answer.of(bytes(response.body), media_type))

    def close(self) -> None:
        if self._data_version is not None:
            self._data_version.close()

    def _for_debug(self, answer: Answer) -> Answer:
        """In debug mode a hit says so: no SQL ran, and which worker answered."""
        body = orjson.loads(answer.body)
        extensions = body.setdefault("extensions", {})
        extensions.update(debug_extensions(0, 0.0), responseCache="hit")
        return Answer.of(orjson.dumps(body), answer.media_type)


def connect_redis(settings: Settings) -> Redis:
    """A client for REDIS_URL that gives up quickly: an unreachable Redis must not hold
    up requests, which are then served without it."""
    return Redis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)


def create_cache(settings: Settings, redis: Redis | None) -> ResponseCache | None:
    """The response cache QUOTEGRAPH_RESPONSE_CACHE asks for; None when it is off."""
    if settings.response_cache == "off":
        return None
    store: Store = (
        RedisStore(redis, settings.response_cache_ttl) if redis is not None
        else MemoryStore(settings.response_cache_size)
    )
    return ResponseCache(store, debug=settings.debug, data_version=_data_version(settings))


def _data_version(settings: Settings) -> DataVersion | None:
    url = settings.database_read_url or settings.database_url
    if not is_sqlite(url):
        return None
    path = make_url(url).database
    if not path or path == ":memory:":
        raise SettingsError(
            "QUOTEGRAPH_RESPONSE_CACHE",
            "an in-memory SQLite database cannot tell the cache of changes; use a file "
            "or set QUOTEGRAPH_RESPONSE_CACHE=off",
        )
    return DataVersion(path)
