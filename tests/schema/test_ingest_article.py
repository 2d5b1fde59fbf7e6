"""ingestArticle: the size limit, text a database would refuse, and work that really stops
when the request's timeout fires (SQLite and PostgreSQL)."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from api.app import create_app
from api.extract.results import Extraction
from api.load import ingest
from api.load.ingest import ArticleInput, extraction_pool, ingest_text
from api.load.pool import ProcessPool
from api.settings import Settings
from api.store.db import create_engine, session_factory
from api.store.models import Article, Statement
from tests.conftest import SEED_FILE
from tests.pool_calls import SPIN, child_pid, slow_extract
from tests.schema.conftest import TOKENS
from tests.schema.helpers import post_query
from tests.test_pool import busy_child, gone

pytestmark = pytest.mark.anyio

INGEST = """
mutation ($input: IngestArticleInput!) { ingestArticle(input: $input) {
  __typename
  ... on IngestArticleSuccess { created article { title statements { totalCount } } }
  ... on ValidationError { field message }
} }
"""
DELETE = """
mutation ($id: ID!) { deleteStatement(id: $id) {
  __typename
  ... on ValidationError { field message }
} }
"""
MERGE = """
mutation ($source: ID!, $target: ID!) { mergeActors(sourceId: $source, targetId: $target) {
  __typename
  ... on ValidationError { field message }
} }
"""
LIMIT = 5000
# Long enough for a fresh extraction process to start and store the seed on a loaded
# machine (the ingest after a stopped one does both), short enough to wait out once.
TIMEOUT_MS = 5000
BODY = "Talks resume\n\nThe minister said the talks would resume on Monday."


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[Starlette]:
    """The app, with a short timeout, and its extraction process already started (the
    first start in a process waits for the forkserver to build extraction's indexes)."""
    app = create_app(Settings(
        database_url=database_url, api_tokens=TOKENS, max_article_chars=LIMIT,
        query_timeout_ms=TIMEOUT_MS, response_cache="off",
    ))
    async with app.router.lifespan_context(app):
        await app.state.extraction.run(child_pid)
        yield app


@pytest.fixture
async def editor(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": "Bearer alice-secret-token"}
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as http:
        yield http


async def _articles(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(Article)) or 0)
    finally:
        await engine.dispose()


async def _ingest(editor: httpx.AsyncClient, **fields: str) -> dict[str, Any]:
    return await post_query(editor, INGEST, {"input": {"body": BODY, **fields}})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": "x" * 5001}, "body",
         "body has 5,001 characters; the limit is 5,000 (QUOTEGRAPH_MAX_ARTICLE_CHARS); "
         "send a shorter article or split it"),
        ({"body": "Talks resume\n\nThe minister\x00 said so."}, "body",
         "body has a NUL character at offset 26; remove it"),
        ({"title": "  Talks\x00"}, "title", "title has a NUL character at offset 7; remove it"),
        ({"publisher": "\x00AFP"}, "publisher", "publisher has a NUL character at offset 0; remove it"),
        ({"url": "https://example.com/\x00"}, "url", "url has a NUL character at offset 20; remove it"),
        ({"publisher": "  " + "A" * 301 + " "}, "publisher", "publisher has 301 characters; a name "
         "may have at most 300; send the name alone"),
    ],
)
async def test_refused_input_is_a_validation_error_and_stores_nothing(
    editor: httpx.AsyncClient, database_url: str, fields: dict[str, str], field: str, message: str
) -> None:
    body = await _ingest(editor, **fields)
    assert body["data"] == {"ingestArticle": {
        "__typename": "ValidationError", "field": field, "message": message,
    }}
    assert await _articles(database_url) == 0


async def test_a_body_at_the_limit_is_stored(editor: httpx.AsyncClient, database_url: str) -> None:
    body = BODY + " " * (LIMIT - len(BODY))
    answer = await _ingest(editor, body=body)
    assert answer["data"]["ingestArticle"]["created"] is True
    assert await _articles(database_url) == 1


@pytest.mark.parametrize(
    ("query", "variables", "field", "message"),
    [
        (DELETE, {"id": "U3RhdGVtZW50OjE=\x00"}, "id",
         "id has a NUL character at offset 16; remove it"),
        (MERGE, {"source": "\x00", "target": "QWN0b3I6MQ=="}, "sourceId",
         "sourceId has a NUL character at offset 0; remove it"),
    ],
)
async def test_a_nul_in_any_mutation_id_is_a_validation_error(
    editor: httpx.AsyncClient, query: str, variables: dict[str, str], field: str, message: str
) -> None:
    body = await post_query(editor, query, variables)
    (result,) = body["data"].values()
    assert result == {"__typename": "ValidationError", "field": field, "message": message}


async def test_an_ingest_past_the_timeout_is_stopped_and_stores_nothing(
    app: Starlette, editor: httpx.AsyncClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool: ProcessPool = app.state.extraction
    (first,) = pool.pids
    monkeypatch.setattr(ingest, "extract_article", slow_extract)
    request = asyncio.ensure_future(_ingest(editor, body=f"{BODY}\n{SPIN}"))
    assert await busy_child(pool, request) == first
    body = await request
    assert body.get("data") is None
    assert [e["extensions"] for e in body["errors"]] == [
        {"code": "QUERY_TOO_COMPLEX", "timeoutMs": TIMEOUT_MS}
    ]
    assert await gone(first)
    assert pool.pids == ()
    assert await _articles(database_url) == 0
    stored = await _ingest(editor, body=SEED_FILE.read_text(encoding="utf-8"))
    assert stored["data"]["ingestArticle"]["created"] is True
    assert first not in pool.pids and len(pool.pids) == 1
    assert await _articles(database_url) == 1


@pytest.fixture
async def pool() -> AsyncIterator[ProcessPool]:
    pool = extraction_pool()
    yield pool
    await pool.close()


async def test_a_cancel_during_the_write_rolls_it_back(
    engine: AsyncEngine, pool: ProcessPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    writing, store = asyncio.Event(), ingest.store_articles

    async def store_then_hang(
        session: AsyncSession, items: list[tuple[ArticleInput, Extraction]]
    ) -> list[list[int] | None]:
        stored = await store(session, items)
        async with engine.connect() as conn:  # a reader outside the transaction sees nothing
            assert await conn.scalar(select(func.count()).select_from(Article)) == 0
        writing.set()
        await asyncio.sleep(60)  # the cancel comes here, the rows inserted, not committed
        return stored

    monkeypatch.setattr(ingest, "store_articles", store_then_hang)
    article = ArticleInput(body=SEED_FILE.read_text(encoding="utf-8"), source="test")
    task = asyncio.ensure_future(ingest_text(session_factory(engine), article, pool))
    await asyncio.wait_for(writing.wait(), 60)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with engine.connect() as conn:
        counts = [await conn.scalar(select(func.count()).select_from(t)) for t in (Article, Statement)]
    assert counts == [0, 0]
    monkeypatch.undo()
    _, created = await ingest_text(session_factory(engine), article, pool)
    async with engine.connect() as conn:  # PostgreSQL's sequences do not roll back: no ids
        articles = await conn.scalar(select(func.count()).select_from(Article))
    assert (created, articles) == (True, 1)
