"""Fixtures of the HTTP-layer tests: a seeded database of each kind, and a Redis database
the suite may flush (TEST_REDIS_URL, default redis://127.0.0.1:6379/3; unreachable: the
Redis tests are skipped, saying so)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from api.load.seed import seed_paths
from api.store.db import create_engine, upgrade
from tests import services
from tests.conftest import SEED_FILE, empty_database_url

# This suite's Redis database, flushed around each test.
REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/3"
SEED_TITLE = "Syrian rebels reject withdrawal plan amid Russia's chilling warnings"


async def seed(url: str) -> None:
    """Store the seed article in the database at `url`."""
    engine = create_engine(url)
    try:
        report = await seed_paths(engine, [SEED_FILE])
    finally:
        await engine.dispose()
    assert (report.created, report.errors) == (1, [])


@pytest.fixture
async def seeded(database_url: str) -> str:
    """A migrated database of each kind holding the seed article."""
    await seed(database_url)
    return database_url


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """A client on Redis db 3, emptied before and after; skipped without Redis."""
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except OSError as error:
        services.need("redis", f"Redis at {REDIS_URL} is not reachable ({error})")
    services.need("redis", None)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty, migrated SQLite database, for refusals that happen before any SQL."""
    url = empty_database_url("sqlite", tmp_path)
    upgrade(url)
    return url
