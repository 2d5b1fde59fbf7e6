"""Quote clustering against known ground truth: `python -m bench.quotes [--quotations N]
[--background N] [--database-url URL] [--jobs J]`.

Loads the synthetic corpus's re-report articles (`bench.corpus.rereports`: each quotation
in several articles, cut, with an ellipsis, re-punctuated, as a partial quote, by
pronoun; stock phrases by several speakers; a speaker's quotations sharing a few words),
shuffled among `--background` ordinary articles of the corpus, through the real write
path (`api.load.bulk.load_articles`: extraction in worker processes, batches per
transaction), then prints the pairwise precision and recall of the quotes the clustering
made against the labels the corpus planted. Each planted statement is found as the stored
statement overlapping its words; those extraction missed are counted, not scored.

The database is a new SQLite file by default; a PostgreSQL `--database-url` is EMPTIED.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select as sa_select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from api.load.bulk import load_articles
from api.load.ingest import ArticleInput
from api.store.db import create_engine, session_factory, upgrade
from api.store.models import Article, Statement
from bench.corpus import DEFAULT_SEED, Planted, corpus, pairwise_scores, rereports
from bench.ingest import empty_database


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    articles, planted = rereports(args.quotations, args.seed)
    mixed = [*articles, *corpus(args.background, args.seed)]
    random.Random(f"order:{args.seed}").shuffle(mixed)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'quotes.db'}"
        if make_url(url).get_backend_name() == "postgresql":
            asyncio.run(empty_database(url))
        upgrade(url)
        started = time.perf_counter()
        found = asyncio.run(_load_and_read(url, mixed, planted, args.jobs, args.batch))
        seconds = time.perf_counter() - started
    scored = {key: quote for key, quote in found.items() if not isinstance(quote, bool)}
    truth = {_key(p): p.label for p in planted}
    precision, recall = pairwise_scores({k: truth[k] for k in scored}, scored)
    print(f"loaded {len(articles)} re-report and {args.background} other articles in "
          f"{seconds:.1f} s (--jobs {args.jobs} --batch {args.batch})")
    print(f"planted statements: {len(planted)} ({len(set(truth.values()))} quotes); "
          f"found as statements: {len(scored)}")
    print(f"pairwise precision {precision:.3f}, recall {recall:.3f}")
    if args.show_errors:
        _show_errors(truth, scored)
    return 0


def _show_errors(truth: dict[str, str], found: dict[str, int | None]) -> None:
    """Each pair put together but planted apart, and apart but planted together."""
    items = sorted(found)
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            together = found[a] is not None and found[a] == found[b]
            if together != (truth[a] == truth[b]):
                print(f"{'merged' if together else 'missed'}: {truth[a]} {a!r}\n"
                      f"        {truth[b]} {b!r}")


def _key(planted: Planted) -> str:
    return f"{planted.source}@{planted.at}:{planted.written}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.quotes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quotations", type=int, default=60, help="quotations re-reported (60)")
    parser.add_argument("--background", type=int, default=500,
                        help="ordinary corpus articles mixed in (500)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed ({DEFAULT_SEED})")
    parser.add_argument("--database-url", help="database to load (default: a new SQLite "
                        "file); a PostgreSQL one is EMPTIED first")
    parser.add_argument("--jobs", type=int, default=2, help="extraction processes (2)")
    parser.add_argument("--batch", type=int, default=200, help="articles per transaction (200)")
    parser.add_argument("--show-errors", action="store_true",
                        help="print each pair the clustering got wrong")
    return parser


async def _load_and_read(
    url: str, articles: Sequence[ArticleInput], planted: Sequence[Planted], jobs: int,
    batch: int,
) -> dict[str, int | None | bool]:
    """Load, then each planted statement's quote: its id, None (a statement without a
    quote), or False (no statement found where it was planted)."""
    engine = create_engine(url)
    try:
        report = await load_articles(engine, articles, jobs=jobs, batch=batch)
        if report.errors:
            raise RuntimeError(f"{len(report.errors)} articles not stored: {report.errors[0]}")
        return await _quotes_of(engine, planted)
    finally:
        await engine.dispose()


async def _quotes_of(
    engine: AsyncEngine, planted: Sequence[Planted]
) -> dict[str, int | None | bool]:
    sources = sorted({p.source for p in planted})
    async with session_factory(engine)() as session:
        rows = await (await session.connection()).execute(
            sa_select(col(Article.source), col(Statement.start),
                      col(Statement.end), col(Statement.quote_id))
            .join(Article, col(Article.id) == Statement.article_id)
            .where(col(Article.source).in_(sources))
        )
        spans: dict[str, list[tuple[int, int, int | None]]] = {}
        for source, start, end, quote_id in rows.all():
            assert source is not None
            spans.setdefault(source, []).append((start, end, quote_id))
    found: dict[str, int | None | bool] = {}
    for p in planted:
        key, at = _key(p), p.at
        overlapping = [(min(end, at + len(p.written)) - max(start, at), quote)
                       for start, end, quote in spans.get(p.source, [])
                       if start < at + len(p.written) and at < end]
        found[key] = max(overlapping, key=lambda o: o[0])[1] if overlapping else False
    return found


if __name__ == "__main__":
    sys.exit(main())
