"""The benchmark databases: (re)created and loaded with the synthetic corpus, or reused.

Each database holds a marker row (`bench_corpus`: articles, seed, sha256 of the
texts); a database whose marker matches is used as it is, so repeated runs skip
loading. Anything else is dropped and loaded afresh: these databases belong to
the benchmark. PostgreSQL databases are created with the C collation, so names
sort the same way as in SQLite.
"""
from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from api.store.db import is_sqlite, upgrade
from bench.corpus import corpus, digest, load

MARKER_DDL = "CREATE TABLE IF NOT EXISTS bench_corpus (articles INTEGER, seed INTEGER, sha256 TEXT)"


def asyncpg_dsn(url: str) -> str:
    """A plain postgresql:// DSN (no SQLAlchemy driver suffix) for asyncpg and node."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database, f"{url} names no SQLite file"
    return Path(database)


def ensure(urls: list[str], articles: int, seed: int) -> list[str]:
    """Load the corpus into every database of `urls` whose marker differs, in parallel
    (one process per database, each extracting on its own); the urls it (re)loaded."""
    wanted = (articles, seed, digest(articles, seed))
    stale = [url for url in urls if _marker(url) != wanted]
    context = multiprocessing.get_context("spawn")
    jobs = 1 if len(stale) > 1 else 2
    processes = [context.Process(target=_reload, args=(url, wanted, jobs)) for url in stale]
    for process in processes:
        process.start()
    for url, process in zip(stale, processes, strict=True):
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"loading the corpus into {_safe(url)} failed (exit {process.exitcode})")
    for url in urls:
        if url not in stale:
            settle(url)
    return stale


def settle(url: str) -> None:
    """Bring a reused database to this code's migrations and refresh its statistics: a
    migration adding an index since the load leaves the planner blind to it until then."""
    upgrade(url)
    if is_sqlite(url):
        import sqlite3

        with sqlite3.connect(sqlite_path(url)) as conn:
            conn.execute("ANALYZE")
    else:
        asyncio.run(_analyze(url))


async def _analyze(url: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        # Every client of the database (PostGraphile, the plain-SQL limit) gets the custom
        # plans Quotegraph asks for on its own connections (api/store/db.py): prepared statements
        # otherwise fall back to one generic plan blind to the date range or the word.
        name = make_url(url).database
        await conn.execute(f'ALTER DATABASE "{name}" SET plan_cache_mode = force_custom_plan')
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _marker(url: str) -> tuple[int, int, str] | None:
    if is_sqlite(url):
        return _sqlite_marker(sqlite_path(url))
    return asyncio.run(_pg_marker(url))


def _sqlite_marker(path: Path) -> tuple[int, int, str] | None:
    import sqlite3

    if not path.exists():
        return None
    with sqlite3.connect(path) as conn:
        try:
            row = conn.execute("SELECT articles, seed, sha256 FROM bench_corpus").fetchone()
        except sqlite3.OperationalError:
            return None  # no marker table: not a benchmark database (yet)
    return None if row is None else (int(row[0]), int(row[1]), str(row[2]))


async def _pg_marker(url: str) -> tuple[int, int, str] | None:
    try:
        conn = await asyncpg.connect(asyncpg_dsn(url))
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        row = await conn.fetchrow("SELECT articles, seed, sha256 FROM bench_corpus")
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()
    return None if row is None else (int(row[0]), int(row[1]), str(row[2]))


def _reload(url: str, wanted: tuple[int, int, str], jobs: int) -> None:
    """Recreate the database empty, load the corpus, then write the marker (last, so an
    interrupted load is never taken for a finished one)."""
    articles, seed, sha = wanted
    if is_sqlite(url):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
    else:
        asyncio.run(_recreate_pg(url))
    load(url, list(corpus(articles, seed)), jobs=jobs)
    if is_sqlite(url):
        _write_sqlite_marker(sqlite_path(url), wanted)
    else:
        asyncio.run(_write_marker(url, wanted))
    print(f"loaded {articles} articles (seed {seed}, sha256 {sha[:12]}) into {_safe(url)}")


async def _recreate_pg(url: str) -> None:
    name = make_url(url).database
    admin = await asyncpg.connect(asyncpg_dsn(make_url(url).set(database="postgres")
                                              .render_as_string(hide_password=False)))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                            "LC_COLLATE 'C' LC_CTYPE 'C'")
        # A scratch database: the loader commits once per article, and waiting for each
        # commit's WAL flush buys nothing here (a crash means reloading anyway).
        await admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        await admin.execute(f'ALTER DATABASE "{name}" SET plan_cache_mode = force_custom_plan')
    finally:
        await admin.close()


async def _write_marker(url: str, wanted: tuple[int, int, str]) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute(MARKER_DDL)
        await conn.execute("INSERT INTO bench_corpus VALUES ($1, $2, $3)", *wanted)
        await conn.execute("ANALYZE")  # fresh statistics, so plans match a settled database
    finally:
        await conn.close()


def _write_sqlite_marker(path: Path, wanted: tuple[int, int, str]) -> None:
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute(MARKER_DDL)
        conn.execute("INSERT INTO bench_corpus VALUES (?, ?, ?)", wanted)
        conn.execute("ANALYZE")
