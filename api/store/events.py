"""Statement events: ingest tells live subscribers which statements it just stored.

`publish(statement_ids)` is called after an article's transaction commits; every
subscriber then finds those ids in its own bounded queue. Two buses:

- `LocalBus` fans out within one process (the embedded SQLite default).
- `PostgresBus` sends `NOTIFY quotegraph_statements` with a JSON list of ids, so a
  statement stored by any process (a `seed` run, another server worker) reaches
  subscribers of every worker. Each process holds one listening connection, opened
  with its first subscriber, and fans each notification out in-process.

The same listening connection hears `quotegraph_data` (api.store.db.DATA_CHANNEL), which
every writer notifies inside its transaction: `watch_data` tells the response cache
of each process that the data changed, and that it went blind (listener lost; it
reconnects by itself and reports a change once it hears again).

A subscriber that falls `buffer` events behind is dropped rather than buffered
forever: its queue is emptied and its iteration ends with `SubscriptionEnded`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from types import TracebackType

import asyncpg
from sqlalchemy.engine import make_url

from api.errors import QuotegraphError
from api.settings import Settings
from api.store.db import DATA_CHANNEL, is_sqlite

log = logging.getLogger("quotegraph.events")

CHANNEL = "quotegraph_statements"
# NOTIFY payloads must stay under 8000 bytes; 500 ids of up to 12 digits fit.
_IDS_PER_NOTIFY = 500
_RECONNECT_SECONDS = 1.0  # between attempts to listen again after the connection was lost


class SubscriptionEnded(QuotegraphError):
    """The server ended a subscription; the message says why and what to do."""


class Subscription:
    """One subscriber: a bounded queue of statement-id batches, iterated with `async for`.

    Leave it (`async with`, or `close()`) when the client goes away, so the bus
    stops delivering to it.
    """

    def __init__(self, hub: _Hub, buffer: int) -> None:
        self._hub = hub
        self._queue: asyncio.Queue[tuple[int, ...]] = asyncio.Queue(maxsize=buffer)
        self._ended: SubscriptionEnded | None = None

    @property
    def pending(self) -> int:
        """Batches delivered but not yet read."""
        return self._queue.qsize()

    def offer(self, ids: tuple[int, ...]) -> None:
        """Queue a batch; a subscriber whose queue is full is ended instead."""
        if self._ended is not None:
            return
        try:
            self._queue.put_nowait(ids)
        except asyncio.QueueFull:
            self.end(SubscriptionEnded(
                "this subscription was ended: its client did not keep up (the server holds "
                f"at most {self._queue.maxsize} unsent events); subscribe again, and read what "
                "was missed with the `statements` query"
            ))

    def end(self, reason: SubscriptionEnded) -> None:
        """Stop delivering: free what is queued and wake the reader with `reason`."""
        self._hub.remove(self)
        if self._ended is not None:
            return
        self._ended = reason
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(())  # the wake-up; an empty batch is never published

    def close(self) -> None:
        """Leave the bus (the client went away)."""
        self._hub.remove(self)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> tuple[int, ...]:
        ids = await self._queue.get()
        if not ids and self._ended is not None:
            raise self._ended
        return ids

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class _Hub:
    """This process's subscribers."""

    def __init__(self) -> None:
        self.subscriptions: set[Subscription] = set()

    def remove(self, subscription: Subscription) -> None:
        self.subscriptions.discard(subscription)

    def deliver(self, ids: tuple[int, ...]) -> None:
        for subscription in list(self.subscriptions):
            subscription.offer(ids)

    def end_all(self, reason: SubscriptionEnded) -> None:
        for subscription in list(self.subscriptions):
            subscription.end(reason)


class EventBus:
    """In-process delivery; the base of every bus."""

    def __init__(self, buffer: int) -> None:
        self._buffer = buffer
        self._hub = _Hub()

    @property
    def subscriber_count(self) -> int:
        """Subscribers in this process."""
        return len(self._hub.subscriptions)

    async def subscribe(self) -> Subscription:
        """A new subscriber; it receives what is published from now on."""
        subscription = Subscription(self._hub, self._buffer)
        self._hub.subscriptions.add(subscription)
        return subscription

    async def publish(self, statement_ids: Sequence[int]) -> None:
        """Tell subscribers about committed statements (call after the commit only)."""
        if statement_ids:
            self._hub.deliver(tuple(statement_ids))

    async def watch_data(self, changed: Callable[[], None], blind: Callable[[], None]) -> None:
        """Call `changed` when another process may have changed the data, `blind` while
        changes cannot be heard. In-process: nothing to hear (SQLite servers read
        `PRAGMA data_version` instead)."""

    async def close(self) -> None:
        """End every subscription (the server is stopping)."""
        self._hub.end_all(SubscriptionEnded("the server is shutting down; subscribe again"))


class LocalBus(EventBus):
    """Subscribers and publishers in one process (SQLite)."""


class PostgresBus(EventBus):
    """LISTEN/NOTIFY: statements stored by any process reach every process's subscribers."""

    def __init__(self, dsn: str, buffer: int) -> None:
        super().__init__(buffer)
        self._dsn = dsn
        self._lock = asyncio.Lock()
        self._listener: asyncpg.Connection | None = None
        self._publisher: asyncpg.Connection | None = None
        self._watchers: list[tuple[Callable[[], None], Callable[[], None]]] = []
        self._reconnecting: asyncio.Task[None] | None = None

    async def subscribe(self) -> Subscription:
        await self._listen()
        return await super().subscribe()

    async def publish(self, statement_ids: Sequence[int]) -> None:
        """NOTIFY every process; this one's subscribers hear it through its own listener."""
        ids = list(statement_ids)
        if not ids:
            return
        async with self._lock:
            if self._publisher is None or self._publisher.is_closed():
                self._publisher = await asyncpg.connect(self._dsn)
            for start in range(0, len(ids), _IDS_PER_NOTIFY):
                payload = json.dumps(ids[start : start + _IDS_PER_NOTIFY])
                await self._publisher.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)

    async def watch_data(self, changed: Callable[[], None], blind: Callable[[], None]) -> None:
        """Listen now (not with the first subscriber); if the database is down, `blind`
        holds until a reconnection succeeds."""
        self._watchers.append((changed, blind))
        try:
            await self._listen()
        except (OSError, asyncpg.PostgresError):
            log.exception("cannot listen for %s; retrying", DATA_CHANNEL)
            blind()
            self._reconnect_later()

    async def close(self) -> None:
        await super().close()
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        async with self._lock:
            if self._listener is not None:
                self._listener.remove_termination_listener(self._on_lost)  # not lost: closed
            for connection in (self._listener, self._publisher):
                if connection is not None and not connection.is_closed():
                    await connection.close()
            self._listener = self._publisher = None

    async def _listen(self) -> None:
        async with self._lock:
            if self._listener is not None and not self._listener.is_closed():
                return
            connection = await asyncpg.connect(self._dsn)
            connection.add_termination_listener(self._on_lost)
            await connection.add_listener(CHANNEL, self._on_notify)
            await connection.add_listener(DATA_CHANNEL, self._on_data)
            self._listener = connection
        for changed, _blind in self._watchers:
            changed()  # whatever happened before we listened is unknown: forget it

    def _on_data(
        self, _connection: asyncpg.Connection, _pid: int, _channel: str, _payload: str
    ) -> None:
        for changed, _blind in self._watchers:
            changed()

    def _reconnect_later(self) -> None:
        if self._reconnecting is None or self._reconnecting.done():
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        while True:
            await asyncio.sleep(_RECONNECT_SECONDS)
            try:
                await self._listen()
            except (OSError, asyncpg.PostgresError) as error:
                log.warning("still cannot listen for %s: %s", DATA_CHANNEL, error)
                continue
            log.info("listening for %s again", DATA_CHANNEL)
            return

    def _on_notify(
        self, _connection: asyncpg.Connection, _pid: int, _channel: str, payload: str
    ) -> None:
        try:
            ids = tuple(int(pk) for pk in json.loads(payload))
        except (ValueError, TypeError):
            log.warning("ignored a malformed %s notification: %.200r", CHANNEL, payload)
            return
        if ids:
            self._hub.deliver(ids)

    def _on_lost(self, _connection: asyncpg.Connection) -> None:
        """The listening connection died: its subscribers would wait forever, so end them."""
        log.error("the %s listener lost its database connection", CHANNEL)
        self._listener = None
        if self._watchers:
            for _changed, blind in self._watchers:
                blind()
            self._reconnect_later()
        self._hub.end_all(SubscriptionEnded(
            "the server lost its database connection and may have missed statements; "
            "subscribe again"
        ))


def create_bus(settings: Settings) -> EventBus:
    """The bus for the configured database: LISTEN/NOTIFY on PostgreSQL, else in-process."""
    if is_sqlite(settings.database_url):
        return LocalBus(settings.subscription_buffer)
    return PostgresBus(libpq_dsn(settings.database_url), settings.subscription_buffer)


def libpq_dsn(url: str) -> str:
    """`postgresql+asyncpg://...` or `postgres://...` as the plain DSN asyncpg connects to."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)
