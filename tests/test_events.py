"""The statement event bus: what ingest publishes, and subscribers that leave or lag."""
from __future__ import annotations

import anyio
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

import api.load.ingest
from api.load.ingest import ArticleInput, ArticleWriter
from api.load.seed import extract
from api.settings import Settings
from api.store.db import session_factory
from api.store.events import EventBus, LocalBus, PostgresBus, Subscription, create_bus, libpq_dsn
from api.store.models import Statement
from tests.conftest import SEED_FILE

pytestmark = pytest.mark.anyio

WAIT_SECONDS = 10


async def _next(subscription: Subscription) -> tuple[int, ...]:
    with anyio.fail_after(WAIT_SECONDS):
        return await anext(subscription)


def _seed_article() -> ArticleInput:
    return ArticleInput(body=SEED_FILE.read_text(encoding="utf-8"), source=SEED_FILE.name)


async def test_a_stored_article_publishes_its_statement_ids_once(engine: AsyncEngine) -> None:
    events = LocalBus(buffer=10)
    subscription = await events.subscribe()
    writer = ArticleWriter(session_factory(engine), events)
    article = _seed_article()
    assert (await writer.write(article, extract(article)))[0] is True
    assert (await writer.write(article, extract(article)))[0] is False  # already stored
    async with session_factory(engine)() as session:
        stored = (await session.exec(select(Statement.id).order_by(col(Statement.id)))).all()
    assert (subscription.pending, await _next(subscription)) == (1, tuple(stored))
    assert len(stored) > 10


async def test_a_rolled_back_article_publishes_nothing(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(api.load.ingest, "_link_article", fail)
    events = LocalBus(buffer=10)
    subscription = await events.subscribe()
    article = _seed_article()
    with pytest.raises(RuntimeError, match="disk full"):
        await ArticleWriter(session_factory(engine), events).write(article, extract(article))
    assert subscription.pending == 0


async def test_every_subscriber_gets_each_batch_until_it_leaves() -> None:
    events = LocalBus(buffer=10)
    first, second = await events.subscribe(), await events.subscribe()
    await events.publish([3, 4])
    await events.publish([])  # nothing new: no event
    async with second:
        assert (await _next(first), await _next(second)) == ((3, 4), (3, 4))
    await events.publish([5])
    assert (events.subscriber_count, first.pending, second.pending) == (1, 1, 0)


async def test_closing_the_bus_ends_its_subscriptions() -> None:
    events = LocalBus(buffer=10)
    subscription = await events.subscribe()
    await events.publish([1])
    await events.close()
    with pytest.raises(Exception, match="^the server is shutting down; subscribe again$"):
        await _next(subscription)
    assert (events.subscriber_count, subscription.pending) == (0, 0)


def test_the_database_url_chooses_the_bus() -> None:
    sqlite = create_bus(Settings(database_url="sqlite:///x.db", subscription_buffer=7))
    postgres = create_bus(Settings(database_url="postgresql://u@h:5433/db"))
    assert (type(sqlite), type(postgres)) == (LocalBus, PostgresBus)
    assert isinstance(sqlite, EventBus)
    assert libpq_dsn("postgres://u:pw@h/db") == "postgresql://u:pw@h/db"
    assert libpq_dsn("postgresql+asyncpg://u@h:5433/db") == "postgresql://u@h:5433/db"


async def test_postgres_notifications_reach_another_bus_in_chunks(postgres_url: str) -> None:
    """Two buses stand for two processes: one publishes, the other's subscriber hears it."""
    url = libpq_dsn(postgres_url)
    listening, publishing = PostgresBus(url, buffer=10), PostgresBus(url, buffer=10)
    try:
        subscription = await listening.subscribe()
        await publishing.publish(range(1, 1202))  # NOTIFY payloads hold 500 ids each
        batches = [await _next(subscription) for _ in range(3)]
    finally:
        await publishing.close()
        await listening.close()
    assert [(b[0], b[-1]) for b in batches] == [(1, 500), (501, 1000), (1001, 1201)]


async def test_a_lost_listener_ends_its_subscriptions_and_reconnects(postgres_url: str) -> None:
    """Were the listening connection to die unnoticed, subscribers would wait forever."""
    events = PostgresBus(libpq_dsn(postgres_url), buffer=10)
    try:
        lost = await events.subscribe()
        listener = events._listener  # noqa: SLF001
        listener.terminate()  # as when the database restarts
        with pytest.raises(Exception, match="lost its database connection .* subscribe again$"):
            await _next(lost)
        again = await events.subscribe()
        await events.publish([7])
        assert (await _next(again), events.subscriber_count) == ((7,), 1)
    finally:
        await events.close()
