"""Shared fixtures: every database test runs on SQLite and, when reachable, PostgreSQL.

Async test modules set `pytestmark = pytest.mark.anyio`; they run on asyncio.
"""
from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import Settings
from api.store.db import create_engine, upgrade
from tests import services

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
    services.need("postgresql", _postgres_problem())
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
        "--fuzz-bytes-examples", type=int, default=300, metavar="N",
        help="requests (or websocket exchanges) tests/web/test_fuzz_bytes.py generates per "
        "case and database (default 300)",
    )
    parser.addoption(
        "--text-fuzz-examples", type=int, default=200, metavar="N",
        help="texts tests/extract/test_fuzz_text.py feeds to extract_article (default 200)",
    )
    parser.addoption(
        "--require-services", default=None, metavar="LIST",
        help=f"comma-separated services ({', '.join(services.SERVICES)}) whose absence fails "
        f"the tests that need them instead of skipping them (default: "
        f"${services.REQUIRE_VARIABLE})",
    )


def pytest_configure(config: pytest.Config) -> None:
    raw = config.getoption("--require-services")
    if raw is None:
        raw = os.environ.get(services.REQUIRE_VARIABLE, "")
    services.LEDGER.required = services.parse_required(raw)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    services.LEDGER.current = item.nodeid  # before any fixture asks for a service


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        services.record_call(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if services.unreached() and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(services.summary())
    for service in services.unreached():
        terminalreporter.write_line(
            f"FAILED: {service} is required ({services.REQUIRE_VARIABLE}) but no test ran "
            "against it", red=True,
        )


@pytest.fixture(scope="session")
def seeded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real `serve` process over the seed article (SQLite), shared by the client tests."""
    from tests.servers import serve

    workdir = tmp_path_factory.mktemp("served")
    with serve(f"sqlite:///{workdir / 'served.db'}", workdir) as base:
        yield base
