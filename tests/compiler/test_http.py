"""The compiled path over HTTP: one SQL statement for q1, the same response as Strawberry's,
and QUOTEGRAPH_COMPILED_SQL=0 to turn it off."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.compiler import Compiler
from api.compiler.sql import Builder
from api.errors import SettingsError
from api.load.seed import seed_paths
from api.settings import Settings
from tests.compiler.test_equivalence import Q1, Q5
from tests.conftest import SEED_FILE
from tests.schema.helpers import post_query
from tests.servers import app_client

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def _client(database_url: str, *, compiled: bool) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=database_url, debug=True, compiled_sql=compiled)
    async with app_client(settings) as http:
        yield http


async def _post_both(
    engine: AsyncEngine, database_url: str, query: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    await seed_paths(engine, [SEED_FILE.parent])
    async with _client(database_url, compiled=True) as http:
        compiled = await post_query(http, query, variables)
    async with _client(database_url, compiled=False) as http:
        plain = await post_query(http, query, variables)
    return compiled, plain


async def test_q1_is_one_statement_with_strawberrys_answer(
    engine: AsyncEngine, database_url: str
) -> None:
    compiled, plain = await _post_both(engine, database_url, Q1)
    assert (compiled["extensions"]["sqlStatements"], plain["extensions"]["sqlStatements"]) == (1, 5)
    assert compiled["data"] == plain["data"]
    assert compiled["extensions"]["cost"] == plain["extensions"]["cost"] == 2550
    assert list(compiled) == list(plain) == ["data", "extensions"]


async def test_errors_are_strawberrys(engine: AsyncEngine, database_url: str) -> None:
    compiled, plain = await _post_both(engine, database_url, Q5, {"id": "nope"})
    assert compiled["errors"] == plain["errors"]
    assert compiled["errors"][0]["message"] == (
        "'nope' is not a Quotegraph id; use an `id` returned by the API"
    )


def test_compiled_sql_is_on_unless_turned_off() -> None:
    assert Settings.from_env({}).compiled_sql is True
    assert Settings.from_env({"QUOTEGRAPH_COMPILED_SQL": "0"}).compiled_sql is False
    assert Settings.from_env({"QUOTEGRAPH_COMPILED_SQL": "1"}).compiled_sql is True
    with pytest.raises(SettingsError, match="QUOTEGRAPH_COMPILED_SQL"):
        Settings.from_env({"QUOTEGRAPH_COMPILED_SQL": "sometimes"})


async def test_a_statement_the_database_refuses_falls_back_to_strawberry(
    engine: AsyncEngine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(Builder, "statement", lambda _self, _plan: text("SELECT nope FROM nowhere"))
    with caplog.at_level(logging.ERROR, logger="quotegraph.compiler"):
        compiled, plain = await _post_both(engine, database_url, Q1)
    assert compiled["data"] == plain["data"]
    assert len(compiled["data"]["articles"]["nodes"]) == 1
    assert compiled["extensions"]["sqlStatements"] == 5  # Strawberry answered
    [record] = caplog.records
    assert record.getMessage().endswith("the compiled query failed")


async def test_the_timeout_stops_a_compiled_query(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow(*_args: object) -> None:
        await asyncio.sleep(5)

    monkeypatch.setattr(Compiler, "_run", slow)
    async with app_client(Settings(database_url=database_url, query_timeout_ms=50)) as http:
        body = (await http.post("/graphql", json={"query": Q1})).json()
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX", "timeoutMs": 50}


async def test_queries_by_get_are_compiled_too(engine: AsyncEngine, database_url: str) -> None:
    await seed_paths(engine, [SEED_FILE.parent])
    params = {"query": "{ articles { totalCount nodes { title } } }"}
    async with _client(database_url, compiled=True) as http:
        body = (await http.get("/graphql", params=params)).json()
    assert body["data"] == {"articles": {"totalCount": 1, "nodes": [
        {"title": "Syrian rebels reject withdrawal plan amid Russia's chilling warnings"}
    ]}}
    assert body["extensions"]["sqlStatements"] == 1
