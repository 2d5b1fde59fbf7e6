"""Shared fixtures: every database test runs on SQLite and, when reachable, PostgreSQL.

Async test modules set `pytestmark = pytest.mark.anyio`; they run on asyncio.
"""
from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from api.db import create_engine, upgrade
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "seeds" / "000_7ab53061f15ddaeb.txt"
_SETTINGS = Settings.from_env()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@functools.cache
def _postgres_problem() -> str | None:
    """Why the PostgreSQL variants cannot run here, or None when they can (checked once)."""
    url = _SETTINGS.test_database_url
    if url is None:
        return "TEST_DATABASE_URL is not set; PostgreSQL variants skipped"

    async def ping() -> None:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        finally:
            await engine.dispose()

    try:
        asyncio.run(ping())
    except (OSError, SQLAlchemyError) as exc:
        return f"PostgreSQL at TEST_DATABASE_URL={url} is not reachable ({exc}); variants skipped"
    return None


def _wipe_postgres(url: str) -> None:
    async def wipe() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        finally:
            await engine.dispose()

    asyncio.run(wipe())


def empty_database_url(kind: str, folder: Path) -> str:
    """An empty database of `kind`: a new SQLite file in `folder`, or the wiped
    PostgreSQL test database (the calling test is skipped, with the reason, without one)."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'test.db'}"
    problem = _postgres_problem()
    if problem:
        pytest.skip(problem)
    assert _SETTINGS.test_database_url is not None
    _wipe_postgres(_SETTINGS.test_database_url)
    return _SETTINGS.test_database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database of each kind; PostgreSQL is wiped before each test."""
    url = empty_database_url(request.param, tmp_path)
    upgrade(url)
    yield url


@pytest.fixture
def postgres_url(tmp_path: Path) -> str:
    """The wiped PostgreSQL test database alone, for what only PostgreSQL does (LISTEN/NOTIFY
    across processes); skipped, saying why, without TEST_DATABASE_URL."""
    return empty_database_url("postgresql", tmp_path)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An async engine on the migrated test database, disposed afterwards."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-examples", type=int, default=150, metavar="N",
        help="queries tests/test_fuzz.py generates per database and mode (default 150)",
    )
    parser.addoption(
        "--text-fuzz-examples", type=int, default=200, metavar="N",
        help="texts tests/extract/test_fuzz_text.py feeds to extract_article (default 200)",
    )


@pytest.fixture(scope="session")
def seeded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real `serve` process over the seed article (SQLite), shared by the client tests."""
    from tests.servers import serve

    workdir = tmp_path_factory.mktemp("served")
    with serve(f"sqlite:///{workdir / 'served.db'}", workdir) as base:
        yield base
