"""Search at scale: `python -m bench.search [--statements 1000000] [--runs 200]` (not in CI).

Fills a PostgreSQL database of its own (`--database-url`, default
postgresql://postgres@127.0.0.1:5432/qg_fts_bench, created if missing; never
DATABASE_URL) and, with `--sqlite PATH`, a SQLite file, with synthetic rows written
straight in SQL (plan checking only, not realistic text): `--statements` statements,
20 per article, 14 random words each, the word 'zakharova' in 0.1% of them and
'kremlin' in 1%; one busy location holds 5% of the statements. The fill runs at
migration 0002 and the upgrade to head builds the search indexes over it, as it would
over a real database. A filled database is reused when its statement count matches.

Then prints EXPLAIN ANALYZE (PostgreSQL) of the statement page the loaders produce for
q3 (search, first 20) and q4 (busy location and a date range, first 50), and latency
(p50, p99 over `--runs` runs) of that page's SQL alone, run as the loaders run it, and
of the whole q3 and q4 through the app in process (ASGI, no HTTP).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

from api.app import create_app
from api.loaders.criteria import StatementCriteria
from api.loaders.listings import ROOT, STATEMENTS, Window, page_statement
from api.settings import Settings
from api.store.db import create_engine, upgrade

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/qg_fts_bench"
PER_ARTICLE = 20
BUSY_LOCATION = 1
RARE, COMMON = "zakharova", "kremlin"  # in 0.1% and 1% of the statements
FROM, TO = dt.date(2018, 1, 1), dt.date(2019, 12, 31)

Q3 = """query ($q: String!) { statements(filter: {search: $q}, first: 20) {
  nodes { id text speaker { name } article { title publishedAt } } } }"""
Q4 = """query ($l: ID!, $f: Date!, $t: Date!) {
  statements(filter: {locationId: $l, publishedFrom: $f, publishedTo: $t}, first: 50) {
  nodes { id text speaker { name } } } }"""

# One statement of random words from a skewed vocabulary, plus the marker words.
_PG_TEXT = """(SELECT string_agg('w' || floor(power(random(), 2) * 50000)::int, ' ')
  FROM generate_series(1, 14) WHERE g > 0)
  || CASE WHEN g % 1000 = 0 THEN ' Zakharova''s' ELSE '' END
  || CASE WHEN g % 100 = 1 THEN ' Kremlin' ELSE '' END"""

_PG_FILL = (
    "SELECT setseed(0.42)",
    """INSERT INTO actor (id, name, name_key, kind)
       SELECT g, 'Actor ' || g, 'actor ' || g, 'PERSON' FROM generate_series(1, 2000) g""",
    """INSERT INTO location (id, key, name, name_key, kind)
       SELECT g, 'loc-' || g, 'Place ' || g, 'place ' || g, 'CITY'
       FROM generate_series(1, 300) g""",
    """INSERT INTO article (id, title, published_at, publisher, body, content_hash, created_at)
       SELECT g, 'Article ' || g,
              CASE WHEN g % 100 = 0 THEN NULL ELSE date '2010-01-01' + (g * 7919 % 6000) END,
              'AFP', '', md5(g::text) || md5((-g)::text), now()
       FROM generate_series(1, :articles) g""",
    f"""INSERT INTO statement (id, article_id, text, kind, speaker_id, start, "end")
       SELECT g, (g - 1) / {PER_ARTICLE} + 1, {_PG_TEXT}, 'INDIRECT',
              1 + floor(power(random(), 3) * 2000)::int,
              ((g - 1) % {PER_ARTICLE}) * 200, ((g - 1) % {PER_ARTICLE}) * 200 + 150
       FROM generate_series(1, :statements) g""",
    f"""INSERT INTO statement_location (statement_id, location_id)
       SELECT g, {BUSY_LOCATION} FROM generate_series(20, :statements, 20) g""",
    """INSERT INTO statement_location (statement_id, location_id)
       SELECT g, 2 + g * 31 % 299 FROM generate_series(3, :statements, 3) g""",
    "SELECT setval(pg_get_serial_sequence(t, 'id'), (SELECT max(id) FROM "
    "(SELECT max(id) AS id FROM statement UNION SELECT max(id) FROM article) m)) "
    "FROM unnest(ARRAY['statement', 'article']) t",
)

_SQLITE_SERIES = "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ?)"
_SQLITE_WORD = "'w' || ((abs(random()) % 224) * (abs(random()) % 224))"
_SQLITE_TEXT = (
    " || ' ' || ".join([_SQLITE_WORD] * 14)
    + " || CASE WHEN g % 1000 = 0 THEN ' Zakharova''s' ELSE '' END"
    + " || CASE WHEN g % 100 = 1 THEN ' Kremlin' ELSE '' END"
)
_SQLITE_FILL = (
    (f"""{_SQLITE_SERIES} INSERT INTO actor (id, name, name_key, kind)
        SELECT g, 'Actor ' || g, 'actor ' || g, 'PERSON' FROM s""", "actors"),
    (f"""{_SQLITE_SERIES} INSERT INTO location (id, key, name, name_key, kind)
        SELECT g, 'loc-' || g, 'Place ' || g, 'place ' || g, 'CITY' FROM s""", "locations"),
    (f"""{_SQLITE_SERIES} INSERT INTO article
        (id, title, published_at, publisher, body, content_hash, created_at)
        SELECT g, 'Article ' || g,
               CASE WHEN g % 100 = 0 THEN NULL ELSE date('2010-01-01', '+' || (g * 7919 % 6000)
               || ' days') END, 'AFP', '', printf('%064d', g), '2026-01-01 00:00:00'
        FROM s""", "articles"),
    (f"""{_SQLITE_SERIES} INSERT INTO statement (id, article_id, text, kind, speaker_id, start,
        "end")
        SELECT g, (g - 1) / {PER_ARTICLE} + 1, {_SQLITE_TEXT}, 'INDIRECT',
               1 + (abs(random()) % 2000), ((g - 1) % {PER_ARTICLE}) * 200,
               ((g - 1) % {PER_ARTICLE}) * 200 + 150
        FROM s""", "statements"),
    (f"""{_SQLITE_SERIES} INSERT INTO statement_location (statement_id, location_id)
        SELECT g, {BUSY_LOCATION} FROM s WHERE g % 20 = 0""", "statements"),
    (f"""{_SQLITE_SERIES} INSERT INTO statement_location (statement_id, location_id)
        SELECT g, 2 + g * 31 % 299 FROM s WHERE g % 3 = 0""", "statements"),
)


def _alembic(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(REPO / "migrations"))
    config.attributes["database_url"] = url
    return config


async def _scalar(url: str, sql: str) -> Any:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(sql))).scalar()
    finally:
        await engine.dispose()


async def _create_database(url: str) -> None:
    name = make_url(url).database
    server = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    engine = create_engine(server)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            found = await connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if found.scalar() is None:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


async def _statement_count(url: str) -> int | None:
    try:
        return int(await _scalar(url, "SELECT count(*) FROM statement"))
    except Exception:  # noqa: BLE001  (no table yet: fill it)
        return None


async def _fill_postgres(url: str, statements: int) -> None:
    engine = create_engine(url)
    values = {"articles": statements // PER_ARTICLE, "statements": statements}
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await asyncio.to_thread(upgrade, url, "0002_corrections")
        async with engine.begin() as connection:
            for sql in _PG_FILL:
                await connection.execute(text(sql), values)
    finally:
        await engine.dispose()


def _fill_sqlite(path: Path, statements: int) -> None:
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url, "0002_corrections")
    sizes = {"actors": 2000, "locations": 300, "articles": statements // PER_ARTICLE,
             "statements": statements}
    with sqlite3.connect(path) as connection:
        for sql, size in _SQLITE_FILL:
            connection.execute(sql, (sizes[size],))


def _page_sql(criteria: StatementCriteria, size: int) -> str:
    query = page_statement(STATEMENTS, criteria, Window(size), [ROOT])
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


async def _explain(url: str) -> None:
    for name, criteria, size in _cases():
        sql = _page_sql(criteria, size)
        plan = await _rows(url, f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        print(f"--- {name}\n{sql}\n" + "\n".join(row[0] for row in plan))


async def _execute(url: str, sql: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


async def _rows(url: str, sql: str) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text(sql))).all())
    finally:
        await engine.dispose()


def _cases() -> list[tuple[str, StatementCriteria, int]]:
    return [
        (f"q3 '{RARE}' (0.1%)", StatementCriteria(words=(RARE,)), 20),
        (f"q3 '{COMMON}' (1%)", StatementCriteria(words=(COMMON,)), 20),
        ("q4 busy location, 2 years", StatementCriteria(
            location_id=BUSY_LOCATION, published_from=FROM, published_to=TO), 50),
    ]


async def _sql_latency(url: str, runs: int) -> None:
    """The statement page alone, as the loaders run it (same engine settings as the app)."""
    engine = create_engine(url)
    try:
        for name, criteria, size in _cases():
            times = []
            for i in range(runs + 5):
                started = time.perf_counter()
                async with engine.connect() as connection:
                    found = await connection.execute(
                        page_statement(STATEMENTS, criteria, Window(size), [ROOT])
                    )
                    rows = found.all()
                if i >= 5:
                    times.append(time.perf_counter() - started)
            print(f"{make_url(url).get_backend_name():10} SQL  {name:28} {len(rows):3} rows  "
                  f"p50 {_ms(times, 0.50):7.2f} ms  p99 {_ms(times, 0.99):7.2f} ms")
    finally:
        await engine.dispose()


async def _latency(url: str, runs: int) -> None:
    app = create_app(Settings(database_url=url, rate_limit=None, response_cache="off"))
    gid = "TG9jYXRpb246MQ=="  # Location:1, the busy location
    cases = [
        (f"q3 '{RARE}' (0.1%)", Q3, {"q": RARE}),
        (f"q3 '{COMMON}' (1%)", Q3, {"q": COMMON}),
        ("q4 busy location, 2 years", Q4, {"l": gid, "f": FROM.isoformat(), "t": TO.isoformat()}),
    ]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, query, variables in cases:
                times = await _time(client, query, variables, runs)
                print(f"{make_url(url).get_backend_name():10} app  {name:28} "
                      f"p50 {_ms(times, 0.50):7.2f} ms  p99 {_ms(times, 0.99):7.2f} ms")


async def _time(
    client: httpx.AsyncClient, query: str, variables: dict[str, str], runs: int
) -> list[float]:
    times = []
    for i in range(runs + 5):  # five warm-up requests
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        elapsed = time.perf_counter() - started
        body = response.json()
        nodes = next(iter(body["data"].values()))["nodes"] if body.get("data") else None
        if response.status_code != 200 or body.get("errors") or not nodes:
            raise SystemExit(f"bad answer to {variables}: {response.text[:300]}")
        if i >= 5:
            times.append(elapsed)
    return times


def _ms(times: list[float], quantile: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[round(quantile * 100) - 1] * 1000


async def _postgres(url: str, statements: int, runs: int) -> None:
    await _create_database(url)
    if await _statement_count(url) != statements:
        started = time.perf_counter()
        await _fill_postgres(url, statements)
        print(f"filled in {time.perf_counter() - started:.0f} s; building the indexes")
    started = time.perf_counter()
    await asyncio.to_thread(upgrade, url)
    await _execute(url, "VACUUM ANALYZE")  # hint bits and visibility, as a settled database has
    print(f"migrated to head in {time.perf_counter() - started:.0f} s")
    await _explain(url)
    await _sql_latency(url, runs)
    await _latency(url, runs)


async def _sqlite(path: Path, statements: int, runs: int) -> None:
    url = f"sqlite:///{path}"
    if not path.exists() or await _statement_count(url) != statements:
        started = time.perf_counter()
        await asyncio.to_thread(_fill_sqlite, path, statements)
        print(f"filled {path} in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    await asyncio.to_thread(upgrade, url)
    await _execute(url, "ANALYZE")
    print(f"migrated to head in {time.perf_counter() - started:.0f} s")
    await _sql_latency(url, runs)
    await _latency(url, runs)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", type=Path, default=None, help="also a SQLite file here")
    args = parser.parse_args()
    asyncio.run(_postgres(args.database_url, args.statements, args.runs))
    if args.sqlite is not None:
        asyncio.run(_sqlite(args.sqlite, args.statements, args.runs))


if __name__ == "__main__":
    main()
