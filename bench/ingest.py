"""Bulk ingest throughput: `python -m bench.ingest --articles N [--corpus DIR] [--jobs J]`.

Loads N articles, extraction included, into an emptied PostgreSQL benchmark
database (default qg_bulk_speed on 127.0.0.1, created if missing; DATABASE_URL is
never read) with `api.load.bulk.load_articles`, and prints articles/s, statements/s and
the peak RSS of the main process and of the largest extraction worker.

Articles come from `--corpus` (article files as `python -m api seed` reads them),
else from the PolNeAR train and dev texts beside this repository. When the
corpus holds fewer than N articles it is repeated; each repeat gets a numbered
closing line, so every copy is a new article (a new content hash).
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import resource
import sys
import time
from collections.abc import Iterator
from itertools import count, islice
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from api.errors import SeedFileError
from api.load.bulk import load_articles
from api.load.ingest import ArticleInput
from api.load.seed import iter_articles
from api.store.db import async_url, create_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "corpora" / "polnear"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/qg_bulk_speed"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if make_url(args.database_url).get_backend_name() != "postgresql":
        print("error: --database-url must be a PostgreSQL URL", file=sys.stderr)
        return 2
    folders = [args.corpus] if args.corpus else sorted(POLNEAR.glob("*/text"))
    source = list(_corpus(folders))
    if not source:
        print(f"error: no articles under {', '.join(map(str, folders))}", file=sys.stderr)
        return 2
    asyncio.run(empty_database(args.database_url))
    upgrade(args.database_url)
    articles = islice(_repeated(source), args.articles)
    busy = machine_busy_seconds()
    seconds, created, statements, errors = asyncio.run(
        _load(args.database_url, articles, args.jobs, args.batch, args.articles)
    )
    machine = machine_busy_seconds()
    _print_figures(args, len(source), seconds, created, statements, errors,
                   None if busy is None or machine is None else machine - busy)
    return 0 if errors == 0 else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000, help="articles to load (2000)")
    parser.add_argument("--corpus", type=Path, help="article files or a folder of them "
                        "(default: ../shared/corpora/polnear/{train,dev}/text)")
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help=f"PostgreSQL database to EMPTY and load ({DEFAULT_URL})")
    parser.add_argument("--jobs", type=int, default=2, help="extraction processes (2)")
    parser.add_argument("--batch", type=int, default=200, help="articles per transaction (200)")
    return parser


def _corpus(folders: list[Path]) -> Iterator[ArticleInput]:
    errors: list[SeedFileError] = []
    yield from iter_articles(folders, errors)
    for error in errors:
        print(f"skipped {error}", file=sys.stderr)


def _repeated(source: list[ArticleInput]) -> Iterator[ArticleInput]:
    """The corpus, then copies of it, each copy's articles ending in a numbered line."""
    yield from source
    for copy in count(2):
        for article in source:
            body = f"{article.body.rstrip()}\n\nFiled as dispatch {copy}.\n"
            yield dataclasses.replace(article, body=body, source=f"{article.source} #{copy}")


async def empty_database(url: str) -> None:
    """Create the benchmark database if it is missing, and drop everything in it."""
    parsed = make_url(url)
    server_url = async_url(parsed.set(database="postgres").render_as_string(hide_password=False))
    server = create_async_engine(server_url, isolation_level="AUTOCOMMIT")  # CREATE DATABASE
    try:
        async with server.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        await server.dispose()
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def _load(
    url: str, articles: Iterator[ArticleInput], jobs: int, batch: int, total: int
) -> tuple[float, int, int, int]:
    from tqdm import tqdm

    engine = create_engine(url)
    bar = tqdm(total=total, unit="article", file=sys.stderr, disable=not sys.stderr.isatty())
    started = time.perf_counter()
    try:
        report = await load_articles(engine, articles, jobs=jobs, batch=batch, progress=bar)
    finally:
        bar.close()
        await engine.dispose()
    seconds = time.perf_counter() - started
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    return seconds, report.created, report.statements, len(report.errors)


def _print_figures(
    args: argparse.Namespace, distinct: int, seconds: float, created: int, statements: int,
    errors: int, machine: float | None,
) -> None:
    main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"corpus: {args.corpus or POLNEAR} ({distinct} distinct articles, repeated as needed)")
    print(f"loaded {created} article(s), {statements} statement(s), {errors} error(s) "
          f"in {seconds:.1f} s with --jobs {args.jobs} --batch {args.batch}")
    print(f"throughput: {created / seconds:.1f} articles/s, {statements / seconds:.0f} statements/s")
    print(f"peak RSS: main {main_mb:.0f} MB, largest worker {worker_mb:.0f} MB")
    own, workers = (_cpu_seconds(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"CPU per article: main {own / created * 1000:.1f} ms, "
          f"workers {workers / created * 1000:.1f} ms (PostgreSQL's own not counted)")
    if machine is not None and workers > 0:
        print(f"machine CPU per article: {machine / created * 1000:.1f} ms (every process, "
              f"PostgreSQL's included), {machine / workers:.3f}x the extraction's")


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has been busy (user, nice, system, irq, softirq),
    from Linux's /proc/stat; None elsewhere. Extraction is the same work in any two runs,
    so the machine's CPU over the workers' is a cost that a machine running faster or
    slower between runs does not move."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    sys.exit(main())
