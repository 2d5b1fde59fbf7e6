"""The SQL behind search and paging: migration 0003_search up and down over existing rows,
keyset pages (no OFFSET scans) and `totalCount` queried only when selected."""
from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import event, insert, text
from sqlalchemy.engine import Engine
from sqlmodel.ext.asyncio.session import AsyncSession

from api.settings import Settings
from api.store.db import create_engine, is_sqlite, upgrade
from api.store.models import Article, Statement
from api.vocabulary import StatementKind
from tests.schema.helpers import run_query
from tests.servers import app_client

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [f"Statement number {n} about peace" for n in range(1, 8)]
SEARCH = "query ($q: String) { statements(filter: {search: $q}) { nodes { text } } }"
PAGE = """query ($after: String) { statements(first: 2, after: $after) {
  pageInfo { endCursor } nodes { text } } }"""
COUNTED = "{ statements(first: 2) { totalCount nodes { text } } }"
UNCOUNTED = "{ statements(first: 2) { nodes { text } } }"
INDEXED = {
    "sqlite": "SELECT name FROM sqlite_master WHERE name LIKE 'statement_fts%' ORDER BY name",
    "postgresql": "SELECT indexname FROM pg_indexes WHERE indexname = 'ix_statement_text_words'",
}


def _alembic(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


async def _add(url: str, texts: list[str]) -> None:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine) as session, session.begin():
            article = Article(title="Peace", published_at=dt.date(2016, 1, 1), body=" ".join(texts),
                              content_hash=texts[0][-20:].ljust(64, "-"))
            session.add(article)
            await session.flush()
            assert article.id is not None
            # Only the columns 0002_corrections has: the test writes below later migrations.
            rows = [
                {"article_id": article.id, "text": said, "kind": StatementKind.DIRECT,
                 "start": n * 100, "end": n * 100 + len(said)}
                for n, said in enumerate(texts)
            ]
            connection = await session.connection()
            await connection.execute(insert(Statement.__table__), rows)  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def _names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(text(INDEXED[engine.dialect.name]))
            return [row[0] for row in found]
    finally:
        await engine.dispose()


@pytest.fixture(params=["compiled", "resolvers"])
async def client(
    database_url: str, request: pytest.FixtureRequest
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with compiled SQL on or off. A compiled query on PostgreSQL runs through
    asyncpg directly, out of sight of the engine events these tests read: on PostgreSQL
    only the resolvers' SQL is inspected (tests/compiler checks compiled answers)."""
    compiled = request.param == "compiled"
    if compiled and not is_sqlite(database_url):
        pytest.skip("compiled SQL on PostgreSQL bypasses SQLAlchemy's events")
    settings = Settings(database_url=database_url, compiled_sql=compiled, response_cache="off")
    async with app_client(settings) as http:
        yield http


@pytest.fixture
def executed() -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement (and its parameters) any engine runs during the test."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


async def test_the_migration_indexes_existing_rows_and_downgrades(database_url: str) -> None:
    expected = {
        "sqlite": ["statement_fts", "statement_fts_config", "statement_fts_data",
                   "statement_fts_delete", "statement_fts_docsize", "statement_fts_idx",
                   "statement_fts_insert", "statement_fts_update"],  # triggers too
        "postgresql": ["ix_statement_text_words"],
    }["sqlite" if is_sqlite(database_url) else "postgresql"]
    assert await _names(database_url) == expected
    await _add(database_url, TEXTS[:1])
    await asyncio.to_thread(command.downgrade, _alembic(database_url), "0002_corrections")
    assert await _names(database_url) == []
    await _add(database_url, TEXTS[1:2])  # written while nothing indexes the text
    await asyncio.to_thread(upgrade, database_url)
    assert await _names(database_url) == expected
    async with app_client(Settings(database_url=database_url)) as client:
        data = await run_query(client, SEARCH, {"q": "numb"})
    assert [n["text"] for n in data["statements"]["nodes"]] == TEXTS[1:2] + TEXTS[:1]


# A count over the whole list; the compiled path's `count(*) OVER ()` only sizes its page.
TOTAL = re.compile(r"count\(\*\)(?! OVER)", re.IGNORECASE)


@pytest.mark.parametrize(("compiled", "statements"), [(True, (1, 1)), (False, (1, 2))])
async def test_total_count_is_queried_only_when_selected(
    database_url: str, executed: list[tuple[str, Any]], compiled: bool,
    statements: tuple[int, int],
) -> None:
    """Statements run come from the debug extension; their SQL from the engine's events,
    which see everything but a compiled query on PostgreSQL (it bypasses SQLAlchemy)."""
    await _add(database_url, TEXTS)
    visible = not compiled or is_sqlite(database_url)
    settings = Settings(database_url=database_url, compiled_sql=compiled, response_cache="off",
                        debug=True)
    async with app_client(settings) as client:
        executed.clear()
        uncounted = (await client.post("/graphql", json={"query": UNCOUNTED})).json()
        uncounted_sql = [sql for sql, _ in executed]
        executed.clear()
        counted = (await client.post("/graphql", json={"query": COUNTED})).json()
        counted_sql = [sql for sql, _ in executed]
    assert uncounted["data"] == {"statements": {"nodes": [{"text": TEXTS[0]}, {"text": TEXTS[1]}]}}
    assert counted["data"]["statements"]["totalCount"] == 7
    ran = (uncounted["extensions"]["sqlStatements"], counted["extensions"]["sqlStatements"])
    assert ran == statements
    if visible:
        assert [sql for sql in uncounted_sql if TOTAL.search(sql)] == []
        assert len([sql for sql in counted_sql if TOTAL.search(sql)]) == 1


async def test_deep_pages_use_keyset_cursors_never_offset(
    database_url: str, client: httpx.AsyncClient, executed: list[tuple[str, Any]]
) -> None:
    await _add(database_url, TEXTS)
    after, pages = None, []
    for _ in range(4):
        executed.clear()
        data = (await run_query(client, PAGE, {"after": after}))["statements"]
        pages.append([n["text"] for n in data["nodes"]])
        after = data["pageInfo"]["endCursor"]
        assert len(executed) == 1
        sql, parameters = executed[0]
        # SQLite's LIMIT always carries an OFFSET; it must skip nothing.
        assert "OFFSET" not in sql or (is_sqlite(database_url) and parameters[-1] == 0), sql
    assert pages == [TEXTS[0:2], TEXTS[2:4], TEXTS[4:6], TEXTS[6:7]]
